import { z } from 'zod';
import { applyLongOnly, intParam, longOnlyParam } from './common.ts';
import type { SignalValue, StrategyDefinition } from './types.ts';

export const momentumParams = z.strictObject({
  period: intParam(10),
  /** In percent, like the `roc` indicator: 0.5 means 0.5%. */
  threshold: z.number().nonnegative().default(0.0),
  long_only: longOnlyParam(),
});

export type MomentumParams = z.infer<typeof momentumParams>;

/**
 * Rate-of-change momentum: long when ROC(period) > threshold, short when ROC < -threshold,
 * flat otherwise (including exactly on a boundary). `threshold` is in percent.
 */
export const momentum: StrategyDefinition<typeof momentumParams> = {
  type: 'momentum',
  description: 'Rate-of-change momentum: long when ROC(period) > threshold %, short when ROC < -threshold %, flat otherwise.',
  params: momentumParams,
  paramSpace: { period: [5, 10, 20], threshold: [0, 0.5, 1] },
  streams: 1,
  features: (p) => ({
    roc: { indicator: 'roc', params: { period: p.period } },
  }),
  decide: (f, _bars, p) => {
    let signal: SignalValue = 0;
    if (f.roc > p.threshold) signal = 1;
    else if (f.roc < -p.threshold) signal = -1;
    return applyLongOnly(signal, p.long_only);
  },
};

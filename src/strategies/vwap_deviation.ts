import { z } from 'zod';
import { applyLongOnly, intParam, longOnlyParam } from './common.ts';
import type { StrategyDefinition } from './types.ts';

export const vwapDeviationParams = z.strictObject({
  period: intParam(20),
  /** Deviation from VWAP as a fraction: 0.005 means 0.5%. */
  threshold: z.number().nonnegative().default(0.005),
  long_only: longOnlyParam(),
});

export type VwapDeviationParams = z.infer<typeof vwapDeviationParams>;

/**
 * VWAP mean reversion: with dev = close / vwap - 1, long when dev < -threshold, short when
 * dev > threshold, flat once |dev| <= threshold / 4, otherwise hold. No opinion (null)
 * while the VWAP is not positive.
 */
export const vwapDeviation: StrategyDefinition<typeof vwapDeviationParams> = {
  type: 'vwap_deviation',
  description:
    'VWAP deviation mean reversion: dev = close/vwap - 1; long when dev < -threshold, short when dev > threshold, flat when |dev| <= threshold/4, otherwise hold.',
  params: vwapDeviationParams,
  paramSpace: { period: [20, 50], threshold: [0.0025, 0.005, 0.01] },
  streams: 1,
  features: (p) => ({
    vwap: { indicator: 'vwap', params: { period: p.period } },
  }),
  decide: (f, bars, p) => {
    if (!(f.vwap > 0)) return null;
    const dev = bars[0].close / f.vwap - 1;
    if (dev < -p.threshold) return 1;
    if (dev > p.threshold) return applyLongOnly(-1, p.long_only);
    if (Math.abs(dev) <= p.threshold / 4) return 0;
    return null;
  },
};

import { z } from 'zod';
import { applyLongOnly, intParam, longOnlyParam } from './common.ts';
import type { StrategyDefinition } from './types.ts';

export const bollingerMeanReversionParams = z.strictObject({
  period: intParam(20),
  std_dev: z.number().positive().default(2.0),
  /** Exit zone half-width as a fraction of the half band width (upper - middle). */
  exit_fraction: z.number().min(0).max(1).default(0.1),
  long_only: longOnlyParam(),
});

export type BollingerMeanReversionParams = z.infer<typeof bollingerMeanReversionParams>;

/**
 * Bollinger band mean reversion with hysteresis: long when close < lower band, short when
 * close > upper band, flat once |close - middle| <= exit_fraction * (upper - middle), and
 * no opinion (hold) in between.
 */
export const bollingerMeanReversion: StrategyDefinition<typeof bollingerMeanReversionParams> = {
  type: 'bollinger_mean_reversion',
  description:
    'Bollinger mean reversion: long when close < lower band, short when close > upper band, flat when close is within exit_fraction of the half band width around the middle, otherwise hold.',
  params: bollingerMeanReversionParams,
  paramSpace: { period: [10, 20, 50], std_dev: [1.5, 2.0, 2.5], exit_fraction: [0.1, 0.25] },
  streams: 1,
  features: (p) => {
    const params = { period: p.period, std_dev: p.std_dev };
    return {
      upper: { indicator: 'bollinger', params, output: 'upper' },
      middle: { indicator: 'bollinger', params, output: 'middle' },
      lower: { indicator: 'bollinger', params, output: 'lower' },
    };
  },
  decide: (f, bars, p) => {
    const close = bars[0].close;
    if (close < f.lower) return 1;
    if (close > f.upper) return applyLongOnly(-1, p.long_only);
    if (Math.abs(close - f.middle) <= p.exit_fraction * (f.upper - f.middle)) return 0;
    return null;
  },
};

import { z } from 'zod';
import { applyLongOnly, intParam, longOnlyParam, requireParam } from './common.ts';
import type { StrategyDefinition } from './types.ts';

export const rsiMeanReversionParams = z
  .strictObject({
    period: intParam(14),
    oversold: z.number().min(0).max(100).default(30),
    overbought: z.number().min(0).max(100).default(70),
    /** Half-width of the exit band around RSI 50. */
    exit_band: z.number().nonnegative().default(5),
    long_only: longOnlyParam(),
  })
  .check((ctx) => {
    const p = ctx.value;
    requireParam(
      ctx,
      p.oversold < 50 - p.exit_band,
      'oversold',
      `oversold (${p.oversold}) must be below the exit band [${50 - p.exit_band}, ${50 + p.exit_band}] (50 - exit_band)`,
    );
    requireParam(
      ctx,
      p.overbought > 50 + p.exit_band,
      'overbought',
      `overbought (${p.overbought}) must be above the exit band [${50 - p.exit_band}, ${50 + p.exit_band}] (50 + exit_band)`,
    );
  });

export type RsiMeanReversionParams = z.infer<typeof rsiMeanReversionParams>;

/**
 * RSI mean reversion with hysteresis: long below `oversold`, short above `overbought`,
 * flat once RSI is back within `exit_band` of 50, and no opinion (hold) in between.
 */
export const rsiMeanReversion: StrategyDefinition<typeof rsiMeanReversionParams> = {
  type: 'rsi_mean_reversion',
  description:
    'RSI mean reversion: long when RSI < oversold, short when RSI > overbought, flat when |RSI - 50| <= exit_band, otherwise hold.',
  params: rsiMeanReversionParams,
  paramSpace: { period: [7, 14, 21], oversold: [20, 25, 30], overbought: [70, 75, 80], exit_band: [5] },
  streams: 1,
  features: (p) => ({
    rsi: { indicator: 'rsi', params: { period: p.period } },
  }),
  decide: (f, _bars, p) => {
    const rsi = f.rsi;
    if (rsi < p.oversold) return 1;
    if (rsi > p.overbought) return applyLongOnly(-1, p.long_only);
    if (Math.abs(rsi - 50) <= p.exit_band) return 0;
    return null;
  },
};

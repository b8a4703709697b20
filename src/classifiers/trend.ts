import { z } from 'zod';
import { clamp01, intParam, requireParam } from '../strategies/common.ts';
import type { ClassifierDefinition } from '../strategies/types.ts';

export const trendParams = z
  .strictObject({
    fast_period: intParam(20),
    slow_period: intParam(50),
    /** Relative SMA spread (a fraction) above which the market is trending. */
    threshold: z.number().positive().default(0.001),
  })
  .check((ctx) => {
    const p = ctx.value;
    requireParam(ctx, p.fast_period < p.slow_period, 'fast_period', `fast_period (${p.fast_period}) must be less than slow_period (${p.slow_period})`);
  });

export type TrendParams = z.infer<typeof trendParams>;

export const TREND_REGIMES = ['up', 'down', 'flat'] as const;

/**
 * Trend regime from the relative spread of two SMAs: spread = SMA(fast) / SMA(slow) - 1;
 * 'up' when spread > threshold, 'down' when spread < -threshold, else 'flat'.
 * confidence = min(1, |spread| / (5 * threshold)). No classification while SMA(slow) <= 0.
 */
export const trend: ClassifierDefinition<typeof trendParams> = {
  type: 'trend',
  description: "Trend regime: spread = SMA(fast)/SMA(slow) - 1; 'up' above threshold, 'down' below -threshold, else 'flat'.",
  params: trendParams,
  regimes: TREND_REGIMES,
  features: (p) => ({
    fast: { indicator: 'sma', params: { period: p.fast_period } },
    slow: { indicator: 'sma', params: { period: p.slow_period } },
  }),
  classify: (f, _bars, p) => {
    if (!(f.slow > 0)) return null;
    const spread = f.fast / f.slow - 1;
    const regime = spread > p.threshold ? 'up' : spread < -p.threshold ? 'down' : 'flat';
    return { regime, confidence: clamp01(Math.abs(spread) / (p.threshold * 5)) };
  },
};

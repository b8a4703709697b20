import { z } from 'zod';
import { clamp01, intParam, requireParam } from '../strategies/common.ts';
import type { ClassifierDefinition } from '../strategies/types.ts';

export const volatilityParams = z
  .strictObject({
    period: intParam(20),
    /** ATR / close below this is 'low' volatility. */
    low: z.number().positive().default(0.005),
    /** ATR / close above this is 'high' volatility. */
    high: z.number().positive().default(0.015),
  })
  .check((ctx) => {
    const p = ctx.value;
    requireParam(ctx, p.low < p.high, 'low', `low (${p.low}) must be less than high (${p.high})`);
  });

export type VolatilityParams = z.infer<typeof volatilityParams>;

export const VOLATILITY_REGIMES = ['low', 'normal', 'high'] as const;

/**
 * Volatility regime from the normalised ATR, ratio = ATR(period) / close: 'low' when
 * ratio < low, 'high' when ratio > high, else 'normal'. confidence = distance from ratio to
 * the nearest boundary (low or high) divided by half the normal band width (high - low) / 2,
 * clamped to [0, 1]: 0 on a boundary, 1 in the middle of the normal band or far outside it.
 * No classification while close <= 0.
 */
export const volatility: ClassifierDefinition<typeof volatilityParams> = {
  type: 'volatility',
  description: "Volatility regime: ATR(period)/close below low is 'low', above high is 'high', else 'normal'.",
  params: volatilityParams,
  regimes: VOLATILITY_REGIMES,
  features: (p) => ({
    atr: { indicator: 'atr', params: { period: p.period } },
  }),
  classify: (f, bars, p) => {
    const close = bars[0].close;
    if (!(close > 0)) return null;
    const ratio = f.atr / close;
    const regime = ratio < p.low ? 'low' : ratio > p.high ? 'high' : 'normal';
    const distance = Math.min(Math.abs(ratio - p.low), Math.abs(ratio - p.high));
    return { regime, confidence: clamp01(distance / ((p.high - p.low) / 2)) };
  },
};

import { z } from 'zod';
import { clamp01, intParam, requireParam } from '../strategies/common.ts';
import type { ClassifierDefinition } from '../strategies/types.ts';

export const momentumRegimeParams = z
  .strictObject({
    period: intParam(14),
    overbought: z.number().min(0).max(100).default(70),
    oversold: z.number().min(0).max(100).default(30),
  })
  .check((ctx) => {
    const p = ctx.value;
    requireParam(ctx, p.oversold < p.overbought, 'oversold', `oversold (${p.oversold}) must be less than overbought (${p.overbought})`);
  });

export type MomentumRegimeParams = z.infer<typeof momentumRegimeParams>;

export const MOMENTUM_REGIMES = ['oversold', 'neutral', 'overbought'] as const;

/**
 * Momentum regime from RSI(period): 'overbought' when RSI > overbought, 'oversold' when
 * RSI < oversold, else 'neutral'. confidence: for overbought (RSI - overbought) /
 * (100 - overbought); for oversold (oversold - RSI) / oversold; for neutral the distance to
 * the nearest boundary divided by half the neutral band width; all clamped to [0, 1].
 */
export const momentumRegime: ClassifierDefinition<typeof momentumRegimeParams> = {
  type: 'momentum_regime',
  description: "Momentum regime: RSI(period) above overbought is 'overbought', below oversold is 'oversold', else 'neutral'.",
  params: momentumRegimeParams,
  regimes: MOMENTUM_REGIMES,
  features: (p) => ({
    rsi: { indicator: 'rsi', params: { period: p.period } },
  }),
  classify: (f, _bars, p) => {
    const rsi = f.rsi;
    if (rsi > p.overbought) return { regime: 'overbought', confidence: clamp01((rsi - p.overbought) / (100 - p.overbought)) };
    if (rsi < p.oversold) return { regime: 'oversold', confidence: clamp01((p.oversold - rsi) / p.oversold) };
    const distance = Math.min(rsi - p.oversold, p.overbought - rsi);
    return { regime: 'neutral', confidence: clamp01(distance / ((p.overbought - p.oversold) / 2)) };
  },
};

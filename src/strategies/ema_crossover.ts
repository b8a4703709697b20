import { z } from 'zod';
import { applyLongOnly, compareSignal, intParam, longOnlyParam, requireParam } from './common.ts';
import type { StrategyDefinition } from './types.ts';

export const emaCrossoverParams = z
  .strictObject({
    fast_period: intParam(12),
    slow_period: intParam(26),
    long_only: longOnlyParam(),
  })
  .check((ctx) => {
    const p = ctx.value;
    requireParam(ctx, p.fast_period < p.slow_period, 'fast_period', `fast_period (${p.fast_period}) must be less than slow_period (${p.slow_period})`);
  });

export type EmaCrossoverParams = z.infer<typeof emaCrossoverParams>;

/** Long when the fast EMA is above the slow EMA, short when below, flat when equal. */
export const emaCrossover: StrategyDefinition<typeof emaCrossoverParams> = {
  type: 'ema_crossover',
  description: 'Exponential moving average crossover: long when EMA(fast) > EMA(slow), short when below, flat when equal.',
  params: emaCrossoverParams,
  paramSpace: { fast_period: [5, 8, 12], slow_period: [21, 26, 50] },
  streams: 1,
  features: (p) => ({
    fast: { indicator: 'ema', params: { period: p.fast_period } },
    slow: { indicator: 'ema', params: { period: p.slow_period } },
  }),
  decide: (f, _bars, p) => applyLongOnly(compareSignal(f.fast, f.slow), p.long_only),
};

import { z } from 'zod';
import { applyLongOnly, compareSignal, intParam, longOnlyParam, requireParam } from './common.ts';
import type { StrategyDefinition } from './types.ts';

export const smaCrossoverParams = z
  .strictObject({
    fast_period: intParam(10),
    slow_period: intParam(30),
    long_only: longOnlyParam(),
  })
  .check((ctx) => {
    const p = ctx.value;
    requireParam(ctx, p.fast_period < p.slow_period, 'fast_period', `fast_period (${p.fast_period}) must be less than slow_period (${p.slow_period})`);
  });

export type SmaCrossoverParams = z.infer<typeof smaCrossoverParams>;

/** Long when the fast SMA is above the slow SMA, short when below, flat when equal. */
export const smaCrossover: StrategyDefinition<typeof smaCrossoverParams> = {
  type: 'sma_crossover',
  description: 'Simple moving average crossover: long when SMA(fast) > SMA(slow), short when below, flat when equal.',
  params: smaCrossoverParams,
  paramSpace: { fast_period: [5, 10, 20], slow_period: [30, 50, 100] },
  streams: 1,
  features: (p) => ({
    fast: { indicator: 'sma', params: { period: p.fast_period } },
    slow: { indicator: 'sma', params: { period: p.slow_period } },
  }),
  decide: (f, _bars, p) => applyLongOnly(compareSignal(f.fast, f.slow), p.long_only),
};

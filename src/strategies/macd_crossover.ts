import { z } from 'zod';
import { applyLongOnly, compareSignal, intParam, longOnlyParam, requireParam } from './common.ts';
import type { StrategyDefinition } from './types.ts';

export const macdCrossoverParams = z
  .strictObject({
    fast_period: intParam(12),
    slow_period: intParam(26),
    signal_period: intParam(9),
    long_only: longOnlyParam(),
  })
  .check((ctx) => {
    const p = ctx.value;
    requireParam(ctx, p.fast_period < p.slow_period, 'fast_period', `fast_period (${p.fast_period}) must be less than slow_period (${p.slow_period})`);
  });

export type MacdCrossoverParams = z.infer<typeof macdCrossoverParams>;

/** Long when the MACD line is above its signal line, short when below, flat when equal. */
export const macdCrossover: StrategyDefinition<typeof macdCrossoverParams> = {
  type: 'macd_crossover',
  description: 'MACD signal-line crossover: long when MACD > signal, short when MACD < signal, flat when equal.',
  params: macdCrossoverParams,
  paramSpace: { fast_period: [8, 12], slow_period: [21, 26], signal_period: [5, 9] },
  streams: 1,
  features: (p) => {
    const params = { fast_period: p.fast_period, slow_period: p.slow_period, signal_period: p.signal_period };
    return {
      macd: { indicator: 'macd', params, output: 'macd' },
      signal: { indicator: 'macd', params, output: 'signal' },
    };
  },
  decide: (f, _bars, p) => applyLongOnly(compareSignal(f.macd, f.signal), p.long_only),
};

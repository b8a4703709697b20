import { z } from 'zod';
import { applyLongOnly, intParam, longOnlyParam } from './common.ts';
import type { StrategyDefinition } from './types.ts';

export const donchianBreakoutParams = z.strictObject({
  period: intParam(20),
  long_only: longOnlyParam(),
});

export type DonchianBreakoutParams = z.infer<typeof donchianBreakoutParams>;

/**
 * Donchian channel breakout: long when the close breaks above the highest high of the
 * previous `period` bars, short when it breaks below the lowest low, otherwise hold the
 * last breakout (never flat on its own; with long_only a downside breakout means flat).
 */
export const donchianBreakout: StrategyDefinition<typeof donchianBreakoutParams> = {
  type: 'donchian_breakout',
  description:
    'Donchian breakout: long when close > the upper channel of the previous period bars, short when close < the lower channel, otherwise hold.',
  params: donchianBreakoutParams,
  paramSpace: { period: [10, 20, 55] },
  streams: 1,
  features: (p) => ({
    upper: { indicator: 'donchian', params: { period: p.period }, output: 'upper' },
    lower: { indicator: 'donchian', params: { period: p.period }, output: 'lower' },
  }),
  decide: (f, bars, p) => {
    const close = bars[0].close;
    if (close > f.upper) return 1;
    if (close < f.lower) return applyLongOnly(-1, p.long_only);
    return null;
  },
};

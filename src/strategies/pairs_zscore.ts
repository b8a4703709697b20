import { z } from 'zod';
import { applyLongOnly, intParam, longOnlyParam, requireParam } from './common.ts';
import type { StrategyDefinition } from './types.ts';

export const pairsZscoreParams = z
  .strictObject({
    period: intParam(20),
    /** spread = ln(stream 0 close) - hedge_ratio * ln(stream 1 close). */
    hedge_ratio: z.number().default(1.0),
    entry: z.number().positive().default(2.0),
    exit: z.number().nonnegative().default(0.5),
    long_only: longOnlyParam(),
  })
  .check((ctx) => {
    const p = ctx.value;
    requireParam(ctx, p.exit < p.entry, 'exit', `exit (${p.exit}) must be less than entry (${p.entry})`);
  });

export type PairsZscoreParams = z.infer<typeof pairsZscoreParams>;

/**
 * Pairs trading on the z-score of the log spread between stream 0 and stream 1.
 *
 * The signal refers to the SPREAD, not to a single symbol: 1 = long the spread (long
 * stream 0, short hedge_ratio of stream 1), -1 = short the spread (short stream 0, long
 * stream 1). The runtime turns it into legs with `pairLegWeights`: +value on stream 0 and
 * -value * hedge_ratio on stream 1.
 *
 * Rule: z > entry -> -1 (spread rich), z < -entry -> 1 (spread cheap), |z| < exit -> 0,
 * otherwise hold. With long_only the spread is only ever bought.
 */
export const pairsZscore: StrategyDefinition<typeof pairsZscoreParams> = {
  type: 'pairs_zscore',
  legWeights: (params) => pairLegWeights(params),
  description:
    'Pairs z-score mean reversion on ln(a) - hedge_ratio*ln(b): short the spread when z > entry, long when z < -entry, flat when |z| < exit, otherwise hold. Signal refers to the spread.',
  params: pairsZscoreParams,
  paramSpace: { period: [20, 60], hedge_ratio: [1.0], entry: [1.5, 2.0, 2.5], exit: [0.25, 0.5] },
  streams: 2,
  features: (p) => ({
    zscore: { pair: 'spread_zscore', params: { period: p.period, hedge_ratio: p.hedge_ratio }, output: 'zscore', streams: [0, 1] },
  }),
  decide: (f, _bars, p) => {
    const zscore = f.zscore;
    if (zscore > p.entry) return applyLongOnly(-1, p.long_only);
    if (zscore < -p.entry) return 1;
    if (Math.abs(zscore) < p.exit) return 0;
    return null;
  },
};

/**
 * Per-stream position weights for one unit of spread signal: stream 0 gets +1, stream 1
 * gets -hedge_ratio. Multiply by the signal value to get each leg's direction and size.
 */
export function pairLegWeights(params: Pick<PairsZscoreParams, 'hedge_ratio'>): [number, number] {
  return [1, -params.hedge_ratio];
}

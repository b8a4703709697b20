import { z } from 'zod';
import type { PairIndicator, PairIndicatorSpec } from '../indicator.ts';
import { RollingMoments } from './rolling.ts';

export const spreadZscoreParams = z.strictObject({
  period: z.int().positive().default(20),
  hedge_ratio: z.number().default(1.0),
});
export type SpreadZscoreParams = z.infer<typeof spreadZscoreParams>;

/**
 * Log-price spread and its rolling z-score: spread = ln(a) - hedge_ratio*ln(b);
 * zscore = (spread - mean)/population std over the last `period` spreads (0 when std is 0).
 * Outputs [zscore, spread]: spread is published from the first pair, zscore from pair period-1.
 */
export class SpreadZscore implements PairIndicator {
  readonly values = new Float64Array(2).fill(NaN);
  private readonly win: RollingMoments;
  private readonly hedge: number;

  constructor(period: number, hedgeRatio: number) {
    this.win = new RollingMoments(period);
    this.hedge = hedgeRatio;
  }

  update(a: number, b: number): void {
    const spread = Math.log(a) - this.hedge * Math.log(b);
    const w = this.win;
    w.push(spread);
    this.values[1] = spread;
    if (w.count < w.period) return;
    const sd = Math.sqrt(w.variance());
    this.values[0] = sd > 0 ? (spread - w.mean()) / sd : 0;
  }
}

export const spreadZscoreSpec: PairIndicatorSpec<typeof spreadZscoreParams> = {
  kind: 'pair',
  name: 'spread_zscore',
  description: 'Z-score of the log spread ln(a) - hedge_ratio*ln(b) over the last `period` pairs, plus the spread itself.',
  params: spreadZscoreParams,
  outputs: ['zscore', 'spread'],
  floatParams: ['hedge_ratio'],
  create: (p) => new SpreadZscore(p.period, p.hedge_ratio),
};

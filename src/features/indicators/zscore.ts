import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { RollingMoments } from './rolling.ts';

export const zscoreParams = z.strictObject({
  period: z.int().positive().default(20),
});
export type ZscoreParams = z.infer<typeof zscoreParams>;

/** (close - SMA(period)) / population std(period), over the window including the current close; 0 when std is 0. */
export class Zscore implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly win: RollingMoments;

  constructor(period: number) {
    this.win = new RollingMoments(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    const w = this.win;
    w.push(close);
    if (w.count < w.period) return;
    const sd = Math.sqrt(w.variance());
    this.values[0] = sd > 0 ? (close - w.mean()) / sd : 0;
  }
}

export const zscoreSpec: BarIndicatorSpec<typeof zscoreParams> = {
  kind: 'bar',
  name: 'zscore',
  description: 'Z-score of the close against the SMA and population standard deviation of the last `period` closes.',
  params: zscoreParams,
  outputs: ['value'],
  create: (p) => new Zscore(p.period),
};

import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { RollingMoments } from './rolling.ts';

export const stddevParams = z.strictObject({
  period: z.int().positive().default(20),
});
export type StddevParams = z.infer<typeof stddevParams>;

/** Population standard deviation of the last `period` closes. */
export class Stddev implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly win: RollingMoments;

  constructor(period: number) {
    this.win = new RollingMoments(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    this.win.push(close);
    this.values[0] = Math.sqrt(this.win.variance());
  }
}

export const stddevSpec: BarIndicatorSpec<typeof stddevParams> = {
  kind: 'bar',
  name: 'stddev',
  description: 'Population standard deviation of the last `period` closes.',
  params: stddevParams,
  outputs: ['value'],
  create: (p) => new Stddev(p.period),
};

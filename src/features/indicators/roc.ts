import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { checkPeriod } from './rolling.ts';

export const rocParams = z.strictObject({
  period: z.int().positive().default(10),
});
export type RocParams = z.infer<typeof rocParams>;

/**
 * Rate of change in percent: (close / close `period` bars ago - 1) * 100. Warm after
 * period+1 bars. (A zero close `period` bars ago gives +/-Infinity or NaN; prices are assumed > 0.)
 */
export class Roc implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly period: number;
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.buf = new Float64Array(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    const idx = this.idx;
    if (this.count === this.period) this.values[0] = (close / this.buf[idx] - 1) * 100;
    else this.count++;
    this.buf[idx] = close;
    this.idx = idx + 1 === this.period ? 0 : idx + 1;
  }
}

export const rocSpec: BarIndicatorSpec<typeof rocParams> = {
  kind: 'bar',
  name: 'roc',
  description: 'Rate of change in percent versus the close `period` bars ago.',
  params: rocParams,
  outputs: ['value'],
  create: (p) => new Roc(p.period),
};

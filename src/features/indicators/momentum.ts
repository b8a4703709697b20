import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { checkPeriod } from './rolling.ts';

export const momentumParams = z.strictObject({
  period: z.int().positive().default(10),
});
export type MomentumParams = z.infer<typeof momentumParams>;

/** close - close `period` bars ago. Warm after period+1 bars. */
export class Momentum implements Indicator {
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
    if (this.count === this.period) this.values[0] = close - this.buf[idx];
    else this.count++;
    this.buf[idx] = close;
    this.idx = idx + 1 === this.period ? 0 : idx + 1;
  }
}

export const momentumSpec: BarIndicatorSpec<typeof momentumParams> = {
  kind: 'bar',
  name: 'momentum',
  description: 'Momentum: close minus the close `period` bars ago.',
  params: momentumParams,
  outputs: ['value'],
  create: (p) => new Momentum(p.period),
};

import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { LaggedValue } from './rolling.ts';

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
  private readonly lag: LaggedValue;

  constructor(period: number) {
    this.lag = new LaggedValue(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    const past = this.lag.push(close);
    if (!Number.isNaN(past)) this.values[0] = (close / past - 1) * 100;
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

import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { LaggedValue } from './rolling.ts';

export const momentumParams = z.strictObject({
  period: z.int().positive().default(10),
});
export type MomentumParams = z.infer<typeof momentumParams>;

/** close - close `period` bars ago. Warm after period+1 bars. */
export class Momentum implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly lag: LaggedValue;

  constructor(period: number) {
    this.lag = new LaggedValue(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    const past = this.lag.push(close);
    if (!Number.isNaN(past)) this.values[0] = close - past;
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

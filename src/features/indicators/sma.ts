import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { RollingMean } from './rolling.ts';

export const smaParams = z.strictObject({
  period: z.int().positive().default(20),
});
export type SmaParams = z.infer<typeof smaParams>;

/** Simple moving average of the last `period` closes. Warm after `period` bars. */
export class Sma implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly win: RollingMean;

  constructor(period: number) {
    this.win = new RollingMean(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    this.win.push(close);
    this.values[0] = this.win.mean();
  }
}

export const smaSpec: BarIndicatorSpec<typeof smaParams> = {
  kind: 'bar',
  name: 'sma',
  description: 'Simple moving average: mean of the last `period` closes.',
  params: smaParams,
  outputs: ['value'],
  create: (p) => new Sma(p.period),
};

import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { EmaState } from './rolling.ts';

export const emaParams = z.strictObject({
  period: z.int().positive().default(20),
});
export type EmaParams = z.infer<typeof emaParams>;

/**
 * Exponential moving average, alpha = 2/(period+1), seeded with the SMA of the first
 * `period` closes (value at bar period-1), then ema = alpha*close + (1-alpha)*prev.
 */
export class Ema implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly ema: EmaState;

  constructor(period: number) {
    this.ema = new EmaState(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    this.values[0] = this.ema.push(close);
  }
}

export const emaSpec: BarIndicatorSpec<typeof emaParams> = {
  kind: 'bar',
  name: 'ema',
  description: 'Exponential moving average (alpha = 2/(period+1)), seeded with the SMA of the first `period` closes.',
  params: emaParams,
  outputs: ['value'],
  create: (p) => new Ema(p.period),
};

import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { checkPeriod, RollingMaxDeque } from './rolling.ts';

export const donchianParams = z.strictObject({
  period: z.int().positive().default(20),
});
export type DonchianParams = z.infer<typeof donchianParams>;

/**
 * Donchian channel over the `period` bars BEFORE the current one (the current bar is
 * excluded, so a breakout is `close > upper`): upper = max high, lower = min low,
 * middle = (upper + lower)/2. Outputs [upper, lower, middle]; warm after period+1 bars.
 * Rolling extremes via monotonic deques (amortised O(1)).
 */
export class Donchian implements Indicator {
  readonly values = new Float64Array(3).fill(NaN);
  private readonly period: number;
  private readonly highs: RollingMaxDeque;
  /** Holds negated lows, so its max is -(min low). */
  private readonly negLows: RollingMaxDeque;
  private t = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.highs = new RollingMaxDeque(period);
    this.negLows = new RollingMaxDeque(period);
  }

  update(_open: number, high: number, low: number, _close: number, _volume: number): void {
    const t = this.t++;
    const n = this.period;
    if (t >= n) {
      // The deques hold exactly bars t-n .. t-1.
      const upper = this.highs.max();
      const lower = -this.negLows.max();
      const v = this.values;
      v[0] = upper;
      v[1] = lower;
      v[2] = (upper + lower) / 2;
    }
    const from = t - n + 1;
    this.highs.evictBefore(from);
    this.negLows.evictBefore(from);
    this.highs.push(high);
    this.negLows.push(-low);
  }
}

export const donchianSpec: BarIndicatorSpec<typeof donchianParams> = {
  kind: 'bar',
  name: 'donchian',
  description: 'Donchian channel (max high, min low, midpoint) of the `period` bars before the current bar.',
  params: donchianParams,
  outputs: ['upper', 'lower', 'middle'],
  create: (p) => new Donchian(p.period),
};

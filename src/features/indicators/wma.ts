import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { checkPeriod } from './rolling.ts';

export const wmaParams = z.strictObject({
  period: z.int().positive().default(20),
});
export type WmaParams = z.infer<typeof wmaParams>;

/**
 * Linearly weighted moving average: weight `period` on the newest close down to 1 on the
 * oldest, divided by period*(period+1)/2. O(1) per bar via a running sum S and a running
 * weighted sum W: on each new close x (window full) W' = W - S + period*x, S' = S - oldest + x.
 * Both sums are recomputed from the ring buffer every `period` bars to stop drift.
 */
export class Wma implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly period: number;
  private readonly denom: number;
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;
  private sum = 0;
  private wsum = 0;
  private sinceSync = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.denom = (period * (period + 1)) / 2;
    this.buf = new Float64Array(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    const n = this.period;
    const idx = this.idx;
    if (this.count < n) {
      // The i-th close (1-based) ends up with weight i once the window is full.
      this.count++;
      this.wsum += this.count * close;
      this.sum += close;
      this.buf[idx] = close;
    } else {
      const old = this.buf[idx];
      this.buf[idx] = close;
      this.wsum += n * close - this.sum;
      this.sum += close - old;
      if (++this.sinceSync >= n) {
        this.sinceSync = 0;
        this.resync(idx);
      }
    }
    this.idx = idx + 1 === n ? 0 : idx + 1;
    if (this.count === n) this.values[0] = this.wsum / this.denom;
  }

  /** Recomputes S and W; `newest` is the slot holding the latest close. */
  private resync(newest: number): void {
    const b = this.buf;
    const n = this.period;
    let s = 0;
    let w = 0;
    let j = newest + 1 === n ? 0 : newest + 1; // oldest slot
    for (let weight = 1; weight <= n; weight++) {
      const x = b[j];
      s += x;
      w += weight * x;
      if (++j === n) j = 0;
    }
    this.sum = s;
    this.wsum = w;
  }
}

export const wmaSpec: BarIndicatorSpec<typeof wmaParams> = {
  kind: 'bar',
  name: 'wma',
  description: 'Linearly weighted moving average: weights period (newest) .. 1 (oldest), divided by period*(period+1)/2.',
  params: wmaParams,
  outputs: ['value'],
  create: (p) => new Wma(p.period),
};

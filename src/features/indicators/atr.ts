import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { WilderAverage } from './rolling.ts';

export const atrParams = z.strictObject({
  period: z.int().positive().default(14),
});
export type AtrParams = z.infer<typeof atrParams>;

/**
 * Wilder's average true range. TR of the first bar = high - low; later
 * TR = max(high - low, |high - prevClose|, |low - prevClose|). First ATR = mean of the first
 * `period` TRs (bar period-1), then ATR = (prev*(period-1) + TR)/period.
 */
export class Atr implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly avg: WilderAverage;
  private prevClose = NaN;
  private started = false;

  constructor(period: number) {
    this.avg = new WilderAverage(period);
  }

  update(_open: number, high: number, low: number, close: number, _volume: number): void {
    this.values[0] = this.avg.push(this.started ? trueRange(high, low, this.prevClose) : high - low);
    this.started = true;
    this.prevClose = close;
  }
}

/** max(high - low, |high - prevClose|, |low - prevClose|). */
export function trueRange(high: number, low: number, prevClose: number): number {
  let tr = high - low;
  const a = Math.abs(high - prevClose);
  if (a > tr) tr = a;
  const b = Math.abs(low - prevClose);
  if (b > tr) tr = b;
  return tr;
}

export const atrSpec: BarIndicatorSpec<typeof atrParams> = {
  kind: 'bar',
  name: 'atr',
  description: "Wilder's average true range.",
  params: atrParams,
  outputs: ['value'],
  create: (p) => new Atr(p.period),
};

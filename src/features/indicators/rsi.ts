import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { WilderAverage } from './rolling.ts';

export const rsiParams = z.strictObject({
  period: z.int().positive().default(14),
});
export type RsiParams = z.infer<typeof rsiParams>;

/**
 * Wilder's RSI. d = close - prevClose; gains/losses are averaged with Wilder smoothing
 * (first average = simple mean of the first `period` changes, so period+1 closes are
 * needed). RSI = 100 - 100/(1 + avgGain/avgLoss); 100 when avgLoss = 0, 50 when both are 0.
 */
export class Rsi implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly gain: WilderAverage;
  private readonly loss: WilderAverage;
  private prevClose = NaN;
  private started = false;

  constructor(period: number) {
    this.gain = new WilderAverage(period);
    this.loss = new WilderAverage(period);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    if (!this.started) {
      this.started = true;
      this.prevClose = close;
      return;
    }
    const d = close - this.prevClose;
    this.prevClose = close;
    const g = this.gain.push(d > 0 ? d : 0);
    const l = this.loss.push(d < 0 ? -d : 0);
    if (g !== g) return; // still warming up (NaN)
    if (l === 0) this.values[0] = g === 0 ? 50 : 100;
    else this.values[0] = 100 - 100 / (1 + g / l);
  }
}

export const rsiSpec: BarIndicatorSpec<typeof rsiParams> = {
  kind: 'bar',
  name: 'rsi',
  description: "Wilder's relative strength index (0..100).",
  params: rsiParams,
  outputs: ['value'],
  create: (p) => new Rsi(p.period),
};

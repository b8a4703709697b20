import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { RollingMoments } from './rolling.ts';

export const bollingerParams = z.strictObject({
  period: z.int().positive().default(20),
  std_dev: z.number().positive().default(2.0),
});
export type BollingerParams = z.infer<typeof bollingerParams>;

/**
 * Bollinger bands: middle = SMA(period) of closes, upper/lower = middle +/- std_dev *
 * population standard deviation of the same `period` closes. Outputs [upper, middle, lower].
 */
export class Bollinger implements Indicator {
  readonly values = new Float64Array(3).fill(NaN);
  private readonly win: RollingMoments;
  private readonly k: number;

  constructor(period: number, stdDev: number) {
    this.win = new RollingMoments(period);
    this.k = stdDev;
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    const w = this.win;
    w.push(close);
    if (w.count < w.period) return;
    const mid = w.mean();
    const band = this.k * Math.sqrt(w.variance());
    const v = this.values;
    v[0] = mid + band;
    v[1] = mid;
    v[2] = mid - band;
  }
}

export const bollingerSpec: BarIndicatorSpec<typeof bollingerParams> = {
  kind: 'bar',
  name: 'bollinger',
  description: 'Bollinger bands: SMA(period) +/- std_dev * population standard deviation of the last `period` closes.',
  params: bollingerParams,
  outputs: ['upper', 'middle', 'lower'],
  floatParams: ['std_dev'],
  create: (p) => new Bollinger(p.period, p.std_dev),
};

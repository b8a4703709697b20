import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { checkPeriod, RollingMaxDeque, RollingMean } from './rolling.ts';

export const stochasticParams = z.strictObject({
  k_period: z.int().positive().default(14),
  d_period: z.int().positive().default(3),
});
export type StochasticParams = z.infer<typeof stochasticParams>;

/**
 * Stochastic oscillator. %K = 100*(close - lowestLow)/(highestHigh - lowestLow) over the last
 * k_period bars including the current one (50 when the range is 0), warm at bar k_period-1;
 * %D = SMA(d_period) of %K, warm at bar k_period+d_period-2. Outputs [k, d].
 */
export class Stochastic implements Indicator {
  readonly values = new Float64Array(2).fill(NaN);
  private readonly kPeriod: number;
  private readonly highs: RollingMaxDeque;
  private readonly negLows: RollingMaxDeque;
  private readonly d: RollingMean;
  private t = 0;

  constructor(kPeriod: number, dPeriod: number) {
    checkPeriod('k_period', kPeriod);
    this.kPeriod = kPeriod;
    this.highs = new RollingMaxDeque(kPeriod);
    this.negLows = new RollingMaxDeque(kPeriod);
    this.d = new RollingMean(dPeriod);
  }

  update(_open: number, high: number, low: number, close: number, _volume: number): void {
    const t = this.t++;
    const from = t - this.kPeriod + 1;
    this.highs.evictBefore(from);
    this.negLows.evictBefore(from);
    this.highs.push(high);
    this.negLows.push(-low);
    if (from < 0) return;
    const hh = this.highs.max();
    const ll = -this.negLows.max();
    const range = hh - ll;
    const k = range > 0 ? (100 * (close - ll)) / range : 50;
    this.d.push(k);
    this.values[0] = k;
    this.values[1] = this.d.mean();
  }
}

export const stochasticSpec: BarIndicatorSpec<typeof stochasticParams> = {
  kind: 'bar',
  name: 'stochastic',
  description: 'Stochastic oscillator: %K over the last k_period bars (including the current one) and %D = SMA(d_period) of %K.',
  params: stochasticParams,
  outputs: ['k', 'd'],
  create: (p) => new Stochastic(p.k_period, p.d_period),
};

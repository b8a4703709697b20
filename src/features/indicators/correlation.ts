import { z } from 'zod';
import type { PairIndicator, PairIndicatorSpec } from '../indicator.ts';
import { RollingCovariance } from './rolling.ts';

export const correlationParams = z.strictObject({
  period: z.int().positive().default(20),
});
export type CorrelationParams = z.infer<typeof correlationParams>;

/** Rolling Pearson correlation of the last `period` (a, b) pairs; 0 if either variance is 0. */
export class Correlation implements PairIndicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly win: RollingCovariance;

  constructor(period: number) {
    this.win = new RollingCovariance(period);
  }

  update(a: number, b: number): void {
    this.win.push(a, b);
    this.values[0] = this.win.correlation();
  }
}

export const correlationSpec: PairIndicatorSpec<typeof correlationParams> = {
  kind: 'pair',
  name: 'correlation',
  description: 'Rolling Pearson correlation of two aligned series over the last `period` pairs.',
  params: correlationParams,
  outputs: ['value'],
  create: (p) => new Correlation(p.period),
};

import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';

export const obvParams = z.strictObject({});
export type ObvParams = z.infer<typeof obvParams>;

/** On-balance volume: 0 on the first bar, then +volume on an up close, -volume on a down close, unchanged on an equal close. */
export class Obv implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private prevClose = NaN;
  private total = 0;
  private started = false;

  update(_open: number, _high: number, _low: number, close: number, volume: number): void {
    if (this.started) {
      if (close > this.prevClose) this.total += volume;
      else if (close < this.prevClose) this.total -= volume;
    } else {
      this.started = true;
    }
    this.prevClose = close;
    this.values[0] = this.total;
  }
}

export const obvSpec: BarIndicatorSpec<typeof obvParams> = {
  kind: 'bar',
  name: 'obv',
  description: 'On-balance volume, starting at 0 on the first bar.',
  params: obvParams,
  outputs: ['value'],
  create: () => new Obv(),
};

import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { trueRange } from './atr.ts';
import { checkPeriod, WilderAverage } from './rolling.ts';

export const adxParams = z.strictObject({
  period: z.int().positive().default(14),
});
export type AdxParams = z.infer<typeof adxParams>;

/**
 * Wilder's ADX with the directional indicators. From the second bar on: TR as in ATR,
 * up = high - prevHigh, down = prevLow - low, +DM = up if up > down and up > 0 else 0,
 * -DM = down if down > up and down > 0 else 0. Smoothed TR/+DM/-DM: first value = sum of the
 * first `period` values (bars 1..period), then S = S - S/period + current.
 * +DI = 100*S(+DM)/S(TR), -DI = 100*S(-DM)/S(TR) (both 0 when S(TR) = 0),
 * DX = 100*|+DI - -DI|/(+DI + -DI) (0 when the sum is 0); ADX = mean of the first `period`
 * DX values, then (prev*(period-1) + DX)/period.
 * Outputs [adx, plus_di, minus_di]: the DIs are warm from bar `period`, adx from bar 2*period-1.
 */
export class Adx implements Indicator {
  readonly values = new Float64Array(3).fill(NaN);
  private readonly period: number;
  private readonly adx: WilderAverage;
  private prevHigh = NaN;
  private prevLow = NaN;
  private prevClose = NaN;
  private started = false;
  private count = 0;
  private sTR = 0;
  private sPlus = 0;
  private sMinus = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.adx = new WilderAverage(period);
  }

  update(_open: number, high: number, low: number, close: number, _volume: number): void {
    if (!this.started) {
      this.started = true;
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      return;
    }
    const n = this.period;
    const tr = trueRange(high, low, this.prevClose);
    const up = high - this.prevHigh;
    const down = this.prevLow - low;
    const plusDM = up > down && up > 0 ? up : 0;
    const minusDM = down > up && down > 0 ? down : 0;
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;

    if (this.count < n) {
      this.sTR += tr;
      this.sPlus += plusDM;
      this.sMinus += minusDM;
      if (++this.count < n) return;
    } else {
      this.sTR = this.sTR - this.sTR / n + tr;
      this.sPlus = this.sPlus - this.sPlus / n + plusDM;
      this.sMinus = this.sMinus - this.sMinus / n + minusDM;
    }

    let plusDI = 0;
    let minusDI = 0;
    if (this.sTR > 0) {
      plusDI = (100 * this.sPlus) / this.sTR;
      minusDI = (100 * this.sMinus) / this.sTR;
    }
    const sum = plusDI + minusDI;
    const dx = sum > 0 ? (100 * Math.abs(plusDI - minusDI)) / sum : 0;
    const v = this.values;
    v[0] = this.adx.push(dx);
    v[1] = plusDI;
    v[2] = minusDI;
  }
}

export const adxSpec: BarIndicatorSpec<typeof adxParams> = {
  kind: 'bar',
  name: 'adx',
  description: "Wilder's average directional index with +DI and -DI.",
  params: adxParams,
  outputs: ['adx', 'plus_di', 'minus_di'],
  create: (p) => new Adx(p.period),
};

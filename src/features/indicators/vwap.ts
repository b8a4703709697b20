import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { CANCELLATION_RATIO, checkPeriod } from './rolling.ts';

export const vwapParams = z.strictObject({
  period: z.int().positive().default(20),
});
export type VwapParams = z.infer<typeof vwapParams>;

/**
 * Rolling VWAP over the last `period` bars: sum(tp*volume)/sum(volume), tp = (high+low+close)/3;
 * the mean of tp when every volume in the window is 0. Running sums over ring buffers,
 * re-synchronised every `period` bars; "volume sum is 0" is detected exactly by counting
 * the non-zero volumes in the window rather than by testing a floating running sum.
 * Like the rolling variances, the sums are also recomputed at once when the volume sum has
 * collapsed far below the volume that flowed through the window since the last
 * recomputation (a huge-volume bar just left a quiet window), to keep the ratio accurate.
 */
export class Vwap implements Indicator {
  readonly values = new Float64Array(1).fill(NaN);
  private readonly period: number;
  private readonly tpBuf: Float64Array;
  private readonly volBuf: Float64Array;
  private idx = 0;
  private count = 0;
  private sumPV = 0;
  private sumV = 0;
  private sumTP = 0;
  private nonZero = 0;
  /** |volume| and |tp*volume| added + removed since the last recomputation (scale of the sums' rounding errors). */
  private churnV = 0;
  private churnPV = 0;
  private sinceSync = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.tpBuf = new Float64Array(period);
    this.volBuf = new Float64Array(period);
  }

  update(_open: number, high: number, low: number, close: number, volume: number): void {
    const n = this.period;
    const idx = this.idx;
    const tp = (high + low + close) / 3;
    if (this.count < n) {
      this.count++;
    } else {
      const oTp = this.tpBuf[idx];
      const oV = this.volBuf[idx];
      const oPV = oTp * oV;
      this.sumPV -= oPV;
      this.sumV -= oV;
      this.sumTP -= oTp;
      this.churnV += oV < 0 ? -oV : oV;
      this.churnPV += oPV < 0 ? -oPV : oPV;
      if (oV !== 0) this.nonZero--;
    }
    this.tpBuf[idx] = tp;
    this.volBuf[idx] = volume;
    const pv = tp * volume;
    this.sumPV += pv;
    this.sumV += volume;
    this.sumTP += tp;
    if (volume !== 0) this.nonZero++;
    this.idx = idx + 1 === n ? 0 : idx + 1;
    if (this.count < n) return;
    this.churnV += volume < 0 ? -volume : volume;
    this.churnPV += pv < 0 ? -pv : pv;
    if (
      ++this.sinceSync >= n ||
      (this.nonZero > 0 && (this.sumV < CANCELLATION_RATIO * this.churnV || Math.abs(this.sumPV) < CANCELLATION_RATIO * this.churnPV))
    ) {
      this.resync();
    }
    this.values[0] = this.nonZero > 0 ? this.sumPV / this.sumV : this.sumTP / n;
  }

  private resync(): void {
    this.sinceSync = 0;
    this.churnV = 0;
    this.churnPV = 0;
    const tpB = this.tpBuf;
    const vB = this.volBuf;
    let pv = 0;
    let v = 0;
    let tp = 0;
    for (let i = 0; i < tpB.length; i++) {
      pv += tpB[i] * vB[i];
      v += vB[i];
      tp += tpB[i];
    }
    this.sumPV = pv;
    this.sumV = v;
    this.sumTP = tp;
  }
}

export const vwapSpec: BarIndicatorSpec<typeof vwapParams> = {
  kind: 'bar',
  name: 'vwap',
  description: 'Rolling volume-weighted average of the typical price (h+l+c)/3 over the last `period` bars.',
  params: vwapParams,
  outputs: ['value'],
  create: (p) => new Vwap(p.period),
};

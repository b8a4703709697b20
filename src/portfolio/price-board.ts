/**
 * The run's marks: the last bar of each stream whose close is known. Shared by every
 * portfolio (equity, buying power, sizing) so no portfolio has to follow every bar.
 * The broker marks a bar after filling that bar's open orders, so an order filling at an
 * open never sees the same bar's close.
 */
import type { BarSeries } from '../data/bar-series.ts';

export class PriceBoard {
  /** bar_idx of the last marked bar per stream; -1 before the first. */
  readonly lastBar: Int32Array;

  constructor(private readonly series: readonly BarSeries[]) {
    this.lastBar = new Int32Array(series.length).fill(-1);
  }

  mark(streamIndex: number, barIdx: number): void {
    this.lastBar[streamIndex] = barIdx;
  }

  /** Close of the last marked bar of the stream, NaN if none yet. */
  close(streamIndex: number): number {
    const b = this.lastBar[streamIndex];
    return b < 0 ? NaN : this.series[streamIndex].close[b];
  }
}

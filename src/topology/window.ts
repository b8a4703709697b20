/**
 * `data.window: { start_bar, end_bar }`: a run over part of the data, by bar index of the
 * first stream (the base data's indices, unchanged):
 * - bars closing after the close of base bar `end_bar - 1` are not loaded, in any stream
 *   (a window never sees data from after it; bar indices stay those of the full data);
 * - portfolios act on signals from the close of base bar `start_bar` on, and their equity
 *   curves and metrics start there; the bars before warm the indicators up.
 * Walk-forward validation runs one window per test period (src/workflow/windows.ts).
 */
import type { BarSeries } from '../data/bar-series.ts';
import { createBarSeries, truncateBarColumns } from '../data/series.ts';
import type { EquityCurveData } from '../portfolio/equity-curve.ts';
import type { TopologyConfig } from './schema.ts';

type Window = NonNullable<TopologyConfig['data']['window']>;

/** The series cut at the window's end (a prefix of each: bar indices unchanged). */
export function cutAtWindowEnd(window: Window | undefined, series: readonly BarSeries[]): BarSeries[] {
  if (!window || series.length === 0) return [...series];
  const base = series[0];
  if (window.start_bar >= base.length) throw new Error(`data.window.start_bar ${window.start_bar} is past the end of ${base.id} (${base.length} bars)`);
  if (window.end_bar === undefined) return [...series];
  if (window.end_bar > base.length) throw new Error(`data.window.end_bar ${window.end_bar} is past the end of ${base.id} (${base.length} bars)`);
  const lastClose = base.start[window.end_bar - 1] + base.timeframeMs;
  return series.map((s) => {
    let n = 0;
    while (n < s.length && s.start[n] + s.timeframeMs <= lastClose) n++;
    if (n === s.length) return s;
    const columns = truncateBarColumns({ start: s.start, open: s.open, high: s.high, low: s.low, close: s.close, volume: s.volume }, n);
    return createBarSeries({ symbol: s.symbol, timeframe: s.timeframe, source: `${s.source} (bars closing by ${new Date(lastClose).toISOString()}: data.window)`, columns });
  });
}

/** When portfolios start acting: the close of base bar start_bar (-Infinity without a window). */
export function windowActiveFrom(window: Window | undefined, series: readonly BarSeries[]): number {
  if (!window || window.start_bar === 0 || series.length === 0) return -Infinity;
  const base = series[0];
  if (window.start_bar >= base.length) throw new Error(`data.window.start_bar ${window.start_bar} is past the end of ${base.id} (${base.length} bars)`);
  return base.start[window.start_bar] + base.timeframeMs;
}

/** Index of the first time at or after `activeFrom` (ts ascending; its length if none): tick times, or a schedule's close times. */
export function firstTickFrom(ts: Float64Array, activeFrom: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < activeFrom) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The part of a curve from `activeFrom` on (views, no copy). */
export function curveFrom(curve: EquityCurveData, activeFrom: number): EquityCurveData {
  if (activeFrom === -Infinity) return curve;
  const i = firstTickFrom(curve.ts, activeFrom);
  return { ts: curve.ts.subarray(i), equity: curve.equity.subarray(i), exposed: curve.exposed.subarray(i) };
}

/**
 * Builds every portfolio's equity curve after the run: at the end of each tick, equity =
 * cash + sum over held streams of units * last close, with the state after all fills of that
 * tick (end-of-data closes belong to the last tick). The same numbers a portfolio marking
 * itself at every tick end would get, without any per-bar work in the portfolios during the run.
 *
 * Work is split so the per-portfolio part is one tight loop over typed arrays:
 * - once per run: the close time of each tick (one array, shared by every curve: the curves
 *   of a run all have the same time axis) and, per stream, the last close at each tick end;
 * - per portfolio: walk its fill ledger and the ticks together.
 * Portfolio by portfolio rather than tick by tick across portfolios: each curve is written
 * sequentially, and a portfolio's loop touches only the streams it holds (measured 4-6x
 * faster than the tick-major version on 100 portfolios x 50k ticks).
 */
import { scheduleOf, type Schedule } from '../clock/schedule.ts';
import type { BarSeries } from '../data/bar-series.ts';
import { memoOnSeries } from '../data/series-memo.ts';
import type { FillLedger } from './fill-ledger.ts';
import { equityAt, walkHoldings } from './holdings-walk.ts';

export interface EquityCurveData {
  /** Close time of each tick; the same array for every portfolio of a run (do not mutate). */
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly exposed: Uint8Array;
}

/** What every curve of a run shares: the tick times and each stream's close at every tick end. */
export interface TickMarks {
  readonly ts: Float64Array;
  /** Per stream: the close of its last bar at or before each tick end (NaN before its first bar). */
  readonly close: readonly Float64Array[];
}

export function tickMarks(schedule: Schedule, series: readonly BarSeries[]): TickMarks {
  const ticks = schedule.ticks;
  const ts = new Float64Array(ticks);
  const close = series.map(() => new Float64Array(ticks));
  const last = new Float64Array(series.length).fill(Number.NaN);
  const closes = series.map((s) => s.close);
  const { streamIndex, barIdx, tickEnd, closeTime } = schedule;
  let tick = 0;
  for (let i = 0; i < schedule.length; i++) {
    const s = streamIndex[i];
    last[s] = closes[s][barIdx[i]];
    if (tickEnd[i] !== 1) continue;
    ts[tick] = closeTime[i];
    for (let k = 0; k < close.length; k++) close[k][tick] = last[k];
    tick++;
  }
  return { ts, close };
}

/** The tick marks of these series, built once while they live (series-memo.ts): read only. */
export function tickMarksOf(series: readonly BarSeries[]): TickMarks {
  return memoOnSeries('tick-marks', series, () => tickMarks(scheduleOf(series), series));
}

/** Buffers a curve can be built into, reused from one portfolio to the next (see buildEquityCurve). */
export interface CurveScratch {
  readonly equity: Float64Array;
  readonly exposed: Uint8Array;
}

/** Buffers for curves of `ticks` points, shared by every caller on this thread (synchronous use only). */
let scratch: CurveScratch = { equity: new Float64Array(0), exposed: new Uint8Array(0) };
export function curveScratch(ticks: number): CurveScratch {
  if (scratch.equity.length !== ticks) scratch = { equity: new Float64Array(ticks), exposed: new Uint8Array(ticks) };
  return scratch;
}

/**
 * A portfolio's curve over the ticks of `marks`, into fresh arrays, or into `into` (every point
 * of which is overwritten: the curve is valid until the buffers are reused).
 */
export function buildEquityCurve(marks: TickMarks, ledger: FillLedger, into?: CurveScratch): EquityCurveData {
  const ticks = marks.ts.length;
  if (into && (into.equity.length !== ticks || into.exposed.length !== ticks)) throw new RangeError(`buildEquityCurve: buffers of ${into.equity.length} points for ${ticks} ticks`);
  const equity = into ? into.equity : new Float64Array(ticks);
  const exposed = into ? into.exposed : new Uint8Array(ticks);
  walkHoldings(marks, ledger, (from, until, h) => {
    // One tight loop per stretch of constant holdings.
    if (h.held.length === 0) {
      equity.fill(h.cash, from, until);
    } else if (h.held.length === 1) {
      const u = h.units[h.held[0]];
      const c = marks.close[h.held[0]];
      for (let t = from; t < until; t++) equity[t] = h.cash + u * c[t];
    } else {
      for (let t = from; t < until; t++) equity[t] = equityAt(marks, h, t);
    }
    if (h.open > 0) exposed.fill(1, from, until);
    else if (into) exposed.fill(0, from, until);
  });
  return { ts: marks.ts, equity, exposed };
}

/** Every ledger's curve over the ticks of these series. */
export function buildEquityCurves(series: readonly BarSeries[], ledgers: readonly FillLedger[]): EquityCurveData[] {
  const marks = tickMarksOf(series);
  return ledgers.map((ledger) => buildEquityCurve(marks, ledger));
}

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
import type { Schedule } from '../clock/schedule.ts';
import type { BarSeries } from '../data/bar-series.ts';
import type { FillLedger } from './fill-ledger.ts';

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

export function buildEquityCurve(marks: TickMarks, ledger: FillLedger): EquityCurveData {
  const ticks = marks.ts.length;
  const equity = new Float64Array(ticks);
  const exposed = new Uint8Array(ticks);
  const fills = ledger.length;
  const fillTick = ledger.tick.view();
  const fillStream = ledger.stream.view();
  const fillQuantity = ledger.quantity.view();
  const cashAfter = ledger.cashAfter.view();
  const openAfter = ledger.openAfter.view();
  const units = new Float64Array(marks.close.length);
  // Streams with non-zero units, in the order they were first held (the summation order).
  const held: number[] = [];
  let cash = ledger.initialCash;
  let open = 0;
  let next = 0;
  let tick = 0;
  while (tick < ticks) {
    // Apply the fills of this tick.
    while (next < fills && fillTick[next] <= tick) {
      const s = fillStream[next];
      const before = units[s];
      units[s] = before + fillQuantity[next];
      if (before === 0 && units[s] !== 0) held.push(s);
      else if (units[s] === 0) held.splice(held.indexOf(s), 1);
      cash = cashAfter[next];
      open = openAfter[next];
      next++;
    }
    // Until the next fill, the holdings are constant: fill the stretch in one loop.
    const until = next < fills ? Math.min(ticks, Math.max(tick + 1, fillTick[next])) : ticks;
    const flag = open > 0 ? 1 : 0;
    if (held.length === 0) {
      equity.fill(cash, tick, until);
    } else if (held.length === 1) {
      const u = units[held[0]];
      const c = marks.close[held[0]];
      for (let t = tick; t < until; t++) equity[t] = cash + u * c[t];
    } else {
      for (let t = tick; t < until; t++) {
        let e = cash;
        for (let h = 0; h < held.length; h++) e += units[held[h]] * marks.close[held[h]][t];
        equity[t] = e;
      }
    }
    if (flag) exposed.fill(1, tick, until);
    tick = until;
  }
  return { ts: marks.ts, equity, exposed };
}

export function buildEquityCurves(schedule: Schedule, series: readonly BarSeries[], ledgers: readonly FillLedger[]): EquityCurveData[] {
  const marks = tickMarks(schedule, series);
  return ledgers.map((ledger) => buildEquityCurve(marks, ledger));
}

/**
 * Builds every portfolio's equity curve after the run, in one pass over the clock schedule:
 * at the end of each tick, equity = cash + sum over held streams of units * last close,
 * with the state after all fills of that tick (end-of-data closes belong to the last tick).
 * The same numbers a portfolio marking itself at every tick end would get, without any
 * per-bar work in the portfolios during the run.
 */
import type { Schedule } from '../clock/schedule.ts';
import type { BarSeries } from '../data/bar-series.ts';
import type { FillLedger } from './fill-ledger.ts';

export interface EquityCurveData {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly exposed: Uint8Array;
}

interface Cursor {
  readonly ledger: FillLedger;
  readonly tick: Float64Array;
  readonly stream: Float64Array;
  readonly quantity: Float64Array;
  readonly cashAfter: Float64Array;
  readonly openAfter: Float64Array;
  next: number;
  cash: number;
  open: number;
  readonly units: Float64Array;
  /** Streams with non-zero units, in the order they were first held. */
  readonly held: number[];
  readonly out: EquityCurveData;
}

export function buildEquityCurves(schedule: Schedule, series: readonly BarSeries[], ledgers: readonly FillLedger[]): EquityCurveData[] {
  const cursors: Cursor[] = ledgers.map((ledger) => ({
    ledger,
    tick: ledger.tick.toArray(), stream: ledger.stream.toArray(), quantity: ledger.quantity.toArray(),
    cashAfter: ledger.cashAfter.toArray(), openAfter: ledger.openAfter.toArray(),
    next: 0, cash: ledger.initialCash, open: 0,
    units: new Float64Array(series.length), held: [],
    out: { ts: new Float64Array(schedule.ticks), equity: new Float64Array(schedule.ticks), exposed: new Uint8Array(schedule.ticks) },
  }));
  const lastBar = new Int32Array(series.length).fill(-1);
  const closes = series.map((s) => s.close);
  let tick = 0;
  for (let i = 0; i < schedule.length; i++) {
    lastBar[schedule.streamIndex[i]] = schedule.barIdx[i];
    if (schedule.tickEnd[i] !== 1) continue;
    const ts = schedule.closeTime[i];
    for (const c of cursors) {
      while (c.next < c.tick.length && c.tick[c.next] <= tick) {
        const s = c.stream[c.next];
        const before = c.units[s];
        c.units[s] = before + c.quantity[c.next];
        if (before === 0 && c.units[s] !== 0) c.held.push(s);
        else if (c.units[s] === 0) c.held.splice(c.held.indexOf(s), 1);
        c.cash = c.cashAfter[c.next];
        c.open = c.openAfter[c.next];
        c.next++;
      }
      let equity = c.cash;
      for (let h = 0; h < c.held.length; h++) equity += c.units[c.held[h]] * closes[c.held[h]][lastBar[c.held[h]]];
      c.out.ts[tick] = ts;
      c.out.equity[tick] = equity;
      c.out.exposed[tick] = c.open > 0 ? 1 : 0;
    }
    tick++;
  }
  return cursors.map((c) => c.out);
}

/**
 * A portfolio's equity curve as a stream: the points `buildEquityCurve` (equity-curve.ts) would
 * write, handed to a visitor one tick at a time instead of being stored, so a consumer that
 * folds them (an objective observer) never holds the curve. Same inputs (the run's shared tick
 * marks and the portfolio's fill ledger), same floating-point operations in the same order, so
 * the same numbers to the bit; a test holds the two to that.
 *
 * No per-bar work during the run: like the curves, the stream is produced after the loop.
 * Memory: the units per stream and the list of held streams (bounded by the run's streams).
 */
import type { FillLedger } from './fill-ledger.ts';
import type { TickMarks } from './equity-curve.ts';

/** Called once per tick, in order: the tick's index and close time, equity at its end, and whether a position was open. */
export type EquityVisitor = (tick: number, ts: number, equity: number, exposed: boolean) => void;

export function visitEquity(marks: TickMarks, ledger: FillLedger, visit: EquityVisitor): void {
  const ticks = marks.ts.length;
  const ts = marks.ts;
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
    const until = next < fills ? Math.min(ticks, Math.max(tick + 1, fillTick[next])) : ticks;
    const exposed = open > 0;
    if (held.length === 0) {
      for (let t = tick; t < until; t++) visit(t, ts[t], cash, exposed);
    } else if (held.length === 1) {
      const u = units[held[0]];
      const c = marks.close[held[0]];
      for (let t = tick; t < until; t++) visit(t, ts[t], cash + u * c[t], exposed);
    } else {
      for (let t = tick; t < until; t++) {
        let e = cash;
        for (let h = 0; h < held.length; h++) e += units[held[h]] * marks.close[held[h]][t];
        visit(t, ts[t], e, exposed);
      }
    }
    tick = until;
  }
}

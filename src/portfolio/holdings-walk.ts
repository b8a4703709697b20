/**
 * A portfolio's holdings over the ticks of a run, from its fill ledger: one call per stretch
 * of ticks [from, until) during which cash, open positions and units held do not change. The
 * shared mechanism of the equity curve (equity-curve.ts, which writes the stretch into arrays)
 * and the equity stream (equity-stream.ts, which hands it to a visitor tick by tick).
 *
 * Equity at tick t of a stretch is `equityAt(t)`: cash plus units * close of each held stream,
 * summed in the order the streams were first held; both consumers use it (the curve's fast
 * paths for no and one held stream do the same operations), so curve and stream agree to the bit.
 */
import type { TickMarks } from './equity-curve.ts';
import type { FillLedger } from './fill-ledger.ts';

export interface Holdings {
  readonly cash: number;
  /** Open positions after the stretch's fills. */
  readonly open: number;
  /** Streams with non-zero units, in the order they were first held (the summation order). */
  readonly held: readonly number[];
  /** Units per stream. */
  readonly units: Float64Array;
}

export type StretchVisitor = (from: number, until: number, holdings: Holdings) => void;

export function walkHoldings(marks: TickMarks, ledger: FillLedger, visit: StretchVisitor): void {
  const ticks = marks.ts.length;
  const fills = ledger.length;
  const fillTick = ledger.tick.view();
  const fillStream = ledger.stream.view();
  const fillQuantity = ledger.quantity.view();
  const cashAfter = ledger.cashAfter.view();
  const openAfter = ledger.openAfter.view();
  const state = { cash: ledger.initialCash, open: 0, held: [] as number[], units: new Float64Array(marks.close.length) };
  const { held, units } = state;
  let next = 0;
  let tick = 0;
  while (tick < ticks) {
    // Apply the fills of this tick.
    while (next < fills && fillTick[next] <= tick) {
      const s = fillStream[next];
      const before = units[s];
      units[s] = before + fillQuantity[next];
      if (before === 0 && units[s] !== 0) held.push(s);
      else if (before !== 0 && units[s] === 0) held.splice(held.indexOf(s), 1);
      state.cash = cashAfter[next];
      state.open = openAfter[next];
      next++;
    }
    // Until the next fill, the holdings are constant.
    const until = next < fills ? Math.min(ticks, Math.max(tick + 1, fillTick[next])) : ticks;
    visit(tick, until, state);
    tick = until;
  }
}

/** Equity at tick t with these holdings. */
export function equityAt(marks: TickMarks, h: Holdings, t: number): number {
  let e = h.cash;
  for (let k = 0; k < h.held.length; k++) e += h.units[h.held[k]] * marks.close[h.held[k]][t];
  return e;
}

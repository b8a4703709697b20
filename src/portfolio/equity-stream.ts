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
import { equityAt, walkHoldings } from './holdings-walk.ts';

/** Called once per tick, in order: the tick's index and close time, equity at its end, and whether a position was open. */
export type EquityVisitor = (tick: number, ts: number, equity: number, exposed: boolean) => void;

export function visitEquity(marks: TickMarks, ledger: FillLedger, visit: EquityVisitor): void {
  const ts = marks.ts;
  walkHoldings(marks, ledger, (from, until, h) => {
    const exposed = h.open > 0;
    for (let t = from; t < until; t++) visit(t, ts[t], equityAt(marks, h, t), exposed);
  });
}

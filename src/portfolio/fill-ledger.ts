/**
 * A portfolio's state changes in order: after each fill, the clock tick it happened in, the
 * stream and signed quantity traded, the cash and the number of open positions afterwards.
 * Everything the equity curve needs besides the base prices, so the curve can be built
 * after the run instead of marking every portfolio on every bar.
 */
import { GrowableFloat64 } from '../core/growable.ts';

export class FillLedger {
  readonly tick = new GrowableFloat64(256);
  readonly stream = new GrowableFloat64(256);
  readonly quantity = new GrowableFloat64(256);
  readonly cashAfter = new GrowableFloat64(256);
  readonly openAfter = new GrowableFloat64(256);

  constructor(readonly initialCash: number) {}

  record(tick: number, streamIndex: number, quantity: number, cashAfter: number, openAfter: number): void {
    this.tick.push(tick);
    this.stream.push(streamIndex);
    this.quantity.push(quantity);
    this.cashAfter.push(cashAfter);
    this.openAfter.push(openAfter);
  }

  get length(): number {
    return this.tick.length;
  }
}

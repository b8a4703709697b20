/**
 * A portfolio's state changes in order: after each fill, the clock tick it happened in, the
 * stream and signed quantity traded, the cash and the number of open positions afterwards.
 * Everything the equity curve needs besides the base prices, so the curve can be built
 * after the run instead of marking every portfolio on every bar.
 */

/** One column of the ledger, as its readers take it. */
export interface LedgerColumn<A extends Int32Array | Float64Array> {
  readonly length: number;
  /** The values without copying: valid until the next record (do not keep it across appends). */
  view(): A;
  /** A trimmed copy of the values. */
  toArray(): A;
}

function column<A extends Int32Array | Float64Array>(data: A, size: number): LedgerColumn<A> {
  return { length: size, view: () => data.subarray(0, size) as A, toArray: () => data.slice(0, size) as A };
}

export class FillLedger {
  // Ticks, streams and position counts are whole numbers: 32-bit columns, 12 bytes of a fill's
  // 28 (a batch replay of 100 portfolios books ~220k fills, in young memory V8 counts). Five
  // arrays with one count, grown together: one capacity check per fill rather than one per
  // column (as five growable columns, their checks and counts were ~1 ms of simulating the
  // bench store's 100 portfolios).
  private ticks: Int32Array;
  private streams: Int32Array;
  private quantities: Float64Array;
  private cashes: Float64Array;
  private opens: Int32Array;
  private size = 0;

  /** `capacity`: the fills expected (the batch replay knows a bound; growing from 256 was ~1.5 ms per replay of 100 portfolios). */
  constructor(readonly initialCash: number, capacity = 256) {
    const n = Math.max(16, capacity);
    this.ticks = new Int32Array(n);
    this.streams = new Int32Array(n);
    this.quantities = new Float64Array(n);
    this.cashes = new Float64Array(n);
    this.opens = new Int32Array(n);
  }

  record(tick: number, streamIndex: number, quantity: number, cashAfter: number, openAfter: number): void {
    const i = this.size;
    if (i === this.ticks.length) this.grow();
    this.ticks[i] = tick;
    this.streams[i] = streamIndex;
    this.quantities[i] = quantity;
    this.cashes[i] = cashAfter;
    this.opens[i] = openAfter;
    this.size = i + 1;
  }

  private grow(): void {
    const n = this.ticks.length * 2;
    const bigger = <A extends Int32Array | Float64Array>(data: A, make: (n: number) => A): A => {
      const out = make(n);
      out.set(data);
      return out;
    };
    this.ticks = bigger(this.ticks, (k) => new Int32Array(k));
    this.streams = bigger(this.streams, (k) => new Int32Array(k));
    this.quantities = bigger(this.quantities, (k) => new Float64Array(k));
    this.cashes = bigger(this.cashes, (k) => new Float64Array(k));
    this.opens = bigger(this.opens, (k) => new Int32Array(k));
  }

  get length(): number {
    return this.size;
  }

  get tick(): LedgerColumn<Int32Array> {
    return column(this.ticks, this.size);
  }

  get stream(): LedgerColumn<Int32Array> {
    return column(this.streams, this.size);
  }

  get quantity(): LedgerColumn<Float64Array> {
    return column(this.quantities, this.size);
  }

  get cashAfter(): LedgerColumn<Float64Array> {
    return column(this.cashes, this.size);
  }

  get openAfter(): LedgerColumn<Int32Array> {
    return column(this.opens, this.size);
  }
}

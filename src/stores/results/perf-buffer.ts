/**
 * The pending performance rows of one run: a FIFO of rows in fixed-size chunks, each one
 * Float64Array holding (ts, portfolio, equity, cash) per row. Pushing a row is four stores
 * into one array: the hot path runs once per portfolio per tick inside the synchronous loop.
 * Rows leave from the front once the journal has acknowledged them, and their chunk goes
 * back to the store-wide ChunkPool.
 *
 * Why a pool of pre-touched chunks: a synchronous backtest never lets the background drain
 * the queue, so every row lands in memory the loop has not touched before, and the first
 * write to each fresh page is a page fault; measured, that tripled the cost of a push.
 * The pool allocates and touches the memory for the queue's capacity once, when the store
 * opens, and recycles it from run to run.
 */
const ROWS = 4096;
const WIDTH = 4;
const SHIFT = 12; // log2(ROWS)

export class ChunkPool {
  private readonly free: Float64Array[] = [];

  /** Pre-allocates (and touches) chunks for `rows` rows; beyond that, chunks are allocated on demand. */
  constructor(rows: number, private readonly keep = Math.ceil(rows / ROWS)) {
    for (let i = 0; i < this.keep; i++) this.free.push(new Float64Array(ROWS * WIDTH).fill(0));
  }

  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(ROWS * WIDTH);
  }

  give(chunk: Float64Array): void {
    if (this.free.length < this.keep) this.free.push(chunk);
  }
}

export interface PerfColumns {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  readonly portfolio: Uint32Array;
  /** Portfolio ids by interned index (the whole dictionary of the run so far). */
  readonly ids: readonly string[];
}

export class PerfBuffer {
  private chunks: Float64Array[] = [];
  /** Rows already consumed from chunks[0]. */
  private head = 0;
  private size = 0;
  /** Interned portfolio ids. */
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly pool: ChunkPool) {}

  get length(): number {
    return this.size;
  }

  /** Interned index of a portfolio id. */
  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }

  push(ts: number, portfolio: number, equity: number, cash: number): void {
    const at = this.head + this.size;
    let chunk = this.chunks[at >> SHIFT];
    if (chunk === undefined) chunk = this.grow();
    const i = (at & (ROWS - 1)) * WIDTH;
    chunk[i] = ts;
    chunk[i + 1] = portfolio;
    chunk[i + 2] = equity;
    chunk[i + 3] = cash;
    this.size++;
  }

  private grow(): Float64Array {
    const chunk = this.pool.take();
    this.chunks.push(chunk);
    return chunk;
  }

  /** Removes the last `k` rows (rolls back a call whose later rows failed validation). */
  dropLast(k: number): void {
    if (k > this.size) throw new Error(`perf buffer: drop ${k} of ${this.size} rows`);
    this.size -= k;
  }

  /** Columns of `n` rows starting at row `from` (copies). */
  copy(from: number, n: number): PerfColumns {
    const ts = new Float64Array(n);
    const equity = new Float64Array(n);
    const cash = new Float64Array(n);
    const portfolio = new Uint32Array(n);
    for (let r = 0; r < n; r++) {
      const at = this.head + from + r;
      const chunk = this.chunks[at >> SHIFT];
      const i = (at & (ROWS - 1)) * WIDTH;
      ts[r] = chunk[i];
      portfolio[r] = chunk[i + 1];
      equity[r] = chunk[i + 2];
      cash[r] = chunk[i + 3];
    }
    return { ts, equity, cash, portfolio, ids: this.ids.slice() };
  }

  /** Drops the first `n` rows. */
  consume(n: number): void {
    if (n > this.size) throw new Error(`perf buffer: consume ${n} of ${this.size} rows`);
    this.head += n;
    this.size -= n;
    while (this.head >= ROWS) {
      this.pool.give(this.chunks.shift()!);
      this.head -= ROWS;
    }
    if (this.size === 0) {
      // Empty: hand every chunk back; the next rows start a fresh one.
      for (const chunk of this.chunks) this.pool.give(chunk);
      this.chunks = [];
      this.head = 0;
    }
  }
}

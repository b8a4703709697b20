/**
 * The pending performance rows of one run: a FIFO of columns in fixed-size typed-array
 * chunks. Pushing a row is four array stores and allocates nothing (the hot path runs once
 * per portfolio per tick inside the synchronous loop); rows leave from the front once the
 * journal has acknowledged them. Portfolio ids are interned to small integers per run.
 */
const CHUNK = 4096;

interface Chunk {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  readonly portfolio: Uint32Array;
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
  private chunks: Chunk[] = [];
  /** Rows already consumed from chunks[0]. */
  private head = 0;
  private size = 0;
  /** Interned portfolio ids. */
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  /** Spare chunks, reused so a steady producer allocates nothing. */
  private spare: Chunk[] = [];

  get length(): number {
    return this.size;
  }

  /** Interned index of a portfolio id (positionally cached by the caller). */
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
    const c = at >> 12; // CHUNK = 4096 = 2^12
    let chunk = this.chunks[c];
    if (chunk === undefined) {
      chunk = this.spare.pop() ?? newChunk();
      this.chunks.push(chunk);
    }
    const i = at & (CHUNK - 1);
    chunk.ts[i] = ts;
    chunk.equity[i] = equity;
    chunk.cash[i] = cash;
    chunk.portfolio[i] = portfolio;
    this.size++;
  }

  /** Copies of the first `n` rows (n <= length) starting at row `from`. */
  copy(from: number, n: number): PerfColumns {
    const out = {
      ts: new Float64Array(n),
      equity: new Float64Array(n),
      cash: new Float64Array(n),
      portfolio: new Uint32Array(n),
      ids: this.ids.slice(),
    };
    let written = 0;
    let at = this.head + from;
    while (written < n) {
      const chunk = this.chunks[at >> 12];
      const i = at & (CHUNK - 1);
      const take = Math.min(CHUNK - i, n - written);
      out.ts.set(chunk.ts.subarray(i, i + take), written);
      out.equity.set(chunk.equity.subarray(i, i + take), written);
      out.cash.set(chunk.cash.subarray(i, i + take), written);
      out.portfolio.set(chunk.portfolio.subarray(i, i + take), written);
      written += take;
      at += take;
    }
    return out;
  }

  /** Drops the first `n` rows. */
  consume(n: number): void {
    if (n > this.size) throw new Error(`perf buffer: consume ${n} of ${this.size} rows`);
    this.head += n;
    this.size -= n;
    while (this.head >= CHUNK) {
      this.spare.push(this.chunks.shift()!);
      this.head -= CHUNK;
    }
    if (this.size === 0 && this.head > 0) {
      // Empty: rewind so the next rows start at the top of the first chunk.
      this.head = 0;
    }
    if (this.spare.length > 4) this.spare.length = 4;
  }
}

function newChunk(): Chunk {
  return { ts: new Float64Array(CHUNK), equity: new Float64Array(CHUNK), cash: new Float64Array(CHUNK), portfolio: new Uint32Array(CHUNK) };
}

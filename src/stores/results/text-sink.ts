/**
 * Text output assembled in Buffers rather than in one JavaScript string. A 50,000-row CSV
 * or JSON Lines part built as a string (or as row arrays joined) left megabytes of garbage
 * in the old generation, collected during the *next* backtest's loop; here only short
 * per-value strings are created (young-generation garbage, nearly free to collect) and the
 * bytes live outside the JavaScript heap.
 */
const CHUNK = 1 << 20;

/** Lines are gathered into a string of about this many characters before each copy into the buffer (fewer native calls). */
const BATCH = 1 << 15;

export class TextSink {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private pending = '';

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= BATCH) this.drain();
  }

  private drain(): void {
    const text = this.pending;
    this.pending = '';
    // An ASCII string never takes more bytes than characters; others up to 3 per UTF-16 unit.
    const worst = text.length * 3;
    if (this.pos + worst > this.buf.length) this.next(worst);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  private next(atLeast: number): void {
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, atLeast));
    this.pos = 0;
  }

  /** The bytes written (the sink must not be used afterwards). */
  bytes(): Buffer {
    this.drain();
    this.chunks.push(this.buf.subarray(0, this.pos));
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
  }
}

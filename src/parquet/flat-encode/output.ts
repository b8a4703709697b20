import { TWO_32 } from './constants.ts';

// ---------------------------------------------------------------------------------------------
// Byte output

/** A growable byte buffer (one class for every buffer here, so its methods see one shape). */
export class Output {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  /** Let go of a buffer grown past `limit` bytes (a scratch buffer kept between files should not pin a large file's worth). */
  shrink(limit: number): void {
    if (this.buf.length <= limit) return;
    this.buf = new Uint8Array(64 * 1024);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Unsigned varint of an integer below 2^53. */
  varint(v: number): void {
    this.ensure(8);
    const buf = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      buf[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[p++] = v;
    this.pos = p;
  }

  /**
   * Zigzag varint of a safe integer (Thrift i32/i64, delta values): 2v, or -2v - 1 for a
   * negative v, which doubles hold exactly only down to -2^52; below, it is written from halves.
   */
  zigzag(v: number): void {
    if (v >= 0) this.varint(2 * v);
    else if (v >= -(2 ** 52)) this.varint(-2 * v - 1);
    else {
      const u = -v;
      const hi = Math.floor(u / TWO_32);
      const lo = u - hi * TWO_32;
      // 2u - 1 = (2 hi) * 2^32 + (2 lo - 1), with the borrow or carry between the halves
      let high = 2 * hi;
      let low = 2 * lo - 1;
      if (low < 0) {
        high -= 1;
        low += TWO_32;
      } else if (low >= TWO_32) {
        high += 1;
        low -= TWO_32;
      }
      this.varintHalves(high, low);
    }
  }

  /** Unsigned varint of high * 2^32 + low (low below 2^32, high below 2^25). */
  private varintHalves(high: number, low: number): void {
    this.ensure(10);
    const buf = this.buf;
    let p = this.pos;
    while (high > 0 || low >= 0x80) {
      buf[p++] = (low & 0x7f) | 0x80;
      low = (low >>> 7) + (high % 128) * 2 ** 25; // the next 7 bits come down from the high half
      high = Math.floor(high / 128);
    }
    buf[p++] = low;
    this.pos = p;
  }
}

/** Scratch buffers, reused from page to page and file to file (encoding is synchronous). */
export const levelScratch = new Output(1024);
export const bodyScratch = new Output(64 * 1024);
export const stringScratch = new Output(64 * 1024);
export const snappyScratch = new Output(64 * 1024);
let fileScratch: Output | null = null;

/** Files up to this size are built in one reused buffer and copied out; larger ones get a buffer of their own. */
export const REUSED_OUTPUT_BYTES = 4 << 20;

export function takeOutput(estimate: number): Output {
  const reused = fileScratch;
  if (reused && estimate <= REUSED_OUTPUT_BYTES) {
    fileScratch = null;
    return reused.reset();
  }
  return new Output(estimate);
}

export function releaseOutput(out: Output): Uint8Array {
  if (out.buf.length > REUSED_OUTPUT_BYTES) return out.bytes();
  const bytes = out.buf.slice(0, out.pos);
  fileScratch = out.reset();
  return bytes;
}

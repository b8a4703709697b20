import { TWO_32 } from './constants.ts';
import { type Output, stringScratch } from './output.ts';

// ---------------------------------------------------------------------------------------------
// Value encodings

/** INT64 PLAIN: each value as its low and high 32-bit halves (exact for safe integers, no BigInt). */
export function writePlainInt64(out: Output, nums: Float64Array): void {
  const n = nums.length;
  out.ensure(8 * n);
  const view = out.view;
  let p = out.pos;
  for (let i = 0; i < n; i++) {
    const v = nums[i];
    const hi = Math.floor(v / TWO_32);
    view.setUint32(p, v - hi * TWO_32, true);
    view.setInt32(p + 4, hi, true);
    p += 8;
  }
  out.pos = p;
}

/** BOOLEAN PLAIN: one bit per value, least significant first. */
export function writePlainBooleans(out: Output, bools: Int32Array): void {
  const n = bools.length;
  const bytes = (n + 7) >> 3;
  out.ensure(bytes);
  const buf = out.buf;
  buf.fill(0, out.pos, out.pos + bytes);
  for (let i = 0; i < n; i++) if (bools[i]) buf[out.pos + (i >> 3)] |= 1 << (i & 7);
  out.pos += bytes;
}

/**
 * PLAIN strings (4-byte length, UTF-8 bytes) of `strs`, one after the other; `ends[k + 1]` is
 * where value k ends, `ends[0]` = 0. A lone surrogate is written as U+FFFD (as TextEncoder does).
 */
export function plainStringsOf(strs: readonly string[], ends: Int32Array): Uint8Array {
  const scratch = stringScratch.reset();
  for (let k = 0; k < strs.length; k++) {
    const s = strs[k];
    scratch.ensure(4 + 3 * s.length);
    const buf = scratch.buf;
    const start = scratch.pos;
    let p = start + 4;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) buf[p++] = c;
      else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[p++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          buf[p++] = 0xef;
          buf[p++] = 0xbf;
          buf[p++] = 0xbd;
        }
      }
    }
    scratch.view.setUint32(start, p - start - 4, true);
    scratch.pos = p;
    ends[k + 1] = p;
  }
  return scratch.bytes();
}

/**
 * The RLE / bit-packed hybrid of `values` at `width` bits, split into runs as hyparquet-writer
 * splits them (writeRleBitPackedHybrid): a run of 8 or more equal values is an RLE run,
 * anything else goes into groups of 8 bit-packed values (the last group padded with zeros).
 */
export function writeHybrid(out: Output, values: Int32Array, width: number): void {
  const n = values.length;
  let pendingGroups = 0;
  let packedStart = 0;
  let i = 0;
  while (i < n) {
    const first = values[i];
    let run = 1;
    while (i + run < n && values[i + run] === first) run++;
    if (run >= 8) {
      if (pendingGroups) {
        writeBitPacked(out, values, packedStart, pendingGroups, width);
        pendingGroups = 0;
      }
      out.varint(run << 1);
      for (let b = 0, bytes = (width + 7) >> 3; b < bytes; b++) out.u8((first >> (b << 3)) & 0xff);
      i += run;
    } else {
      if (pendingGroups === 0) packedStart = i;
      pendingGroups++;
      i += 8;
    }
  }
  if (pendingGroups) writeBitPacked(out, values, packedStart, pendingGroups, width);
}

function writeBitPacked(out: Output, values: Int32Array, start: number, groups: number, width: number): void {
  out.varint((groups << 1) | 1);
  if (width === 0) return;
  out.ensure(groups * width + 1);
  const buf = out.buf;
  let p = out.pos;
  const mask = (1 << width) - 1;
  const n = values.length;
  let buffer = 0;
  let bits = 0;
  for (let i = 0, end = groups * 8; i < end; i++) {
    const at = start + i;
    const v = at < n ? values[at] & mask : 0;
    buffer |= v << bits;
    bits += width;
    while (bits >= 8) {
      buf[p++] = buffer & 0xff;
      buffer >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) buf[p++] = buffer & 0xff;
  out.pos = p;
}

// DELTA_BINARY_PACKED, hyparquet-writer's layout: blocks of 128 deltas in 4 miniblocks of 32.
const BLOCK_SIZE = 128;
const MINIBLOCKS = 4;
const MINIBLOCK_SIZE = BLOCK_SIZE / MINIBLOCKS;
const blockDeltas = new Float64Array(BLOCK_SIZE);
const miniblockWidths = new Uint8Array(MINIBLOCKS);

/** INT32 deltas wrap at 32 bits, as the type's arithmetic does (and as readers undo it). */
export function writeDeltaInt32(out: Output, values: Int32Array): void {
  const count = values.length;
  writeDeltaHeader(out, count, count ? values[0] : 0);
  for (let index = 1; index < count; index += BLOCK_SIZE) {
    const size = Math.min(BLOCK_SIZE, count - index);
    let minDelta = 0;
    for (let i = 0; i < size; i++) {
      const delta = (values[index + i] - values[index + i - 1]) | 0;
      blockDeltas[i] = delta;
      if (i === 0 || delta < minDelta) minDelta = delta;
    }
    writeDeltaBlock(out, size, minDelta);
  }
}

/** INT64 deltas of safe integers spanning at most 2^52 (planColumn checks): exact in doubles. */
export function writeDeltaInt64(out: Output, values: Float64Array): void {
  const count = values.length;
  writeDeltaHeader(out, count, count ? values[0] : 0);
  for (let index = 1; index < count; index += BLOCK_SIZE) {
    const size = Math.min(BLOCK_SIZE, count - index);
    let minDelta = 0;
    for (let i = 0; i < size; i++) {
      const delta = values[index + i] - values[index + i - 1];
      blockDeltas[i] = delta;
      if (i === 0 || delta < minDelta) minDelta = delta;
    }
    writeDeltaBlock(out, size, minDelta);
  }
}

function writeDeltaHeader(out: Output, count: number, first: number): void {
  out.varint(BLOCK_SIZE);
  out.varint(MINIBLOCKS);
  out.varint(count);
  out.zigzag(first);
}

/** One block of `size` deltas (in blockDeltas): min delta, the miniblocks' bit widths, then the packed miniblocks. */
function writeDeltaBlock(out: Output, size: number, minDelta: number): void {
  out.zigzag(minDelta);
  for (let m = 0; m < MINIBLOCKS; m++) {
    let max = 0;
    for (let i = m * MINIBLOCK_SIZE, end = Math.min(i + MINIBLOCK_SIZE, size); i < end; i++) {
      const adjusted = blockDeltas[i] - minDelta;
      if (adjusted > max) max = adjusted;
    }
    miniblockWidths[m] = bitWidth(max);
  }
  out.append(miniblockWidths);
  for (let m = 0; m < MINIBLOCKS; m++) {
    const width = miniblockWidths[m];
    if (width === 0) continue;
    const start = m * MINIBLOCK_SIZE;
    packMiniblock(out, start, Math.min(start + MINIBLOCK_SIZE, size), minDelta, width);
  }
}

/** Bits needed for a non-negative integer below 2^53. */
function bitWidth(v: number): number {
  if (v <= 0xffffffff) return 32 - Math.clz32(v);
  return 64 - Math.clz32(Math.floor(v / TWO_32));
}

/**
 * 32 values (deltas [start, end) minus minDelta, then zeros) of `width` bits, least significant
 * bit first: exactly 4 * width bytes.
 */
function packMiniblock(out: Output, start: number, end: number, minDelta: number, width: number): void {
  out.ensure(4 * width);
  const buf = out.buf;
  let p = out.pos;
  let buffer = 0;
  let bits = 0;
  if (width <= 24) {
    // a 32-bit accumulator holds a value and the < 8 bits still waiting
    for (let i = 0; i < MINIBLOCK_SIZE; i++) {
      const at = start + i;
      const v = at < end ? blockDeltas[at] - minDelta : 0;
      buffer |= v << bits;
      bits += width;
      while (bits >= 8) {
        buf[p++] = buffer & 0xff;
        buffer >>>= 8;
        bits -= 8;
      }
    }
  } else {
    // wider values go in 16-bit pieces, so the accumulator never holds more than 24 bits
    for (let i = 0; i < MINIBLOCK_SIZE; i++) {
      const at = start + i;
      let v = at < end ? blockDeltas[at] - minDelta : 0;
      for (let left = width; left > 0; left -= 16) {
        const take = left < 16 ? left : 16;
        const piece = v % 65536;
        v = (v - piece) / 65536;
        buffer |= piece << bits;
        bits += take;
        while (bits >= 8) {
          buf[p++] = buffer & 0xff;
          buffer >>>= 8;
          bits -= 8;
        }
      }
    }
  }
  out.pos = p;
}

import type { ChunkValues } from './chunk-values.ts';
import { K_BOOLEAN, K_DOUBLE, K_INT32, K_INT64, TWO_32, utf8 } from './constants.ts';
import type { Dictionary } from './dictionary.ts';

// ---------------------------------------------------------------------------------------------
// Statistics: hyparquet-writer's getStatistics and unconvertMinMax

export class ChunkStats {
  constructor(
    readonly nullCount: number,
    /** -1 for non-DOUBLE columns (no nan_count field). */
    readonly nanCount: number,
    readonly min: Uint8Array | null,
    readonly max: Uint8Array | null,
    /** False when a string bound was cut to 16 bytes (is_*_value_exact = false); true otherwise (field left out). */
    readonly minExact: boolean,
    readonly maxExact: boolean,
  ) {}
}

/** Byte-array bounds longer than this are cut (hyparquet-writer's default statisticsTruncateLength). */
const STATS_TRUNCATE_LENGTH = 16;

export function chunkStatistics(kind: number, values: ChunkValues, dictionary: Dictionary | null, nullCount: number): ChunkStats {
  switch (kind) {
    case K_INT32:
    case K_BOOLEAN: {
      const ints = values.ints;
      if (ints.length === 0) return new ChunkStats(nullCount, -1, null, null, true, true);
      let min = ints[0];
      let max = ints[0];
      for (let i = 1; i < ints.length; i++) {
        const v = ints[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (kind === K_BOOLEAN) return new ChunkStats(nullCount, -1, Uint8Array.of(min), Uint8Array.of(max), true, true);
      return new ChunkStats(nullCount, -1, int32Bytes(min), int32Bytes(max), true, true);
    }
    case K_INT64:
    case K_DOUBLE: {
      const nums = values.nums;
      let min = Infinity;
      let max = -Infinity;
      let nans = 0;
      let any = false;
      for (let i = 0; i < nums.length; i++) {
        const v = nums[i];
        if (v !== v) {
          nans++; // NaN: no bound, counted (doubles only hold NaN)
          continue;
        }
        if (!any || v < min) min = v;
        if (!any || v > max) max = v;
        any = true;
      }
      if (kind === K_INT64) return new ChunkStats(nullCount, -1, any ? int64Bytes(min) : null, any ? int64Bytes(max) : null, true, true);
      // signed zero, per the Parquet spec: a 0 bound is -0 as min, +0 as max
      if (min === 0) min = -0;
      if (max === 0) max = 0;
      return new ChunkStats(nullCount, nans, any ? float64Bytes(min) : null, any ? float64Bytes(max) : null, true, true);
    }
    default: {
      const strs = dictionary ? dictionary.strs : values.strs;
      if (strs.length === 0) return new ChunkStats(nullCount, -1, null, null, true, true);
      let min = strs[0];
      let max = strs[0];
      for (let i = 1; i < strs.length; i++) {
        const s = strs[i];
        if (s === min || s === max) continue;
        if (compareStrings(s, min) < 0) min = s;
        if (compareStrings(s, max) > 0) max = s;
      }
      const minBytes = utf8.encode(min);
      const maxBytes = utf8.encode(max);
      const low = truncateUtf8Bound(minBytes, false);
      const high = truncateUtf8Bound(maxBytes, true);
      return new ChunkStats(nullCount, -1, low, high, low === minBytes, high === maxBytes);
    }
  }
}

function int32Bytes(v: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, v, true);
  return bytes;
}

function int64Bytes(v: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const hi = Math.floor(v / TWO_32);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, v - hi * TWO_32, true);
  view.setInt32(4, hi, true);
  return bytes;
}

function float64Bytes(v: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, v, true);
  return bytes;
}

/**
 * Compare strings in UTF-8 byte order, i.e. code point order (JavaScript's `<` compares UTF-16
 * units); a lone surrogate compares as U+FFFD, which is how it is written. (hyparquet-writer's
 * compareStrings.)
 */
function compareStrings(left: string, right: string): number {
  if (left === right) return 0;
  const length = Math.min(left.length, right.length);
  let i = 0;
  while (i < length && left.charCodeAt(i) === right.charCodeAt(i)) i++;
  // back up if the difference is in the low half of a surrogate pair
  if (i > 0) {
    const prev = left.charCodeAt(i - 1);
    if (prev >= 0xd800 && prev <= 0xdbff) i--;
  }
  while (i < left.length && i < right.length) {
    const a = codePointAt(left, i);
    const b = codePointAt(right, i);
    if (a !== b) return a - b;
    i += a > 0xffff ? 2 : 1;
  }
  return left.length - right.length;
}

function codePointAt(s: string, i: number): number {
  const code = s.codePointAt(i) ?? 0xfffd;
  return code >= 0xd800 && code <= 0xdfff ? 0xfffd : code;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A string bound cut to at most 16 bytes on a code point boundary, or `bytes` itself when it is
 * short enough or (for a max) has no shorter upper bound. A min is a prefix; a max is a prefix
 * whose last code point that can be is incremented. (hyparquet-writer's truncateUtf8.)
 */
function truncateUtf8Bound(bytes: Uint8Array, isMax: boolean): Uint8Array {
  const length = STATS_TRUNCATE_LENGTH;
  if (bytes.length <= length) return bytes;
  let end = length;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  if (!isMax) return bytes.slice(0, end);
  let text: string;
  try {
    text = strictUtf8.decode(bytes.subarray(0, end));
  } catch {
    return truncateBytesBound(bytes, length) ?? bytes; // not reached for encoded strings, kept for parity
  }
  const codePoints = Array.from(text, (c) => c.codePointAt(0) ?? 0);
  for (let i = codePoints.length - 1; i >= 0; i--) {
    // drop this code point from the prefix, keeping its original bytes
    end--;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
    const code = codePoints[i];
    if (code === 0x10ffff) continue;
    const next = code === 0xd7ff ? 0xe000 : code + 1;
    const suffix = utf8.encode(String.fromCodePoint(next));
    if (end + suffix.length > length) continue;
    const rounded = new Uint8Array(end + suffix.length);
    rounded.set(bytes.subarray(0, end));
    rounded.set(suffix, end);
    return rounded;
  }
  return bytes;
}

/** Byte-wise upper bound of at most `length` bytes (hyparquet-writer's truncateBytes for a max). */
function truncateBytesBound(bytes: Uint8Array, length: number): Uint8Array | undefined {
  const prefix = bytes.slice(0, length);
  let i = prefix.length - 1;
  while (i >= 0 && prefix[i] === 0xff) i--;
  if (i < 0) return undefined;
  const rounded = prefix.slice(0, i + 1);
  rounded[i] += 1;
  return rounded;
}

import { EMPTY_FLOAT64, EMPTY_INT32, EMPTY_STRINGS, K_DOUBLE, K_INT32, K_INT64, K_STRING } from './constants.ts';
import { bodyScratch } from './output.ts';
import type { PlannedColumn } from './plan.ts';
import { plainStringsOf, writePlainInt64 } from './values.ts';

// ---------------------------------------------------------------------------------------------
// Dictionaries: hyparquet-writer's decision (useDictionary in its dictionary.js), per chunk

/** Distinct values in order of first appearance, and each non-null value's index into them. */
export class Dictionary {
  constructor(
    readonly size: number,
    readonly indices: Int32Array,
    readonly ints: Int32Array,
    readonly nums: Float64Array,
    readonly strs: readonly string[],
  ) {}
}

/** A chunk whose sampled distinct values exceed this share of the sampled bytes gets no dictionary. */
const SAMPLE_REJECTION_RATIO = 0.9;
const SAMPLE_SIZE = 1000;

/**
 * The chunk's dictionary, or null when hyparquet-writer would write it PLAIN: a sample of up to
 * 1000 rows spread over the chunk is mostly distinct, or the dictionary and its bit-packed
 * indices would not halve the PLAIN bytes. Values are told apart as a Map tells its keys apart
 * (so 0 and -0 share an entry, as they do in hyparquet-writer).
 */
export function buildDictionary(column: PlannedColumn, g0: number, rows: number, count: number): Dictionary | null {
  switch (column.kind) {
    case K_INT32:
      return int32Dictionary(column.ints, column.defined, column.nullable, g0, rows, count);
    case K_STRING:
      return stringDictionary(column.strs, column.defined, column.nullable, g0, rows, count);
    default:
      return float64Dictionary(column.nums, column.defined, column.nullable, g0, rows, count);
  }
}

/** Row (relative to the chunk) of sample `i` of `n`, as hyparquet-writer picks them. */
function sampleRow(i: number, n: number, rows: number): number {
  return n === 1 ? 0 : Math.floor((i * (rows - 1)) / (n - 1));
}

/**
 * Whether the win check rejects a dictionary (same arithmetic as hyparquet-writer). For
 * fixed-size values it only grows with the distinct count, so a build can stop as soon as it
 * fails part way (checked every 64 new values).
 */
function dictionaryLoses(distinct: number, count: number, dictionaryBytes: number, plainBytes: number): boolean {
  const bitWidth = Math.ceil(Math.log2(distinct));
  const indexSize = Math.ceil((count * bitWidth) / 8);
  return 2 * (dictionaryBytes + indexSize) > plainBytes;
}

function int32Dictionary(ints: Int32Array, def: Int32Array, nullable: boolean, g0: number, rows: number, count: number): Dictionary | null {
  const n = Math.min(rows, SAMPLE_SIZE);
  const seen = sampleKeys.reset(n);
  let sampled = 0;
  for (let i = 0; i < n; i++) {
    const row = g0 + sampleRow(i, n, rows);
    if (nullable && def[row] === 0) continue; // a null adds no bytes
    sampled++;
    seen.indexOf(0, ints[row]);
  }
  if (!sampled || (seen.size * 4) / (sampled * 4) > SAMPLE_REJECTION_RATIO) return null;
  const keys = chunkKeys.reset(count);
  const values = new Int32Array(count);
  const indices = new Int32Array(count);
  let last = 0;
  let lastAt = -1;
  for (let row = g0, k = 0; row < g0 + rows; row++) {
    if (nullable && def[row] === 0) continue;
    const v = ints[row];
    if (v !== last || lastAt < 0) {
      // (runs of one value skip the lookup)
      const size = keys.size;
      const at = keys.indexOf(0, v);
      if (at === size) {
        values[at] = v;
        if ((at & 63) === 63 && dictionaryLoses(at + 1, count, (at + 1) * 4, count * 4)) return null;
      }
      last = v;
      lastAt = at;
    }
    indices[k++] = lastAt;
  }
  const size = keys.size;
  if (dictionaryLoses(size, count, size * 4, count * 4)) return null;
  return new Dictionary(size, indices, values.subarray(0, size), EMPTY_FLOAT64, EMPTY_STRINGS);
}

/** Doubles as the two halves of their bits, for {@link KeyIndex}. */
const doubleBits = new Float64Array(1);
const doubleHalves = new Int32Array(doubleBits.buffer);

/** The index of `v` in `keys`, keyed as a Map keys numbers: 0 and -0 are one key, every NaN is one key. */
function doubleIndex(keys: KeyIndex, v: number): number {
  doubleBits[0] = v === 0 ? 0 : v === v ? v : Number.NaN;
  return keys.indexOf(doubleHalves[1], doubleHalves[0]);
}

function float64Dictionary(nums: Float64Array, def: Int32Array, nullable: boolean, g0: number, rows: number, count: number): Dictionary | null {
  const n = Math.min(rows, SAMPLE_SIZE);
  const seen = sampleKeys.reset(n);
  let sampled = 0;
  for (let i = 0; i < n; i++) {
    const row = g0 + sampleRow(i, n, rows);
    if (nullable && def[row] === 0) continue;
    sampled++;
    doubleIndex(seen, nums[row]);
  }
  if (!sampled || (seen.size * 8) / (sampled * 8) > SAMPLE_REJECTION_RATIO) return null;
  const keys = chunkKeys.reset(count);
  const values = new Float64Array(count);
  const indices = new Int32Array(count);
  let last = Number.NaN;
  let lastAt = 0;
  for (let row = g0, k = 0; row < g0 + rows; row++) {
    if (nullable && def[row] === 0) continue;
    const v = nums[row];
    // (runs of one value skip the lookup; === holds for 0 and -0, which share a key, and never for NaN)
    if (v !== last) {
      const size = keys.size;
      const at = doubleIndex(keys, v);
      if (at === size) {
        values[at] = v; // the first of 0 and -0 is the one kept, as in a Map
        if ((at & 63) === 63 && dictionaryLoses(at + 1, count, (at + 1) * 8, count * 8)) return null;
      }
      last = v;
      lastAt = at;
    }
    indices[k++] = lastAt;
  }
  const size = keys.size;
  if (dictionaryLoses(size, count, size * 8, count * 8)) return null;
  return new Dictionary(size, indices, EMPTY_INT32, values.subarray(0, size), EMPTY_STRINGS);
}

/**
 * An open-addressing table from 64-bit keys (two 32-bit halves) to indices in order of first
 * insertion: what a Map of numbers does for the dictionaries, without boxing and hashing a heap
 * number per value. Reused from chunk to chunk.
 */
class KeyIndex {
  private high = new Int32Array(0);
  private low = new Int32Array(0);
  /** Per slot: the key's index + 1, or 0 when the slot is empty. */
  private slots = new Int32Array(0);
  private mask = 0;
  size = 0;

  /** Empty it, with room for `n` keys at most half full. */
  reset(n: number): this {
    let capacity = 16;
    while (capacity < 2 * n) capacity *= 2;
    if (this.slots.length < capacity) {
      this.high = new Int32Array(capacity);
      this.low = new Int32Array(capacity);
      this.slots = new Int32Array(capacity);
    } else this.slots.fill(0, 0, capacity);
    this.mask = capacity - 1;
    this.size = 0;
    return this;
  }

  /** The index of the key; a new key gets the next index (`size` before the call). */
  indexOf(high: number, low: number): number {
    const slots = this.slots;
    const h = Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b);
    let slot = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const at = slots[slot];
      if (at === 0) {
        slots[slot] = ++this.size;
        this.high[slot] = high;
        this.low[slot] = low;
        return this.size - 1;
      }
      if (this.low[slot] === low && this.high[slot] === high) return at - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Let go of tables grown for a large chunk. */
  shrink(limit: number): void {
    if (this.slots.length * 12 <= limit) return;
    this.high = new Int32Array(0);
    this.low = new Int32Array(0);
    this.slots = new Int32Array(0);
    this.mask = 0;
    this.size = 0;
  }
}

/** The dictionaries' key tables: one for a chunk's sample, one for the whole chunk. */
const sampleKeys = new KeyIndex();
export const chunkKeys = new KeyIndex();

/** {@link int32Dictionary} for strings, sized by UTF-16 length (+4 per PLAIN value), as hyparquet-writer estimates them. */
function stringDictionary(strs: ArrayLike<string | null | undefined>, def: Int32Array, nullable: boolean, g0: number, rows: number, count: number): Dictionary | null {
  const n = Math.min(rows, SAMPLE_SIZE);
  const seen = new Set<string>();
  let sampleDictionaryBytes = 0;
  let sampleBytes = 0;
  for (let i = 0; i < n; i++) {
    const row = g0 + sampleRow(i, n, rows);
    if (nullable && def[row] === 0) continue;
    const s = strs[row] as string;
    sampleBytes += s.length + 4;
    if (!seen.has(s)) {
      seen.add(s);
      sampleDictionaryBytes += s.length + 4;
    }
  }
  if (!sampleBytes || sampleDictionaryBytes / sampleBytes > SAMPLE_REJECTION_RATIO) return null;
  const index = new Map<string, number>();
  const values: string[] = [];
  const indices = new Int32Array(count);
  let totalBytes = 0;
  let dictionaryBytes = 0;
  let last: string | undefined;
  let lastAt = 0;
  for (let row = g0, k = 0; row < g0 + rows; row++) {
    if (nullable && def[row] === 0) continue;
    const s = strs[row] as string;
    totalBytes += s.length;
    if (s !== last) {
      // (runs of one value, e.g. a strategy's stream, skip the lookup)
      let at = index.get(s);
      if (at === undefined) {
        at = values.length;
        index.set(s, at);
        values.push(s);
        dictionaryBytes += s.length;
      }
      last = s;
      lastAt = at;
    }
    indices[k++] = lastAt;
  }
  if (dictionaryLoses(values.length, count, dictionaryBytes + values.length * 4, totalBytes + count * 4)) return null;
  return new Dictionary(values.length, indices, EMPTY_INT32, EMPTY_FLOAT64, values);
}

/** The dictionary page's body: the distinct values, PLAIN. */
export function plainDictionary(kind: number, dictionary: Dictionary): Uint8Array {
  switch (kind) {
    case K_INT32:
      return new Uint8Array(dictionary.ints.buffer, dictionary.ints.byteOffset, dictionary.size * 4);
    case K_DOUBLE:
      return new Uint8Array(dictionary.nums.buffer, dictionary.nums.byteOffset, dictionary.size * 8);
    case K_INT64: {
      const scratch = bodyScratch.reset();
      writePlainInt64(scratch, dictionary.nums);
      return scratch.bytes();
    }
    default: {
      const ends = new Int32Array(dictionary.size + 1);
      return plainStringsOf(dictionary.strs, ends);
    }
  }
}

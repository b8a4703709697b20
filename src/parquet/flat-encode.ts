/**
 * A lean encoder for the flat Parquet files the project writes, used by `writeParquetFile`
 * (src/parquet/index.ts, the project's one Parquet module; this file is part of it and is not
 * imported from anywhere else). hyparquet-writer stays the writer of anything this file does
 * not cover.
 *
 * Why: hyparquet-writer is general (nested columns, every type and encoding), and on the small
 * files of a parameter sweep its generality is the cost: values pass through arrays of BigInts
 * and per-value conversions, and its shared functions see so many shapes of input that V8
 * deoptimizes and recompiles them several times per process. This encoder takes the validated
 * columns as typed arrays (INT64 values as doubles, written as two 32-bit halves, never as
 * BigInts) and encodes each kind of column in loops of its own.
 *
 * It writes the SAME file as hyparquet-writer 0.17 for the same input, byte for byte apart from
 * `created_by`: the same schema annotations (TIMESTAMP_MILLIS and UTF8 converted types, no
 * logical types), data pages V2, the same choice of dictionary encoding (its sampling and
 * "halves the PLAIN size" rule, for every type but BOOLEAN), the same page splits by `pageSize`,
 * the same DELTA_BINARY_PACKED blocks, RLE/bit-packed runs and Snappy output (a port of the
 * same compressor), the same statistics (min_value/max_value with strings cut at 16 bytes,
 * null_count, nan_count for doubles), encoding stats, and offset indexes for chunks of several
 * pages. Readers therefore see no difference, and test/parquet/flat-encode.test.ts checks the
 * bytes against hyparquet-writer's on random tables.
 *
 * Covered: flat columns of INT32, INT64, TIMESTAMP_MILLIS, DOUBLE, STRING and BOOLEAN, REQUIRED
 * or nullable; encodings PLAIN, DELTA_BINARY_PACKED (integers) and automatic dictionary; codecs
 * UNCOMPRESSED and SNAPPY. {@link planFlatWrite} returns undefined for anything else
 * (BYTE_STREAM_SPLIT, other codecs, INT64 given as bigints or Dates, values that
 * `writeParquetFile` refuses or converts in ways of its own), and `writeParquetFile` then uses
 * hyparquet-writer exactly as before, errors included.
 */
import type { ParquetColumnInput } from './index.ts';

// ---------------------------------------------------------------------------------------------
// Parquet's Thrift enum values (as in hyparquet's constants).

const TYPE_BOOLEAN = 0;
const TYPE_INT32 = 1;
const TYPE_INT64 = 2;
const TYPE_DOUBLE = 5;
const TYPE_BYTE_ARRAY = 6;
const REPETITION_REQUIRED = 0;
const REPETITION_OPTIONAL = 1;
const CONVERTED_NONE = -1;
const CONVERTED_UTF8 = 0;
const CONVERTED_TIMESTAMP_MILLIS = 9;
const ENC_AUTO = -1; // no encoding asked for: dictionary when it pays off, else the type's default
const ENC_PLAIN = 0;
const ENC_RLE = 3;
const ENC_DELTA_BINARY_PACKED = 5;
const ENC_RLE_DICTIONARY = 8;
const CODEC_UNCOMPRESSED = 0;
const CODEC_SNAPPY = 1;
const PAGE_DICTIONARY = 2;
const PAGE_DATA_V2 = 3;

/** How a column's values are held: Int32Array (INT32; BOOLEAN as 0/1), Float64Array (INT64, TIMESTAMP_MILLIS, DOUBLE) or strings. */
const K_INT32 = 0;
const K_INT64 = 1;
const K_DOUBLE = 2;
const K_STRING = 3;
const K_BOOLEAN = 4;

const EMPTY_INT32 = new Int32Array(0);
const EMPTY_FLOAT64 = new Float64Array(0);
const EMPTY_STRINGS: readonly string[] = [];

/** PLAIN values are copied straight from typed arrays, which hold them in the platform's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** INT64 deltas are computed in doubles: exact while the column's values span at most 2^52. */
const MAX_DELTA_SPAN = 2 ** 52;

// ---------------------------------------------------------------------------------------------
// Planning: which columns this encoder takes, as typed arrays.

/** One column, ready to encode. Every instance has the same fields (unused ones empty), so the encoder sees one shape. */
class PlannedColumn {
  constructor(
    readonly name: string,
    readonly kind: number,
    readonly physical: number,
    readonly converted: number,
    readonly nullable: boolean,
    /** ENC_AUTO, ENC_PLAIN or ENC_DELTA_BINARY_PACKED. */
    readonly requested: number,
    readonly statistics: boolean,
    /** Per row (nulls hold 0): INT32 values, or BOOLEAN as 0/1. */
    readonly ints: Int32Array,
    /** Per row (nulls hold 0): INT64 / TIMESTAMP_MILLIS / DOUBLE values. */
    readonly nums: Float64Array,
    /** Per row: STRING values (null or undefined for nulls). */
    readonly strs: readonly (string | null | undefined)[],
    /** Per row of a nullable column: 1 for a value, 0 for a null (its definition level); empty for a REQUIRED column. */
    readonly defined: Int32Array,
    /** Whether any row is null (else a chunk's values are a view of the column's). */
    readonly hasNulls: boolean,
  ) {}
}

/** What {@link encodeFlatParquet} writes: the columns and the file-level choices that decide coverage. */
export interface FlatWritePlan {
  readonly columns: readonly PlannedColumn[];
  readonly rows: number;
  readonly codec: number;
  readonly metadata: readonly (readonly [string, string])[];
}

/**
 * The columns as this encoder would write them, or undefined when hyparquet-writer must: a
 * type, encoding, codec or input this encoder does not cover, or input that `writeParquetFile`
 * refuses (it then reports the error exactly as before). Throws nothing. The columns' names and
 * lengths are already checked by the caller.
 */
export function planFlatWrite(
  columns: readonly ParquetColumnInput[],
  codec: string,
  metadata: Readonly<Record<string, string>> | undefined,
): FlatWritePlan | undefined {
  if (!LITTLE_ENDIAN || columns.length === 0) return undefined;
  const codecId = codec === 'UNCOMPRESSED' ? CODEC_UNCOMPRESSED : codec === 'SNAPPY' ? CODEC_SNAPPY : -1;
  if (codecId < 0) return undefined;
  const entries = Object.entries(metadata ?? {});
  for (const [, value] of entries) if (typeof value !== 'string') return undefined;
  const planned: PlannedColumn[] = [];
  for (const column of columns) {
    const p = planColumn(column);
    if (!p) return undefined;
    planned.push(p);
  }
  return { columns: planned, rows: columns[0].data.length, codec: codecId, metadata: entries };
}

/** A typed array of numbers (the only typed input `writeParquetFile` converts the way it converts arrays). */
function isNumberArray(data: ArrayLike<unknown>): data is ArrayLike<number> & ArrayBufferView {
  return ArrayBuffer.isView(data) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array) && !(data instanceof DataView);
}

/** The null rows of an array, found while its values are converted (a definition level per row once there is one). */
class NullRows {
  count = 0;
  defined = EMPTY_INT32;
  constructor(readonly rows: number) {}

  add(row: number): void {
    if (this.count === 0) this.defined = new Int32Array(this.rows).fill(1);
    this.defined[row] = 0;
    this.count++;
  }
}

function planColumn(column: ParquetColumnInput): PlannedColumn | undefined {
  const { name, type, data } = column;
  const nullable = column.nullable ?? false;
  const integer = type === 'INT32' || type === 'INT64' || type === 'TIMESTAMP_MILLIS';
  let requested = ENC_AUTO;
  if (column.encoding === 'PLAIN') requested = ENC_PLAIN;
  else if (column.encoding === 'DELTA_BINARY_PACKED' && integer) requested = ENC_DELTA_BINARY_PACKED;
  else if (column.encoding !== undefined) return undefined; // BYTE_STREAM_SPLIT, or DELTA on a non-integer (an error)
  const typed = isNumberArray(data);
  if (!typed && !Array.isArray(data)) return undefined;
  const rows = data.length;
  const nulls = new NullRows(rows);
  let kind = K_INT32;
  let ints: Int32Array = EMPTY_INT32;
  let nums: Float64Array = EMPTY_FLOAT64;
  let strs: readonly (string | null | undefined)[] = EMPTY_STRINGS;
  switch (type) {
    case 'INT32': {
      const scanned = typed ? (data instanceof Int32Array ? data : new Int32Array(data)) : scanInt32(data as readonly unknown[], nulls);
      if (!scanned) return undefined;
      ints = scanned;
      break;
    }
    case 'INT64':
    case 'TIMESTAMP_MILLIS': {
      const scanned = typed ? checkInt64(data) : scanInt64(data as readonly unknown[], nulls);
      if (!scanned) return undefined;
      kind = K_INT64;
      nums = scanned;
      break;
    }
    case 'DOUBLE': {
      const scanned = typed ? (data instanceof Float64Array ? data : new Float64Array(data)) : scanDouble(data as readonly unknown[], nulls);
      if (!scanned) return undefined;
      kind = K_DOUBLE;
      nums = scanned;
      break;
    }
    case 'STRING':
      if (typed || !scanStrings(data as readonly unknown[], nulls)) return undefined;
      kind = K_STRING;
      strs = data as readonly (string | null | undefined)[];
      break;
    case 'BOOLEAN': {
      const scanned = typed ? undefined : scanBooleans(data as readonly unknown[], nulls);
      if (!scanned) return undefined;
      kind = K_BOOLEAN;
      ints = scanned;
      break;
    }
    default:
      return undefined;
  }
  // a null in a REQUIRED column is an error, which the fallback reports
  if (nulls.count > 0 && !nullable) return undefined;
  // with nulls, hyparquet-writer checks each INT32 value (without, Int32Array.from truncates and wraps them, as here)
  if (nulls.count > 0 && kind === K_INT32 && !int32Exact(ints, nulls.defined, data as readonly unknown[])) return undefined;
  // writeParquetFile hands a column holding nulls to hyparquet-writer without its encoding
  // (toColumnSource): such a column gets the automatic choice, here too
  if (nulls.count > 0) requested = ENC_AUTO;
  if (kind === K_INT64 && requested === ENC_DELTA_BINARY_PACKED && span(nums) > MAX_DELTA_SPAN) return undefined;
  const defined = nulls.count > 0 ? nulls.defined : nullable ? new Int32Array(rows).fill(1) : EMPTY_INT32;
  const physical = [TYPE_INT32, TYPE_INT64, TYPE_DOUBLE, TYPE_BYTE_ARRAY, TYPE_BOOLEAN][kind];
  const converted = type === 'TIMESTAMP_MILLIS' ? CONVERTED_TIMESTAMP_MILLIS : type === 'STRING' ? CONVERTED_UTF8 : CONVERTED_NONE;
  return new PlannedColumn(name, kind, physical, converted, nullable, requested, column.statistics ?? true, ints, nums, strs, defined, nulls.count > 0);
}

/**
 * INT32 values of an array of numbers (and nulls), stored as Int32Array stores them: truncated
 * and wrapped, as `Int32Array.from` has always converted them.
 */
function scanInt32(data: readonly unknown[], nulls: NullRows): Int32Array | undefined {
  const rows = data.length;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = data[i];
    if (typeof v === 'number') out[i] = v;
    else if (v === null || v === undefined) nulls.add(i);
    else return undefined;
  }
  return out;
}

/** Whether every non-null value was an int32 integer (stored unchanged; -0 as 0). */
function int32Exact(ints: Int32Array, defined: Int32Array, data: readonly unknown[]): boolean {
  for (let i = 0; i < ints.length; i++) if (defined[i] && ints[i] !== data[i]) return false;
  return true;
}

/** INT64 / TIMESTAMP_MILLIS values of an array: safe integers and nulls (bigints and Dates go to hyparquet-writer). */
function scanInt64(data: readonly unknown[], nulls: NullRows): Float64Array | undefined {
  const rows = data.length;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = data[i];
    if (typeof v === 'number' && Number.isSafeInteger(v)) out[i] = v;
    else if (v === null || v === undefined) nulls.add(i);
    else return undefined;
  }
  return out;
}

/** INT64 / TIMESTAMP_MILLIS values of a typed array: safe integers only (else writeParquetFile's error). */
function checkInt64(data: ArrayLike<number>): Float64Array | undefined {
  const nums = data instanceof Float64Array ? data : new Float64Array(data);
  for (let i = 0; i < nums.length; i++) if (!Number.isSafeInteger(nums[i])) return undefined;
  return nums;
}

/** max - min of `nums`. */
function span(nums: Float64Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < nums.length; i++) {
    const v = nums[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max - min;
}

function scanDouble(data: readonly unknown[], nulls: NullRows): Float64Array | undefined {
  const rows = data.length;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = data[i];
    if (typeof v === 'number') out[i] = v;
    else if (v === null || v === undefined) nulls.add(i);
    else return undefined;
  }
  return out;
}

function scanStrings(data: readonly unknown[], nulls: NullRows): boolean {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v === 'string') continue;
    if (v === null || v === undefined) nulls.add(i);
    else return false;
  }
  return true;
}

function scanBooleans(data: readonly unknown[], nulls: NullRows): Int32Array | undefined {
  const rows = data.length;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = data[i];
    if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else if (v === null || v === undefined) nulls.add(i);
    else return undefined;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The file

export interface FlatWriteOptions {
  /** Rows per row group, or each group's size in turn (the last repeats); already validated. */
  readonly rowGroupSize: number | readonly number[];
  /** Target page size in bytes (0: one page per chunk); already validated. */
  readonly pageSize: number;
  readonly createdBy: string;
}

/** Per column chunk, what the footer says about it. */
class ChunkMeta {
  /** Byte range of the chunk's offset index (written after the row groups), when it has several pages. */
  offsetIndexOffset = -1;
  offsetIndexLength = 0;
  constructor(
    readonly column: PlannedColumn,
    readonly encoding: number,
    readonly codec: number,
    readonly numValues: number,
    readonly uncompressedSize: number,
    readonly compressedSize: number,
    readonly fileOffset: number,
    readonly dataPageOffset: number,
    /** -1: no dictionary page. */
    readonly dictionaryPageOffset: number,
    readonly stats: ChunkStats | null,
    readonly pages: number,
    /** Per page: offset, compressed size (header included), first row in the group; empty for one page. */
    readonly pageLocations: number[],
  ) {}
}

interface RowGroupMeta {
  readonly chunks: ChunkMeta[];
  readonly rows: number;
  readonly totalByteSize: number;
  readonly compressedSize: number;
}

/**
 * Encode a whole Parquet file: `PAR1`, the row groups' column chunks, offset indexes, the
 * footer, its length and `PAR1`.
 */
export function encodeFlatParquet(plan: FlatWritePlan, options: FlatWriteOptions): Uint8Array {
  const out = takeOutput(estimateSize(plan));
  out.u32(0x31524150); // PAR1
  const groups: RowGroupMeta[] = [];
  const sizes = options.rowGroupSize;
  for (let start = 0, g = 0; start < plan.rows; g++) {
    const size = typeof sizes === 'number' ? sizes : sizes[Math.min(g, sizes.length - 1)];
    const end = Math.min(start + size, plan.rows);
    const groupStart = out.pos;
    const chunks: ChunkMeta[] = [];
    let totalByteSize = 0;
    for (const column of plan.columns) {
      const chunk = writeChunk(out, column, start, end, plan.codec, options.pageSize);
      totalByteSize += chunk.uncompressedSize;
      chunks.push(chunk);
    }
    groups.push({ chunks, rows: end - start, totalByteSize, compressedSize: out.pos - groupStart });
    start += size;
  }
  for (const group of groups) for (const chunk of group.chunks) writeOffsetIndex(out, chunk);
  const footerStart = out.pos;
  writeFileMetaData(out, plan, groups, options.createdBy);
  out.u32(out.pos - footerStart);
  out.u32(0x31524150);
  for (const scratch of [levelScratch, bodyScratch, stringScratch, snappyScratch]) scratch.shrink(REUSED_OUTPUT_BYTES);
  chunkKeys.shrink(REUSED_OUTPUT_BYTES);
  return releaseOutput(out);
}

/** A first guess at the file size (the output grows if it is short). */
function estimateSize(plan: FlatWritePlan): number {
  let bytes = 4096;
  for (const c of plan.columns) bytes += 256 + plan.rows * (c.kind === K_INT32 ? 4 : c.kind === K_BOOLEAN ? 1 : 8);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Column chunks

/** A chunk's page split: row and value (non-null) index where each page starts, then the ends. */
class PageSplit {
  readonly rowStarts: number[] = [];
  readonly valueStarts: number[] = [];
  get pages(): number {
    return this.rowStarts.length - 1;
  }
}

/** Write rows [g0, g1) of `column` as one column chunk. */
function writeChunk(out: Output, column: PlannedColumn, g0: number, g1: number, codec: number, pageSize: number): ChunkMeta {
  const rows = g1 - g0;
  const def = column.nullable ? column.defined.subarray(g0, g1) : EMPTY_INT32;
  let count = rows;
  if (column.hasNulls) {
    count = 0;
    for (let i = 0; i < rows; i++) count += def[i];
  }
  const values = chunkValues(column, g0, g1, count);
  const dictionary = column.requested === ENC_AUTO && column.kind !== K_BOOLEAN ? buildDictionary(column, g0, rows, count) : null;
  const stats = column.statistics ? chunkStatistics(column.kind, values, dictionary, rows - count) : null;
  let encoding = column.requested;
  if (dictionary) encoding = ENC_RLE_DICTIONARY;
  else if (encoding === ENC_AUTO) encoding = column.kind === K_BOOLEAN && rows > 16 ? ENC_RLE : ENC_PLAIN;

  // PLAIN strings are encoded once for the chunk: a page is then a slice of it, and the split needs their sizes
  let plainStrings: Uint8Array = EMPTY_BYTES;
  let stringEnds = EMPTY_INT32;
  if (column.kind === K_STRING && !dictionary) {
    stringEnds = new Int32Array(count + 1);
    plainStrings = plainStringsOf(values.strs, stringEnds);
  }
  const split = new PageSplit();
  if (pageSize === 0) pushPage(split, 0, 0);
  else if (column.kind === K_STRING && !dictionary) splitStringPages(def, column.nullable, stringEnds, rows, pageSize, split);
  else splitFixedPages(def, column.nullable, dictionary ? 4 : valueSize(column.kind), rows, pageSize, split);
  pushPage(split, rows, count);

  const fileOffset = out.pos;
  let uncompressedSize = 0;
  let dictionaryPageOffset = -1;
  if (dictionary) {
    dictionaryPageOffset = out.pos;
    const body = plainDictionary(column.kind, dictionary);
    uncompressedSize += writePage(out, PAGE_DICTIONARY, codec, EMPTY_BYTES, body, dictionary.size, 0, 0, ENC_PLAIN);
  }
  const dataPageOffset = out.pos;
  const pages = split.pages;
  const locations: number[] = [];
  for (let p = 0; p < pages; p++) {
    const r0 = split.rowStarts[p];
    const r1 = split.rowStarts[p + 1];
    const v0 = split.valueStarts[p];
    const v1 = split.valueStarts[p + 1];
    const pageStart = out.pos;
    let levels: Uint8Array = EMPTY_BYTES;
    if (column.nullable) {
      const scratch = levelScratch.reset();
      writeHybrid(scratch, def.subarray(r0, r1), 1);
      levels = scratch.bytes();
    }
    let body: Uint8Array;
    if (encoding === ENC_RLE_DICTIONARY) body = dictionaryIndexPage(dictionary!.indices.subarray(v0, v1));
    else if (column.kind === K_STRING) body = plainStrings.subarray(stringEnds[v0], stringEnds[v1]);
    else body = valuePage(column.kind, encoding, values, v0, v1);
    uncompressedSize += writePage(out, PAGE_DATA_V2, codec, levels, body, r1 - r0, r1 - r0 - (v1 - v0), r1 - r0, encoding);
    if (pages > 1) locations.push(pageStart, out.pos - pageStart, r0);
  }
  return new ChunkMeta(column, encoding, codec, rows, uncompressedSize, out.pos - fileOffset, fileOffset, dataPageOffset, dictionaryPageOffset, stats, pages, locations);
}

/** A chunk's non-null values, densely (views of the column's arrays when it has no nulls). */
class ChunkValues {
  constructor(
    readonly ints: Int32Array,
    readonly nums: Float64Array,
    readonly strs: readonly string[],
  ) {}
}

function chunkValues(column: PlannedColumn, g0: number, g1: number, count: number): ChunkValues {
  const { defined, hasNulls } = column;
  switch (column.kind) {
    case K_INT32:
    case K_BOOLEAN: {
      if (!hasNulls) return new ChunkValues(column.ints.subarray(g0, g1), EMPTY_FLOAT64, EMPTY_STRINGS);
      const ints = new Int32Array(count);
      for (let i = g0, k = 0; i < g1; i++) if (defined[i]) ints[k++] = column.ints[i];
      return new ChunkValues(ints, EMPTY_FLOAT64, EMPTY_STRINGS);
    }
    case K_INT64:
    case K_DOUBLE: {
      if (!hasNulls) return new ChunkValues(EMPTY_INT32, column.nums.subarray(g0, g1), EMPTY_STRINGS);
      const nums = new Float64Array(count);
      for (let i = g0, k = 0; i < g1; i++) if (defined[i]) nums[k++] = column.nums[i];
      return new ChunkValues(EMPTY_INT32, nums, EMPTY_STRINGS);
    }
    default: {
      const source = column.strs;
      // no nulls: the column itself (a string column is an array), or a copy of the group's part
      if (!hasNulls) return new ChunkValues(EMPTY_INT32, EMPTY_FLOAT64, (g0 === 0 && g1 === source.length ? source : source.slice(g0, g1)) as readonly string[]);
      const strs = new Array<string>(count);
      for (let i = g0, k = 0; i < g1; i++) if (defined[i]) strs[k++] = source[i] as string;
      return new ChunkValues(EMPTY_INT32, EMPTY_FLOAT64, strs);
    }
  }
}

/** Bytes per value in hyparquet-writer's page-size estimate (strings: their UTF-8 bytes). */
function valueSize(kind: number): number {
  return kind === K_INT32 ? 4 : kind === K_BOOLEAN ? 0.125 : 8;
}

function pushPage(split: PageSplit, row: number, value: number): void {
  split.rowStarts.push(row);
  split.valueStarts.push(value);
}

/**
 * hyparquet-writer's page split of values of `size` bytes each (nulls count 0): a page ends
 * before the value that brings it to `pageSize` bytes, but holds at least one value.
 */
function splitFixedPages(def: Int32Array, nullable: boolean, size: number, rows: number, pageSize: number, split: PageSplit): void {
  pushPage(split, 0, 0);
  if (!nullable) {
    // every value the same size (a power of two, so the division is exact): pages of `per` values
    const per = Math.max(1, Math.ceil(pageSize / size) - 1);
    for (let row = per; row < rows; row += per) pushPage(split, row, row);
    return;
  }
  let bytes = 0;
  let start = 0;
  let value = 0;
  for (let i = 0; i < rows; i++) {
    const present = def[i] !== 0;
    const s = present ? size : 0;
    bytes += s;
    if (bytes >= pageSize && i > start) {
      pushPage(split, i, value);
      start = i;
      bytes = s;
    }
    if (present) value++;
  }
}

/** {@link splitFixedPages} for PLAIN strings, whose sizes are their UTF-8 lengths (`ends` minus the 4-byte prefixes). */
function splitStringPages(def: Int32Array, nullable: boolean, ends: Int32Array, rows: number, pageSize: number, split: PageSplit): void {
  let bytes = 0;
  let start = 0;
  let value = 0;
  pushPage(split, 0, 0);
  for (let i = 0; i < rows; i++) {
    const present = !nullable || def[i] !== 0;
    const s = present ? ends[value + 1] - ends[value] - 4 : 0;
    bytes += s;
    if (bytes >= pageSize && i > start) {
      pushPage(split, i, value);
      start = i;
      bytes = s;
    }
    if (present) value++;
  }
}

/**
 * Write one page: header, definition levels (never compressed, as in data pages V2), then the
 * body, compressed with `codec`. Returns its uncompressed size, header included (what the
 * footer's total_uncompressed_size adds up).
 */
function writePage(out: Output, type: number, codec: number, levels: Uint8Array, body: Uint8Array, numValues: number, numNulls: number, numRows: number, encoding: number): number {
  let stored = body;
  if (codec === CODEC_SNAPPY) {
    const scratch = snappyScratch.reset();
    snappyCompress(body, scratch);
    stored = scratch.bytes();
  }
  const headerStart = out.pos;
  const uncompressed = levels.byteLength + body.byteLength;
  const compressed = levels.byteLength + stored.byteLength;
  if (type === PAGE_DICTIONARY) writeDictionaryPageHeader(out, uncompressed, compressed, numValues);
  else writeDataPageV2Header(out, uncompressed, compressed, numValues, numNulls, numRows, encoding, levels.byteLength);
  const headerSize = out.pos - headerStart;
  out.append(levels);
  out.append(stored);
  return headerSize + uncompressed;
}

/** The body of a data page of values [v0, v1) encoded PLAIN, DELTA_BINARY_PACKED or RLE (booleans). */
function valuePage(kind: number, encoding: number, values: ChunkValues, v0: number, v1: number): Uint8Array {
  switch (kind) {
    case K_INT32: {
      const ints = values.ints.subarray(v0, v1);
      if (encoding === ENC_PLAIN) return new Uint8Array(ints.buffer, ints.byteOffset, ints.byteLength);
      const scratch = bodyScratch.reset();
      writeDeltaInt32(scratch, ints);
      return scratch.bytes();
    }
    case K_INT64: {
      const nums = values.nums.subarray(v0, v1);
      const scratch = bodyScratch.reset();
      if (encoding === ENC_PLAIN) writePlainInt64(scratch, nums);
      else writeDeltaInt64(scratch, nums);
      return scratch.bytes();
    }
    case K_DOUBLE: {
      const nums = values.nums.subarray(v0, v1);
      return new Uint8Array(nums.buffer, nums.byteOffset, nums.byteLength);
    }
    default: {
      const bools = values.ints.subarray(v0, v1);
      const scratch = bodyScratch.reset();
      if (encoding === ENC_PLAIN) writePlainBooleans(scratch, bools);
      else {
        // RLE booleans: the runs' byte length first
        scratch.u32(0);
        writeHybrid(scratch, bools, 1);
        scratch.view.setUint32(0, scratch.pos - 4, true);
      }
      return scratch.bytes();
    }
  }
}

/** The body of an RLE_DICTIONARY page: the bit width of its largest index, then the indices as RLE/bit-packed runs. */
function dictionaryIndexPage(indices: Int32Array): Uint8Array {
  let max = 0;
  for (let i = 0; i < indices.length; i++) if (indices[i] > max) max = indices[i];
  const width = 32 - Math.clz32(max); // = ceil(log2(max + 1)), hyparquet-writer's width
  const scratch = bodyScratch.reset();
  scratch.u8(width);
  writeHybrid(scratch, indices, width);
  return scratch.bytes();
}

// ---------------------------------------------------------------------------------------------
// Dictionaries: hyparquet-writer's decision (useDictionary in its dictionary.js), per chunk

/** Distinct values in order of first appearance, and each non-null value's index into them. */
class Dictionary {
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
function buildDictionary(column: PlannedColumn, g0: number, rows: number, count: number): Dictionary | null {
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
const chunkKeys = new KeyIndex();

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
function plainDictionary(kind: number, dictionary: Dictionary): Uint8Array {
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

// ---------------------------------------------------------------------------------------------
// Statistics: hyparquet-writer's getStatistics and unconvertMinMax

class ChunkStats {
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

function chunkStatistics(kind: number, values: ChunkValues, dictionary: Dictionary | null, nullCount: number): ChunkStats {
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

const utf8 = new TextEncoder();
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

// ---------------------------------------------------------------------------------------------
// Value encodings

const TWO_32 = 4294967296;
const EMPTY_BYTES = new Uint8Array(0);

/** INT64 PLAIN: each value as its low and high 32-bit halves (exact for safe integers, no BigInt). */
function writePlainInt64(out: Output, nums: Float64Array): void {
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
function writePlainBooleans(out: Output, bools: Int32Array): void {
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
function plainStringsOf(strs: readonly string[], ends: Int32Array): Uint8Array {
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
function writeHybrid(out: Output, values: Int32Array, width: number): void {
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
function writeDeltaInt32(out: Output, values: Int32Array): void {
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

/** INT64 deltas of safe integers spanning at most 2^52 (planInt64 checks): exact in doubles. */
function writeDeltaInt64(out: Output, values: Float64Array): void {
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

// ---------------------------------------------------------------------------------------------
// Snappy: a port of hyparquet-writer's compressor (itself snappyjs), so the bytes are the same.
//
// snappyjs: The MIT License (MIT), Copyright (c) 2016 Zhipeng Jia, https://github.com/zhipeng-jia/snappyjs

const SNAPPY_MAX_HASH_TABLE_BITS = 14;
const SNAPPY_MAX_OFFSET = 0xffff;
const SNAPPY_INPUT_MARGIN = 15;
const snappyTables: Uint32Array[] = [];

function snappyHash(key: number, shift: number): number {
  return Math.imul(key, 0x1e35a7bd) >>> shift;
}

function load32(a: Uint8Array, p: number): number {
  return a[p] | (a[p + 1] << 8) | (a[p + 2] << 16) | (a[p + 3] << 24);
}

function equals32(a: Uint8Array, p: number, q: number): boolean {
  return a[p] === a[q] && a[p + 1] === a[q + 1] && a[p + 2] === a[q + 2] && a[p + 3] === a[q + 3];
}

/** Snappy-compress `input` into `out` (uncompressed length first, as a varint). */
export function snappyCompress(input: Uint8Array, out: Output): void {
  const n = input.length;
  out.varint(n);
  out.ensure(32 + n + Math.floor(n / 6)); // the format's worst case
  const dst = out.buf;
  let op = out.pos;
  let bits = 1;
  while (1 << bits <= n && bits <= SNAPPY_MAX_HASH_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = (snappyTables[bits] ??= new Uint32Array(1 << bits));
  table.fill(0);
  let ip = 0;
  let nextEmit = 0;
  if (n >= SNAPPY_INPUT_MARGIN) {
    const ipLimit = n - SNAPPY_INPUT_MARGIN;
    // (load32 past the input's end would only feed a hash that is never used: 0 instead)
    const lastLoad = n - 4;
    ip++;
    let nextHash = snappyHash(load32(input, ip), shift);
    search: for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      for (;;) {
        ip = nextIp;
        const hash = nextHash;
        const step = skip >>> 5;
        skip++;
        nextIp = ip + step;
        if (ip > ipLimit) break search;
        nextHash = nextIp <= lastLoad ? snappyHash(load32(input, nextIp), shift) : 0;
        candidate = table[hash];
        table[hash] = ip;
        if (ip - candidate <= SNAPPY_MAX_OFFSET && equals32(input, ip, candidate)) break;
      }
      op = emitLiteral(dst, op, input, nextEmit, ip - nextEmit);
      for (;;) {
        const base = ip;
        let matched = 4;
        while (ip + matched < n && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = emitCopy(dst, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) break search;
        table[snappyHash(load32(input, ip - 1), shift)] = ip - 1;
        const hash = snappyHash(load32(input, ip), shift);
        candidate = table[hash];
        table[hash] = ip;
        if (!(ip - candidate <= SNAPPY_MAX_OFFSET && equals32(input, ip, candidate))) break;
      }
      ip++;
      nextHash = snappyHash(load32(input, ip), shift);
    }
  }
  if (nextEmit < n) op = emitLiteral(dst, op, input, nextEmit, n - nextEmit);
  out.pos = op;
}

function emitLiteral(dst: Uint8Array, op: number, input: Uint8Array, ip: number, len: number): number {
  if (len <= 60) dst[op++] = (len - 1) << 2;
  else {
    const value = len - 1;
    const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    dst[op++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) dst[op++] = value >>> (i * 8);
  }
  if (len < 32) for (let i = 0; i < len; i++) dst[op++] = input[ip + i];
  else {
    dst.set(input.subarray(ip, ip + len), op);
    op += len;
  }
  return op;
}

function emitCopyLessThan64(dst: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    dst[op++] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5);
    dst[op++] = offset & 0xff;
  } else {
    dst[op++] = 2 + ((len - 1) << 2);
    dst[op++] = offset & 0xff;
    dst[op++] = offset >>> 8;
  }
  return op;
}

function emitCopy(dst: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = emitCopyLessThan64(dst, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopyLessThan64(dst, op, offset, 60);
    len -= 60;
  }
  return emitCopyLessThan64(dst, op, offset, len);
}

// ---------------------------------------------------------------------------------------------
// Thrift compact protocol: page headers, offset indexes and the footer, field by field in the
// order (and with the integer widths) hyparquet-writer writes them.

const T_FALSE = 2;
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

/** A field header after field `last`; returns the field's id (the next one's `last`). */
function field(out: Output, last: number, id: number, type: number): number {
  const delta = id - last;
  if (delta > 0 && delta <= 15) out.u8((delta << 4) | type);
  else {
    out.u8(type);
    out.zigzag(id);
  }
  return id;
}

function i32Field(out: Output, last: number, id: number, v: number): number {
  field(out, last, id, T_I32);
  out.zigzag(v);
  return id;
}

function i64Field(out: Output, last: number, id: number, v: number): number {
  field(out, last, id, T_I64);
  out.zigzag(v);
  return id;
}

function binaryField(out: Output, last: number, id: number, bytes: Uint8Array): number {
  field(out, last, id, T_BINARY);
  out.varint(bytes.length);
  out.append(bytes);
  return id;
}

function listHeader(out: Output, size: number, type: number): void {
  if (size > 14) {
    out.u8(0xf0 | type);
    out.varint(size);
  } else out.u8((size << 4) | type);
}

/** An empty list is written with element type 0, as hyparquet-writer writes it. */
function listField(out: Output, last: number, id: number, size: number, type: number): number {
  field(out, last, id, T_LIST);
  listHeader(out, size, size === 0 ? 0 : type);
  return id;
}

function stop(out: Output): void {
  out.u8(0);
}

function writeDataPageV2Header(out: Output, uncompressed: number, compressed: number, numValues: number, numNulls: number, numRows: number, encoding: number, defLength: number): void {
  let f = i32Field(out, 0, 1, PAGE_DATA_V2);
  f = i32Field(out, f, 2, uncompressed);
  f = i32Field(out, f, 3, compressed);
  f = field(out, f, 8, T_STRUCT);
  let g = i32Field(out, 0, 1, numValues);
  g = i32Field(out, g, 2, numNulls);
  g = i32Field(out, g, 3, numRows);
  g = i32Field(out, g, 4, encoding);
  g = i32Field(out, g, 5, defLength);
  i32Field(out, g, 6, 0); // repetition levels' length
  stop(out);
  stop(out);
}

function writeDictionaryPageHeader(out: Output, uncompressed: number, compressed: number, numValues: number): void {
  let f = i32Field(out, 0, 1, PAGE_DICTIONARY);
  f = i32Field(out, f, 2, uncompressed);
  f = i32Field(out, f, 3, compressed);
  f = field(out, f, 7, T_STRUCT);
  const g = i32Field(out, 0, 1, numValues);
  i32Field(out, g, 2, ENC_PLAIN);
  stop(out);
  stop(out);
}

/** A chunk of several pages gets an offset index (its pages' locations), as hyparquet-writer writes by default. */
function writeOffsetIndex(out: Output, chunk: ChunkMeta): void {
  if (chunk.pages <= 1) return;
  const start = out.pos;
  const locations = chunk.pageLocations;
  listField(out, 0, 1, chunk.pages, T_STRUCT);
  for (let i = 0; i < locations.length; i += 3) {
    let f = i64Field(out, 0, 1, locations[i]);
    f = i32Field(out, f, 2, locations[i + 1]);
    i64Field(out, f, 3, locations[i + 2]);
    stop(out);
  }
  stop(out);
  chunk.offsetIndexOffset = start;
  chunk.offsetIndexLength = out.pos - start;
}

function writeFileMetaData(out: Output, plan: FlatWritePlan, groups: readonly RowGroupMeta[], createdBy: string): void {
  let f = i32Field(out, 0, 1, 2); // version
  f = listField(out, f, 2, plan.columns.length + 1, T_STRUCT);
  // the root, then the columns
  let s = binaryField(out, 0, 4, utf8.encode('root'));
  i32Field(out, s, 5, plan.columns.length);
  stop(out);
  for (const c of plan.columns) {
    s = i32Field(out, 0, 1, c.physical);
    s = i32Field(out, s, 3, c.nullable ? REPETITION_OPTIONAL : REPETITION_REQUIRED);
    s = binaryField(out, s, 4, utf8.encode(c.name));
    if (c.converted !== CONVERTED_NONE) i32Field(out, s, 6, c.converted);
    stop(out);
  }
  f = i64Field(out, f, 3, plan.rows);
  f = listField(out, f, 4, groups.length, T_STRUCT);
  for (const group of groups) writeRowGroup(out, group);
  f = listField(out, f, 5, plan.metadata.length, T_STRUCT);
  for (const [key, value] of plan.metadata) {
    const k = binaryField(out, 0, 1, utf8.encode(key));
    binaryField(out, k, 2, utf8.encode(value));
    stop(out);
  }
  f = binaryField(out, f, 6, utf8.encode(createdBy));
  // column orders: TypeDefinedOrder for every column
  listField(out, f, 7, plan.columns.length, T_STRUCT);
  for (let i = 0; i < plan.columns.length; i++) {
    field(out, 0, 1, T_STRUCT);
    stop(out);
    stop(out);
  }
  stop(out);
}

function writeRowGroup(out: Output, group: RowGroupMeta): void {
  let f = listField(out, 0, 1, group.chunks.length, T_STRUCT);
  for (const chunk of group.chunks) writeColumnChunk(out, chunk);
  f = i64Field(out, f, 2, group.totalByteSize);
  f = i64Field(out, f, 3, group.rows);
  i64Field(out, f, 6, group.compressedSize);
  stop(out);
}

function writeColumnChunk(out: Output, chunk: ChunkMeta): void {
  let f = i64Field(out, 0, 2, chunk.fileOffset);
  f = field(out, f, 3, T_STRUCT);
  writeColumnMetaData(out, chunk);
  if (chunk.offsetIndexOffset >= 0) {
    f = i64Field(out, f, 4, chunk.offsetIndexOffset);
    i32Field(out, f, 5, chunk.offsetIndexLength);
  }
  stop(out);
}

function writeColumnMetaData(out: Output, chunk: ChunkMeta): void {
  const dictionary = chunk.dictionaryPageOffset >= 0;
  let f = i32Field(out, 0, 1, chunk.column.physical);
  f = listField(out, f, 2, dictionary ? 2 : 1, T_I32);
  if (dictionary) out.zigzag(ENC_PLAIN);
  out.zigzag(chunk.encoding);
  f = listField(out, f, 3, 1, T_BINARY);
  const name = utf8.encode(chunk.column.name);
  out.varint(name.length);
  out.append(name);
  f = i32Field(out, f, 4, chunk.codec);
  f = i64Field(out, f, 5, chunk.numValues);
  f = i64Field(out, f, 6, chunk.uncompressedSize);
  f = i64Field(out, f, 7, chunk.compressedSize);
  f = i64Field(out, f, 9, chunk.dataPageOffset);
  if (dictionary) f = i64Field(out, f, 11, chunk.dictionaryPageOffset);
  const stats = chunk.stats;
  if (stats) {
    f = field(out, f, 12, T_STRUCT);
    writeStatistics(out, stats);
    // encoding stats: the dictionary page, then the data pages
    f = listField(out, f, 13, dictionary ? 2 : 1, T_STRUCT);
    if (dictionary) writePageEncodingStats(out, PAGE_DICTIONARY, ENC_PLAIN, 1);
    writePageEncodingStats(out, PAGE_DATA_V2, chunk.encoding, chunk.pages);
  }
  stop(out);
}

function writeStatistics(out: Output, stats: ChunkStats): void {
  let f = i64Field(out, 0, 3, stats.nullCount);
  if (stats.max) f = binaryField(out, f, 5, stats.max);
  if (stats.min) f = binaryField(out, f, 6, stats.min);
  if (!stats.maxExact) f = field(out, f, 7, T_FALSE);
  if (!stats.minExact) f = field(out, f, 8, T_FALSE);
  if (stats.nanCount >= 0) i64Field(out, f, 9, stats.nanCount);
  stop(out);
}

function writePageEncodingStats(out: Output, pageType: number, encoding: number, count: number): void {
  let f = i32Field(out, 0, 1, pageType);
  f = i32Field(out, f, 2, encoding);
  i32Field(out, f, 3, count);
  stop(out);
}

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
const levelScratch = new Output(1024);
const bodyScratch = new Output(64 * 1024);
const stringScratch = new Output(64 * 1024);
const snappyScratch = new Output(64 * 1024);
let fileScratch: Output | null = null;

/** Files up to this size are built in one reused buffer and copied out; larger ones get a buffer of their own. */
const REUSED_OUTPUT_BYTES = 4 << 20;

function takeOutput(estimate: number): Output {
  const reused = fileScratch;
  if (reused && estimate <= REUSED_OUTPUT_BYTES) {
    fileScratch = null;
    return reused.reset();
  }
  return new Output(estimate);
}

function releaseOutput(out: Output): Uint8Array {
  if (out.buf.length > REUSED_OUTPUT_BYTES) return out.bytes();
  const bytes = out.buf.slice(0, out.pos);
  fileScratch = out.reset();
  return bytes;
}

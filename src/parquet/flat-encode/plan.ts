import type { ParquetColumnInput } from '../index.ts';
import {
  CODEC_SNAPPY,
  CODEC_UNCOMPRESSED,
  CONVERTED_NONE,
  CONVERTED_TIMESTAMP_MILLIS,
  CONVERTED_UTF8,
  EMPTY_FLOAT64,
  EMPTY_INT32,
  EMPTY_STRINGS,
  ENC_AUTO,
  ENC_DELTA_BINARY_PACKED,
  ENC_PLAIN,
  K_BOOLEAN,
  K_DOUBLE,
  K_INT32,
  K_INT64,
  K_STRING,
  TYPE_BOOLEAN,
  TYPE_BYTE_ARRAY,
  TYPE_DOUBLE,
  TYPE_INT32,
  TYPE_INT64,
} from './constants.ts';

// ---------------------------------------------------------------------------------------------
// Planning: which columns this encoder takes, as typed arrays.

/** PLAIN values are copied straight from typed arrays, which hold them in the platform's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** INT64 deltas are computed in doubles: exact while the column's values span at most 2^52. */
const MAX_DELTA_SPAN = 2 ** 52;

/** One column, ready to encode. Every instance has the same fields (unused ones empty), so the encoder sees one shape. */
export class PlannedColumn {
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

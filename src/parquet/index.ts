/**
 * The project's ONE Parquet module: every Parquet read or write in the project goes through
 * `writeParquetFile` / `readParquetFile` / `readParquetBuffer` (or `readParquetSchema`,
 * `readParquetRowGroups`) here, so the library choice
 * and its quirks stay in one place.
 *
 * Why hyparquet + hyparquet-writer rather than parquetjs-lite:
 *   - speed: parquetjs-lite measured 14.8 s to write and 47 s to read 1M bars (its row cursor
 *     is quadratic); hyparquet-writer writes the same 1M bars in about 0.6 s and hyparquet
 *     reads them back in about 0.2 s, column-wise into typed arrays;
 *   - compatibility: parquetjs-lite cannot read RLE_DICTIONARY-encoded or ZSTD-compressed
 *     files written by other tools (pyarrow, pandas, DuckDB, Spark defaults); hyparquet reads
 *     every encoding. (Codecs other than SNAPPY/UNCOMPRESSED additionally need the optional
 *     `hyparquet-compressors` package, which is not a dependency today: such a file fails
 *     with an error naming the codec.)
 *   - maintenance: parquetjs-lite is unmaintained since 2020; hyparquet/hyparquet-writer are
 *     active, dependency-free, pure ESM with TypeScript types.
 *
 * Writes of flat tables (the project's) are encoded by flat-encode/, which writes hyparquet-writer's
 * file for the same input without its general machinery; anything else by hyparquet-writer.
 * Writes are atomic: the file is written to a temporary name in the same directory, fsynced,
 * then renamed over the target, so a reader never sees a half-written file. Every column chunk
 * gets min/max statistics (hyparquet-writer's default) unless its column says `statistics: false`
 * (hyparquet-writer's per-column switch); `rowGroupSize` sets the row groups.
 *
 * Reads: a whole-file read loads the file into memory and decodes the requested columns (with
 * `typedNumbers`, a flat file's footer is read by flat-footer.ts and its columns decoded by
 * flat-decode.ts, without hyparquet's general machinery). A read
 * of a row range (`rowStart`/`rowEnd`) or of chosen row groups (`rowGroups`, by index or by a
 * predicate over each group's row range and statistics) reads only the footer and the byte
 * ranges of the row groups it needs, and decodes only those (parsed footers are kept in a small
 * cache, checked against the file's inode, size and times). `readParquetRowGroups` lists the
 * row groups (row range, byte range, min/max per column) from the footer alone.
 * `readParquetBuffer` / `readParquetBufferRowGroups` do the same for a file held in memory.
 */
import { randomBytes } from 'node:crypto';
import { readFile, readFileSync, statSync, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, ColumnMetaData, FileMetaData, KeyValue, SchemaElement } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { decodeFlat, planFlatRead, type FlatFooter } from './flat-decode.ts';
import { readFlatFooter } from './flat-footer.ts';
import { encodeFlatParquet, planFlatWrite } from './flat-encode/index.ts';
import type { BasicType, ColumnSource } from 'hyparquet-writer';

/** Column types accepted by {@link writeParquetFile}. TIMESTAMP_MILLIS data is epoch ms (numbers or bigints). */
export type ParquetWriteType = 'DOUBLE' | 'INT64' | 'INT32' | 'STRING' | 'BOOLEAN' | 'TIMESTAMP_MILLIS';

export interface ParquetColumnInput {
  readonly name: string;
  readonly type: ParquetWriteType;
  /** Typed array or array; INT64 accepts integral numbers or bigints; STRING accepts strings. */
  readonly data: ArrayLike<unknown>;
  /** Allow null/undefined values (default false: the column is REQUIRED). */
  readonly nullable?: boolean;
  /**
   * Value encoding (default: dictionary when it pays off, else PLAIN). DELTA_BINARY_PACKED
   * suits INT64/TIMESTAMP columns with regular steps (bar start times shrink to almost nothing);
   * BYTE_STREAM_SPLIT suits high-entropy DOUBLE columns.
   */
  readonly encoding?: 'PLAIN' | 'DELTA_BINARY_PACKED' | 'BYTE_STREAM_SPLIT';
  /**
   * Write min/max (and null count) statistics for this column's chunks (default true). Readers
   * skip row groups by them (`rowGroups` predicates, DuckDB filters), so keep them on any column
   * a reader filters by. The writer compares every value to compute them (for a string column,
   * a UTF-8 order comparison per row): on a large column nobody filters by, false saves that.
   */
  readonly statistics?: boolean;
}

export interface ParquetWriteFileOptions {
  /** Compression codec (default 'SNAPPY'; 'UNCOMPRESSED' is the only other built-in one). */
  readonly codec?: 'SNAPPY' | 'UNCOMPRESSED';
  /**
   * Rows per row group (default 1_000_000), or the size of each group in turn (the last size
   * repeats). Smaller groups let readers skip more (see `readParquetRowGroups`, `rowGroups`).
   */
  readonly rowGroupSize?: number | readonly number[];
  /** Extra key/value metadata stored in the file footer. */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Target uncompressed size of a data page in bytes (default 1 MiB, the writer's). 0: one
   * page per column chunk, and the writer skips its per-value size estimate (a loop over every
   * value of every column: ~50 ms on 2.5 M rows of three columns). Meant for files whose row
   * groups are small anyway (a reader decodes a whole chunk either way).
   */
  readonly pageSize?: number;
  /**
   * Which encoder writes the file. 'auto' (default): the project's flat encoder
   * (src/parquet/flat-encode/) when it covers the columns, else hyparquet-writer; for the same
   * input both write the same file but for its `created_by`. 'hyparquet': always
   * hyparquet-writer (for comparisons in tests and benchmarks).
   */
  readonly encoder?: 'auto' | 'hyparquet';
}

/**
 * Logical column type as read back. TIMESTAMP columns (any unit, INT64 or INT96) are returned
 * as epoch milliseconds in a Float64Array (null -> NaN); INT64 as a BigInt64Array; DATE (INT32
 * days) as epoch ms at UTC midnight in a Float64Array; STRING as string[]; OTHER as whatever hyparquet decodes.
 */
export type ParquetColumnType =
  | 'DOUBLE'
  | 'FLOAT'
  | 'INT64'
  | 'INT32'
  | 'STRING'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'DATE'
  | 'OTHER';

export interface ParquetColumnInfo {
  readonly name: string;
  readonly type: ParquetColumnType;
  /** For TIMESTAMP: false when the file marks the values as local wall-clock (isAdjustedToUTC = false). */
  readonly adjustedToUtc: boolean;
  readonly nullable: boolean;
}

export interface ParquetTable {
  /** Rows returned: the whole file, or the rows selected by rowStart/rowEnd/rowGroups. */
  readonly rowCount: number;
  /** Requested (or all top-level) columns by name. */
  readonly columns: Record<string, ArrayLike<unknown>>;
  /** Schema of every top-level column in the file, in file order. */
  readonly schema: readonly ParquetColumnInfo[];
  /** Key/value metadata from the file footer. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Row groups in the file. */
  readonly rowGroupCount: number;
  /** Indices of the row groups read and decoded (every non-empty one for a whole-file read). */
  readonly rowGroupsRead: readonly number[];
  /** The file rows returned, in order: the columns are these ranges concatenated. */
  readonly rowRanges: readonly ParquetRowRange[];
}

/** Error reading or writing a Parquet file; the message always names the path. */
export class ParquetFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ParquetFileError';
  }
}

const WRITE_TYPE: Record<ParquetWriteType, BasicType> = {
  DOUBLE: 'DOUBLE',
  INT64: 'INT64',
  INT32: 'INT32',
  STRING: 'STRING',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP_MILLIS: 'TIMESTAMP',
};

function toColumnSource(path: string, column: ParquetColumnInput): ColumnSource {
  const { name, type, data } = column;
  const fail = (why: string): never => {
    throw new ParquetFileError(path, `parquet write ${path}: column "${name}" (${type}): ${why}`);
  };
  let values: ColumnSource['data'];
  // Nulls: kept as nulls in a nullable column (never coerced to 0 or NaN), refused otherwise.
  const isTyped = ArrayBuffer.isView(data);
  let firstNull = -1;
  if (!isTyped) for (let i = 0; i < data.length && firstNull < 0; i++) if (data[i] === null || data[i] === undefined) firstNull = i;
  if (firstNull >= 0) {
    if (!column.nullable) fail(`row ${firstNull}: null in a column that is not nullable`);
    values = Array.from(data, (v, i) => {
      if (v === null || v === undefined) return null;
      if (type === 'INT64' || type === 'TIMESTAMP_MILLIS') {
        if (typeof v === 'bigint') return v;
        if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
        return fail(`row ${i}: expected an integer, got ${String(v)}`);
      }
      return v;
    }) as ColumnSource['data'];
    return { name, data: values, type: WRITE_TYPE[type], nullable: true, statistics: column.statistics ?? true };
  }
  switch (type) {
    case 'DOUBLE':
      values = data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number>);
      break;
    case 'INT32':
      values = data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
      break;
    case 'INT64':
    case 'TIMESTAMP_MILLIS': {
      if (data instanceof BigInt64Array) {
        values = data;
        break;
      }
      const out = new BigInt64Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (typeof v === 'bigint') out[i] = v;
        else if (typeof v === 'number' && Number.isSafeInteger(v)) out[i] = BigInt(v);
        else if (v instanceof Date && Number.isSafeInteger(v.getTime())) out[i] = BigInt(v.getTime());
        else fail(`row ${i}: expected an integer, got ${String(v)}`);
      }
      values = out;
      break;
    }
    case 'STRING':
    case 'BOOLEAN':
      // An array is handed over as it is (the writer only reads it): copying a bulk string
      // column (millions of repeated ids) cost more than a percent of a bulk store.
      values = Array.isArray(data) ? (data as ColumnSource['data']) : Array.from(data);
      break;
    default:
      return fail('unknown column type');
  }
  if (column.encoding === 'DELTA_BINARY_PACKED' && type !== 'INT64' && type !== 'INT32' && type !== 'TIMESTAMP_MILLIS') {
    fail('DELTA_BINARY_PACKED needs an integer column');
  }
  const source: ColumnSource = { name, data: values, type: WRITE_TYPE[type], nullable: column.nullable ?? false, statistics: column.statistics ?? true };
  if (column.encoding) source.encoding = column.encoding;
  return source;
}

function rowGroupSizeOf(path: string, size: number | readonly number[] | undefined): number | number[] {
  if (size === undefined) return 1_000_000;
  const sizes = typeof size === 'number' ? [size] : [...size];
  if (sizes.length === 0 || !sizes.every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new ParquetFileError(path, `parquet write ${path}: rowGroupSize must be a whole number > 0 or a non-empty list of them`);
  }
  return typeof size === 'number' ? size : sizes;
}

function pageSizeOf(path: string, size: number | undefined): number {
  if (size === undefined) return 1 << 20;
  if (!Number.isSafeInteger(size) || size < 0) throw new ParquetFileError(path, `parquet write ${path}: pageSize must be a whole number >= 0`);
  return size;
}

/**
 * First size of the output buffer: the columns' raw size. The writer's buffer doubles (and is
 * copied) whenever it is full, and `parquetWriteBuffer` copies the result once more; starting
 * near the final size and taking a view of the bytes saved ~20 ms (~8%) of writing a 2.5 M-row file. An
 * over-estimate (compression, dictionaries) is only allocated, never copied.
 */
function bufferSizeOf(sources: readonly ColumnSource[], rows: number): number {
  let bytes = 64 * 1024;
  for (const s of sources) bytes += ArrayBuffer.isView(s.data) ? s.data.byteLength : rows * 8;
  return Math.min(bytes, 1 << 30);
}

/** The file's bytes as hyparquet-writer writes them (every layout; the flat encoder's fallback). */
async function encodeWithHyparquet(path: string, columns: readonly ParquetColumnInput[], options: ParquetWriteFileOptions, rows: number): Promise<Uint8Array> {
  const columnData = columns.map((c) => toColumnSource(path, c));
  const writer = new ByteWriter(bufferSizeOf(columnData, rows));
  // Returns nothing here (a ByteWriter has no flush to wait for); awaited in case it ever does.
  const pending = parquetWrite({
    writer,
    columnData,
    codec: options.codec ?? 'SNAPPY',
    rowGroupSize: rowGroupSizeOf(path, options.rowGroupSize),
    pageSize: pageSizeOf(path, options.pageSize),
    kvMetadata: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    createdBy: 'tradeflow (hyparquet-writer)',
  });
  if (pending) await pending;
  return writer.getBytes();
}

/**
 * Write columns to a Parquet file atomically (temp file in the same directory, fsync, rename).
 * All columns must have the same length.
 */
export async function writeParquetFile(
  path: string,
  columns: readonly ParquetColumnInput[],
  options: ParquetWriteFileOptions = {},
): Promise<void> {
  if (columns.length === 0) throw new ParquetFileError(path, `parquet write ${path}: no columns`);
  const rows = columns[0].data.length;
  const names = new Set<string>();
  for (const c of columns) {
    if (names.has(c.name)) throw new ParquetFileError(path, `parquet write ${path}: duplicate column "${c.name}"`);
    names.add(c.name);
    if (c.data.length !== rows) {
      throw new ParquetFileError(
        path,
        `parquet write ${path}: column "${c.name}" has ${c.data.length} rows, column "${columns[0].name}" has ${rows}`,
      );
    }
  }
  let bytes: Uint8Array;
  try {
    // The flat encoder takes only columns hyparquet-writer would write without an error, so
    // every validation error below comes from toColumnSource and hyparquet-writer as before.
    const plan = options.encoder === 'hyparquet' ? undefined : planFlatWrite(columns, options.codec ?? 'SNAPPY', options.metadata);
    bytes = plan
      ? encodeFlatParquet(plan, {
          rowGroupSize: rowGroupSizeOf(path, options.rowGroupSize),
          pageSize: pageSizeOf(path, options.pageSize),
          createdBy: 'tradeflow (flat-encode)',
        })
      : await encodeWithHyparquet(path, columns, options, rows);
  } catch (error) {
    if (error instanceof ParquetFileError) throw error;
    throw new ParquetFileError(path, `parquet write ${path}: ${(error as Error).message}`, { cause: error });
  }

  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await fsp.open(temp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, path);
  } catch (error) {
    if (handle) await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw new ParquetFileError(path, `parquet write ${path}: ${(error as Error).message}`, { cause: error });
  }
  // Make the rename itself durable (best effort: not every platform can fsync a directory).
  try {
    const dirHandle = await fsp.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    /* ignore */
  }
}

function columnInfo(element: SchemaElement): ParquetColumnInfo {
  const name = element.name;
  const nullable = element.repetition_type !== 'REQUIRED';
  const ctype = element.converted_type;
  const ltype = element.logical_type;
  let type: ParquetColumnType = 'OTHER';
  let adjustedToUtc = true;
  if (element.num_children) {
    type = 'OTHER';
  } else if (ltype?.type === 'TIMESTAMP') {
    type = 'TIMESTAMP';
    adjustedToUtc = ltype.isAdjustedToUTC;
  } else if (ctype === 'TIMESTAMP_MILLIS' || ctype === 'TIMESTAMP_MICROS' || element.type === 'INT96') {
    type = 'TIMESTAMP';
  } else if (ctype === 'DATE' || ltype?.type === 'DATE') {
    type = 'DATE';
  } else if (ctype === 'DECIMAL' || ltype?.type === 'DECIMAL') {
    type = 'OTHER';
  } else {
    switch (element.type) {
      case 'DOUBLE':
        type = 'DOUBLE';
        break;
      case 'FLOAT':
        type = 'FLOAT';
        break;
      case 'INT64':
        type = ctype === undefined && ltype === undefined ? 'INT64' : ltype?.type === 'INTEGER' ? 'INT64' : 'OTHER';
        break;
      case 'INT32':
        type = ctype === undefined && ltype === undefined ? 'INT32' : ltype?.type === 'INTEGER' ? 'INT32' : 'OTHER';
        break;
      case 'BOOLEAN':
        type = 'BOOLEAN';
        break;
      case 'BYTE_ARRAY':
        type = ctype === 'UTF8' || ltype?.type === 'STRING' || ctype === undefined ? 'STRING' : 'OTHER';
        break;
      default:
        type = 'OTHER';
    }
  }
  return { name, type, adjustedToUtc, nullable };
}

/** Files up to this size are read synchronously (see readBytes). */
const SYNC_READ_MAX_BYTES = 1 << 20;

/**
 * The whole file. A small one is read synchronously: an asynchronous read is four trips
 * through libuv's thread pool (open, fstat, read, close), whose threads compete with the main
 * thread for a 2-core machine while it decodes the files already read, and the main thread
 * idles between completions. Reading the 100 files of the bench's signal store (10-20 KB each,
 * from the page cache) blocks for ~1 ms in all, and loading the store went from ~25 to ~16 ms
 * (interleaved, one process); decoding them blocks the event loop for longer anyway. A larger
 * file goes through the callback `fs.readFile` (on ~100 small files read at once it took
 * ~0.5 ms where `fsp.readFile` took ~2.5 ms: the promise API awaits each step in turn).
 */
function readBytes(path: string): Promise<Uint8Array> {
  try {
    if (statSync(path).size <= SYNC_READ_MAX_BYTES) return Promise.resolve(readFileSync(path));
  } catch (error) {
    return Promise.reject(openError(path, error));
  }
  return new Promise((resolve, reject) => {
    readFile(path, (error, bytes) => (error ? reject(openError(path, error)) : resolve(bytes)));
  });
}

function openError(path: string, error: unknown): ParquetFileError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ParquetFileError(path, `parquet file not found: ${path}`, { cause: error });
  return new ParquetFileError(path, `cannot read parquet file ${path}: ${(error as Error).message}`, { cause: error });
}

const DAY_MS = 86_400_000;

/** Epoch ms as plain numbers rather than Date objects, for column values and statistics alike. */
const PARSERS = {
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v) / 1000,
  timestampFromNanoseconds: (v: bigint) => Number(v / 1000n) / 1000,
  dateFromDays: (days: number) => days * DAY_MS,
};

/** Parse the footer from `bytes` (the whole file, or at least its tail); `fileSize` is for the message. */
function readMetadata(path: string, bytes: Uint8Array, fileSize = bytes.byteLength): FileMetaData {
  const what = fileSize < 12 ? `, only ${fileSize} bytes` : '';
  try {
    return parquetMetadata(bytes, { parsers: PARSERS });
  } catch (error) {
    throw new ParquetFileError(
      path,
      `not a valid parquet file (truncated or corrupt${what}): ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Schema (top-level columns) and row count of a Parquet file, reading only its footer. */
export async function readParquetSchema(
  path: string,
): Promise<{ rowCount: number; schema: ParquetColumnInfo[]; metadata: Record<string, string> }> {
  const meta = await withFile(path, (file) => file.footer());
  return describe(meta);
}

/** What {@link describe} reads of a footer: hyparquet's FileMetaData and the flat path's lean footer both fit. */
interface FooterSummary {
  readonly schema: SchemaElement[];
  readonly num_rows: bigint | number;
  readonly key_value_metadata?: readonly KeyValue[];
}

function describe(meta: FooterSummary): {
  rowCount: number;
  schema: ParquetColumnInfo[];
  metadata: Record<string, string>;
} {
  const tree = parquetSchema(meta);
  const schema = tree.children.map((child) => columnInfo(child.element));
  const metadata: Record<string, string> = {};
  for (const kv of meta.key_value_metadata ?? []) metadata[kv.key] = kv.value ?? '';
  return { rowCount: Number(meta.num_rows), schema, metadata };
}

// ---------------------------------------------------------------------------------------------
// Row groups: row ranges and statistics, and reads of a row range or of chosen row groups.

/** A min/max statistic as read back: TIMESTAMP and DATE as epoch ms, INT64 as bigint, STRING as string. */
export type ParquetStatisticValue = number | bigint | string | boolean;

/**
 * Column-chunk statistics of one row group. `min`/`max` are bounds written by the file's writer
 * (every non-null value v of the chunk has min <= v <= max; long strings may be truncated bounds,
 * not values); absent when the writer wrote none. hyparquet-writer writes them for every column.
 */
export interface ParquetColumnStatistics {
  readonly min?: ParquetStatisticValue;
  readonly max?: ParquetStatisticValue;
  readonly nullCount?: number;
}

export interface ParquetRowGroupInfo {
  /** Position of the group in the file (0-based). */
  readonly index: number;
  /** Rows [rowStart, rowEnd) of the file are this group's. */
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly rows: number;
  /** Byte range [byteStart, byteEnd) of the group's column chunks in the file. */
  readonly byteStart: number;
  readonly byteEnd: number;
  /** Statistics of the chosen (by default all) top-level columns, by name. */
  readonly statistics: Readonly<Record<string, ParquetColumnStatistics>>;
}

export interface ParquetRowGroupsInfo {
  readonly rowCount: number;
  readonly schema: readonly ParquetColumnInfo[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly rowGroups: readonly ParquetRowGroupInfo[];
}

/** A half-open range [rowStart, rowEnd) of file rows. */
export interface ParquetRowRange {
  readonly rowStart: number;
  readonly rowEnd: number;
}

export interface ParquetReadOptions {
  /** Columns to decode (default: every top-level column). */
  readonly columns?: readonly string[];
  /** First file row to return (default 0). Only the row groups overlapping [rowStart, rowEnd) are read and decoded. */
  readonly rowStart?: number;
  /** File row after the last one to return (exclusive; default: the row count; clamped to it). */
  readonly rowEnd?: number;
  /**
   * Only these row groups: their indices, or a predicate over each group's row range and
   * statistics (e.g. `(g) => g.statistics.start.max >= from`). Combined with rowStart/rowEnd,
   * the rows returned are those of the chosen groups inside the row range, in file order.
   */
  readonly rowGroups?: readonly number[] | ((group: ParquetRowGroupInfo) => boolean);
  /**
   * Every REQUIRED INT32 / FLOAT / DOUBLE column comes back as an Int32Array / Float32Array /
   * Float64Array, whatever its encoding (without this, dictionary-encoded ones come back as
   * arrays of numbers). A whole-file read of a flat file then goes through a decoder that
   * writes straight into the output arrays (src/parquet/flat-decode.ts): several times less
   * time and garbage than hyparquet's general path on small files.
   */
  readonly typedNumbers?: boolean;
}

export interface ParquetBufferReadOptions extends ParquetReadOptions {
  /** Name used in error messages (default `parquet buffer (<n> bytes)`). */
  readonly name?: string;
}

/** The row ranges and min/max statistics of every row group of a file, reading only its footer. */
export async function readParquetRowGroups(
  path: string,
  options: { readonly columns?: readonly string[] } = {},
): Promise<ParquetRowGroupsInfo> {
  const meta = await withFile(path, (file) => file.footer());
  return rowGroupsOf(path, meta, options.columns);
}

/** {@link readParquetRowGroups} of a Parquet file held in memory. */
export function readParquetBufferRowGroups(
  bytes: Uint8Array | ArrayBuffer,
  options: { readonly columns?: readonly string[]; readonly name?: string } = {},
): ParquetRowGroupsInfo {
  const view = asBytes(bytes);
  const name = options.name ?? bufferName(view);
  return rowGroupsOf(name, readMetadata(name, view), options.columns);
}

function rowGroupsOf(path: string, meta: FileMetaData, columns: readonly string[] | undefined): ParquetRowGroupsInfo {
  const { rowCount, schema, metadata } = describe(meta);
  if (columns) checkColumns(path, schema, columns);
  return { rowCount, schema, metadata, rowGroups: groupInfos(meta, columns) };
}

function checkColumns(path: string, schema: readonly ParquetColumnInfo[], wanted: readonly string[]): void {
  const names = new Set(schema.map((c) => c.name));
  for (const name of wanted) {
    if (!names.has(name)) {
      throw new ParquetFileError(
        path,
        `parquet file ${path} has no column "${name}" (columns: ${schema.map((c) => c.name).join(', ')})`,
      );
    }
  }
}

function groupInfos(meta: FileMetaData, columns?: readonly string[]): ParquetRowGroupInfo[] {
  const wanted = columns ? new Set(columns) : undefined;
  const out: ParquetRowGroupInfo[] = [];
  let rowStart = 0;
  meta.row_groups.forEach((group, index) => {
    const rows = Number(group.num_rows);
    const statistics: Record<string, ParquetColumnStatistics> = {};
    let byteStart = Number.POSITIVE_INFINITY;
    let byteEnd = 0;
    for (const chunk of group.columns) {
      const md = chunk.meta_data;
      if (!md) continue;
      const first = Number(md.dictionary_page_offset ?? md.data_page_offset);
      byteStart = Math.min(byteStart, first);
      byteEnd = Math.max(byteEnd, first + Number(md.total_compressed_size));
      if (md.path_in_schema.length !== 1) continue; // nested leaves: no per-column statistics here
      const name = md.path_in_schema[0];
      if (!wanted || wanted.has(name)) statistics[name] = columnStatistics(md);
    }
    if (byteStart === Number.POSITIVE_INFINITY) byteStart = 0;
    out.push({ index, rowStart, rowEnd: rowStart + rows, rows, byteStart, byteEnd, statistics });
    rowStart += rows;
  });
  return out;
}

function columnStatistics(md: ColumnMetaData): ParquetColumnStatistics {
  const s = md.statistics;
  if (!s) return {};
  // The deprecated min/max fields of byte arrays used a signed byte order: not usable as bounds.
  const legacy = md.type !== 'BYTE_ARRAY' && md.type !== 'FIXED_LEN_BYTE_ARRAY';
  const min = statisticValue(s.min_value ?? (legacy ? s.min : undefined));
  const max = statisticValue(s.max_value ?? (legacy ? s.max : undefined));
  const out: { min?: ParquetStatisticValue; max?: ParquetStatisticValue; nullCount?: number } = {};
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  if (s.null_count !== undefined) out.nullCount = Number(s.null_count);
  return out;
}

function statisticValue(v: unknown): ParquetStatisticValue | undefined {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  return undefined;
}

/** Which row groups to read and which file rows to return, in file order. */
interface Selection {
  readonly groups: number[];
  /** Disjoint, ascending, each inside one run of consecutive chosen groups. */
  readonly ranges: ParquetRowRange[];
}

function hasSelection(options: ParquetReadOptions): boolean {
  return options.rowStart !== undefined || options.rowEnd !== undefined || options.rowGroups !== undefined;
}

function selectRows(path: string, infos: readonly ParquetRowGroupInfo[], rowCount: number, options: ParquetReadOptions): Selection {
  const bad = (why: string): never => {
    throw new ParquetFileError(path, `parquet read ${path}: ${why}`);
  };
  const rowStart = options.rowStart ?? 0;
  const rowEnd = options.rowEnd ?? rowCount;
  if (!Number.isSafeInteger(rowStart) || rowStart < 0) bad(`rowStart must be a whole number >= 0, got ${String(rowStart)}`);
  if (!Number.isSafeInteger(rowEnd) || rowEnd < rowStart) bad(`rowEnd must be a whole number >= rowStart (${rowStart}), got ${String(rowEnd)}`);
  let chosen: (g: ParquetRowGroupInfo) => boolean = () => true;
  const pick = options.rowGroups;
  if (typeof pick === 'function') chosen = pick;
  else if (pick !== undefined) {
    const set = new Set<number>();
    for (const i of pick) {
      if (!Number.isSafeInteger(i) || i < 0 || i >= infos.length) bad(`row group ${String(i)} does not exist (the file has ${infos.length})`);
      set.add(i);
    }
    chosen = (g) => set.has(g.index);
  }
  const groups: number[] = [];
  const ranges: { rowStart: number; rowEnd: number }[] = [];
  for (const g of infos) {
    const lo = Math.max(g.rowStart, rowStart);
    const hi = Math.min(g.rowEnd, rowEnd, rowCount);
    if (hi <= lo || !chosen(g)) continue;
    groups.push(g.index);
    const last = ranges[ranges.length - 1];
    if (last && last.rowEnd === lo) last.rowEnd = hi;
    else ranges.push({ rowStart: lo, rowEnd: hi });
  }
  return { groups, ranges };
}

/**
 * Read a Parquet file into columns (all top-level columns, or `options.columns`).
 * Missing file -> `parquet file not found: <path>`; truncated/corrupt -> an error naming the path.
 *
 * With `rowStart`/`rowEnd` or `rowGroups`, only the footer and the byte ranges of the chosen
 * row groups are read from disk, and only those groups are decoded; `rowCount` and the columns
 * then cover the selected rows only (`rowRanges` says which file rows they are).
 */
export async function readParquetFile(path: string, options: ParquetReadOptions = {}): Promise<ParquetTable> {
  if (!hasSelection(options)) return readWhole(path, await readBytes(path), options);
  return withTypedNumbers(await withFile(path, async (file) => readTable(path, file.buffer, await file.footer(), options)), options);
}

/**
 * A whole-file read of `bytes`: the flat decoder when asked for typed numbers and it can, else
 * hyparquet. The flat decoder's footer comes from the lean reader (flat-footer.ts) when that
 * reads it: it gives the same fields as hyparquet's parser or nothing, so readFlat's outcome
 * is the same with either footer (when it declines the lean one it would decline hyparquet's
 * too, so it is not tried twice), and any other file (a corrupt one included) goes through
 * hyparquet's parser and its errors exactly as before.
 */
async function readWhole(path: string, bytes: Uint8Array, options: ParquetReadOptions): Promise<ParquetTable> {
  const flat = options.typedNumbers && !hasSelection(options);
  const lean = flat ? readFlatFooter(bytes) : undefined;
  if (lean) {
    const table = readFlat(path, bytes, lean, options);
    if (table) return table;
  }
  const meta = readMetadata(path, bytes);
  if (flat && !lean) {
    const table = readFlat(path, bytes, meta, options);
    if (table) return table;
  }
  return withTypedNumbers(await readTable(path, bufferFile(bytes), meta, options), options);
}

/**
 * The flat decoder's read of a whole file, or undefined when hyparquet must read it: a layout
 * the decoder does not cover, or any decoding error (hyparquet then reads the file or reports
 * its own error, so corrupt files fail exactly as before).
 */
function readFlat(path: string, bytes: Uint8Array, meta: FlatFooter & FooterSummary, options: ParquetReadOptions): ParquetTable | undefined {
  const { rowCount, schema, metadata } = describe(meta);
  const wanted = options.columns ? [...options.columns] : schema.map((c) => c.name);
  checkColumns(path, schema, wanted);
  const plan = planFlatRead(meta, wanted);
  if (!plan) return undefined;
  let columns: Record<string, ArrayLike<unknown>>;
  try {
    columns = decodeFlat(bytes, meta, plan);
  } catch {
    return undefined;
  }
  // (not groupInfos: it also gathers every column's statistics, which nothing here reads)
  const groups = meta.row_groups.flatMap((g, i) => (Number(g.num_rows) > 0 ? [i] : []));
  return {
    rowCount,
    columns,
    schema,
    metadata,
    rowGroupCount: meta.row_groups.length,
    rowGroupsRead: groups,
    rowRanges: rowCount > 0 ? [{ rowStart: 0, rowEnd: rowCount }] : [],
  };
}

/** With `typedNumbers`, REQUIRED INT32/FLOAT/DOUBLE columns that hyparquet gave as arrays become typed arrays. */
function withTypedNumbers(table: ParquetTable, options: ParquetReadOptions): ParquetTable {
  if (!options.typedNumbers) return table;
  const columns: Record<string, ArrayLike<unknown>> = { ...table.columns };
  for (const info of table.schema) {
    const data = columns[info.name];
    if (!data || ArrayBuffer.isView(data) || info.nullable) continue;
    const numbers = data as ArrayLike<number>;
    if (info.type === 'INT32') columns[info.name] = Int32Array.from(numbers);
    else if (info.type === 'DOUBLE') columns[info.name] = Float64Array.from(numbers);
    else if (info.type === 'FLOAT') columns[info.name] = Float32Array.from(numbers);
  }
  return { ...table, columns };
}

/**
 * {@link readParquetFile} of a Parquet file held in memory (e.g. decompressed from an archive):
 * the same options and the same result; errors name `options.name`.
 */
export async function readParquetBuffer(bytes: Uint8Array | ArrayBuffer, options: ParquetBufferReadOptions = {}): Promise<ParquetTable> {
  const view = asBytes(bytes);
  return readWhole(options.name ?? bufferName(view), view, options);
}

function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
}

function bufferName(bytes: Uint8Array): string {
  return `parquet buffer (${bytes.byteLength} bytes)`;
}

/** An AsyncBuffer over bytes in memory: slices copy only the requested range. */
function bufferFile(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice: (start: number, end?: number) =>
      bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + (end ?? bytes.byteLength)) as ArrayBuffer,
  };
}

/** Bytes read from the end of a file to find its footer (a larger footer costs one more read). */
const FOOTER_PROBE = 64 * 1024;

/**
 * Parsed footers of recently read files, by path, valid while the file keeps its identity:
 * device, inode, size, mtime and ctime (nanoseconds). Parsing a footer costs about 1.5 µs per
 * column chunk (a month of 1m bars in day-sized row groups: ~0.25 ms), more than decoding one
 * row group, so range reads of the same files reuse it. An atomic replace (new inode) or any
 * write to the file changes the identity; the entry is then parsed again. The cache is bounded
 * by the footers' size on disk: a parsed footer takes about 11x its bytes in memory (a month of
 * 1m bars: 11.5 KB on disk, ~130 KB parsed), so 1 MiB of footers is ~12 MB of heap.
 */
const FOOTER_CACHE_BYTES = 1 << 20;
const footerCache = new Map<string, { identity: string; meta: FileMetaData; bytes: number }>();
let footerCacheBytes = 0;

function cachedFooter(path: string, identity: string): FileMetaData | undefined {
  const hit = footerCache.get(path);
  if (!hit) return undefined;
  footerCache.delete(path);
  if (hit.identity !== identity) {
    footerCacheBytes -= hit.bytes;
    return undefined;
  }
  footerCache.set(path, hit); // most recently used last
  return hit.meta;
}

function rememberFooter(path: string, identity: string, meta: FileMetaData, bytes: number): void {
  const old = footerCache.get(path);
  if (old) {
    footerCache.delete(path);
    footerCacheBytes -= old.bytes;
  }
  if (bytes > FOOTER_CACHE_BYTES) return;
  footerCache.set(path, { identity, meta, bytes });
  footerCacheBytes += bytes;
  for (const [key, entry] of footerCache) {
    if (footerCacheBytes <= FOOTER_CACHE_BYTES) break;
    footerCache.delete(key);
    footerCacheBytes -= entry.bytes;
  }
}

interface OpenFile {
  readonly buffer: AsyncBuffer;
  footer(): Promise<FileMetaData>;
}

/** Run `fn` on an open file whose bytes are read on demand (positional reads), then close it. */
async function withFile<T>(path: string, fn: (file: OpenFile) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (error) {
    throw openError(path, error);
  }
  try {
    let size: number;
    let identity: string;
    try {
      const st = await handle.stat({ bigint: true });
      size = Number(st.size);
      identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (error) {
      throw openError(path, error);
    }
    const readAt = async (position: number, length: number): Promise<Uint8Array> => {
      const out = new Uint8Array(length);
      let got = 0;
      try {
        while (got < length) {
          const { bytesRead } = await handle.read(out, got, length - got, position + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
      } catch (error) {
        throw openError(path, error);
      }
      return got === length ? out : out.slice(0, got);
    };
    const file: OpenFile = {
      buffer: {
        byteLength: size,
        slice: async (start: number, end?: number) => {
          const bytes = await readAt(start, (end ?? size) - start);
          return bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
        },
      },
      footer: async () => {
        const cached = cachedFooter(path, identity);
        if (cached) return cached;
        let tail = await readAt(Math.max(0, size - FOOTER_PROBE), Math.min(size, FOOTER_PROBE));
        if (tail.byteLength >= 8) {
          const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
          const magic = view.getUint32(tail.byteLength - 4, true) === 0x31524150; // "PAR1"
          const length = view.getUint32(tail.byteLength - 8, true) + 8;
          if (magic && length > tail.byteLength && length <= size) tail = await readAt(size - length, length);
          // keep only the footer (the parsed metadata may hold views into these bytes)
          else if (magic && length < tail.byteLength) tail = tail.slice(tail.byteLength - length);
        }
        const meta = readMetadata(path, tail, size);
        rememberFooter(path, identity, meta, tail.byteLength);
        return meta;
      },
    };
    return await fn(file);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readTable(path: string, file: AsyncBuffer, meta: FileMetaData, options: ParquetReadOptions): Promise<ParquetTable> {
  const { rowCount: fileRows, schema, metadata } = describe(meta);
  const byName = new Map(schema.map((c) => [c.name, c]));
  const wanted = options.columns ? [...options.columns] : schema.map((c) => c.name);
  checkColumns(path, schema, wanted);
  const infos = groupInfos(meta);
  const selection = hasSelection(options)
    ? selectRows(path, infos, fileRows, options)
    : { groups: infos.filter((g) => g.rows > 0).map((g) => g.index), ranges: fileRows > 0 ? [{ rowStart: 0, rowEnd: fileRows }] : [] };
  const rowCount = selection.ranges.reduce((n, r) => n + r.rowEnd - r.rowStart, 0);

  // one parquetRead per run of consecutive row groups; chunks are tagged with their run
  const chunks = new Map<string, Chunk[]>();
  for (const name of wanted) chunks.set(name, []);
  let offset = 0;
  const runs = selection.ranges.map((r) => {
    const run = { ...r, offset };
    offset += r.rowEnd - r.rowStart;
    return run;
  });
  try {
    await Promise.all(
      runs.map((run) =>
        parquetRead({
          file,
          metadata: meta,
          columns: wanted,
          rowStart: run.rowStart,
          rowEnd: run.rowEnd,
          parsers: PARSERS,
          onChunk(chunk) {
            chunks.get(chunk.columnName)?.push({ run, rowStart: chunk.rowStart, data: chunk.columnData });
          },
        }),
      ),
    );
  } catch (error) {
    const message = (error as Error).message;
    const hint = /compression codec/.test(message) ? ' (install hyparquet-compressors for this codec)' : '';
    throw new ParquetFileError(path, `cannot decode parquet file ${path}: ${message}${hint}`, { cause: error });
  }

  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const name of wanted) columns[name] = assemble(path, name, byName.get(name)!, chunks.get(name)!, rowCount);
  return {
    rowCount,
    columns,
    schema,
    metadata,
    rowGroupCount: infos.length,
    rowGroupsRead: selection.groups,
    rowRanges: selection.ranges,
  };
}

/** Decoded values of file rows [rowStart, rowStart + data.length), read for `run`. */
type Chunk = { run: ParquetRowRange & { offset: number }; rowStart: number; data: ArrayLike<unknown> };

type Output = { [i: number]: unknown; length: number };

/**
 * Copy the part of each chunk inside its run to the run's place in the output (hyparquet may
 * hand back whole row groups or pages, i.e. rows outside the requested range).
 */
function assemble(path: string, name: string, info: ParquetColumnInfo, parts: Chunk[], rowCount: number): ArrayLike<unknown> {
  const first = parts[0]?.data;
  let out: Output;
  let put: (p: Chunk, from: number, to: number, at: number) => void;
  if (info.type === 'TIMESTAMP' || info.type === 'DATE') {
    // TIMESTAMP/DATE come back as epoch ms numbers -> Float64Array (null -> NaN)
    const ms = new Float64Array(rowCount);
    out = ms;
    put = (p, from, to, at) => {
      const d = p.data;
      for (let i = from; i < to; i++) {
        const v = d[i];
        ms[at + i - from] = typeof v === 'number' ? v : Number.NaN;
      }
    };
  } else if (first !== undefined && ArrayBuffer.isView(first) && parts.every((p) => p.data.constructor === first.constructor)) {
    // numeric columns come back in typed arrays: keep the type
    type Typed = Output & { set(a: ArrayLike<unknown>, o: number): void; subarray(a: number, b: number): ArrayLike<unknown> };
    const typed = new (first.constructor as new (n: number) => Typed)(rowCount);
    out = typed;
    put = (p, from, to, at) => typed.set(from === 0 && to === p.data.length ? p.data : (p.data as Typed).subarray(from, to), at);
  } else {
    const arr = new Array<unknown>(rowCount);
    out = arr;
    put = (p, from, to, at) => {
      for (let i = from; i < to; i++) arr[at + i - from] = p.data[i];
    };
  }
  let covered = 0;
  for (const p of parts) {
    const lo = Math.max(p.rowStart, p.run.rowStart);
    const hi = Math.min(p.rowStart + p.data.length, p.run.rowEnd);
    if (hi <= lo) continue;
    put(p, lo - p.rowStart, hi - p.rowStart, p.run.offset + lo - p.run.rowStart);
    covered += hi - lo;
  }
  if (covered !== rowCount) {
    throw new ParquetFileError(path, `parquet file ${path}: column "${name}" decoded ${covered} of ${rowCount} rows`);
  }
  return out as ArrayLike<unknown>;
}

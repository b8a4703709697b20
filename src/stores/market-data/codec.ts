/**
 * Records <-> Parquet part files, through the project's one Parquet module. Each part file
 * holds the kind's columns plus `_batch` (INT32), the lineage batch that wrote each row, and is
 * sorted by (time, key). Cold files (`.parquet.br`, see archive.ts) are decoded transparently.
 *
 * Row groups: a part file is cut into row groups at UTC day boundaries, a group ending at the
 * first day boundary after it holds MIN_GROUP_ROWS rows (or, for dense data such as ticks, at
 * the first new time after MAX_GROUP_ROWS rows). A month of 1m bars is one group per trading
 * day (390 rows on a regular US session, 960 with extended hours, 1,440 for 24h markets); 5m
 * bars get two days per group, 1h bars two to three weeks, 1d bars about half a year. Every
 * column chunk carries min/max statistics, so a range read decodes only the groups whose time
 * statistics meet the range (see `timeRangeGroups`).
 */
import {
  readParquetFile,
  writeParquetFile,
  type ParquetColumnInput,
  type ParquetReadOptions,
  type ParquetRowGroupInfo,
  type ParquetTable,
} from '../../parquet/index.ts';
import { readArchivedParquet, writeArchivedParquet } from './archive.ts';
import type { KindSpec, StoredRecord } from './kind-spec.ts';

export const BATCH_COLUMN = '_batch';
export const ARCHIVE_SUFFIX = '.parquet.br';

export interface WriteFileOptions {
  readonly metadata: Readonly<Record<string, string>>;
  readonly codec?: 'SNAPPY' | 'UNCOMPRESSED';
}

/** Compare records by (time, key): the order of every part file and of every query result. */
export function compareRecords(spec: KindSpec, a: StoredRecord, b: StoredRecord): number {
  const d = spec.time(a) - spec.time(b);
  if (d !== 0) return d;
  const ka = spec.key(a);
  const kb = spec.key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The Parquet columns of `records` (already sorted) with their batch ids. */
export function recordColumns(spec: KindSpec, records: readonly StoredRecord[], batches: ArrayLike<number>): ParquetColumnInput[] {
  const out: ParquetColumnInput[] = spec.columns.map((c) => {
    if (c.type === 'time') {
      const data = new Float64Array(records.length);
      for (let i = 0; i < records.length; i++) data[i] = records[i][c.name] as number;
      return { name: c.name, type: 'TIMESTAMP_MILLIS', data, encoding: 'DELTA_BINARY_PACKED' };
    }
    if (c.type === 'number' && !c.optional) {
      const data = new Float64Array(records.length);
      for (let i = 0; i < records.length; i++) data[i] = records[i][c.name] as number;
      return { name: c.name, type: 'DOUBLE', data };
    }
    // An absent optional field is a null in a nullable column (NULL for DuckDB too).
    const data = records.map((r) => r[c.name] ?? null);
    return { name: c.name, type: c.type === 'number' ? 'DOUBLE' : 'STRING', data, nullable: c.optional };
  });
  out.push({ name: BATCH_COLUMN, type: 'INT32', data: Int32Array.from(batches) });
  return out;
}

/** A row group ends at a UTC day boundary once it holds this many rows. */
export const MIN_GROUP_ROWS = 128;
/** ... or at the first new time after this many rows (dense data: quotes, trades). */
export const MAX_GROUP_ROWS = 65_536;
const DAY_MS = 86_400_000;

/** Row-group sizes for a part file whose rows have these (ascending) times. */
export function rowGroupSizes(times: ArrayLike<number>): number[] {
  const sizes: number[] = [];
  let first = 0;
  for (let i = 1; i < times.length; i++) {
    const n = i - first;
    const newDay = Math.floor(times[i] / DAY_MS) !== Math.floor(times[i - 1] / DAY_MS);
    if ((n >= MIN_GROUP_ROWS && newDay) || (n >= MAX_GROUP_ROWS && times[i] !== times[i - 1])) {
      sizes.push(n);
      first = i;
    }
  }
  if (times.length > first) sizes.push(times.length - first);
  return sizes.length > 0 ? sizes : [MAX_GROUP_ROWS];
}

function recordTimes(spec: KindSpec, records: readonly StoredRecord[]): Float64Array {
  const times = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) times[i] = spec.time(records[i]);
  return times;
}

/** Write one (hot) part file atomically. `records` must be sorted (compareRecords). */
export async function writeRecordFile(
  path: string,
  spec: KindSpec,
  records: readonly StoredRecord[],
  batches: ArrayLike<number>,
  options: WriteFileOptions,
): Promise<void> {
  await writeParquetFile(path, recordColumns(spec, records, batches), {
    codec: options.codec ?? 'SNAPPY',
    metadata: options.metadata,
    rowGroupSize: rowGroupSizes(recordTimes(spec, records)),
  });
}

/** Write one cold (Brotli-wrapped) part file atomically, with the same row groups as a hot one. */
export async function writeArchivedRecordFile(
  path: string,
  tmpDir: string,
  spec: KindSpec,
  records: readonly StoredRecord[],
  batches: ArrayLike<number>,
  metadata: Readonly<Record<string, string>>,
): Promise<void> {
  await writeArchivedParquet(path, tmpDir, recordColumns(spec, records, batches), metadata, rowGroupSizes(recordTimes(spec, records)));
}

/** [start, end) on a time column: a range read decodes only the row groups meeting it. */
export interface TimeRange {
  readonly column: string;
  readonly start: number;
  readonly end: number;
}

/** The row groups whose min/max statistics of the time column meet [start, end) (a group without them is kept). */
export function timeRangeGroups(range: TimeRange): (group: ParquetRowGroupInfo) => boolean {
  const { column, start, end } = range;
  return (group) => {
    const s = group.statistics[column];
    if (typeof s?.min !== 'number' || typeof s.max !== 'number') return true;
    return s.max >= start && s.min < end;
  };
}

/** Read a part file (hot or cold): all columns or `columns`, all rows or the row groups meeting `range`. */
export async function readPartFile(path: string, options: { columns?: readonly string[]; range?: TimeRange } = {}): Promise<ParquetTable> {
  const read: ParquetReadOptions = {
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.range ? { rowGroups: timeRangeGroups(options.range) } : {}),
  };
  if (path.endsWith(ARCHIVE_SUFFIX)) return readArchivedParquet(path, read);
  return readParquetFile(path, read);
}

/** Plain records (and their batch ids) from a table read with all columns. */
export function tableToRecords(spec: KindSpec, table: ParquetTable): { records: StoredRecord[]; batches: Int32Array } {
  const records: StoredRecord[] = new Array<StoredRecord>(table.rowCount);
  const cols = spec.columns.map((c) => [c.name, table.columns[c.name]] as const);
  for (let i = 0; i < table.rowCount; i++) {
    const r: Record<string, number | string | undefined> = {};
    for (const [name, values] of cols) {
      const v = values[i];
      if (v !== null && v !== undefined) r[name] = v as number | string;
    }
    records[i] = r;
  }
  const raw = table.columns[BATCH_COLUMN];
  const batches = raw instanceof Int32Array ? raw : Int32Array.from(raw as ArrayLike<number>);
  return { records, batches };
}

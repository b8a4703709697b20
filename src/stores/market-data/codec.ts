/**
 * Records <-> Parquet part files, through the project's one Parquet module. Each part file
 * holds the kind's columns plus `_batch` (INT32), the lineage batch that wrote each row, and is
 * sorted by (time, key). Cold files (`.parquet.br`, see archive.ts) are decoded transparently.
 */
import { readParquetFile, writeParquetFile, type ParquetColumnInput, type ParquetTable } from '../../parquet/index.ts';
import { readArchivedParquet } from './archive.ts';
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

/** Write one (hot) part file atomically. */
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
  });
}

/** Read a part file (hot or cold), all columns or `columns`. */
export async function readPartFile(path: string, tmpDir: string, columns?: readonly string[]): Promise<ParquetTable> {
  if (path.endsWith(ARCHIVE_SUFFIX)) return readArchivedParquet(path, tmpDir, columns);
  return readParquetFile(path, columns ? { columns } : {});
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

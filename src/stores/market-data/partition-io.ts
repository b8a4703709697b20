/**
 * Reading part files listed in a manifest, relative to a base folder: the live store's root,
 * or a snapshot's `files/` folder (whose reader also checks each file's SHA-256 before use).
 * A read with a time range decodes only the row groups whose time statistics meet it.
 */
import { join } from 'node:path';
import type { ParquetTable } from '../../parquet/index.ts';
import { readPartFile, tableToRecords, type TimeRange } from './codec.ts';
import type { KindSpec, StoredRecord } from './kind-spec.ts';
import type { FileEntry } from './manifest.ts';

/** What range reads touched (lets tests and `stats` prove that they prune). */
export interface ReadCounters {
  /** Part files opened. */
  filesRead: number;
  /** Row groups of those files read and decoded. */
  rowGroupsRead: number;
  /** Row groups of those files left unread because their time statistics are outside the range. */
  rowGroupsSkipped: number;
}

export interface FileSource {
  /** Folder the manifest's file names are relative to. */
  readonly dir: string;
  /** Called before a file is read; throws when the file must not be used. */
  readonly verify?: (file: FileEntry, path: string) => Promise<void>;
  readonly counters?: ReadCounters;
}

/** [start, end) on the record time; omitted: the whole file. */
export type TimeWindow = readonly [start: number, end: number];

export async function readFileTable(
  src: FileSource,
  file: FileEntry,
  options: { columns?: readonly string[]; range?: TimeRange } = {},
): Promise<ParquetTable> {
  const path = join(src.dir, file.name);
  if (src.verify) await src.verify(file, path);
  const table = await readPartFile(path, options);
  if (src.counters) {
    src.counters.filesRead++;
    src.counters.rowGroupsRead += table.rowGroupsRead.length;
    src.counters.rowGroupsSkipped += table.rowGroupCount - table.rowGroupsRead.length;
  }
  return table;
}

export async function readFileRecords(
  src: FileSource,
  spec: KindSpec,
  file: FileEntry,
  window?: TimeWindow,
): Promise<{ records: StoredRecord[]; batches: Int32Array }> {
  const range = window ? { column: spec.timeField, start: window[0], end: window[1] } : undefined;
  return tableToRecords(spec, await readFileTable(src, file, range ? { range } : {}));
}

export async function loadPartitionRecords(
  src: FileSource,
  spec: KindSpec,
  files: readonly FileEntry[],
  window?: TimeWindow,
): Promise<{ records: StoredRecord[]; batches: Int32Array }[]> {
  return Promise.all(files.map((f) => readFileRecords(src, spec, f, window)));
}

/**
 * Reading part files listed in a manifest, relative to a base folder: the live store's root,
 * or a snapshot's `files/` folder (whose reader also checks each file's SHA-256 before use).
 */
import { join } from 'node:path';
import type { ParquetTable } from '../../parquet/index.ts';
import { readPartFile, tableToRecords } from './codec.ts';
import type { KindSpec, StoredRecord } from './kind-spec.ts';
import type { FileEntry } from './manifest.ts';

export interface FileSource {
  /** Folder the manifest's file names are relative to. */
  readonly dir: string;
  /** Scratch folder for decompressing cold files. */
  readonly tmpDir: string;
  /** Called before a file is read; throws when the file must not be used. */
  readonly verify?: (file: FileEntry, path: string) => Promise<void>;
  /** Incremented per file read (lets tests prove that range reads prune). */
  readonly counters?: { filesRead: number };
}

export async function readFileTable(src: FileSource, file: FileEntry, columns?: readonly string[]): Promise<ParquetTable> {
  const path = join(src.dir, file.name);
  if (src.verify) await src.verify(file, path);
  if (src.counters) src.counters.filesRead++;
  return readPartFile(path, src.tmpDir, columns);
}

export async function readFileRecords(src: FileSource, spec: KindSpec, file: FileEntry): Promise<{ records: StoredRecord[]; batches: Int32Array }> {
  return tableToRecords(spec, await readFileTable(src, file));
}

export async function loadPartitionRecords(
  src: FileSource,
  spec: KindSpec,
  files: readonly FileEntry[],
): Promise<{ records: StoredRecord[]; batches: Int32Array }[]> {
  return Promise.all(files.map((f) => readFileRecords(src, spec, f)));
}

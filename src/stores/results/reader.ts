/**
 * Reading a run's results back, verified: the manifest's own checksum, then each file's
 * size and SHA-256, then every row's type and sequence number. Any mismatch throws a
 * CorruptFileError naming the file; nothing is returned from a file that failed.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { readKind } from './apply.ts';
import type { ResultFormat } from './config.ts';
import { CorruptFileError, StoreInputError } from './errors.ts';
import { readManifest, type Manifest } from './manifest.ts';
import { insideRoot, safeName } from './names.ts';
import type { StoredRows, TableKind } from './records.ts';
import { sha256Hex } from '../../storage/atomic.ts';
import { SummaryFileSchema, type SummaryFile } from './summary.ts';
import { tableRows } from './table.ts';

export async function readRunManifest(root: string, runId: string): Promise<Manifest> {
  const dir = insideRoot(root, safeName(runId, 'run id', 'readResults'));
  const manifest = await readManifest(dir);
  if (!manifest) throw new StoreInputError('readResults', `no results for run ${runId} under ${root}`);
  return manifest;
}

/** Every row of `kind` of a run, in order, from `format` (default: the most exact one written). */
export async function readRunRows<K extends TableKind>(root: string, runId: string, kind: K, format?: ResultFormat): Promise<StoredRows[K][]> {
  const manifest = await readRunManifest(root, runId);
  if (format && !manifest.formats.includes(format)) throw new StoreInputError('readResults', `run ${runId} has no ${format} files (formats: ${manifest.formats.join(', ')})`);
  const entry = manifest.kinds[kind];
  if (entry.expired_at) throw new StoreInputError('readResults', `the ${kind} of run ${runId} were removed by retention at ${entry.expired_at}`);
  const dir = insideRoot(root, runId);
  const table = await readKind(dir, kind, entry.parts, manifest.formats, format);
  return tableRows(table as typeof table & { kind: K });
}

/** The run's latest summary (verified), or null if none was stored. */
export async function readRunSummary(root: string, runId: string): Promise<SummaryFile | null> {
  const manifest = await readRunManifest(root, runId);
  if (!manifest.summary) return null;
  const path = join(insideRoot(root, runId), manifest.summary.file.file);
  const bytes = await fsp.readFile(path);
  const sha = sha256Hex(bytes);
  if (sha !== manifest.summary.file.sha256) throw new CorruptFileError(path, `SHA-256 ${sha} does not match the manifest's ${manifest.summary.file.sha256}`);
  const parsed = SummaryFileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) throw new CorruptFileError(path, 'not a summary file');
  return parsed.data;
}

export interface VerifyReport {
  readonly runId: string;
  readonly files: number;
  readonly records: Readonly<Record<TableKind, number>>;
}

/** Verifies every file of every format of a run (throws CorruptFileError on the first bad one). */
export async function verifyRun(root: string, runId: string): Promise<VerifyReport> {
  const manifest = await readRunManifest(root, runId);
  const dir = insideRoot(root, runId);
  let files = 1;
  const records = { performance: 0, trades: 0, events: 0 };
  for (const kind of ['performance', 'trades', 'events'] as const) {
    const entry = manifest.kinds[kind];
    if (entry.expired_at) continue;
    for (const format of manifest.formats) {
      const table = await readKind(dir, kind, entry.parts, manifest.formats, format);
      records[kind] = table.length;
      files += entry.parts.length;
    }
  }
  if (manifest.summary) {
    await readRunSummary(root, runId);
    files++;
  }
  return { runId, files, records };
}

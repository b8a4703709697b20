/**
 * Retention: each data type of a run is kept for its own number of days (events, trades,
 * performance, summary; null = forever). A file's age is its modification time, so a part
 * goes when all of its files (every format) are older than the cutoff; the manifest is
 * rewritten first (the commit point) and the files deleted after, so an interrupted
 * cleanup leaves only unlisted files, which recovery removes. A run folder with nothing
 * left is removed entirely. Runs still being written by this store are not touched.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Retention } from './config.ts';
import { errnoCode } from './errors.ts';
import { readManifest, writeManifest, type Manifest } from './manifest.ts';
import { safeName } from './names.ts';
import { TABLE_KINDS } from './records.ts';

const DAY_MS = 86_400_000;

export interface CleanupReport {
  /** Removed files, relative to the store root. */
  readonly removedFiles: readonly string[];
  readonly removedRuns: readonly string[];
  readonly freedBytes: number;
  /** Run folders that could not be read (damaged manifest): left untouched. */
  readonly unreadable: readonly { runId: string; error: string }[];
}

export async function cleanupRuns(root: string, retention: Retention, now: number, active: ReadonlySet<string>): Promise<CleanupReport> {
  const removedFiles: string[] = [];
  const removedRuns: string[] = [];
  const unreadable: { runId: string; error: string }[] = [];
  let freedBytes = 0;
  for (const runId of await runFolders(root)) {
    if (active.has(runId)) continue;
    const dir = join(root, runId);
    let manifest: Manifest | null;
    try {
      manifest = await readManifest(dir);
    } catch (error) {
      unreadable.push({ runId, error: (error as Error).message });
      continue;
    }
    if (!manifest) continue;
    const next: Manifest = structuredClone(manifest);
    const doomed: { file: string; bytes: number }[] = [];
    for (const kind of TABLE_KINDS) {
      const days = retention[kind];
      const entry = next.kinds[kind];
      if (days === null || entry.parts.length === 0) continue;
      const cutoff = now - days * DAY_MS;
      const keep = [];
      for (const part of entry.parts) {
        const files = Object.values(part.files).filter((f) => f !== undefined);
        if (await allOlder(dir, files.map((f) => f.file), cutoff)) doomed.push(...files.map((f) => ({ file: f.file, bytes: f.bytes })));
        else keep.push(part);
      }
      if (keep.length < entry.parts.length) {
        entry.parts = keep;
        if (keep.length === 0) entry.expired_at = new Date(now).toISOString();
      }
    }
    if (next.summary && retention.summary !== null && (await allOlder(dir, [next.summary.file.file], now - retention.summary * DAY_MS))) {
      doomed.push({ file: next.summary.file.file, bytes: next.summary.file.bytes });
      next.summary = null;
    }
    if (doomed.length === 0) continue;
    const empty = next.summary === null && TABLE_KINDS.every((k) => next.kinds[k].parts.length === 0);
    if (empty && next.status === 'complete') {
      const bytes = await folderBytes(dir);
      await fsp.rm(dir, { recursive: true, force: true });
      removedRuns.push(runId);
      freedBytes += bytes;
      continue;
    }
    next.updated_at = new Date(now).toISOString();
    await writeManifest(dir, next);
    for (const d of doomed) {
      await fsp.rm(join(dir, d.file), { force: true });
      removedFiles.push(join(runId, d.file));
      freedBytes += d.bytes;
    }
  }
  return { removedFiles, removedRuns, freedBytes, unreadable };
}

async function allOlder(dir: string, files: readonly string[], cutoff: number): Promise<boolean> {
  for (const file of files) {
    try {
      if ((await fsp.stat(join(dir, file))).mtimeMs >= cutoff) return false;
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }
  return true;
}

async function runFolders(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    try {
      out.push(safeName(entry.name, 'run id', 'cleanup'));
    } catch {
      // not a run folder of ours
    }
  }
  return out.sort();
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await fsp.stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

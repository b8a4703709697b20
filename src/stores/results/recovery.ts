/**
 * Restart after a crash (kill -9 at any point): bring a run folder back to a state where
 * every acknowledged record is in the files exactly once, in order, and nothing
 * half-written remains.
 *
 *   1. temp files of interrupted atomic writes are deleted;
 *   2. journal segments already applied (number <= manifest.journal_applied) are deleted,
 *      the others are applied in order (a torn frame at the tail of the last segment was
 *      never acknowledged and is dropped; damage anywhere else is an error);
 *   3. a backtest whose final summary was applied but not compacted is completed;
 *   4. files the manifest does not list (parts written before a crash, before their
 *      manifest) are deleted, as are superseded summaries and compacted parts.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { ResultsStoredPayload } from '../../core/events.ts';
import type { ResultFormat } from './config.ts';
import { insideRoot, safeName } from './names.ts';
import { CorruptFileError, errnoCode } from './errors.ts';
import { applySegment, completeRun, PARTS_DIR, type ApplyContext } from './apply.ts';
import { scanFrames } from './frame.ts';
import { listSegments } from './journal.ts';
import { emptyManifest, listedFiles, readManifest, writeManifest, type Manifest } from './manifest.ts';

export interface RecoveryReport {
  readonly runId: string;
  readonly segmentsApplied: number;
  readonly recordsRecovered: number;
  /** Bytes of a torn (never acknowledged) frame dropped from the journal's tail. */
  readonly tornBytes: number;
  /** Temp files and unlisted files removed. */
  readonly removed: readonly string[];
}

const TEMP = /^\..*(\.tmp-\d+-[0-9a-f]+|\.\d+\.[0-9a-f]+\.tmp)$/;
/** Names the store writes in a run folder (anything else is left alone). */
const OURS = /^(summary-\d{8}\.json|(performance|trades|events)\.(csv|jsonl|parquet))$/;
const OUR_PART = /^(performance|trades|events)-\d{8}\.(csv|jsonl|parquet)$/;

/**
 * Recovers one run folder. `formats` is used only when the folder has no manifest yet (the
 * crash came before the first one was written). Returns the manifest (null for a folder
 * that holds nothing of a run, which is then removed if empty of anything else).
 */
export async function recoverRun(ctx: ApplyContext, formats: readonly ResultFormat[]): Promise<{ manifest: Manifest | null; report: RecoveryReport }> {
  const removed: string[] = [];
  const journalDir = join(ctx.dir, 'journal');
  for (const sub of ['', PARTS_DIR, 'journal']) {
    for (const name of await names(join(ctx.dir, sub))) {
      if (TEMP.test(name)) {
        await fsp.rm(join(ctx.dir, sub, name), { force: true });
        removed.push(join(sub, name));
      }
    }
  }
  let manifest = await readManifest(ctx.dir);
  const segments = await listSegments(journalDir);
  if (!manifest) {
    if (segments.length === 0) {
      // A crash between creating the run folder and writing its first manifest: nothing was
      // acknowledged (acknowledgement is a journal append). Remove the empty shell, or the next
      // writer of this run would take the leftover folder for another writer's.
      removed.push(...(await removeEmptyRunFolder(ctx.dir)));
      return { manifest: null, report: { runId: ctx.runId, segmentsApplied: 0, recordsRecovered: 0, tornBytes: 0, removed } };
    }
    manifest = emptyManifest(ctx.runId, 'backtest', formats, new Date());
    await writeManifest(ctx.dir, manifest);
  }
  let applied = 0;
  let recovered = 0;
  let tornBytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const n = segments[i];
    const path = join(journalDir, `${String(n).padStart(8, '0')}.wal`);
    if (n > manifest.journal_applied) {
      const scan = scanFrames(await fsp.readFile(path), path);
      if (scan.tornBytes > 0 && i !== segments.length - 1) {
        throw new CorruptFileError(path, `${scan.tornBytes} damaged bytes at the end of a sealed segment (only the last segment can hold a torn append)`);
      }
      tornBytes += scan.tornBytes;
      const before = countRecords(manifest);
      manifest = await applySegment(ctx, manifest, n, scan.frames, path);
      recovered += countRecords(manifest) - before;
      applied++;
    }
    await fsp.rm(path, { force: true });
  }
  manifest = await completeRun(ctx, manifest);
  removed.push(...(await removeUnlisted(ctx.dir, manifest)));
  return { manifest, report: { runId: ctx.runId, segmentsApplied: applied, recordsRecovered: recovered, tornBytes, removed } };
}

function countRecords(m: Manifest): number {
  return m.kinds.performance.records + m.kinds.trades.records + m.kinds.events.records + m.summary_records;
}

/** Removes the run folder and its own subfolders if they are empty; anything else there is left alone. */
async function removeEmptyRunFolder(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const sub of ['journal', PARTS_DIR, '']) {
    try {
      await fsp.rmdir(join(dir, sub));
      removed.push(sub === '' ? '.' : sub);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  }
  return removed;
}

/** Deletes the store's files that the manifest does not list. */
export async function removeUnlisted(dir: string, manifest: Manifest): Promise<string[]> {
  const listed = new Set(listedFiles(manifest));
  const removed: string[] = [];
  for (const name of await names(dir)) {
    if (OURS.test(name) && !listed.has(name)) {
      await fsp.rm(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  for (const name of await names(join(dir, PARTS_DIR))) {
    const rel = `${PARTS_DIR}/${name}`;
    if (OUR_PART.test(name) && !listed.has(rel)) {
      await fsp.rm(join(dir, rel), { force: true });
      removed.push(rel);
    }
  }
  return removed;
}

async function names(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

/** Recovers every run folder under `root` (folders whose names are not run ids are left alone). */
export async function recoverRoot(root: string, formats: readonly ResultFormat[], emit: (payload: ResultsStoredPayload) => void): Promise<{ manifests: Map<string, Manifest>; reports: RecoveryReport[] }> {
  const manifests = new Map<string, Manifest>();
  const reports: RecoveryReport[] = [];
  for (const entry of await fsp.readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    let runId: string;
    try {
      runId = safeName(entry.name, 'run id', 'recovery');
    } catch {
      continue; // not a run folder
    }
    const dir = insideRoot(root, runId);
    const ctx: ApplyContext = { dir, runId, wrote: (kind, file, records, bytes) => emit({ runId, kind, records, bytes, file: join(dir, file) }) };
    const { manifest, report } = await recoverRun(ctx, formats);
    if (manifest) manifests.set(runId, manifest);
    if (report.segmentsApplied > 0 || report.removed.length > 0 || report.tornBytes > 0) {
      reports.push(report);
      emit({ runId, kind: 'recovery', records: report.recordsRecovered, bytes: report.tornBytes, file: dir });
    }
  }
  return { manifests, reports };
}

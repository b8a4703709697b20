/**
 * Restoring a snapshot makes the live store equal to it: verify it (refuse if it does not),
 * snapshot the current state first (a restore discards newer data, which must stay
 * recoverable), bring the snapshot's files back into the live folders (hard links), commit the
 * snapshot's manifest, then collect the live files it no longer lists.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from '../../storage/atomic.ts';
import { SnapshotVerificationError } from './errors.ts';
import { exists, linkOrCopy } from './fs-util.ts';
import { collectGarbage } from './gc.ts';
import type { StoreInternals } from './internals.ts';
import { allFiles, nextManifest, type Batch } from './manifest.ts';
import { SNAPSHOT_FILES_DIR } from './snapshot-format.ts';
import { createSnapshot, readSnapshotManifest, snapshotDir, verifySnapshot } from './snapshots.ts';

export interface RestoreReport {
  readonly restored: string;
  /** Snapshot of the state before the restore (null when the store was empty). */
  readonly previousState: string | null;
  readonly files: number;
  readonly rows: number;
  readonly removed: readonly string[];
}

export function restoreSnapshot(store: StoreInternals, id: string): Promise<RestoreReport> {
  return store.locked(async () => {
    const check = await verifySnapshot(store.root, id);
    if (!check.ok) throw new SnapshotVerificationError(id, check.problems);
    const live = await store.fresh();
    const previous = Object.keys(live.partitions).length > 0 ? await createSnapshot(store.root, store.tmpDir, live, { label: `before restore of ${id}` }) : null;
    const target = await readSnapshotManifest(store.root, id);
    const dir = snapshotDir(store.root, id);
    for (const { file } of allFiles(target)) {
      const to = join(store.root, file.name);
      const from = join(dir, SNAPSHOT_FILES_DIR, file.name);
      if (await exists(to)) {
        if ((await sha256File(to)) === file.sha256) continue;
        // A live file with this name but other bytes was changed outside the store: replace it.
        const aside = `${to}.restore-${process.pid}`;
        await fsp.rm(aside, { force: true });
        await linkOrCopy(from, aside);
        await fsp.rename(aside, to);
      } else {
        await linkOrCopy(from, to);
      }
    }
    const next = nextManifest(live);
    next.partitions = target.partitions;
    next.nextFile = Math.max(live.nextFile, target.nextFile);
    next.nextBatch = Math.max(live.nextBatch, target.nextBatch);
    // Lineage is history: keep every batch ever ingested, from both sides.
    const batches = new Map<number, Batch>();
    for (const b of [...target.batches, ...live.batches]) batches.set(b.id, b);
    next.batches = [...batches.values()].sort((a, b) => a.id - b.id);
    await store.commit(next);
    store.cache.clear();
    const removed = await collectGarbage(store.root, next);
    const files = allFiles(next);
    return { restored: id, previousState: previous?.id ?? null, files: files.length, rows: files.reduce((n, x) => n + x.file.rows, 0), removed };
  });
}

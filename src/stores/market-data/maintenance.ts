/**
 * Store maintenance under the write lock: compaction of small files, retention (warm, cold,
 * purge) and garbage collection. Each partition is rewritten and committed on its own, and the
 * replaced files are deleted only after that commit, so an interruption loses no data.
 */
import { collectGarbage } from './gc.ts';
import type { StoreInternals } from './internals.ts';
import { seriesKey } from './layout.ts';
import { nextManifest, type Manifest, type Partition, type Tier } from './manifest.ts';
import { removeFiles, rewritePartition } from './compaction.ts';
import { retentionAction, type RetentionAction, type RetentionPolicy } from './retention.ts';

const ORDER: Record<Tier, number> = { hot: 0, warm: 1, cold: 2 };

/** The coldest tier among a partition's files: compaction never un-archives data. */
function coldest(p: Partition): Tier {
  return p.files.reduce<Tier>((t, f) => (ORDER[f.tier] > ORDER[t] ? f.tier : t), 'hot');
}

export interface CompactionReport {
  readonly partitions: { partition: string; filesBefore: number; bytesBefore: number; bytesAfter: number }[];
  readonly garbage: string[];
}

async function rewriteAndCommit(store: StoreInternals, key: string, tier: Tier, base: Manifest): Promise<{ before: number; bytesBefore: number; bytesAfter: number; manifest: Manifest }> {
  const next = nextManifest(base);
  const { removed, added } = await rewritePartition(store.root, store.tmpDir, next, key, tier);
  await store.commit(next);
  await removeFiles(store.root, removed);
  store.cache.invalidate(seriesKey(next.partitions[key]));
  return { before: removed.length, bytesBefore: removed.reduce((n, f) => n + f.bytes, 0), bytesAfter: added.bytes, manifest: next };
}

/** Compact the given partitions (default: every partition with more than one file). Call under the lock. */
export async function compactUnlocked(store: StoreInternals, keys?: readonly string[]): Promise<CompactionReport['partitions']> {
  let manifest = await store.fresh();
  const targets = keys ?? Object.keys(manifest.partitions).filter((k) => manifest.partitions[k].files.length > 1);
  const out: CompactionReport['partitions'] = [];
  for (const key of [...targets].sort()) {
    const p = manifest.partitions[key];
    if (!p || p.files.length < 2) continue;
    const r = await rewriteAndCommit(store, key, coldest(p), manifest);
    manifest = r.manifest;
    out.push({ partition: key, filesBefore: r.before, bytesBefore: r.bytesBefore, bytesAfter: r.bytesAfter });
  }
  return out;
}

export function compactStore(store: StoreInternals): Promise<CompactionReport> {
  return store.locked(async () => {
    const garbage = await collectGarbage(store.root, await store.fresh());
    return { partitions: await compactUnlocked(store), garbage };
  });
}

export interface RetentionReport {
  readonly now: string;
  readonly dryRun: boolean;
  /** bytesAfter is null in a dry run for rewrites (the size is known only once written). */
  readonly actions: { partition: string; action: Exclude<RetentionAction, 'keep'>; files: number; rows: number; bytesBefore: number; bytesAfter: number | null }[];
}

export function applyRetention(store: StoreInternals, policy: RetentionPolicy, now: number, dryRun: boolean): Promise<RetentionReport> {
  return store.locked(async () => {
    let manifest = await store.fresh();
    const actions: RetentionReport['actions'] = [];
    for (const key of Object.keys(manifest.partitions).sort()) {
      const p = manifest.partitions[key];
      const action = retentionAction(policy, p, now);
      if (action === 'keep') continue;
      const files = p.files.length;
      const rows = p.files.reduce((n, f) => n + f.rows, 0);
      const bytesBefore = p.files.reduce((n, f) => n + f.bytes, 0);
      if (dryRun) {
        actions.push({ partition: key, action, files, rows, bytesBefore, bytesAfter: action === 'purge' ? 0 : null });
        continue;
      }
      if (action === 'purge') {
        const next = nextManifest(manifest);
        const removed = next.partitions[key].files;
        delete next.partitions[key];
        await store.commit(next);
        await removeFiles(store.root, removed);
        store.cache.invalidate(seriesKey(p));
        manifest = next;
        actions.push({ partition: key, action, files, rows, bytesBefore, bytesAfter: 0 });
      } else {
        const r = await rewriteAndCommit(store, key, action, manifest);
        manifest = r.manifest;
        actions.push({ partition: key, action, files, rows, bytesBefore, bytesAfter: r.bytesAfter });
      }
    }
    return { now: new Date(now).toISOString(), dryRun, actions };
  });
}

export function gcStore(store: StoreInternals): Promise<string[]> {
  return store.locked(async () => collectGarbage(store.root, await store.fresh()));
}

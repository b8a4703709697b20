/**
 * A read-only view of the store AT a snapshot: the same queries as the live store, over the
 * snapshot's own manifest and files. Opening verifies the whole snapshot and refuses (throws
 * SnapshotVerificationError) when any file or hash does not match; each file's SHA-256 is
 * checked again right before it is read, so a file changed after opening is refused too.
 * This is what a backtest that names a snapshot as its data source should read from.
 */
import { resolve, join } from 'node:path';
import { sha256File } from '../../storage/atomic.ts';
import { LruTtlCache, type CacheOptions } from './cache.ts';
import { SnapshotVerificationError } from './errors.ts';
import type { FileEntry } from './manifest.ts';
import { StoreMetrics } from './metrics.ts';
import { MarketDataReader } from './reader.ts';
import { SNAPSHOT_FILES_DIR, type Snapshot } from './snapshot-format.ts';
import { readSnapshotManifest, snapshotDir, verifySnapshot } from './snapshots.ts';

export class SnapshotView extends MarketDataReader {
  constructor(
    readonly root: string,
    readonly snapshot: Snapshot,
    readonly metrics: StoreMetrics,
    ctx: ConstructorParameters<typeof MarketDataReader>[0],
  ) {
    super(ctx);
  }
}

/** Open the store at `root` as it was in snapshot `id` (read-only); throws if it does not verify. */
export async function openSnapshot(root: string, id: string, options: { cache?: CacheOptions } = {}): Promise<SnapshotView> {
  const abs = resolve(root);
  const check = await verifySnapshot(abs, id);
  if (!check.ok || !check.snapshot) throw new SnapshotVerificationError(id, check.problems);
  const manifest = await readSnapshotManifest(abs, id);
  const dir = join(snapshotDir(abs, id), SNAPSHOT_FILES_DIR);
  const metrics = new StoreMetrics();
  const verify = async (file: FileEntry, path: string) => {
    const sha = await sha256File(path).catch(() => 'missing');
    if (sha !== file.sha256) throw new SnapshotVerificationError(id, [`${SNAPSHOT_FILES_DIR}/${file.name}: SHA-256 is ${sha}, expected ${file.sha256} (changed after the snapshot was opened)`]);
  };
  return new SnapshotView(abs, check.snapshot, metrics, {
    source: { dir, verify, counters: metrics.counters },
    manifest: async () => manifest,
    label: `market-data-snapshot:${abs}@${id}`,
    cache: new LruTtlCache(options.cache),
    metrics,
  });
}

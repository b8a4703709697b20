/**
 * What the maintenance operations (compaction, retention, snapshots, restore) need from a live
 * store: its folders, the write lock, the committed manifest and a way to commit a new one.
 */
import type { LruTtlCache } from './cache.ts';
import type { Manifest } from './manifest.ts';

export interface StoreInternals {
  readonly root: string;
  readonly tmpDir: string;
  readonly cache: LruTtlCache;
  /** Run under the store's write lock. */
  locked<T>(fn: () => Promise<T>): Promise<T>;
  /** The manifest on disk now (call under the lock before changing it). */
  fresh(): Promise<Manifest>;
  /** Atomically replace the manifest on disk and adopt it in memory. */
  commit(manifest: Manifest): Promise<void>;
}

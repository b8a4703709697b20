/**
 * Storage metrics of a store: what it holds (from the manifest), the disk it uses (every file
 * under the root, hard links counted once), write throughput (persisted lineage, all
 * processes, and this process), query latency p50/p99 and the cache hit rate (this process).
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { CacheStats } from './cache.ts';
import { walkFiles } from './fs-util.ts';
import { QUARANTINE_DIR, SNAPSHOT_DIR } from './layout.ts';
import { allFiles, type Manifest } from './manifest.ts';
import type { LatencySummary, StoreMetrics, WriteSummary } from './metrics.ts';
import { summarizeSeries } from './series-summary.ts';

export interface StoreStats {
  readonly root: string;
  readonly generation: number;
  readonly series: number;
  readonly partitions: number;
  readonly files: number;
  readonly rows: number;
  readonly rowsByKind: Record<string, number>;
  readonly filesByTier: Record<string, number>;
  readonly outOfOrder: number;
  readonly disk: { readonly dataBytes: number; readonly quarantineBytes: number; readonly snapshotBytes: number; readonly totalBytes: number };
  readonly snapshots: number;
  readonly quarantine: { readonly total: number; readonly byKind: Record<string, number> };
  /** From the lineage of every batch ever written (any process). */
  readonly ingest: { readonly batches: number; readonly received: number; readonly stored: number; readonly duplicates: number; readonly rejected: number; readonly writeMs: number; readonly recordsPerSecond: number };
  readonly process: {
    readonly writes: WriteSummary;
    readonly queries: Record<string, LatencySummary>;
    readonly filesRead: number;
    /** Row groups of those files decoded, and left unread because their time statistics were outside the query range. */
    readonly rowGroupsRead: number;
    readonly rowGroupsSkipped: number;
    readonly cache: CacheStats;
  };
}

export async function storeStats(root: string, manifest: Manifest, metrics: StoreMetrics, cache: CacheStats): Promise<StoreStats> {
  const files = allFiles(manifest);
  const rowsByKind: Record<string, number> = {};
  const filesByTier: Record<string, number> = {};
  let outOfOrder = 0;
  for (const { partition, file } of files) {
    rowsByKind[partition.kind] = (rowsByKind[partition.kind] ?? 0) + file.rows;
    filesByTier[file.tier] = (filesByTier[file.tier] ?? 0) + 1;
    outOfOrder += file.outOfOrder;
  }
  const disk = await diskUsage(root);
  const b = manifest.batches;
  const sum = (f: (x: (typeof b)[number]) => number) => b.reduce((n, x) => n + f(x), 0);
  const writeMs = sum((x) => x.durationMs);
  const stored = sum((x) => x.stored);
  return {
    root,
    generation: manifest.generation,
    series: summarizeSeries(manifest).length,
    partitions: Object.values(manifest.partitions).filter((p) => p.files.length > 0).length,
    files: files.length,
    rows: files.reduce((n, x) => n + x.file.rows, 0),
    rowsByKind,
    filesByTier,
    outOfOrder,
    disk,
    snapshots: (await fsp.readdir(join(root, SNAPSHOT_DIR)).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).length,
    quarantine: manifest.quarantine,
    ingest: { batches: b.length, received: sum((x) => x.received), stored, duplicates: sum((x) => x.duplicates), rejected: sum((x) => x.rejected), writeMs, recordsPerSecond: writeMs > 0 ? (stored / writeMs) * 1000 : 0 },
    process: {
      writes: metrics.writes(),
      queries: metrics.latencies(),
      filesRead: metrics.counters.filesRead,
      rowGroupsRead: metrics.counters.rowGroupsRead,
      rowGroupsSkipped: metrics.counters.rowGroupsSkipped,
      cache,
    },
  };
}

/** Bytes on disk under the root by area, each inode counted once (snapshots hard-link live files). */
async function diskUsage(root: string): Promise<StoreStats['disk']> {
  const seen = new Set<string>();
  let dataBytes = 0;
  let quarantineBytes = 0;
  let snapshotBytes = 0;
  const all = await walkFiles(root);
  // Live files first: a snapshot's hard links to them are then not counted as snapshot bytes.
  const ordered = [...all.filter((p) => !p.startsWith(`${SNAPSHOT_DIR}/`)), ...all.filter((p) => p.startsWith(`${SNAPSHOT_DIR}/`))];
  for (const rel of ordered) {
    const s = await fsp.stat(join(root, rel)).catch(() => null);
    if (!s) continue;
    const id = `${s.dev}:${s.ino}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (rel.startsWith(`${SNAPSHOT_DIR}/`)) snapshotBytes += s.size;
    else if (rel.startsWith(`${QUARANTINE_DIR}/`)) quarantineBytes += s.size;
    else dataBytes += s.size;
  }
  return { dataBytes, quarantineBytes, snapshotBytes, totalBytes: dataBytes + quarantineBytes + snapshotBytes };
}

/**
 * Compaction: the part files of one partition (many small appends, possibly overlapping after
 * out-of-order writes) are merged into one sorted file, keeping each row's lineage batch. The
 * same rewrite moves a partition between tiers: 'warm' is a compacted SNAPPY file, 'cold' a
 * Brotli-wrapped one (archive.ts). The caller commits the manifest and only then deletes the
 * replaced files, so a crash at any point leaves either the old files or the new one listed.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from '../../storage/atomic.ts';
import { ARCHIVE_SUFFIX, compareRecords, writeArchivedRecordFile, writeRecordFile } from './codec.ts';
import { MarketDataError } from './errors.ts';
import { ensureDir } from './fs-util.ts';
import type { StoredRecord } from './kind-spec.ts';
import { partFileName } from './layout.ts';
import type { FileEntry, Manifest, Tier } from './manifest.ts';
import { loadPartitionRecords } from './partition-io.ts';
import { KIND_SPECS } from './records/index.ts';

export interface Rewrite {
  readonly partition: string;
  readonly removed: readonly FileEntry[];
  readonly added: FileEntry;
}

/** Rewrite partition `key` of `manifest` (a clone being prepared for commit) as one file of `tier`. */
export async function rewritePartition(root: string, tmpDir: string, manifest: Manifest, key: string, tier: Tier): Promise<Rewrite> {
  const partition = manifest.partitions[key];
  if (!partition) throw new MarketDataError(`compaction: no partition ${key}`);
  const spec = KIND_SPECS[partition.kind];
  const removed = partition.files;
  const rows: { record: StoredRecord; batch: number }[] = [];
  for (const { records, batches } of await loadPartitionRecords({ dir: root }, spec, removed)) {
    for (let i = 0; i < records.length; i++) rows.push({ record: records[i], batch: batches[i] });
  }
  rows.sort((a, b) => compareRecords(spec, a.record, b.record));
  for (let i = 1; i < rows.length; i++) {
    // Writes never store two records with the same (time, key); finding one means the files
    // were changed outside the store. Refuse rather than pick one and lose the other.
    if (compareRecords(spec, rows[i - 1].record, rows[i].record) === 0) {
      throw new MarketDataError(`compaction of ${key}: two stored records share time ${spec.time(rows[i].record)} and key "${spec.key(rows[i].record)}"; files changed outside the store?`);
    }
  }
  const records = rows.map((r) => r.record);
  const batches = Int32Array.from(rows, (r) => r.batch);
  const seq = manifest.nextFile++;
  const plain = partFileName(partition, partition.period, seq);
  const name = tier === 'cold' ? plain.replace(/\.parquet$/, ARCHIVE_SUFFIX) : plain;
  const path = join(root, name);
  await ensureDir(join(path, '..'));
  const metadata = {
    'tradeflow.store': 'market-data',
    'tradeflow.kind': partition.kind,
    'tradeflow.symbol': partition.symbol,
    'tradeflow.timeframe': partition.timeframe,
    'tradeflow.period': partition.period,
    'tradeflow.tier': tier,
  };
  if (tier === 'cold') await writeArchivedRecordFile(path, tmpDir, spec, records, batches, metadata);
  else await writeRecordFile(path, spec, records, batches, { metadata });
  const added: FileEntry = {
    name,
    rows: records.length,
    minTs: records.length ? spec.time(records[0]) : 0,
    maxTs: records.length ? spec.time(records[records.length - 1]) : 0,
    bytes: (await fsp.stat(path)).size,
    sha256: await sha256File(path),
    batches: [...new Set(removed.flatMap((f) => f.batches))].sort((a, b) => a - b),
    outOfOrder: removed.reduce((n, f) => n + f.outOfOrder, 0),
    tier,
    createdAt: new Date().toISOString(),
  };
  partition.files = [added];
  return { partition: key, removed, added };
}

/** Delete files that a committed manifest no longer lists (best effort: gc catches the rest). */
export async function removeFiles(root: string, files: readonly FileEntry[]): Promise<void> {
  await Promise.all(files.map((f) => fsp.rm(join(root, f.name), { force: true })));
  // A purged partition leaves an empty folder: remove it (rmdir fails, harmlessly, when not empty).
  for (const dir of new Set(files.map((f) => join(root, f.name, '..')))) await fsp.rmdir(dir).catch(() => undefined);
}

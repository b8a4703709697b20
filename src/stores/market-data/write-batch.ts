/**
 * One write batch: validate every record (rejects are quarantined with their reason, never
 * stored), drop exact duplicates of stored records (idempotent writes), quarantine conflicting
 * ones (same key and time, other values: the stored record is never overwritten silently),
 * count records older than the series' latest time as out-of-order (accepted, flagged in the
 * file entry and the batch), write one sorted part file per touched partition, record the
 * lineage batch, and commit the manifest. Runs under the write lock with a fresh manifest.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from '../../storage/atomic.ts';
import { compareRecords, writeRecordFile } from './codec.ts';
import { loadPartitionRecords } from './partition-io.ts';
import { ensureDir } from './fs-util.ts';
import type { KindSpec, StoredRecord } from './kind-spec.ts';
import { partFileName, partitionKey, periodOf, type SeriesId } from './layout.ts';
import { nextManifest, partitionsOf, saveManifest, type Batch, type FileEntry, type Manifest } from './manifest.ts';
import { writeQuarantine, type Rejection } from './quarantine.ts';
import { validateRecord } from './validate.ts';

export interface BatchInput {
  readonly spec: KindSpec;
  readonly series: SeriesId;
  readonly records: readonly unknown[];
  /** Where the records came from (file path, feed name). */
  readonly source: string;
  readonly provider?: string;
  /** The provider's quality score in [0, 1]; defaults to the share of valid records. */
  readonly quality?: number;
  readonly timezone?: string;
  /** Records a file loader already rejected (counted as received and quarantined with this batch). */
  readonly preRejected?: readonly Rejection[];
  /** 1-based file line of each record, when known (for quarantine messages). */
  readonly lines?: ArrayLike<number>;
}

export interface BatchOutcome {
  readonly manifest: Manifest;
  readonly batch: Batch;
  readonly rejections: readonly Rejection[];
  /** Partition keys that received a new file. */
  readonly touched: readonly string[];
}

interface Pending {
  readonly period: string;
  readonly records: StoredRecord[];
  outOfOrder: number;
}

const iso = (ts: number) => new Date(ts).toISOString();

function sameRecord(spec: KindSpec, a: StoredRecord, b: StoredRecord): string | null {
  for (const c of spec.columns) {
    if (a[c.name] !== b[c.name]) return `${c.name} is ${JSON.stringify(b[c.name] ?? null)}, stored ${JSON.stringify(a[c.name] ?? null)}`;
  }
  return null;
}

export async function writeBatch(root: string, base: Manifest, input: BatchInput, tmpDir: string): Promise<BatchOutcome> {
  const t0 = performance.now();
  const { spec, series } = input;
  const manifest = nextManifest(base);
  const batchId = manifest.nextBatch++;
  const rejections: Rejection[] = [...(input.preRejected ?? [])];
  const where = (i: number) => (input.lines ? { line: input.lines[i] } : { index: i });

  // 1. validate
  const valid: { record: StoredRecord; index: number; period: string }[] = [];
  for (let i = 0; i < input.records.length; i++) {
    const v = validateRecord(spec, input.records[i]);
    if (!v.ok) rejections.push({ ...where(i), reason: v.reason, record: input.records[i] });
    else valid.push({ record: v.record, index: i, period: periodOf(spec.time(v.record), spec.granularity(series.timeframe)) });
  }

  // 2. stored records that could be duplicates: files of touched partitions overlapping the batch's times there
  const range = new Map<string, [number, number]>();
  for (const v of valid) {
    const t = spec.time(v.record);
    const r = range.get(v.period);
    if (!r) range.set(v.period, [t, t]);
    else range.set(v.period, [Math.min(r[0], t), Math.max(r[1], t)]);
  }
  const stored = new Map<string, Map<string, { record: StoredRecord; batch: number }>>();
  let seriesMax = Number.NEGATIVE_INFINITY;
  for (const p of partitionsOf(base, series)) for (const f of p.files) seriesMax = Math.max(seriesMax, f.maxTs);
  for (const [period, [lo, hi]] of range) {
    const partition = base.partitions[partitionKey(series, period)];
    const files = partition ? partition.files.filter((f) => f.maxTs >= lo && f.minTs <= hi) : [];
    const map = new Map<string, { record: StoredRecord; batch: number }>();
    for (const { records, batches } of await loadPartitionRecords({ dir: root }, spec, files, [lo, hi + 1])) {
      for (let i = 0; i < records.length; i++) map.set(`${spec.time(records[i])}\0${spec.key(records[i])}`, { record: records[i], batch: batches[i] });
    }
    stored.set(period, map);
  }

  // 3. dedup, conflicts and out-of-order, in input order
  const pending = new Map<string, Pending>();
  const inBatch = new Map<string, { record: StoredRecord; index: number }>();
  let duplicates = 0;
  let outOfOrder = 0;
  let latest = seriesMax;
  for (const v of valid) {
    const t = spec.time(v.record);
    const key = spec.key(v.record);
    const k = `${t}\0${key}`;
    const what = `${iso(t)}${key ? ` ${key}` : ''}`;
    const old = stored.get(v.period)!.get(k);
    if (old) {
      const diff = sameRecord(spec, old.record, v.record);
      if (diff === null) duplicates++;
      else rejections.push({ ...where(v.index), reason: `conflicts with the stored record at ${what} (batch ${old.batch}): ${diff}`, record: input.records[v.index] });
      continue;
    }
    const earlier = inBatch.get(k);
    if (earlier) {
      const diff = sameRecord(spec, earlier.record, v.record);
      if (diff === null) duplicates++;
      else rejections.push({ ...where(v.index), reason: `conflicts with an earlier record of this batch at ${what} (${input.lines ? `line ${input.lines[earlier.index]}` : `record ${earlier.index}`}): ${diff}`, record: input.records[v.index] });
      continue;
    }
    inBatch.set(k, v);
    let p = pending.get(v.period);
    if (!p) pending.set(v.period, (p = { period: v.period, records: [], outOfOrder: 0 }));
    p.records.push(v.record);
    if (t < latest) {
      outOfOrder++;
      p.outOfOrder++;
    }
    latest = Math.max(latest, t);
  }

  // 4. one sorted part file per touched partition
  const written: string[] = [];
  const touched: string[] = [];
  const createdAt = new Date().toISOString();
  try {
    for (const p of [...pending.values()].sort((a, b) => (a.period < b.period ? -1 : 1))) {
      p.records.sort((a, b) => compareRecords(spec, a, b));
      const name = partFileName(series, p.period, manifest.nextFile++);
      const path = join(root, name);
      await ensureDir(join(path, '..'));
      await writeRecordFile(path, spec, p.records, new Int32Array(p.records.length).fill(batchId), {
        metadata: {
          'tradeflow.store': 'market-data',
          'tradeflow.kind': spec.kind,
          'tradeflow.symbol': series.symbol,
          'tradeflow.timeframe': series.timeframe,
          'tradeflow.period': p.period,
          'tradeflow.batch': String(batchId),
          'tradeflow.out_of_order': String(p.outOfOrder),
        },
      });
      written.push(path);
      const entry: FileEntry = {
        name,
        rows: p.records.length,
        minTs: spec.time(p.records[0]),
        maxTs: spec.time(p.records[p.records.length - 1]),
        bytes: (await fsp.stat(path)).size,
        sha256: await sha256File(path),
        batches: [batchId],
        outOfOrder: p.outOfOrder,
        tier: 'hot',
        createdAt,
      };
      const pkey = partitionKey(series, p.period);
      const partition = (manifest.partitions[pkey] ??= { ...series, period: p.period, files: [] });
      partition.files.push(entry);
      touched.push(pkey);
    }

    // 5. quarantine and lineage, then commit (rejections from a file in file order)
    if (rejections.every((r) => r.line !== undefined)) rejections.sort((a, b) => a.line! - b.line!);
    const quarantineFile = rejections.length > 0 ? await writeQuarantine(root, batchId, rejections) : undefined;
    if (quarantineFile) written.push(join(root, quarantineFile));
    const received = input.records.length + (input.preRejected?.length ?? 0);
    const stored = inBatch.size;
    const validRatio = received === 0 ? 1 : (stored + duplicates) / received;
    const batch: Batch = {
      id: batchId,
      ...series,
      source: input.source,
      ...(input.provider !== undefined ? { provider: input.provider } : {}),
      ingestedAt: createdAt,
      ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
      received,
      stored,
      duplicates,
      rejected: rejections.length,
      outOfOrder,
      validRatio,
      quality: input.quality ?? validRatio,
      durationMs: performance.now() - t0,
      files: touched.map((k) => manifest.partitions[k].files.at(-1)!.name),
      ...(quarantineFile ? { quarantineFile } : {}),
    };
    manifest.batches.push(batch);
    manifest.quarantine.total += rejections.length;
    if (rejections.length > 0) manifest.quarantine.byKind[spec.kind] = (manifest.quarantine.byKind[spec.kind] ?? 0) + rejections.length;
    await saveManifest(root, manifest);
    return { manifest, batch, rejections, touched };
  } catch (error) {
    // Not committed: the files are unreferenced; remove them now rather than at the next gc.
    await Promise.all(written.map((p) => fsp.rm(p, { force: true })));
    throw error;
  }
}

/**
 * MarketDataStore: the live, writable store at a root folder. Reads are MarketDataReader's;
 * this adds the typed writes of every record kind (each a lineage batch, see write-batch.ts),
 * automatic compaction of partitions that collect too many small files, maintenance
 * (compact, retention, gc), snapshots, and storage metrics.
 *
 * Readers in other processes see a write once its manifest is committed; this process sees
 * commits of other processes at its next range query (the manifest file is re-read when it
 * changed), and cached "latest" values at most `cache.ttlMs` late.
 */
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BarSeries } from '../../data/bar-series.ts';
import { LruTtlCache, type CacheOptions, type CacheStats } from './cache.ts';
import { MarketDataError } from './errors.ts';
import { scratchDir } from './fs-util.ts';
import type { StoreInternals } from './internals.ts';
import type { KindSpec } from './kind-spec.ts';
import { checkSymbol, checkTimeframe, MANIFEST_FILE, NO_SLOT, seriesKey, type RecordKind, type SeriesId } from './layout.ts';
import { withWriteLock } from './lock.ts';
import { applyRetention, compactStore, compactUnlocked, gcStore, type CompactionReport, type RetentionReport } from './maintenance.ts';
import { loadManifest, saveManifest, type Batch, type Manifest } from './manifest.ts';
import { StoreMetrics } from './metrics.ts';
import { readQuarantine, type Rejection } from './quarantine.ts';
import { MarketDataReader } from './reader.ts';
import { KIND_SPECS } from './records/index.ts';
import { restoreSnapshot, type RestoreReport } from './restore.ts';
import { parseRetentionPolicy } from './retention.ts';
import type { Snapshot } from './snapshot-format.ts';
import { createSnapshot, listSnapshots, verifySnapshot, type Verification } from './snapshots.ts';
import { storeStats, type StoreStats } from './stats.ts';
import { writeBatch } from './write-batch.ts';

export const DEFAULT_MAX_FILES_PER_PARTITION = 8;

export interface MarketDataStoreOptions {
  readonly cache?: CacheOptions;
  /** Compact a partition automatically once a write leaves it with more files than this (default 8). */
  readonly maxFilesPerPartition?: number;
  /** How long a write waits for another process's write lock (default 30 s). */
  readonly lockTimeoutMs?: number;
}

/** Lineage of a write batch. */
export interface LineageInput {
  /** Where the records come from: a file path, a feed or provider endpoint. */
  readonly source: string;
  readonly provider?: string;
  /** The provider's own quality score in [0, 1]; default: the share of valid records. */
  readonly quality?: number;
  /** Zone naive stamps were read in, when the records came from a file. */
  readonly timezone?: string;
}

/** For importers: records a file loader already rejected, and the file line of each record. */
export interface ImportDetails {
  readonly preRejected?: readonly Rejection[];
  readonly lines?: ArrayLike<number>;
}

export interface WriteResult {
  readonly batch: Batch;
  readonly rejections: readonly Rejection[];
  /** Partitions compacted automatically after the write. */
  readonly compacted: readonly string[];
}

interface ManifestStamp {
  ino: number;
  mtimeMs: number;
  size: number;
}

export class MarketDataStore extends MarketDataReader {
  readonly metrics: StoreMetrics;
  private readonly internals: StoreInternals;

  private constructor(
    readonly root: string,
    private current: Manifest,
    private stamp: ManifestStamp | null,
    private readonly cache: LruTtlCache,
    metrics: StoreMetrics,
    private readonly options: MarketDataStoreOptions,
  ) {
    const tmpDir = scratchDir();
    super({
      source: { dir: root, counters: metrics.counters },
      manifest: () => this.live(),
      label: `market-data-store:${root}`,
      cache,
      metrics,
    });
    this.metrics = metrics;
    const max = options.maxFilesPerPartition ?? DEFAULT_MAX_FILES_PER_PARTITION;
    if (!Number.isInteger(max) || max < 1) throw new MarketDataError(`maxFilesPerPartition must be a whole number >= 1, got ${max}`);
    this.internals = {
      root,
      tmpDir,
      cache,
      locked: (fn) => withWriteLock(root, fn, options.lockTimeoutMs),
      fresh: () => loadManifest(root),
      commit: async (m) => {
        await saveManifest(root, m);
        this.adopt(m, await readStamp(root));
      },
    };
  }

  /** Open (or start) the store at `root`. The folder is created by the first write. */
  static async open(root: string, options: MarketDataStoreOptions = {}): Promise<MarketDataStore> {
    const abs = resolve(root);
    const stat = await fsp.stat(abs).catch(() => null);
    if (stat && !stat.isDirectory()) throw new MarketDataError(`market data store root is not a folder: ${abs}`);
    const stamp = await readStamp(abs);
    const manifest = await loadManifest(abs);
    return new MarketDataStore(abs, manifest, stamp, new LruTtlCache(options.cache), new StoreMetrics(), options);
  }

  // ---- writes -------------------------------------------------------------------------------

  /** Bars of any timeframe, from a BarSeries (e.g. loadBars) or plain `{ start, open, high, low, close, volume }` records. */
  writeBars(symbol: string, timeframe: string, bars: BarSeries | readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    checkSymbol(symbol, 'writeBars');
    checkTimeframe(timeframe, 'writeBars');
    const records = isBarSeries(bars) ? barRecords(bars) : bars;
    return this.write('bars', { kind: 'bars', symbol, timeframe }, records, lineage, details);
  }

  writeQuotes(symbol: string, quotes: readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    return this.write('quotes', { kind: 'quotes', symbol: checkSymbol(symbol, 'writeQuotes'), timeframe: NO_SLOT }, quotes, lineage, details);
  }

  writeTrades(symbol: string, trades: readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    return this.write('trades', { kind: 'trades', symbol: checkSymbol(symbol, 'writeTrades'), timeframe: NO_SLOT }, trades, lineage, details);
  }

  /** Contracts of one or more chain snapshots of `symbol` (the underlying). */
  writeOptionsChain(symbol: string, contracts: readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    return this.write('options', { kind: 'options', symbol: checkSymbol(symbol, 'writeOptionsChain'), timeframe: NO_SLOT }, contracts, lineage, details);
  }

  writeFlowEvents(symbol: string, events: readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    return this.write('flow', { kind: 'flow', symbol: checkSymbol(symbol, 'writeFlowEvents'), timeframe: NO_SLOT }, events, lineage, details);
  }

  writeFundamentals(symbol: string, records: readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    return this.write('fundamentals', { kind: 'fundamentals', symbol: checkSymbol(symbol, 'writeFundamentals'), timeframe: NO_SLOT }, records, lineage, details);
  }

  writeCalendarEvents(events: readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    return this.write('calendar', { kind: 'calendar', symbol: NO_SLOT, timeframe: NO_SLOT }, events, lineage, details);
  }

  writeFeatures(symbol: string, timeframe: string, records: readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    checkSymbol(symbol, 'writeFeatures');
    checkTimeframe(timeframe, 'writeFeatures');
    return this.write('features', { kind: 'features', symbol, timeframe }, records, lineage, details);
  }

  /** Any kind by name (what importers use): `symbol` is ignored for calendar events, `timeframe` needed for bars and features. */
  writeRecords(kind: RecordKind, where: { symbol?: string; timeframe?: string }, records: readonly unknown[], lineage: LineageInput, details?: ImportDetails): Promise<WriteResult> {
    const symbol = where.symbol ?? '';
    const timeframe = where.timeframe ?? '';
    switch (kind) {
      case 'bars':
        return this.writeBars(symbol, timeframe, records, lineage, details);
      case 'quotes':
        return this.writeQuotes(symbol, records, lineage, details);
      case 'trades':
        return this.writeTrades(symbol, records, lineage, details);
      case 'options':
        return this.writeOptionsChain(symbol, records, lineage, details);
      case 'flow':
        return this.writeFlowEvents(symbol, records, lineage, details);
      case 'fundamentals':
        return this.writeFundamentals(symbol, records, lineage, details);
      case 'calendar':
        return this.writeCalendarEvents(records, lineage, details);
      case 'features':
        return this.writeFeatures(symbol, timeframe, records, lineage, details);
      default:
        throw new MarketDataError(`unknown record kind ${JSON.stringify(kind)}`);
    }
  }

  private async write(kind: RecordKind, series: SeriesId, records: readonly unknown[], lineage: LineageInput, details: ImportDetails = {}): Promise<WriteResult> {
    const spec: KindSpec = KIND_SPECS[kind];
    const where = `write ${kind} ${series.symbol === NO_SLOT ? '' : series.symbol}`.trimEnd();
    if (!Array.isArray(records)) throw new MarketDataError(`${where}: records must be an array`);
    checkLineage(lineage, where);
    if (details.lines && details.lines.length !== records.length) throw new MarketDataError(`${where}: ${details.lines.length} line numbers for ${records.length} records`);
    const result = await this.internals.locked(async () => {
      const outcome = await writeBatch(this.root, await this.internals.fresh(), { spec, series, records, ...lineage, ...details }, this.internals.tmpDir);
      this.adopt(outcome.manifest, await readStamp(this.root));
      this.cache.invalidate(seriesKey(series));
      const max = this.options.maxFilesPerPartition ?? DEFAULT_MAX_FILES_PER_PARTITION;
      const crowded = outcome.touched.filter((k) => outcome.manifest.partitions[k].files.length > max);
      const compacted = crowded.length > 0 ? (await compactUnlocked(this.internals, crowded)).map((c) => c.partition) : [];
      return { batch: outcome.batch, rejections: outcome.rejections, compacted };
    });
    this.metrics.recordWrite(result.batch.received, result.batch.stored, result.batch.durationMs);
    return result;
  }

  // ---- maintenance ---------------------------------------------------------------------------

  /** Merge every partition's files into one (and collect unreferenced files). */
  compact(): Promise<CompactionReport> {
    return compactStore(this.internals);
  }

  /** Apply a retention policy (validated; see retention.ts) as of `now` (default: the clock). */
  applyRetention(policy: unknown, options: { now?: number; dryRun?: boolean } = {}): Promise<RetentionReport> {
    return applyRetention(this.internals, parseRetentionPolicy(policy), options.now ?? Date.now(), options.dryRun ?? false);
  }

  /** Delete files the manifest does not list (crash leftovers). */
  gc(): Promise<string[]> {
    return gcStore(this.internals);
  }

  // ---- snapshots -----------------------------------------------------------------------------

  /** Snapshot the committed state, as of data time `at` when given (see snapshots.ts). */
  createSnapshot(at?: number, label?: string): Promise<Snapshot> {
    return this.internals.locked(async () => createSnapshot(this.root, this.internals.tmpDir, await this.internals.fresh(), { at, label }));
  }

  verifySnapshot(id: string): Promise<Verification> {
    return verifySnapshot(this.root, id);
  }

  /** Make the live store equal to snapshot `id` (after snapshotting the current state). */
  restoreSnapshot(id: string): Promise<RestoreReport> {
    return restoreSnapshot(this.internals, id);
  }

  listSnapshots(): Promise<Snapshot[]> {
    return listSnapshots(this.root);
  }

  // ---- lineage, quarantine, metrics ----------------------------------------------------------

  async batches(): Promise<readonly Batch[]> {
    return (await this.live()).batches;
  }

  /** Rejected records of one batch (or of every batch). */
  async quarantined(batchId?: number): Promise<(Rejection & { batch: number })[]> {
    const out: (Rejection & { batch: number })[] = [];
    for (const b of (await this.live()).batches) {
      if (!b.quarantineFile || (batchId !== undefined && b.id !== batchId)) continue;
      for (const r of await readQuarantine(this.root, b.quarantineFile)) out.push({ ...r, batch: b.id });
    }
    return out;
  }

  cacheStats(): CacheStats {
    return this.cache.stats();
  }

  async stats(): Promise<StoreStats> {
    return storeStats(this.root, await this.live(), this.metrics, this.cache.stats());
  }

  // ---- manifest freshness --------------------------------------------------------------------

  /** The committed manifest, re-read when another process replaced it since we last looked. */
  private async live(): Promise<Manifest> {
    const stamp = await readStamp(this.root);
    if (!sameStamp(stamp, this.stamp)) {
      this.adopt(await loadManifest(this.root), stamp);
      this.cache.clear();
    }
    return this.current;
  }

  private adopt(manifest: Manifest, stamp: ManifestStamp | null): void {
    this.current = manifest;
    this.stamp = stamp;
  }
}

async function readStamp(root: string): Promise<ManifestStamp | null> {
  const s = await fsp.stat(join(root, MANIFEST_FILE)).catch(() => null);
  return s ? { ino: s.ino, mtimeMs: s.mtimeMs, size: s.size } : null;
}

function sameStamp(a: ManifestStamp | null, b: ManifestStamp | null): boolean {
  return a === b || (a !== null && b !== null && a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.size === b.size);
}

function checkLineage(lineage: LineageInput, where: string): void {
  if (typeof lineage !== 'object' || lineage === null || typeof lineage.source !== 'string' || lineage.source === '') {
    throw new MarketDataError(`${where}: lineage.source (where the records come from) is required`);
  }
  if (lineage.quality !== undefined && !(typeof lineage.quality === 'number' && lineage.quality >= 0 && lineage.quality <= 1)) {
    throw new MarketDataError(`${where}: lineage.quality must be a number in [0, 1], got ${String(lineage.quality)}`);
  }
}

function isBarSeries(x: BarSeries | readonly unknown[]): x is BarSeries {
  return !Array.isArray(x) && typeof x === 'object' && x !== null && (x as BarSeries).start instanceof Float64Array;
}

function barRecords(s: BarSeries): { start: number; open: number; high: number; low: number; close: number; volume: number }[] {
  const out = new Array<{ start: number; open: number; high: number; low: number; close: number; volume: number }>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = { start: s.start[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] };
  return out;
}

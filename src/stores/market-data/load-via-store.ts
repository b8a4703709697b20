/**
 * The one data path for topologies: load a bar file THROUGH the store. The file is read by
 * loadBars exactly as a topology reads it, imported (idempotently: a second run stores nothing
 * new), and the bars are then read back from the store over the file's time range. The result
 * is checked to be the very bars of the file (same content hash); if the store holds anything
 * else in that range (a conflicting earlier import, bars from another source filling gaps),
 * this throws rather than hand the runner a different dataset.
 */
import { resolve } from 'node:path';
import { loadBars, type LoadBarsOptions, type LoadBarsResult } from '../../data/load-bars.ts';
import { MarketDataError } from './errors.ts';
import { importLoadedBars } from './import-file.ts';
import type { Batch } from './manifest.ts';
import type { MarketDataStore } from './store.ts';

export interface LoadViaStoreResult extends LoadBarsResult {
  /** The lineage batch of the import (stored 0 and duplicates = length when already stored). */
  readonly batch: Batch;
}

export async function loadBarsViaStore(store: MarketDataStore, options: LoadBarsOptions): Promise<LoadViaStoreResult> {
  const path = resolve(options.path);
  const loaded = await loadBars({ ...options, path });
  const report = await importLoadedBars(store, path, loaded, { file: path, symbol: options.symbol, timeframe: options.timeframe, timezone: options.timezone });
  const { batch, rejections } = report.batches[0];
  const file = loaded.series;
  if (file.length === 0) return { series: file, skipped: loaded.skipped, batch };
  const stored = await store.getBars(options.symbol, options.timeframe, file.start[0], file.start[file.length - 1] + 1);
  if (stored.hash !== file.hash) {
    const conflicts = rejections.filter((r) => r.reason.startsWith('conflicts with'));
    const why =
      conflicts.length > 0
        ? `${conflicts.length} bar(s) of the file differ from bars stored earlier (first: line ${conflicts[0].line ?? '?'}: ${conflicts[0].reason}); see quarantine batch ${batch.id}`
        : `the store holds ${stored.length} bars in the file's range, the file ${file.length} (bars from another import lie inside it)`;
    throw new MarketDataError(`bars of ${options.symbol} ${options.timeframe} in ${store.root} differ from ${path}: ${why}`);
  }
  return { series: stored, skipped: loaded.skipped, batch };
}

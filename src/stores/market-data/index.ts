/**
 * The market data store: typed, validated, partitioned Parquet storage of bars, quotes, trades,
 * options chains, flow events, fundamentals, calendar events and computed features, with
 * lineage, quarantine, an LRU+TTL cache, retention tiers, snapshots and metrics.
 * See docs/market-data-store.md.
 */
export { MarketDataStore, DEFAULT_MAX_FILES_PER_PARTITION, type MarketDataStoreOptions, type LineageInput, type ImportDetails, type WriteResult } from './store.ts';
export { MarketDataReader, type OptionsChain, type Fundamentals, type FeatureSeries } from './reader.ts';
export { openSnapshot, SnapshotView } from './snapshot-view.ts';
export { MarketDataError, SnapshotVerificationError } from './errors.ts';
export { importBarFile, importRecordCsv, type ImportReport } from './import-file.ts';
export { loadBarsViaStore, type LoadViaStoreResult } from './load-via-store.ts';
export { RECORD_KINDS, type RecordKind } from './layout.ts';
export type { Batch, FileEntry, Manifest, Partition, Tier } from './manifest.ts';
export type { Rejection } from './quarantine.ts';
export { countByReason } from './quarantine.ts';
export type { Snapshot } from './snapshot-format.ts';
export type { Verification } from './snapshots.ts';
export type { RestoreReport } from './restore.ts';
export type { CompactionReport, RetentionReport } from './maintenance.ts';
export { parseRetentionPolicy, RetentionPolicySchema, type RetentionPolicy } from './retention.ts';
export type { StoreStats } from './stats.ts';
export type { SeriesSummary } from './series-summary.ts';
export type { CacheOptions, CacheStats } from './cache.ts';
export * from './records/index.ts';

/** The time-series store: JSONL entries and Parquet bar frames per symbol. */
export { TimeSeriesStore, type Range, type TimeSeriesStoreOptions } from './store.ts';
export { TimeSeriesEntrySchema, type EntriesRead, type SkippedLine, type TimeSeriesEntry } from './entries.ts';
export { partitionOf } from './bars.ts';

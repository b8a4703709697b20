/**
 * The signal store's on-disk format (documented in docs/signal-store.md). Bump
 * FORMAT_VERSION on any change to files, columns or meanings: a reader refuses other versions.
 */
import { z } from 'zod';

export const STORE_FORMAT = 'tradeflow-signal-store';
export const FORMAT_VERSION = 1;

export const MANIFEST_FILE = 'manifest.json';
export const STRATEGY_INDEX_FILE = 'strategy_index.parquet';
export const CLASSIFIER_INDEX_FILE = 'classifier_index.parquet';
export const signalFile = (hash: string) => `signals/${hash}.parquet`;
export const classifierFile = (hash: string) => `classifiers/${hash}.parquet`;

/** One generation run that added to the store. */
export const StoreRunSchema = z.object({
  run_id: z.string(),
  topology: z.string(),
  config_hash: z.string(),
  config: z.unknown(),
  datasets: z.record(z.string(), z.string()),
  computed: z.array(z.string()),
  skipped: z.array(z.string()),
  started_at: z.string(),
  finished_at: z.string(),
});

export const StoreManifestSchema = z.object({
  format: z.literal(STORE_FORMAT),
  format_version: z.number(),
  engine_version: z.string(),
  package: z.object({ name: z.string(), version: z.string() }),
  created_at: z.string(),
  updated_at: z.string(),
  runs: z.array(StoreRunSchema),
  totals: z.object({
    strategies: z.number(),
    classifiers: z.number(),
    signal_rows: z.number(),
    dense_signal_rows: z.number(),
    classifier_rows: z.number(),
    dense_classifier_rows: z.number(),
    /** dense rows / sparse rows over signals and classifier states together. */
    compression_ratio: z.number().nullable(),
  }),
});
export type StoreManifest = z.infer<typeof StoreManifestSchema>;
export type StoreRun = z.infer<typeof StoreRunSchema>;

/**
 * The ResultsStore configuration (zod schema; the TypeScript types are inferred from it).
 * Every field has a default, so `parseResultsStoreConfig({ root: 'results' })` is a complete
 * configuration. See docs/results-store.md for what each knob trades off.
 */
import { z } from 'zod';
import { describeIssues, StoreInputError } from './errors.ts';

export const RESULT_FORMATS = ['csv', 'json', 'parquet'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

const positiveInt = z.number().int().positive();
/** Days to keep a data type, or null to keep it forever. */
const days = z.number().positive().nullable();

export const RetentionSchema = z
  .object({
    /** Per-record event files (`events.*`). */
    events: days.default(7),
    /** Trade files (`trades.*`). */
    trades: days.default(90),
    /** Per-timestep performance metrics (`performance.*`). */
    performance: days.default(365),
    /** Run summaries (`summary-*.json`); a complete run folder with nothing left is removed entirely. */
    summary: days.default(null),
  })
  .strict();
export type Retention = z.infer<typeof RetentionSchema>;

export const ResultsStoreConfigSchema = z
  .object({
    /** Folder holding one sub-folder per run; created if missing, never re-created behind the store's back. */
    root: z.string().min(1),
    /** File formats written for performance, trades and events (summaries are always JSON). */
    formats: z
      .array(z.enum(RESULT_FORMATS))
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'formats must not repeat')
      .default(['csv', 'json', 'parquet']),
    /** Records per journal frame and the pending count that wakes the background writer. */
    batch_size: positiveInt.default(1000),
    /** Records per journal segment: each sealed segment becomes one incremental part per data type. */
    segment_records: positiveInt.default(50_000),
    /** Longest a record waits in memory before the background writer journals it (when the event loop turns). */
    flush_interval_ms: z.number().int().nonnegative().default(25),
    /** Longest journaled records wait before they are materialised into part files. */
    materialize_interval_ms: z.number().int().nonnegative().default(1000),
    /** Runs written concurrently by background workers (records of one run are always written in order by one worker). */
    workers: z.number().int().min(1).max(64).default(2),
    queue: z
      .object({
        /** Records held in memory before back-pressure applies. */
        capacity: positiveInt.default(65_536),
        /**
         * What a store call does when `capacity` records are waiting:
         *   wait  - it returns a promise the (async) producer awaits until there is room;
         *   error - it throws QueueFullError;
         *   spill - it journals the queue synchronously (the journal append is the
         *           acknowledgement), so memory stays bounded even in a synchronous loop.
         */
        policy: z.enum(['wait', 'error', 'spill']).default('spill'),
        /**
         * spill only: records held beyond `capacity` while a synchronous spill is impossible
         * (storage failing, or an asynchronous write in flight); past capacity + overflow the
         * store throws QueueFullError.
         */
        overflow: z.number().int().nonnegative().default(196_608),
        /** wait only: producers that may wait at once (one outstanding call each). */
        max_waiters: positiveInt.default(1024),
      })
      .strict()
      .default({ capacity: 65_536, policy: 'spill', overflow: 196_608, max_waiters: 1024 }),
    journal: z
      .object({
        /**
         * batch - fsync after every journal append, acknowledge after the fsync: nothing
         *         acknowledged is lost, even on power loss;
         * none  - acknowledge after the write: a process crash (kill -9) loses nothing
         *         acknowledged, an OS crash or power loss can lose the last few seconds.
         */
        fsync: z.enum(['batch', 'none']).default('batch'),
      })
      .strict()
      .default({ fsync: 'batch' }),
    retry: z
      .object({
        /** First back-off after a failed write; doubled after each further failure up to max_ms. */
        initial_ms: positiveInt.default(10),
        max_ms: positiveInt.default(2000),
      })
      .strict()
      .default({ initial_ms: 10, max_ms: 2000 }),
    retention: RetentionSchema.default({ events: 7, trades: 90, performance: 365, summary: null }),
    /** Simulated slow disk: extra delay before every journal or file write (tests and benchmarks). */
    writer_delay_ms: z.number().nonnegative().default(0),
  })
  .strict();

export type ResultsStoreConfig = z.infer<typeof ResultsStoreConfigSchema>;
export type ResultsStoreConfigInput = z.input<typeof ResultsStoreConfigSchema>;

export function parseResultsStoreConfig(input: unknown, where = 'results store config'): ResultsStoreConfig {
  const parsed = ResultsStoreConfigSchema.safeParse(input);
  if (!parsed.success) throw new StoreInputError(where, describeIssues(parsed.error));
  return parsed.data;
}

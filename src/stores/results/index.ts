/** The results store: asynchronous, ordered, atomic and recoverable persistence of every run. */
export { ResultsStore, type AckInfo, type OpenRunOptions, type ResultsStoreOptions } from './store.ts';
export { attachResultsStore, summaryOf, type AttachedStore, type AttachOptions, type GraphSource, type OutcomeSource } from './attach.ts';
export {
  parseResultsStoreConfig, ResultsStoreConfigSchema, RetentionSchema, RESULT_FORMATS,
  type ResultFormat, type ResultsStoreConfig, type ResultsStoreConfigInput, type Retention,
} from './config.ts';
export { busEmitter, type StoreEmit } from './emit.ts';
export { CorruptFileError, QueueFullError, StorageUnavailableError, StoreClosedError, StoreInputError } from './errors.ts';
export { JournalCorruptError } from './frame.ts';
export type { JsonValue } from './json.ts';
export { readRunManifest, readRunRows, readRunSummary, verifyRun, type VerifyReport } from './reader.ts';
export {
  EventRecordSchema, PerformanceRowSchema, RECORD_KINDS, RunResultsSchema, TABLE_KINDS, TimestepResultsSchema, TradeRecordSchema,
  type EventRecord, type PerformanceRow, type RecordKind, type RunResults, type StoredRows, type TableKind, type TimestepResults, type TradeRecord,
} from './records.ts';
export type { RecoveryReport } from './recovery.ts';
export type { CleanupReport } from './retention.ts';
export type { RunStatus, StorageError, StorageStatus } from './status.ts';

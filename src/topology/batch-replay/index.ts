/** Batch signal replay: RunOutcome portfolios of a signal_replay run, simulated without the event bus. */
export { runBatchReplay, batchReplayMetrics, type BatchReplayOptions, type PortfolioMetricsRow } from './run-batch-replay.ts';
export { UnsupportedBatchReplay, BatchReplayInputError } from './errors.ts';

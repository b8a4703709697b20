/** Batch signal replay: RunOutcome portfolios of a signal_replay run, simulated without the event bus. */
export { runBatchReplay, type BatchReplayOptions } from './run-batch-replay.ts';
export { UnsupportedBatchReplay, BatchReplayInputError } from './errors.ts';

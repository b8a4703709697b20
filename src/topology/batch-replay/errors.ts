/**
 * Raised when a replay asks for something the batch engine cannot reproduce bit for bit:
 * the caller should run the event-driven replay (runGraph) instead. The message names the
 * feature.
 */
export class UnsupportedBatchReplay extends Error {
  override name = 'UnsupportedBatchReplay';

  constructor(readonly feature: string, detail: string) {
    super(`batch replay does not support ${feature}: ${detail} (run the event-driven replay instead)`);
  }
}

/** Stored rows that do not fit this run's data (the event-driven replay refuses them too). */
export class BatchReplayInputError extends Error {
  override name = 'BatchReplayInputError';
}

/**
 * The one error type of the market data store. Every message names what is wrong and where
 * (the store root, a file, a partition, a flag), so a CLI can print it as is.
 */
export class MarketDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MarketDataError';
  }
}

/** Thrown when a snapshot does not verify; `problems` lists each mismatch (file and why). */
export class SnapshotVerificationError extends MarketDataError {
  constructor(
    readonly snapshotId: string,
    readonly problems: readonly string[],
  ) {
    const shown = problems.slice(0, 10).join('; ');
    const more = problems.length > 10 ? ` (and ${problems.length - 10} more)` : '';
    super(`snapshot ${snapshotId} does not verify: ${shown}${more}`);
    this.name = 'SnapshotVerificationError';
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

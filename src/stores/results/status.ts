/** What `getStorageStatus()` reports, and the counters behind it. */
import type { ResultsStoreConfig } from './config.ts';
import { errnoCode } from './errors.ts';
import type { RunState } from './run-state.ts';

export interface StorageError {
  readonly operation: string;
  readonly runId: string | null;
  readonly message: string;
  /** errno code (ENOSPC, EACCES, EPERM, ENOENT, ENOTDIR, ...) when the failure came from the file system. */
  readonly code: string | null;
  readonly at: string;
}

export interface RunStatus {
  readonly runId: string;
  readonly pending: number;
  readonly acknowledged: number;
  readonly materialized: number;
  readonly refused: number;
  readonly complete: boolean;
  readonly consecutiveFailures: number;
}

export interface StorageStatus {
  /** False while some run's writes are failing (they are being retried). */
  readonly healthy: boolean;
  /** Records in memory, not yet acknowledged. */
  readonly queueDepth: number;
  readonly capacity: number;
  /** Most records the store will hold in memory (capacity, plus the spill overflow). */
  readonly memoryBound: number;
  readonly highWater: number;
  /** Records acknowledged (in the journal) and written into the run files. */
  readonly acknowledged: number;
  readonly written: number;
  readonly pending: number;
  /** Records refused (QueueFullError) because the bound was reached while storage could not take them. */
  readonly refused: number;
  readonly bytes: number;
  readonly errors: number;
  readonly lastError: StorageError | null;
  readonly consecutiveFailures: number;
  readonly nextRetryAt: string | null;
  readonly lastSuccessfulWrite: string | null;
  /** Records acknowledged per second over the last 10 seconds of activity. */
  readonly throughput: number;
  readonly runs: readonly RunStatus[];
}

const WINDOW_MS = 10_000;

export class StatusCounters {
  acknowledged = 0;
  written = 0;
  refused = 0;
  bytes = 0;
  errors = 0;
  highWater = 0;
  lastError: StorageError | null = null;
  lastSuccess: number | null = null;
  private samples: { at: number; records: number }[] = [];

  success(records: number, bytes: number, now = Date.now()): void {
    this.bytes += bytes;
    this.lastSuccess = now;
    if (records > 0) {
      this.samples.push({ at: now, records });
      while (this.samples.length > 0 && this.samples[0].at < now - WINDOW_MS) this.samples.shift();
    }
  }

  failure(operation: string, runId: string | null, error: unknown): StorageError {
    this.errors++;
    const e: StorageError = {
      operation, runId, message: error instanceof Error ? error.message : String(error), code: errnoCode(error) ?? null, at: new Date().toISOString(),
    };
    this.lastError = e;
    return e;
  }

  throughput(now = Date.now()): number {
    const recent = this.samples.filter((s) => s.at >= now - WINDOW_MS);
    if (recent.length === 0) return 0;
    const span = Math.max(1000, now - recent[0].at);
    return recent.reduce((n, s) => n + s.records, 0) / (span / 1000);
  }
}

/** The status of a store: its counters, its runs, its queue (pending = queued + waiting producers' records). */
export function composeStatus(c: StatusCounters, runs: readonly RunState[], queue: ResultsStoreConfig['queue'], queued: number, waiting: number): StorageStatus {
  const failing = runs.filter((r) => r.failures > 0);
  const retry = failing.map((r) => r.nextRetryAt ?? Infinity).reduce((a, b) => Math.min(a, b), Infinity);
  return {
    healthy: failing.length === 0 && runs.every((r) => !r.fatal),
    queueDepth: queued,
    capacity: queue.capacity,
    memoryBound: queue.policy === 'spill' ? queue.capacity + queue.overflow : queue.capacity,
    highWater: c.highWater,
    acknowledged: c.acknowledged,
    written: c.written,
    pending: queued + waiting,
    refused: c.refused,
    bytes: c.bytes,
    errors: c.errors,
    lastError: c.lastError,
    consecutiveFailures: failing.reduce((n, r) => Math.max(n, r.failures), 0),
    nextRetryAt: Number.isFinite(retry) ? new Date(retry).toISOString() : null,
    lastSuccessfulWrite: c.lastSuccess === null ? null : new Date(c.lastSuccess).toISOString(),
    throughput: c.throughput(),
    runs: runs.map((r) => ({
      runId: r.runId, pending: r.pending, acknowledged: r.acknowledged, materialized: r.materialized, refused: r.refused,
      complete: r.manifest?.status === 'complete', consecutiveFailures: r.failures,
    })),
  };
}

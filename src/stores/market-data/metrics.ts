/**
 * In-process storage metrics: write throughput (records stored per second of write time),
 * query latency per query name (p50 / p99 over the last `window` calls, nearest-rank), and the
 * number of part files and row groups read (and row groups skipped) by queries. Disk usage and
 * the cache hit rate are added by the store.
 */
import type { ReadCounters } from './partition-io.ts';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of ascending `sorted` (p in (0, 1]); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

export class LatencyWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private total = 0;

  constructor(readonly window = 4096) {
    this.samples = new Float64Array(window);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.window;
    this.total++;
  }

  summary(): LatencySummary {
    const n = Math.min(this.total, this.window);
    const sorted = this.samples.slice(0, n).sort();
    return { count: this.total, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: n === 0 ? Number.NaN : sorted[n - 1] };
  }
}

export interface WriteSummary {
  readonly batches: number;
  readonly recordsReceived: number;
  readonly recordsStored: number;
  readonly writeMs: number;
  /** recordsStored per second of write time (0 before the first write). */
  readonly recordsPerSecond: number;
}

export class StoreMetrics {
  /** Part files opened by range queries, and the row groups of them read and skipped. */
  readonly counters: ReadCounters = { filesRead: 0, rowGroupsRead: 0, rowGroupsSkipped: 0 };
  private readonly queries = new Map<string, LatencyWindow>();
  private batches = 0;
  private received = 0;
  private stored = 0;
  private writeMs = 0;

  recordQuery(name: string, ms: number): void {
    let w = this.queries.get(name);
    if (!w) this.queries.set(name, (w = new LatencyWindow()));
    w.record(ms);
  }

  recordWrite(received: number, stored: number, ms: number): void {
    this.batches++;
    this.received += received;
    this.stored += stored;
    this.writeMs += ms;
  }

  writes(): WriteSummary {
    return {
      batches: this.batches,
      recordsReceived: this.received,
      recordsStored: this.stored,
      writeMs: this.writeMs,
      recordsPerSecond: this.writeMs > 0 ? (this.stored / this.writeMs) * 1000 : 0,
    };
  }

  latencies(): Record<string, LatencySummary> {
    const out: Record<string, LatencySummary> = {};
    for (const [name, w] of [...this.queries].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[name] = w.summary();
    return out;
  }
}

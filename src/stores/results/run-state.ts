/**
 * The in-memory state of one run being written: its pending (not yet acknowledged) records,
 * sequence numbers, journal, committed manifest and scheduling flags. Records of each data
 * type are numbered from 0 in the order they were stored; a record's seq is fixed when it
 * is stored and is what the files are ordered and deduplicated by.
 */
import type { ResultFormat } from './config.ts';
import type { StoreEmit } from './emit.ts';
import { Fifo } from './fifo.ts';
import { encodeJsonFrame, encodePerfFrame } from './frame.ts';
import { Journal } from './journal.ts';
import type { Manifest } from './manifest.ts';
import { PerfBuffer, type ChunkPool } from './perf-buffer.ts';
import type { EventRecord, RecordKind, TradeRecord } from './records.ts';
import type { SummaryRecord } from './summary.ts';

export type Counts = Record<RecordKind, number>;
export const zeroCounts = (): Counts => ({ performance: 0, trades: 0, events: 0, summary: 0 });

/** Frames for the first records of each kind, ready to append; `counts` says how many of each. */
export interface Batch {
  readonly data: Buffer;
  readonly counts: Counts;
  readonly records: number;
}

export class RunState {
  readonly perf: PerfBuffer;
  readonly trades = new Fifo<TradeRecord>();
  readonly events = new Fifo<EventRecord>();
  readonly summaries = new Fifo<SummaryRecord>();
  /** Seq of the first pending record of each kind (= records acknowledged so far). */
  readonly acked: Counts;
  pending = 0;
  refused = 0;
  /** Committed manifest (null until the run folder exists). */
  manifest: Manifest | null;
  readonly journal: Journal;
  /** A final summary has been queued: no more records are accepted. */
  final = false;
  /** storeBacktestResults was called (its records may still be waiting for room). */
  finalRequested = false;
  /**
   * Journal segments up to this number are in the run's files. Segments after it and
   * before the current one are sealed and waiting: a spill can seal one at any time, even
   * while a materialisation is applying others.
   */
  appliedThrough: number;
  /** This store created the run folder (so finding it on a retry is expected). */
  dirCreated = false;
  /** An asynchronous creation of the run folder is in flight (a spill must not race it). */
  creating = false;
  /** Set when the run cannot be written at all (e.g. its folder was taken by another writer). */
  fatal: Error | null = null;
  // scheduling
  busy = false;
  again = false;
  timer: NodeJS.Timeout | null = null;
  timerIsImmediate = false;
  retryTimer: NodeJS.Timeout | null = null;
  failures = 0;
  nextRetryAt: number | null = null;
  /** Spills are not retried before the queue holds this many records (after a failed one). */
  spillRetryAt = 0;
  lastMaterialize = Date.now();
  flushRequested = false;
  /** Positional cache of interned portfolio ids (rows usually come in the same order every tick). */
  readonly cacheIds: string[] = [];
  readonly cacheIdx: number[] = [];

  constructor(
    readonly runId: string,
    readonly dir: string,
    readonly formats: readonly ResultFormat[],
    public mode: 'backtest' | 'live',
    manifest: Manifest | null,
    journal: Journal,
    public emit: StoreEmit | undefined,
    pool: ChunkPool,
  ) {
    this.perf = new PerfBuffer(pool);
    this.manifest = manifest;
    this.journal = journal;
    this.appliedThrough = journal.segment - 1;
    this.acked = manifest
      ? {
          performance: manifest.kinds.performance.records,
          trades: manifest.kinds.trades.records,
          events: manifest.kinds.events.records,
          summary: manifest.summary_records,
        }
      : zeroCounts();
  }

  /** Sealed journal segments are waiting to be applied. */
  get unapplied(): boolean {
    return this.appliedThrough < this.journal.segment - 1;
  }

  portfolioIndex(id: string, position: number): number {
    if (this.cacheIds[position] === id) return this.cacheIdx[position];
    const index = this.perf.intern(id);
    this.cacheIds[position] = id;
    this.cacheIdx[position] = index;
    return index;
  }

  /** Records acknowledged (journaled) so far. */
  get acknowledged(): number {
    const a = this.acked;
    return a.performance + a.trades + a.events + a.summary;
  }

  get materialized(): number {
    const m = this.manifest;
    if (!m) return 0;
    return m.kinds.performance.records + m.kinds.trades.records + m.kinds.events.records + m.summary_records;
  }

  /** Encodes up to `max` pending records as frames of at most `frameSize` records each. */
  takeBatch(max: number, frameSize: number): Batch {
    const frames: Buffer[] = [];
    const counts = zeroCounts();
    let budget = max;
    const take = (available: number) => Math.min(available, budget);
    let n = take(this.perf.length);
    for (let at = 0; at < n; at += frameSize) {
      const size = Math.min(frameSize, n - at);
      frames.push(encodePerfFrame(this.acked.performance + at, this.perf.copy(at, size)));
    }
    counts.performance = n;
    budget -= n;
    for (const kind of ['trades', 'events', 'summary'] as const) {
      const fifo = this[kind === 'summary' ? 'summaries' : kind] as Fifo<unknown>;
      n = take(fifo.length);
      const items = fifo.peek(n);
      for (let at = 0; at < n; at += frameSize) frames.push(encodeJsonFrame(kind, this.acked[kind] + at, items.slice(at, at + frameSize)));
      counts[kind] = n;
      budget -= n;
    }
    return { data: Buffer.concat(frames), counts, records: max - budget };
  }

  /** The batch is in the journal: its records leave memory. */
  commit(batch: Batch): void {
    const c = batch.counts;
    this.perf.consume(c.performance);
    this.trades.consume(c.trades);
    this.events.consume(c.events);
    this.summaries.consume(c.summary);
    for (const kind of ['performance', 'trades', 'events', 'summary'] as const) this.acked[kind] += c[kind];
    this.pending -= batch.records;
  }
}

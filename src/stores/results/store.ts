/**
 * The ResultsStore: the one asynchronous component of the synchronous runtime.
 *
 * The loop hands it results (`storeTimestepResults`, `storeBacktestResults`,
 * `storeLiveResults`) and returns at once: records go into a bounded in-memory queue and
 * background workers journal them (the write-ahead journal append is the acknowledgement),
 * then turn the journal into the run's files (CSV, JSON Lines, Parquet) under
 * `<root>/<run id>/` with a manifest of SHA-256 checksums. See docs/results-store.md.
 *
 * When the queue is full the configured policy applies (wait / error / spill; never
 * unbounded memory). When storage fails, records stay in memory up to the bound, the
 * failure is reported (status and a RESULTS_STORED event with `error`) and retried with
 * back-off, and they are written once storage is back. A record acknowledged is never lost:
 * after a crash, `ResultsStore.open` recovers every run folder from its journal.
 */
import { promises as fsp } from 'node:fs';
import type { ResultsStoredPayload } from '../../core/events.ts';
import { parseResultsStoreConfig, type ResultFormat, type ResultsStoreConfig, type Retention } from './config.ts';
import type { StoreEmit } from './emit.ts';
import { QueueFullError, StorageUnavailableError, StoreClosedError, StoreInputError } from './errors.ts';
import { Journal } from './journal.ts';
import type { Manifest } from './manifest.ts';
import { insideRoot, safeName } from './names.ts';
import { ChunkPool } from './perf-buffer.ts';
import { WorkerPool } from './pool.ts';
import { readRunRows, readRunSummary, verifyRun, type VerifyReport } from './reader.ts';
import {
  checkEvent, checkRunResults, checkTimestamp, checkTrade, isPerformanceRow, isTradeRecord, performanceRowError,
  type EventRecord, type PerformanceRow, type RunResults, type StoredRows, type TableKind, type TimestepResults, type TradeRecord,
} from './records.ts';
import { recoverRoot, type RecoveryReport } from './recovery.ts';
import { cleanupRuns, type CleanupReport } from './retention.ts';
import { RunState, type Batch, type Counts } from './run-state.ts';
import { SettleWaiters } from './settle.ts';
import { composeStatus, StatusCounters, type StorageStatus } from './status.ts';
import type { SummaryFile } from './summary.ts';
import { Writer, type WriterHost } from './writer.ts';

export interface AckInfo {
  readonly runId: string;
  /** Records of each data type acknowledged by this append. */
  readonly counts: Readonly<Counts>;
  /** Records of each data type acknowledged so far in the run (= seq of the next one). */
  readonly through: Readonly<Counts>;
  /** The journal segment they were appended to. */
  readonly file: string;
}

export interface ResultsStoreOptions {
  /** Receives a RESULTS_STORED payload for every operation (see busEmitter). */
  readonly emit?: StoreEmit;
  /** Called after every journal append: these records are now acknowledged. */
  readonly onAck?: (ack: AckInfo) => void;
}

export interface OpenRunOptions {
  readonly mode?: 'backtest' | 'live';
  /** Where this run's RESULTS_STORED events go (e.g. its graph's bus), instead of the store's emit. */
  readonly emit?: StoreEmit;
}

/** A producer waiting for room (policy `wait`): its records, copied, and how to enqueue them. */
interface Waiter {
  readonly records: number;
  readonly enqueue: () => void;
  readonly resolve: () => void;
}

type Accepted = true | Promise<void>;

export class ResultsStore implements WriterHost {
  readonly counters = new StatusCounters();
  private readonly runs = new Map<string, RunState>();
  /** Manifests found (and recovered) on disk when the store opened, by run id. */
  private readonly onDisk = new Map<string, Manifest>();
  private readonly pool: WorkerPool;
  private readonly writer: Writer;
  private readonly waiters: Waiter[] = [];
  private readonly settleWaiters = new SettleWaiters();
  private pendingTotal = 0;
  /** config.queue.capacity, read once per store call. */
  private readonly capacity: number;
  /** Memory for pending performance rows, allocated once for the queue's capacity. */
  private readonly chunks: ChunkPool;
  /** After a failed spill, the next one is tried only once the queue holds this many records. */
  private spillRetryAt = 0;
  private lastRun: RunState | null = null;
  private closed = false;
  readonly recovery: RecoveryReport[] = [];

  private constructor(readonly config: ResultsStoreConfig, private readonly options: ResultsStoreOptions) {
    this.capacity = config.queue.capacity;
    this.chunks = new ChunkPool(config.queue.capacity);
    this.pool = new WorkerPool(config.workers, (error) => this.counters.failure('worker', null, error));
    this.writer = new Writer(this, this.pool);
  }

  /** Opens (creating its root if needed) and recovers every run folder found under the root. */
  static async open(config: unknown, options: ResultsStoreOptions = {}): Promise<ResultsStore> {
    const store = new ResultsStore(parseResultsStoreConfig(config), options);
    await fsp.mkdir(store.config.root, { recursive: true });
    await store.recoverAll();
    return store;
  }

  private async recoverAll(): Promise<void> {
    const recovered = await recoverRoot(this.config.root, this.config.formats, (payload) => this.emit(null, payload));
    for (const [runId, manifest] of recovered.manifests) this.onDisk.set(runId, manifest);
    this.recovery.push(...recovered.reports);
  }

  // ---- the loop's side ----

  /** Registers a run explicitly (optional: the first store call for a run id does it). */
  openRun(runId: string, options: OpenRunOptions = {}): void {
    if (this.closed) throw new StoreClosedError('openRun: the results store is closed');
    const run = this.runFor(runId, 'openRun');
    if (options.mode) run.mode = options.mode;
    if (options.emit) run.emit = options.emit;
  }

  /**
   * One timestep of a run. Returns `true` when the records were queued, or (policy `wait`,
   * queue full) a promise to await before the next call. Performance rows are copied before
   * it returns (the caller may reuse them); trades and events are kept by reference.
   * Throws StoreInputError on malformed input (nothing of the call is stored) and
   * QueueFullError when the policy refuses.
   */
  storeTimestepResults(ts: number, results: TimestepResults): Accepted {
    // Fast path, once per tick inside the loop: the same run as the previous call, rows and
    // trades only, room in the queue. Values are checked as they are copied; anything
    // unexpected falls through to the slow path, which validates fully and reports it.
    const run = this.lastRun;
    if (
      run === null || results === null || typeof results !== 'object' || results.runId !== run.runId || run.finalRequested ||
      typeof ts !== 'number' || !Number.isSafeInteger(ts) || results.events !== undefined
    ) return this.storeTimestepSlow(ts, results);
    const rows = results.portfolios;
    const trades = results.trades;
    if ((rows !== undefined && !Array.isArray(rows)) || (trades !== undefined && !Array.isArray(trades))) return this.storeTimestepSlow(ts, results);
    const nRows = rows === undefined ? 0 : rows.length;
    const nTrades = trades === undefined ? 0 : trades.length;
    if (this.pendingTotal + nRows + nTrades > this.capacity || this.waiters.length !== 0) return this.storeTimestepSlow(ts, results);
    for (let i = 0; i < nTrades; i++) if (!isTradeRecord(trades![i])) return this.storeTimestepSlow(ts, results);
    const perf = run.perf;
    for (let i = 0; i < nRows; i++) {
      const row = rows![i];
      if (typeof row !== 'object' || row === null) {
        perf.dropLast(i);
        return this.storeTimestepSlow(ts, results);
      }
      const id = row.portfolioId;
      const equity = row.equity;
      const cash = row.cash;
      if (typeof equity !== 'number' || equity - equity !== 0 || typeof cash !== 'number' || cash - cash !== 0 || typeof id !== 'string' || id === '') {
        perf.dropLast(i);
        return this.storeTimestepSlow(ts, results);
      }
      perf.push(ts, run.cacheIds[i] === id ? run.cacheIdx[i] : run.portfolioIndex(id, i), equity, cash);
    }
    for (let i = 0; i < nTrades; i++) run.trades.push(trades![i]);
    const n = nRows + nTrades;
    run.pending += n;
    this.pendingTotal += n;
    if (run.timer === null || (!run.timerIsImmediate && run.pending >= this.config.batch_size)) this.wake(run);
    return true;
  }

  /** Everything the fast path does not handle: a new run, trades or events, a full queue, bad input. */
  private storeTimestepSlow(ts: number, results: TimestepResults): Accepted {
    if (results === null || typeof results !== 'object') {
      throw new StoreInputError('storeTimestepResults', 'results must be an object { runId, portfolios?, trades?, events? }');
    }
    const run = this.writable(results.runId, 'storeTimestepResults');
    const where = () => `storeTimestepResults(run ${run.runId}, ts ${String(ts)})`;
    checkTimestamp(ts, where());
    if (run.finalRequested) throw this.completeError(run, 'storeTimestepResults');
    const rows = results.portfolios;
    const trades = results.trades;
    const events = results.events;
    let n = 0;
    if (rows !== undefined) {
      if (!Array.isArray(rows)) throw new StoreInputError(where(), 'portfolios must be an array of { portfolioId, equity, cash }');
      for (let i = 0; i < rows.length; i++) if (!isPerformanceRow(rows[i])) throw performanceRowError(rows[i], `${where()} portfolios[${i}]`);
      n += rows.length;
    }
    if (trades !== undefined) {
      if (!Array.isArray(trades)) throw new StoreInputError(where(), 'trades must be an array');
      for (let i = 0; i < trades.length; i++) checkTrade(trades[i], `${where()} trades[${i}]`);
      n += trades.length;
    }
    if (events !== undefined) {
      if (!Array.isArray(events)) throw new StoreInputError(where(), 'events must be an array');
      for (let i = 0; i < events.length; i++) checkEvent(events[i], `${where()} events[${i}]`);
      n += events.length;
    }
    if (this.pendingTotal + n <= this.capacity && this.waiters.length === 0) {
      this.enqueue(run, ts, rows, trades, events);
      this.queued(run, n);
      return true;
    }
    const copy = rows?.map((r) => ({ portfolioId: r.portfolioId, equity: r.equity, cash: r.cash }));
    return this.whenFull(run, n, () => this.enqueue(run, ts, copy, trades, events));
  }

  /**
   * The final results of a backtest: its summary (plus any records not stored per
   * timestep). Queued at once; the promise resolves when the run's files are complete
   * (compacted, manifest marked complete). Further records for the run are refused.
   */
  storeBacktestResults(runId: string, results: RunResults): Promise<void> {
    return this.storeRunResults(runId, results, 'backtest', 'storeBacktestResults');
  }

  /** The latest results of a live run (a snapshot: the latest summary wins); resolves when written. */
  storeLiveResults(runId: string, results: RunResults): Promise<void> {
    return this.storeRunResults(runId, results, 'live', 'storeLiveResults');
  }

  private storeRunResults(runId: string, results: RunResults, mode: 'backtest' | 'live', call: string): Promise<void> {
    const run = this.writable(runId, call);
    const where = `${call}(run ${runId})`;
    if (run.finalRequested) throw this.completeError(run, call);
    const { summary, performance: rows, trades, events } = checkRunResults(results, where);
    const final = mode === 'backtest';
    if (final) run.finalRequested = true;
    if (mode === 'live') run.mode = 'live';
    const n = rows.length + trades.length + events.length + 1;
    const enqueue = () => {
      rows.forEach((r, i) => run.perf.push(r.ts, run.portfolioIndex(r.portfolioId, i), r.equity, r.cash));
      for (const t of trades) run.trades.push(t);
      for (const e of events) run.events.push(e);
      run.summaries.push({ final, mode, summary });
      if (final) run.final = true;
    };
    let accepted: Accepted;
    if (this.pendingTotal + n <= this.config.queue.capacity && this.waiters.length === 0) {
      enqueue();
      this.queued(run, n);
      accepted = true;
    } else {
      accepted = this.whenFull(run, n, enqueue);
    }
    return Promise.resolve(accepted)
      .then(() => {
        run.flushRequested = true;
        this.writer.schedule(run);
        return this.whenSettled(() => run.fatal !== null || (this.writer.isSettled(run) && (!final || run.manifest?.status === 'complete')));
      })
      .then(() => {
        if (run.fatal) throw run.fatal;
      });
  }

  private enqueue(run: RunState, ts: number, rows: readonly PerformanceRow[] | undefined, trades: readonly TradeRecord[] | undefined, events: readonly EventRecord[] | undefined): void {
    if (rows !== undefined) {
      const perf = run.perf;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        perf.push(ts, run.portfolioIndex(row.portfolioId, i), row.equity, row.cash);
      }
    }
    if (trades !== undefined) for (let i = 0; i < trades.length; i++) run.trades.push(trades[i]);
    if (events !== undefined) for (let i = 0; i < events.length; i++) run.events.push(events[i]);
  }

  /** Counts `n` records just queued for `run` and wakes its writer if needed. */
  private queued(run: RunState, n: number): void {
    run.pending += n;
    this.pendingTotal += n;
    if (run.timer === null || (!run.timerIsImmediate && run.pending >= this.config.batch_size)) this.wake(run);
  }

  /** Arms the run's writer: at once when a batch is waiting, else after flush_interval_ms. */
  private wake(run: RunState): void {
    this.writer.schedule(run, run.pending >= this.config.batch_size ? 0 : this.config.flush_interval_ms);
  }

  /** The queue is full: apply the policy. */
  private whenFull(run: RunState, n: number, enqueue: () => void): Accepted {
    const { capacity, policy, overflow, max_waiters } = this.config.queue;
    if (policy === 'wait') {
      if (this.waiters.length >= max_waiters) throw this.refuse(run, n, `${max_waiters} producers are already waiting (await each store call under policy wait)`);
      return new Promise<void>((resolve) => {
        this.waiters.push({ records: n, enqueue: () => { enqueue(); this.queued(run, n); }, resolve });
      });
    }
    if (policy === 'spill' && this.pendingTotal >= this.spillRetryAt) {
      for (const r of this.runs.values()) if (r.pending > 0) this.writer.spill(r);
      if (this.pendingTotal + n > capacity) this.spillRetryAt = this.pendingTotal + this.config.batch_size;
    }
    const bound = policy === 'spill' ? capacity + overflow : capacity;
    if (this.pendingTotal + n > bound) {
      throw this.refuse(run, n, policy === 'spill' ? `${this.pendingTotal} records in memory and the journal cannot take them now` : `${this.pendingTotal} records waiting (policy error)`);
    }
    enqueue();
    this.queued(run, n);
    return true;
  }

  private refuse(run: RunState, n: number, why: string): QueueFullError {
    run.refused += n;
    this.counters.refused += n;
    const last = this.counters.lastError;
    const message = `results store queue full for run ${run.runId}: ${why}; ${n} record(s) refused` +
      (last ? ` (storage failing: ${last.message})` : '');
    this.emit(run, { runId: run.runId, kind: 'queue', records: n, bytes: 0, file: null, error: message });
    return new QueueFullError(message);
  }

  private completeError(run: RunState, call: string): StoreInputError {
    return new StoreInputError(`${call}(run ${run.runId})`, 'the run is complete (its backtest results were stored); use a new run id');
  }

  // ---- flush, close ----

  /** Resolves when everything stored so far is acknowledged and written into the run files. */
  flush(options: { timeoutMs?: number } = {}): Promise<void> {
    for (const run of this.runs.values()) {
      run.flushRequested = true;
      this.writer.schedule(run);
    }
    return this.whenSettled(() => this.waiters.length === 0 && [...this.runs.values()].every((r) => this.writer.isSettled(r)), options.timeoutMs)
      .then(() => {
        // A run that could not be written at all (see Writer.takenBy) fails the flush rather than passing silently.
        const fatal = [...this.runs.values()].find((r) => r.fatal !== null);
        if (fatal) throw fatal.fatal;
      });
  }

  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    await this.flush(options);
    this.closed = true;
    this.lastRun = null;
    for (const run of this.runs.values()) {
      if (run.timer) clearTimeout(run.timer);
      if (run.retryTimer) clearTimeout(run.retryTimer);
    }
    this.pool.close();
  }

  private whenSettled(done: () => boolean, timeoutMs?: number): Promise<void> {
    return this.settleWaiters.when(done, timeoutMs, () => {
      const last = this.counters.lastError;
      return new StorageUnavailableError(
        `results store: not everything was written after ${timeoutMs} ms (${this.pendingTotal} records in memory` +
        `${last ? `; last error: ${last.message}` : ''}); nothing is dropped, writing goes on`,
      );
    });
  }

  // ---- WriterHost ----

  emit(run: RunState | null, payload: ResultsStoredPayload): void {
    const emit = run?.emit ?? this.options.emit;
    if (!emit) return;
    try {
      emit(payload);
    } catch (error) {
      // A failing listener must not break storage; it is counted like any other error.
      this.counters.failure('emit', payload.runId, error);
    }
  }

  acknowledged(run: RunState, batch: Batch, file: string): void {
    // The queue only shrinks here, so its peak is always seen just before.
    this.noteHighWater();
    this.pendingTotal -= batch.records;
    this.options.onAck?.({ runId: run.runId, counts: batch.counts, through: { ...run.acked }, file });
    while (this.waiters.length > 0 && this.pendingTotal + this.waiters[0].records <= this.config.queue.capacity) {
      const w = this.waiters.shift()!;
      w.enqueue();
      w.resolve();
    }
  }

  settled(run: RunState): void {
    this.settleWaiters.check();
    // A complete, fully written run leaves memory (a sweep must not accumulate run states);
    // its manifest stays known, so writing to it again is refused as for any complete run.
    if (run.manifest?.status === 'complete' && this.writer.isSettled(run) && this.runs.get(run.runId) === run) {
      this.runs.delete(run.runId);
      this.onDisk.set(run.runId, run.manifest);
      if (this.lastRun === run) this.lastRun = null;
      for (const timer of [run.timer, run.retryTimer]) if (timer) clearTimeout(timer);
    }
  }

  // ---- runs ----

  private writable(runId: unknown, call: string): RunState {
    if (this.closed) throw new StoreClosedError(`${call}: the results store is closed`);
    const run = this.runFor(runId, call);
    this.lastRun = run;
    return run;
  }

  private runFor(runId: unknown, call: string): RunState {
    const existing = typeof runId === 'string' ? this.runs.get(runId) : undefined;
    if (existing) return existing;
    const id = safeName(runId, 'run id', call);
    const dir = insideRoot(this.config.root, id);
    const manifest = this.onDisk.get(id) ?? null;
    if (manifest?.status === 'complete') throw new StoreInputError(`${call}(run ${id})`, `run ${id} is complete on disk (${dir}); use a new run id`);
    const formats: readonly ResultFormat[] = manifest?.formats ?? this.config.formats;
    const journal = new Journal(dir, (manifest?.journal_applied ?? 0) + 1, this.config.journal.fsync, this.config.writer_delay_ms);
    const run = new RunState(id, dir, formats, manifest?.mode ?? 'backtest', manifest, journal, undefined, this.chunks);
    this.runs.set(id, run);
    return run;
  }

  // ---- status, reading, retention ----

  private noteHighWater(): void {
    if (this.pendingTotal > this.counters.highWater) this.counters.highWater = this.pendingTotal;
  }

  getStorageStatus(): StorageStatus {
    this.noteHighWater();
    const waiting = this.waiters.reduce((n, w) => n + w.records, 0);
    return composeStatus(this.counters, [...this.runs.values()], this.config.queue, this.pendingTotal, waiting);
  }

  /** Records acknowledged so far in a run, per data type (= the seq of the next one). */
  acknowledgedCounts(runId: string): Readonly<Counts> | null {
    const run = this.runs.get(runId);
    return run ? { ...run.acked } : null;
  }

  /** The current journal segment of a run (diagnostics and fault-injection tests). */
  journalFile(runId: string): string | null {
    const run = this.runs.get(runId);
    return run ? run.journal.segmentPath(run.journal.segment) : null;
  }

  readResults<K extends TableKind>(runId: string, kind: K, options: { format?: ResultFormat } = {}): Promise<StoredRows[K][]> {
    return readRunRows(this.config.root, runId, kind, options.format);
  }

  readSummary(runId: string): Promise<SummaryFile | null> {
    return readRunSummary(this.config.root, runId);
  }

  verifyRun(runId: string): Promise<VerifyReport> {
    return verifyRun(this.config.root, runId);
  }

  /**
   * Deletes files older than their data type's retention (default: the configured one; a
   * number applies to every type). Runs this store is still writing are skipped.
   */
  async cleanupOldResults(retentionDays?: number | Partial<Retention>, now = Date.now()): Promise<CleanupReport> {
    const retention: Retention = typeof retentionDays === 'number'
      ? { events: retentionDays, trades: retentionDays, performance: retentionDays, summary: retentionDays }
      : { ...this.config.retention, ...(retentionDays ?? {}) };
    for (const [kind, days] of Object.entries(retention)) {
      if (days !== null && !(typeof days === 'number' && days > 0)) throw new StoreInputError('cleanupOldResults', `${kind} retention must be a positive number of days or null, got ${String(days)}`);
    }
    const active = new Set([...this.runs.values()].filter((r) => !this.writer.isSettled(r) || r.manifest?.status !== 'complete').map((r) => r.runId));
    try {
      const report = await cleanupRuns(this.config.root, retention, now, active);
      const count = report.removedFiles.length + report.removedRuns.length;
      this.emit(null, { runId: '*', kind: 'cleanup', records: count, bytes: report.freedBytes, file: this.config.root });
      return report;
    } catch (error) {
      const e = this.counters.failure('cleanup', null, error);
      this.emit(null, { runId: '*', kind: 'cleanup', records: 0, bytes: 0, file: this.config.root, error: e.message });
      throw error;
    }
  }
}

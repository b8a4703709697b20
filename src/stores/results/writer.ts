/**
 * The background side of the ResultsStore: for each run, cycles that journal its pending
 * records (acknowledging them), then apply sealed journal segments to the run's files. At
 * most one cycle per run is in flight (records stay in order); different runs' cycles run
 * in parallel on the worker pool. A failed cycle keeps everything it had not finished in
 * memory or in the journal and is retried with exponential back-off; `spill` is the
 * synchronous journal append used when the queue is full inside a synchronous loop.
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResultsStoredPayload } from '../../core/events.ts';
import { fsyncDir } from '../../storage/atomic.ts';
import { applySegment, completeRun, PARTS_DIR, type ApplyContext } from './apply.ts';
import { fsyncDirSync, writeFileAtomicSync } from './atomic-sync.ts';
import type { ResultsStoreConfig } from './config.ts';
import { errnoCode } from './errors.ts';
import { emptyManifest, MANIFEST_FILE, manifestText, writeManifest, type Manifest } from './manifest.ts';
import type { WorkerPool } from './pool.ts';
import type { Batch, RunState } from './run-state.ts';
import type { StatusCounters } from './status.ts';

export interface WriterHost {
  readonly config: ResultsStoreConfig;
  readonly counters: StatusCounters;
  emit(run: RunState | null, payload: ResultsStoredPayload): void;
  /** Records left memory (after counters are updated): admit waiting producers, tell onAck. */
  acknowledged(run: RunState, batch: Batch, file: string): void;
  /** A cycle of `run` ended; flush waiters may be able to resolve. */
  settled(run: RunState): void;
}

/** Most records per journal append (frames of batch_size each). */
const APPEND_BATCHES = 16;

export class Writer {
  constructor(private readonly host: WriterHost, private readonly pool: WorkerPool) {}

  /** Wakes the run's writer now, or after `delayMs`. */
  schedule(run: RunState, delayMs = 0): void {
    // After a failure the back-off timer decides when to try again: new records do not hurry it.
    if (run.retryTimer !== null) return;
    if (run.busy) {
      run.again = true;
      return;
    }
    if (run.timer) {
      if (delayMs > 0 || run.timerIsImmediate) return;
      clearTimeout(run.timer);
    }
    run.timerIsImmediate = delayMs === 0;
    run.timer = setTimeout(() => {
      run.timer = null;
      this.start(run);
    }, delayMs);
  }

  private start(run: RunState): void {
    if (run.busy) {
      run.again = true;
      return;
    }
    run.busy = true;
    run.again = false;
    this.pool.submit(() => this.cycle(run));
  }

  /** True when the run has nothing in memory, nothing unapplied in its journal and nothing in flight. */
  isSettled(run: RunState): boolean {
    return run.fatal !== null || (!run.busy && run.pending === 0 && run.journal.records === 0 && !run.unapplied && run.timer === null);
  }

  private async cycle(run: RunState): Promise<void> {
    let operation = 'create';
    try {
      if (run.fatal) return;
      await this.ensureCreated(run);
      operation = 'journal';
      const cfg = this.host.config;
      while (run.pending > 0) {
        const batch = run.takeBatch(cfg.batch_size * APPEND_BATCHES, cfg.batch_size);
        const file = run.journal.segmentPath(run.journal.segment);
        await run.journal.append(batch.data, batch.records);
        this.committed(run, batch, file);
        this.sealIfFull(run);
      }
      operation = 'materialize';
      if (this.shouldMaterialize(run)) await this.materialize(run);
      this.succeeded(run);
    } catch (error) {
      this.failed(run, operation, error);
    } finally {
      run.busy = false;
      if (run.failures === 0 && !run.fatal) {
        if (run.again || run.pending > 0 || run.unapplied || (run.flushRequested && run.journal.records > 0)) this.schedule(run);
        else if (run.journal.records > 0) this.schedule(run, Math.max(1, this.host.config.materialize_interval_ms - (Date.now() - run.lastMaterialize)));
      }
      if (run.pending === 0 && run.journal.records === 0 && !run.unapplied) run.flushRequested = false;
      this.host.settled(run);
    }
  }

  private shouldMaterialize(run: RunState): boolean {
    const cfg = this.host.config;
    const records = run.journal.records;
    return run.unapplied || (records > 0 && (
      run.flushRequested || run.final || records >= cfg.segment_records || Date.now() - run.lastMaterialize >= cfg.materialize_interval_ms
    ));
  }

  /** Seals the current segment and applies every sealed one, oldest first. */
  private async materialize(run: RunState): Promise<void> {
    run.journal.seal();
    // Segments sealed from here on (by a spill while this awaits) are left for the next cycle.
    const upTo = run.journal.segment;
    const before = run.materialized;
    const ctx = this.applyContext(run);
    for (const n of await run.journal.list()) {
      if (n >= upTo) break;
      let manifest = run.manifest!;
      if (n > manifest.journal_applied) {
        const scan = await run.journal.read(n);
        if (scan.tornBytes > 0) throw new Error(`${run.journal.segmentPath(n)}: ${scan.tornBytes} bytes after the last complete frame of a sealed segment`);
        manifest = await applySegment(ctx, manifest, n, scan.frames, run.journal.segmentPath(n));
        run.manifest = manifest;
      }
      await run.journal.remove(n);
    }
    run.manifest = await completeRun(ctx, run.manifest!);
    this.host.counters.written += run.materialized - before;
    run.appliedThrough = upTo - 1;
    run.lastMaterialize = Date.now();
  }

  applyContext(run: RunState): ApplyContext {
    return {
      dir: run.dir,
      runId: run.runId,
      wrote: (kind, file, records, bytes) => {
        this.host.counters.success(0, bytes);
        this.host.emit(run, { runId: run.runId, kind, records, bytes, file: join(run.dir, file) });
      },
    };
  }

  /**
   * Synchronous journal append of everything pending in `run` (the spill). Returns false
   * (after recording the failure) when it cannot be done now.
   */
  spill(run: RunState): boolean {
    if (run.fatal || run.journal.inFlight || run.creating || run.pending === 0) return false;
    let operation = 'create';
    try {
      this.ensureCreatedSync(run);
      operation = 'spill';
      const batch = run.takeBatch(run.pending, this.host.config.batch_size);
      const file = run.journal.segmentPath(run.journal.segment);
      run.journal.appendSync(batch.data, batch.records);
      this.committed(run, batch, file);
      this.sealIfFull(run);
      this.succeeded(run);
      return true;
    } catch (error) {
      this.failed(run, operation, error);
      return false;
    }
  }

  /** A segment holding segment_records records is sealed: the part files stay that size. */
  private sealIfFull(run: RunState): void {
    if (run.journal.records >= this.host.config.segment_records) run.journal.seal();
  }

  private committed(run: RunState, batch: Batch, file: string): void {
    run.commit(batch);
    const counters = this.host.counters;
    counters.acknowledged += batch.records;
    counters.success(batch.records, batch.data.length);
    this.host.emit(run, { runId: run.runId, kind: 'journal', records: batch.records, bytes: batch.data.length, file });
    this.host.acknowledged(run, batch, file);
  }

  private succeeded(run: RunState): void {
    if (run.failures === 0) return;
    run.failures = 0;
    run.nextRetryAt = null;
    if (run.retryTimer) clearTimeout(run.retryTimer);
    run.retryTimer = null;
  }

  private failed(run: RunState, operation: string, error: unknown): void {
    const recorded = this.host.counters.failure(operation, run.runId, error);
    this.host.emit(run, { runId: run.runId, kind: operation, records: run.pending, bytes: 0, file: null, error: recorded.message });
    if (run.fatal) return;
    run.failures++;
    const { initial_ms, max_ms } = this.host.config.retry;
    const delay = Math.min(max_ms, initial_ms * 2 ** Math.min(30, run.failures - 1));
    run.nextRetryAt = Date.now() + delay;
    if (run.retryTimer) clearTimeout(run.retryTimer);
    run.retryTimer = setTimeout(() => {
      run.retryTimer = null;
      this.schedule(run);
    }, delay);
  }

  // ---- creating the run folder (root must exist: a vanished root is a failure, not re-created) ----

  private async ensureCreated(run: RunState): Promise<void> {
    if (run.manifest) return;
    run.creating = true;
    try {
      if (!run.dirCreated) {
        try {
          await fsp.mkdir(run.dir);
        } catch (error) {
          if (errnoCode(error) === 'EEXIST') throw this.takenBy(run);
          throw error;
        }
        run.dirCreated = true;
      }
      for (const sub of ['journal', PARTS_DIR]) await fsp.mkdir(join(run.dir, sub)).catch(ignoreExists);
      const manifest = this.newManifest(run);
      await writeManifest(run.dir, manifest);
      await fsyncDir(dirname(run.dir));
      run.manifest = manifest;
    } finally {
      run.creating = false;
    }
  }

  private ensureCreatedSync(run: RunState): void {
    if (run.manifest) return;
    if (!run.dirCreated) {
      try {
        fs.mkdirSync(run.dir);
      } catch (error) {
        if (errnoCode(error) === 'EEXIST') throw this.takenBy(run);
        throw error;
      }
      run.dirCreated = true;
    }
    for (const sub of ['journal', PARTS_DIR]) {
      try {
        fs.mkdirSync(join(run.dir, sub));
      } catch (error) {
        ignoreExists(error);
      }
    }
    const manifest = this.newManifest(run);
    writeFileAtomicSync(join(run.dir, MANIFEST_FILE), manifestText(manifest));
    fsyncDirSync(dirname(run.dir));
    run.manifest = manifest;
  }

  private newManifest(run: RunState): Manifest {
    return emptyManifest(run.runId, run.mode, run.formats, new Date());
  }

  private takenBy(run: RunState): Error {
    const error = new Error(`results folder ${run.dir} already exists but was not there when the store opened: one writer per results root (use another run id)`);
    run.fatal = error;
    return error;
  }
}

function ignoreExists(error: unknown): void {
  if (errnoCode(error) !== 'EEXIST') throw error;
}

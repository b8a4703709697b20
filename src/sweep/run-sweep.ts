/**
 * Running a sweep: the grid (expandSweep) cut into chunks by grid index, the chunks run on a
 * worker pool, each finished chunk made durable before it counts (journal.ts), and at the end
 * one Parquet table of every combination plus the best ones by the objective.
 *
 *   const { results, progress } = runSweep(topologyWithLists, { workers: 2 });
 *   for await (const p of progress) console.log(`${p.done}/${p.total}`);
 *   const { best, parquet } = await results;
 *
 * The folder `results/sweeps/<name>/<config hash>` (or `outDir`) belongs to one grid: started
 * again with the same config, a sweep checks the chunks already finished, skips them and
 * computes only the rest, and the final table is the same, byte for byte, as an uninterrupted
 * run's. With `engine: replay` (the default) every distinct strategy instance is generated once
 * into signal stores inside that folder, then the portfolios of each chunk are batch-replayed.
 */
import { existsSync, promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { BarSeries } from '../data/bar-series.ts';
import { loadStreams } from '../topology/load-streams.ts';
import { planTopology } from '../topology/plan.ts';
import type { BacktestStore } from '../stores/backtests/store.ts';
import { TopologyError } from '../topology/load.ts';
import { storeChunkBacktests, sweepIdOf } from './backtest-store-hook.ts';
import { chunksOf, type Chunk } from './chunks.ts';
import { expandSweep, type SweepExpansion } from './expand.ts';
import { lockSweepFolder } from './folder-lock.ts';
import { SweepJournal } from './journal.ts';
import { objectiveValue } from './objective.ts';
import { createTaskRunner, sharedSeries, type TaskRunner } from './pool.ts';
import { neededGroups, runQueue, type ChunkResult } from './queue.ts';
import { LatestChannel, rateAndEta, type SweepProgress } from './progress.ts';
import { withRanks, writeSweepParquet, type SweepRow } from './results.ts';
import { signalGroups } from './signal-groups.ts';
import type { SweepSettings } from './settings.ts';
import type { SweepJob } from './worker.ts';

export interface RunSweepOptions {
  /** Worker threads (default: os.availableParallelism()); 1 runs in the calling thread. */
  readonly workers?: number;
  /** The sweep's folder (default `results/sweeps/<name>/<config hash, 16 digits>` under the working directory). */
  readonly outDir?: string;
  /** Relative data paths of the topology resolve against this folder (default: the working directory). */
  readonly baseDir?: string;
  /** Stops the sweep: finished chunks are kept, the results promise rejects with SweepInterruptedError. */
  readonly signal?: AbortSignal;
  /** How many of the best combinations the result lists (default: the topology's sweep.top). */
  readonly top?: number;
  /** Names the config in error messages (default `topology`). */
  readonly label?: string;
  /**
   * Also store every combination this call computes (curve and trades) in the BacktestStore at
   * this folder, chunk by chunk, with source `sweep` and sweep id `<name>/<config hash>`.
   */
  readonly backtestStore?: string;
}

export interface SweepStats {
  readonly workers: number;
  /** Where the tasks ran (null: nothing to compute). */
  readonly runner: TaskRunner['kind'] | null;
  /**
   * Wall time of the whole call, and of its phases, ms: signals = until the last signal group
   * was generated, combinations = from the first chunk to the last (chunks start as soon as
   * their groups are ready, so the two may overlap).
   */
  readonly durationMs: number;
  readonly signalsMs: number;
  readonly combinationsMs: number;
  readonly assembleMs: number;
  /** Strategy instances generated now (engine replay), and found already stored. */
  readonly instancesGenerated: number;
  readonly instancesSkipped: number;
  /** Sum over the combinations computed now of (strategies traded x bars of each strategy's input). */
  readonly strategyBars: number;
  /** Combinations computed now per second of the whole call, and strategy-bars per second. */
  readonly combinationsPerSecond: number;
  readonly strategyBarsPerSecond: number;
}

export interface SweepResult {
  readonly name: string;
  readonly configHash: string;
  /** The sweep's folder and its result table (one row per combination). */
  readonly dir: string;
  readonly parquet: string;
  readonly total: number;
  /** Combinations computed by this call, and those finished by an earlier (interrupted) run and skipped. */
  readonly computed: number;
  readonly resumed: number;
  readonly chunks: { readonly total: number; readonly computed: number; readonly resumed: number };
  readonly parameters: readonly string[];
  readonly settings: SweepSettings;
  /** The best `top` combinations, best first. */
  readonly best: readonly SweepRow[];
  readonly stats: SweepStats;
}

export interface SweepRun {
  /** Known before anything runs. */
  readonly dir: string;
  readonly configHash: string;
  readonly total: number;
  readonly expansion: SweepExpansion;
  readonly results: Promise<SweepResult>;
  /** The latest progress, until the sweep ends (successfully or not). */
  readonly progress: AsyncIterable<SweepProgress>;
}

/** The sweep was stopped (signal aborted, Ctrl-C); what finished is kept in `dir`. */
export class SweepInterruptedError extends Error {
  override name = 'SweepInterruptedError';
  constructor(
    readonly dir: string,
    readonly done: number,
    readonly total: number,
  ) {
    super(`sweep interrupted: ${done} of ${total} combinations are finished and kept in ${dir}; run the same sweep again to resume (only the rest is computed)`);
  }
}

/** A bad option: nothing has run or been written. */
export class SweepOptionsError extends Error {
  override name = 'SweepOptionsError';
}

const isExpansion = (x: unknown): x is SweepExpansion =>
  typeof x === 'object' && x !== null && 'combinations' in x && 'configHash' in x && 'config' in x && 'settings' in x;

function checkOptions(options: RunSweepOptions): number {
  const workers = options.workers ?? availableParallelism();
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > 256) throw new SweepOptionsError(`workers must be a whole number from 1 to 256, got ${String(options.workers)}`);
  if (options.top !== undefined && (!Number.isSafeInteger(options.top) || options.top < 1)) throw new SweepOptionsError(`top must be a whole number >= 1, got ${String(options.top)}`);
  if (options.outDir !== undefined && (typeof options.outDir !== 'string' || options.outDir === '')) throw new SweepOptionsError('outDir must be a non-empty path');
  return workers;
}

/** The default folder of a sweep: one per grid, named by the expanded config's hash. */
export function defaultSweepDir(expansion: SweepExpansion): string {
  return resolve('results', 'sweeps', expansion.config.name, expansion.configHash.slice(0, 16));
}

/**
 * Starts a sweep of a topology with lists or ranges in it (or of an expansion already made).
 * A bad config or option throws here (TopologyError, SweepOptionsError) before anything
 * runs; everything later rejects `results`.
 */
export function runSweep(config: unknown, options: RunSweepOptions = {}): SweepRun {
  const workers = checkOptions(options);
  const expansion = isExpansion(config) ? config : expandSweep(config, options.label ?? 'topology');
  if (expansion.combinations.length === 0) throw new TopologyError(options.label ?? 'topology', ['portfolios: the grid has no combination (no portfolio?)']);
  const dir = options.outDir !== undefined ? resolve(options.outDir) : defaultSweepDir(expansion);
  const channel = new LatestChannel<SweepProgress>();
  const results = execute(expansion, dir, workers, options, channel, options.label ?? 'topology');
  results.then(() => channel.close(), () => channel.close());
  return { dir, configHash: expansion.configHash, total: expansion.combinations.length, expansion, results, progress: channel };
}

interface Counters {
  groupsDone: number;
  groupsTotal: number;
  done: number;
  resumed: number;
  computed: number;
  strategyBars: number;
  generated: number;
  skippedInstances: number;
}

/** The sweep's bars, loaded once (errors name the topology and the stream). */
async function loadData(expansion: SweepExpansion, baseDir: string, label: string): Promise<BarSeries[]> {
  try {
    return (await loadStreams(planTopology(expansion.config, baseDir))).series;
  } catch (error) {
    throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function execute(expansion: SweepExpansion, dir: string, workers: number, options: RunSweepOptions, channel: LatestChannel<SweepProgress>, label: string): Promise<SweepResult> {
  const started = performance.now();
  const { settings, combinations } = expansion;
  const total = combinations.length;
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const chunks = chunksOf(total, settings.chunk_size);
  const hashOf = (index: number) => combinations[index].hash;
  // A new folder that fails before any work started (bad data file...) is removed again.
  const fresh = !existsSync(dir);
  let workStarted = false;
  let failed = false;
  const release = await lockSweepFolder(dir);
  let runner: TaskRunner | null = null;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const journal = await SweepJournal.open(dir, {
      name: expansion.config.name, configHash: expansion.configHash, combinations: total, chunkSize: settings.chunk_size, engine: settings.engine, parameters: expansion.parameters,
    });
    const finished = await journal.finishedChunks(chunks, hashOf);
    const todo = chunks.filter((c) => !finished.has(c.chunk));
    const c: Counters = { groupsDone: 0, groupsTotal: 0, done: 0, resumed: 0, computed: 0, strategyBars: 0, generated: 0, skippedInstances: 0 };
    for (const chunk of chunks) if (finished.has(chunk.chunk)) c.resumed += chunk.end - chunk.start;
    c.done = c.resumed;

    const groups = settings.engine === 'replay' ? signalGroups(expansion.config, join(dir, 'signals')) : [];
    const needed = neededGroups(groups, todo, combinations);
    c.groupsTotal = needed.length;
    let signalsMs = 0;
    let combinationsMs = 0;
    let phase: SweepProgress['phase'] = needed.length > 0 ? 'signals' : 'combinations';
    /** When the first chunk of this run started: rates count from there. */
    let firstChunk: number | null = null;
    const report = () => {
      const computeMs = firstChunk === null ? 0 : performance.now() - firstChunk;
      const { rate, etaMs } = rateAndEta(c.computed, total - c.done, computeMs);
      channel.push({ phase, done: c.done, total, resumed: c.resumed, groupsDone: c.groupsDone, groupsTotal: c.groupsTotal, rate, etaMs, elapsedMs: performance.now() - started });
    };
    report();

    if (todo.length > 0) {
      if (options.signal?.aborted) throw new SweepInterruptedError(dir, c.done, total);
      const job: SweepJob = { expansion, baseDir, engine: settings.engine, groups, details: options.backtestStore !== undefined };
      // The threads start while this thread loads the bars (once, for all of them).
      runner = await createTaskRunner(job, Math.min(workers, Math.max(todo.length, needed.length)));
      const active = runner;
      const loaded = await loadData(expansion, baseDir, label);
      const data = active.threads > 1 ? sharedSeries(loaded) : loaded;
      workStarted = true;
      // DuckDB's bindings (~140 ms to load) only when the sweep stores its backtests.
      const store = options.backtestStore !== undefined ? await (await import('../stores/backtests/store.ts')).BacktestStore.open({ root: resolve(options.backtestStore) }) : null;
      try {
        const t0 = performance.now();
        await runQueue({ runner: active, data, stop, groups, needed, todo, combinations, classifiers: expansion.config.classifiers.length > 0 }, {
          group: (r) => {
            c.generated += r.computed;
            c.skippedInstances += r.skipped;
            c.groupsDone++;
            if (c.groupsDone === needed.length) {
              signalsMs = performance.now() - t0;
              phase = 'combinations';
            }
            report();
          },
          chunkStarts: () => {
            firstChunk ??= performance.now();
          },
          chunk: async (chunk, r) => {
            await commitChunk(journal, chunk, r, store, expansion);
            c.done += chunk.end - chunk.start;
            c.computed += chunk.end - chunk.start;
            c.strategyBars += r.stats.strategyBars;
            report();
          },
        });
        phase = 'combinations';
        combinationsMs = firstChunk === null ? 0 : performance.now() - firstChunk;
      } catch (error) {
        if (options.signal?.aborted) throw new SweepInterruptedError(dir, c.done, total);
        throw error;
      } finally {
        await store?.close();
      }
    }

    const t1 = performance.now();
    const rows = await assembleRows(journal, chunks, expansion);
    const parquet = join(dir, 'sweep.parquet');
    await writeSweepParquet(parquet, rows, { name: expansion.config.name, configHash: expansion.configHash, parameters: expansion.parameters, objective: settings.objective });
    const assembleMs = performance.now() - t1;
    const top = options.top ?? settings.top;
    const best = [...rows].sort((a, b) => a.rank - b.rank).slice(0, top);
    const durationMs = performance.now() - started;
    report();
    return {
      name: expansion.config.name,
      configHash: expansion.configHash,
      dir,
      parquet,
      total,
      computed: c.computed,
      resumed: c.resumed,
      chunks: { total: chunks.length, computed: todo.length, resumed: chunks.length - todo.length },
      parameters: expansion.parameters,
      settings,
      best,
      stats: {
        workers: runner?.threads ?? 0,
        runner: runner?.kind ?? null,
        durationMs,
        signalsMs,
        combinationsMs,
        assembleMs,
        instancesGenerated: c.generated,
        instancesSkipped: c.skippedInstances,
        strategyBars: c.strategyBars,
        combinationsPerSecond: durationMs > 0 ? c.computed / (durationMs / 1000) : 0,
        strategyBarsPerSecond: durationMs > 0 ? c.strategyBars / (durationMs / 1000) : 0,
      },
    };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await runner?.close();
    await release();
    if (failed && fresh && !workStarted) await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function commitChunk(journal: SweepJournal, chunk: Chunk, r: ChunkResult, store: BacktestStore | null, expansion: SweepExpansion): Promise<void> {
  if (store && r.backtests) await storeChunkBacktests(store, journal.dir, chunk, r.backtests, sweepIdOf(expansion.config.name, expansion.configHash));
  await journal.commit(chunk, r.rows, r.stats);
}

async function assembleRows(journal: SweepJournal, chunks: readonly Chunk[], expansion: SweepExpansion): Promise<SweepRow[]> {
  const { combinations, settings } = expansion;
  const hashOf = (index: number) => combinations[index].hash;
  const rows: Omit<SweepRow, 'rank'>[] = [];
  for (const chunk of chunks) {
    for (const row of await journal.readRows(chunk, hashOf)) {
      const combination = combinations[row.index];
      rows.push({ index: row.index, hash: row.hash, portfolioId: combination.portfolioId, params: combination.params, metrics: row.metrics, objective: objectiveValue(row.metrics, settings.objective) });
    }
  }
  return withRanks(rows);
}

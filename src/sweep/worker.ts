/**
 * The work of a sweep, as tasks a worker thread (or the main thread, with one worker) runs:
 *
 * - `generate` (engine replay): one signal group's strategy instances through signal
 *   generation into the group's store (instances already stored are skipped);
 * - `chunk`: the combinations of one chunk as ONE topology (subTopology: their portfolios,
 *   only the strategies they trade, the same data), so each feature is computed once per
 *   canonical name and all portfolios share one bus; run as a full backtest (engine
 *   backtest) or as a batch replay of the stored signals (engine replay).
 *
 * A chunk returns one row per combination (its metrics), never curves, so what travels back
 * and what the main thread keeps does not grow with the equity curves. The bars come with the
 * task (loaded once by the sweep, in shared memory); without them a worker loads them once and
 * caches them by the streams' plan.
 */
import { canonicalJson } from '../core/canonical-json.ts';
import type { BarSeries } from '../data/bar-series.ts';
import { backtestsOfRun } from '../stores/backtests/from-run.ts';
import type { BacktestInput } from '../stores/backtests/schema.ts';
import type { Metrics } from '../metrics/index.ts';
import { UnsupportedBatchReplay, batchReplayMetrics, runBatchReplay } from '../topology/batch-replay/index.ts';
import { buildGraph, type ReplayInputs } from '../topology/build.ts';
import { generateSignals } from '../topology/generate-signals.ts';
import { loadStreams } from '../topology/load-streams.ts';
import { planTopology, type Plan } from '../topology/plan.ts';
import { loadReplayInputs } from '../topology/replay-inputs.ts';
import { runGraph, type RunOutcome } from '../topology/run.ts';
import type { TopologyConfig } from '../topology/schema.ts';
import type { Chunk } from './chunks.ts';
import { subTopology, type SweepExpansion } from './expand.ts';
import type { ChunkStats } from './journal.ts';
import type { ChunkRow } from './results.ts';
import type { SignalGroup } from './signal-groups.ts';
import { streamsForGroup } from './group-streams.ts';

/** Everything a worker needs to run any task of one sweep (sent once, as the pool's workerData). */
export interface SweepJob {
  readonly expansion: SweepExpansion;
  /** Relative data paths of the topology resolve against this folder. */
  readonly baseDir: string;
  readonly engine: 'backtest' | 'replay';
  /** engine replay: the generation groups and their stores. */
  readonly groups: readonly SignalGroup[];
  /** Also return each combination as a backtest with its curve and trades (the backtest store hook; one chunk at a time). */
  readonly details: boolean;
}

export type SweepTask =
  | { readonly kind: 'generate'; readonly group: number }
  | { readonly kind: 'chunk'; readonly chunk: Chunk };

export type SweepTaskResult =
  | { readonly kind: 'generate'; readonly group: number; readonly computed: number; readonly skipped: number; readonly ms: number }
  | { readonly kind: 'chunk'; readonly chunk: number; readonly rows: ChunkRow[]; readonly stats: ChunkStats; readonly backtests: BacktestInput[] | null };

const seriesCache = new Map<string, Promise<BarSeries[]>>();

/**
 * The bars of a plan's streams: those given with the task (loaded once by the sweep, shared),
 * else loaded once per worker whatever the chunk.
 */
function seriesOf(plan: Plan, data: readonly BarSeries[] | null): Promise<BarSeries[]> {
  if (data) {
    const byId = new Map(data.map((s) => [s.id, s]));
    if (plan.streams.every((s) => byId.has(s.id))) return Promise.resolve(plan.streams.map((s) => byId.get(s.id)!));
  }
  const key = canonicalJson({ streams: plan.streams, store: plan.dataStore, invalid: plan.config.data.on_invalid_rows });
  let loaded = seriesCache.get(key);
  if (!loaded) {
    loaded = loadStreams(plan).then((l) => l.series);
    loaded.catch(() => seriesCache.delete(key));
    seriesCache.set(key, loaded);
  }
  return loaded;
}

/** The sweep's own settings for every run: no traces (metrics do not need them), no results store. */
function forSweep(config: TopologyConfig, patch: Partial<TopologyConfig>): TopologyConfig {
  return { ...config, results_store: undefined, ...patch, engine: { ...config.engine, ...patch.engine, trace: { retention: 'none' } } };
}

async function generateGroup(job: SweepJob, group: SignalGroup, data: readonly BarSeries[] | null) {
  const started = performance.now();
  const { config } = job.expansion;
  const strategies = new Set(group.strategyIds);
  const classifiers = new Set(group.classifierIds);
  const plan = planTopology(forSweep(config, {
    mode: 'signal_generation',
    signals: { store: group.dir },
    data: { ...config.data, streams: streamsForGroup(config, strategies, classifiers) },
    strategies: config.strategies.filter((s) => strategies.has(s.id)),
    classifiers: config.classifiers.filter((c) => classifiers.has(c.id)),
    portfolios: [],
  }), job.baseDir);
  const series = await seriesOf(plan, data);
  const outcome = await generateSignals(plan, series, { runId: `sweep-${job.expansion.configHash.slice(0, 8)}-g${group.group}`, topologyFile: null, startedAt: new Date() });
  const computed = outcome.entries.filter((e) => e.status === 'computed').length;
  return { kind: 'generate' as const, group: group.group, computed, skipped: outcome.entries.length - computed, ms: performance.now() - started };
}

/** The stored rows of a replay plan, each instance read from the store of its generation group. */
async function replayInputs(job: SweepJob, plan: Plan, series: readonly BarSeries[]): Promise<ReplayInputs> {
  const strategies = new Map<string, ReplayInputs['strategies'][number]>();
  const classifiers = new Map<string, ReplayInputs['classifiers'][number]>();
  for (const group of job.groups) {
    const inGroup = new Set([...group.strategyIds, ...group.classifierIds]);
    const sub: Plan = { ...plan, signalStore: group.dir, strategies: plan.strategies.filter((s) => inGroup.has(s.id)), classifiers: plan.classifiers.filter((c) => inGroup.has(c.id)) };
    if (sub.strategies.length + sub.classifiers.length === 0) continue;
    const inputs = await loadReplayInputs(sub, series);
    for (const s of inputs.strategies) strategies.set(s.id, s);
    for (const c of inputs.classifiers) classifiers.set(c.id, c);
  }
  const take = <T>(map: Map<string, T>, id: string, kind: string): T => {
    const found = map.get(id);
    if (!found) throw new Error(`sweep: ${kind} ${id} belongs to no signal generation group`);
    return found;
  };
  return {
    strategies: plan.strategies.map((s) => take(strategies, s.id, 'strategy')),
    classifiers: plan.classifiers.map((c) => take(classifiers, c.id, 'classifier')),
  };
}

/** What a chunk's run gives: per portfolio its metrics, and the full outcome when the backtests are wanted with their curves. */
interface ChunkOutcome {
  readonly plan: Plan;
  readonly series: BarSeries[];
  readonly metrics: ReadonlyMap<string, Metrics>;
  readonly outcome: RunOutcome | null;
}

const metricsOf = (outcome: RunOutcome) => new Map(outcome.portfolios.map((p) => [p.result.id, p.metrics]));

async function runChunkOutcome(job: SweepJob, config: TopologyConfig, runId: string, data: readonly BarSeries[] | null): Promise<ChunkOutcome> {
  if (job.engine === 'backtest') {
    const plan = planTopology(forSweep(config, { mode: 'backtest' }), job.baseDir);
    const series = await seriesOf(plan, data);
    const outcome = runGraph(buildGraph(plan, series), { runId });
    return { plan, series, metrics: metricsOf(outcome), outcome };
  }
  const batch = planTopology(forSweep(config, { mode: 'signal_replay', signals: { store: job.groups[0]?.dir ?? '.' }, engine: { ...config.engine, replay_engine: 'batch' } }), job.baseDir);
  const series = await seriesOf(batch, data);
  const inputs = await replayInputs(job, batch, series);
  try {
    if (job.details) {
      const outcome = runBatchReplay(batch, series, inputs, { runId });
      return { plan: batch, series, metrics: metricsOf(outcome), outcome };
    }
    // Only the metrics are wanted: no curve is kept (the same numbers, by test).
    const rows = batchReplayMetrics(batch, series, inputs);
    return { plan: batch, series, metrics: new Map(rows.map((r) => [r.id, r.metrics])), outcome: null };
  } catch (error) {
    if (!(error instanceof UnsupportedBatchReplay)) throw error;
    // What the batch engine does not cover, the event-driven replay does (same results, slower).
    const events: Plan = { ...batch, config: { ...batch.config, engine: { ...batch.config.engine, replay_engine: 'events' } } };
    const outcome = runGraph(buildGraph(events, series, inputs), { runId });
    return { plan: events, series, metrics: metricsOf(outcome), outcome };
  }
}

/** The chunk's portfolios as backtests for the store (in the chunk's order), curves and trades included. */
function backtestsOf(plan: Plan, outcome: RunOutcome): BacktestInput[] {
  return backtestsOfRun({
    runManifest: null,
    source: 'sweep',
    streams: plan.streams,
    strategies: plan.strategies.map((s) => ({ id: s.id, type: s.definition.type, params: s.params, inputs: s.inputs })),
    portfolios: outcome.portfolios.map((p) => {
      const config = plan.portfolios.find((c) => c.config.id === p.result.id)!.config;
      return { id: config.id, strategies: config.strategies, risk: config.risk, metrics: p.metrics, equity: p.result.equity, trades: p.result.trades };
    }),
  });
}

async function runChunk(job: SweepJob, chunk: Chunk, data: readonly BarSeries[] | null): Promise<SweepTaskResult> {
  const started = performance.now();
  const { expansion } = job;
  const indices = Array.from({ length: chunk.end - chunk.start }, (_, i) => chunk.start + i);
  const runId = `sweep-${expansion.configHash.slice(0, 8)}-c${chunk.chunk}`;
  const { plan, series, metrics, outcome } = await runChunkOutcome(job, subTopology(expansion, indices), runId, data);
  const seriesById = new Map(series.map((s) => [s.id, s]));
  const strategyInputs = new Map(plan.strategies.map((s) => [s.id, s.inputs]));
  let strategyBars = 0;
  const rows: ChunkRow[] = [];
  for (const index of indices) {
    const c = expansion.combinations[index];
    const m = metrics.get(c.portfolioId);
    if (!m) throw new Error(`sweep: chunk ${chunk.chunk} has no result for combination ${index} (portfolio ${c.portfolioId})`);
    rows.push({ index, hash: c.hash, metrics: m });
    for (const id of c.strategyIds) strategyBars += seriesById.get(strategyInputs.get(id)![0])!.length;
  }
  const backtests = job.details && outcome ? backtestsOf(plan, outcome) : null;
  return { kind: 'chunk', chunk: chunk.chunk, rows, stats: { strategyBars, ms: performance.now() - started }, backtests };
}

/** Runs one task; `data` are the sweep's bars when the caller loaded them (else the worker loads and caches them). */
export async function runSweepTask(job: SweepJob, task: SweepTask, data: readonly BarSeries[] | null = null): Promise<SweepTaskResult> {
  if (task.kind === 'generate') {
    const group = job.groups[task.group];
    if (!group) throw new Error(`sweep: no signal group ${task.group}`);
    return generateGroup(job, group, data);
  }
  return runChunk(job, task.chunk, data);
}

/** Drops the cached bars (tests; a long-lived process running many sweeps over other data). */
export function clearSweepWorkerCache(): void {
  seriesCache.clear();
}

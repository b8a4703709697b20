/**
 * The library entry points: run a topology file, or a topology object from TypeScript, in
 * whatever mode it names. Validation and data loading happen before anything is written;
 * a results folder (backtest, replay) appears atomically at the end, and the signal store
 * (generation) is updated file by file with its index and manifest last.
 */
import { isAbsolute, resolve } from 'node:path';
import { loadTopologyFile, validateTopology } from './load.ts';
import { planTopology, type Plan } from './plan.ts';
import { loadStreams } from './load-streams.ts';
import { buildGraph, type Graph, type ReplayInputs } from './build.ts';
import { describeGraph } from './describe.ts';
import { runGraph, type RunOutcome, type RunProgress } from './run.ts';
import { generateSignals, type GenerationOutcome } from './generate-signals.ts';
import { loadReplayInputs } from './replay-inputs.ts';
import { runBatchReplay, UnsupportedBatchReplay } from './batch-replay/index.ts';
import { usesBatchEngine } from './replay-engine.ts';
import { writeRunResults, type RunRecord } from '../results/write-run.ts';
import { backtestsOfRun } from '../stores/backtests/from-run.ts';
import type { BacktestSummary } from '../stores/backtests/schema.ts';
import type { TopologyConfig } from './schema.ts';

export interface RunTopologyOptions {
  /** Results folder (backtest, replay); default `results/<topology name>/<run id>`; `null` writes nothing. */
  readonly outDir?: string | null;
  readonly runId?: string;
  readonly onProgress?: (progress: RunProgress) => void;
  /**
   * The BacktestStore root where each portfolio's backtest is stored after a backtest or replay
   * that wrote its results folder (never with `outDir: null`); default the environment variable
   * TRADEFLOW_BACKTEST_STORE, else `results/backtest-store`; `null` (or the variable set to
   * `off`) stores nothing.
   */
  readonly backtestStore?: string | null;
  /** The stored backtests' `source`; default `topology` (backtest) or `replay`. */
  readonly backtestSource?: string;
}

/** A backtest or a signal replay: portfolios, metrics and (unless disabled) a results folder. */
export interface PortfolioRun {
  readonly mode: 'backtest' | 'signal_replay';
  readonly record: RunRecord;
  readonly outcome: RunOutcome;
  /** Where the results were written, or null. */
  readonly dir: string | null;
  /** The backtests stored in the BacktestStore, one per portfolio (empty when none were stored). */
  readonly backtests: readonly BacktestSummary[];
}

/** A signal generation: what was computed or skipped, and the store's manifest. */
export interface GenerationRun {
  readonly mode: 'signal_generation';
  readonly runId: string;
  readonly generation: GenerationOutcome;
}

export type TopologyRun = PortfolioRun | GenerationRun;

export function makeRunId(plan: Plan, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${plan.configHash.slice(0, 8)}`;
}

/** Plans and loads the data; errors name the topology (`label`) and the stream. */
async function prepare(config: TopologyConfig, baseDir: string, label: string) {
  const plan = planTopology(config, baseDir);
  try {
    const { series, skipped, snapshot } = await loadStreams(plan);
    const replay = plan.mode === 'signal_replay' ? await loadReplayInputs(plan, series) : undefined;
    return { plan, series, skipped, snapshot, replay };
  } catch (error) {
    throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function execute(config: TopologyConfig, baseDir: string, topologyFile: string | null, options: RunTopologyOptions): Promise<TopologyRun> {
  const startedAt = new Date();
  const { plan, series, skipped, snapshot, replay } = await prepare(config, baseDir, topologyFile ?? 'topology');
  const runId = options.runId ?? makeRunId(plan, startedAt);
  if (plan.mode === 'signal_generation') {
    return { mode: 'signal_generation', runId, generation: await generateSignals(plan, series, { runId, topologyFile, startedAt }) };
  }
  let outcome: RunOutcome | null = null;
  if (plan.mode === 'signal_replay' && usesBatchEngine(plan)) {
    try {
      outcome = runBatchReplay(plan, series, replay!, { runId });
    } catch (error) {
      // auto: what the batch engine does not cover, the event graph runs (same results).
      if (!(error instanceof UnsupportedBatchReplay) || plan.config.engine.replay_engine !== 'auto') throw error;
    }
  }
  if (outcome === null) {
    const graph = buildGraph(plan, series, replay);
    const storeConfig = plan.config.results_store;
    if (!storeConfig) {
      outcome = runGraph(graph, { runId, onProgress: options.onProgress });
    } else {
      // Loaded only when asked for: the results store's writer pool brings rxjs (~100 ms to load).
      const { attachResultsStore, ResultsStore } = await import('../stores/results/index.ts');
      const store = await ResultsStore.open({ root: isAbsolute(storeConfig.root) ? storeConfig.root : resolve(baseDir, storeConfig.root), formats: storeConfig.formats });
      try {
        const attached = attachResultsStore(store, graph, { runId, performance: storeConfig.performance, eventTypes: storeConfig.event_types });
        outcome = runGraph(graph, { runId, onProgress: options.onProgress, onTickEnd: attached.onTickEnd });
        await attached.finish(outcome);
      } finally {
        await store.close();
      }
    }
  }
  const record: RunRecord = { plan, topologyFile, series, skipped, snapshot, outcome, startedAt, finishedAt: new Date() };
  const dir = options.outDir === null ? null : resolve(options.outDir ?? `results/${plan.name}/${runId}`);
  if (dir) await writeRunResults(dir, record);
  const backtests = dir ? await storeBacktests(plan, outcome, dir, options) : [];
  return { mode: plan.mode, record, outcome, dir, backtests };
}

function backtestStoreRoot(options: RunTopologyOptions): string | null {
  const root = options.backtestStore !== undefined ? options.backtestStore : (process.env.TRADEFLOW_BACKTEST_STORE ?? 'results/backtest-store');
  return root === null || root === '' || root === 'off' ? null : resolve(root);
}

/** One backtest per portfolio into the BacktestStore (docs/backtest-store.md, "Automatic storage"). */
async function storeBacktests(plan: Plan, outcome: RunOutcome, dir: string, options: RunTopologyOptions): Promise<BacktestSummary[]> {
  const root = backtestStoreRoot(options);
  if (root === null) return [];
  const inputs = backtestsOfRun({
    runManifest: dir,
    source: options.backtestSource ?? (plan.mode === 'signal_replay' ? 'replay' : 'topology'),
    streams: plan.streams,
    strategies: plan.strategies.map((s) => ({ id: s.id, type: s.definition.type, params: s.params, inputs: s.inputs })),
    portfolios: outcome.portfolios.map((p) => {
      const config = plan.portfolios.find((c) => c.config.id === p.result.id)!.config;
      return { id: config.id, strategies: config.strategies, risk: config.risk, metrics: p.metrics, equity: p.result.equity, trades: p.result.trades };
    }),
  });
  try {
    // Loaded only when storing: DuckDB's bindings take ~140 ms to load.
    const { BacktestStore } = await import('../stores/backtests/store.ts');
    const store = await BacktestStore.open({ root });
    try {
      return await store.storeMany(inputs);
    } finally {
      await store.close();
    }
  } catch (error) {
    throw new Error(`the results are in ${dir}, but storing the backtests in ${root} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export async function runTopologyFile(path: string, options: RunTopologyOptions = {}): Promise<TopologyRun> {
  const loaded = loadTopologyFile(path);
  return execute(loaded.config, loaded.baseDir, loaded.file, options);
}

/** Runs a topology given as an object (e.g. built in TypeScript); relative paths resolve against `baseDir`. */
export async function runTopology(input: unknown, options: RunTopologyOptions & { baseDir?: string } = {}): Promise<TopologyRun> {
  return execute(validateTopology(input), options.baseDir ?? process.cwd(), null, options);
}

/** Builds and initializes the graph of a topology file without running it, and describes it. */
export async function dryRunTopologyFile(path: string): Promise<{ text: string; graph: Graph }> {
  const loaded = loadTopologyFile(path);
  const { plan, series, replay } = await prepare(loaded.config, loaded.baseDir, path);
  const graph = buildGraph(plan, series, replay);
  graph.root.initialize();
  const text = describeGraph(graph);
  graph.root.cleanup();
  return { text, graph };
}

export type { ReplayInputs };

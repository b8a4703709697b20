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
import { runBatchReplay } from './batch-replay/index.ts';
import { attachResultsStore, ResultsStore } from '../stores/results/index.ts';
import { writeRunResults, type RunRecord } from '../results/write-run.ts';
import type { TopologyConfig } from './schema.ts';

export interface RunTopologyOptions {
  /** Results folder (backtest, replay); default `results/<topology name>/<run id>`; `null` writes nothing. */
  readonly outDir?: string | null;
  readonly runId?: string;
  readonly onProgress?: (progress: RunProgress) => void;
}

/** A backtest or a signal replay: portfolios, metrics and (unless disabled) a results folder. */
export interface PortfolioRun {
  readonly mode: 'backtest' | 'signal_replay';
  readonly record: RunRecord;
  readonly outcome: RunOutcome;
  /** Where the results were written, or null. */
  readonly dir: string | null;
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
  let outcome: RunOutcome;
  if (plan.mode === 'signal_replay' && plan.config.engine.replay_engine === 'batch') {
    outcome = runBatchReplay(plan, series, replay!, { runId });
  } else {
    const graph = buildGraph(plan, series, replay);
    const storeConfig = plan.config.results_store;
    if (!storeConfig) {
      outcome = runGraph(graph, { runId, onProgress: options.onProgress });
    } else {
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
  return { mode: plan.mode, record, outcome, dir };
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

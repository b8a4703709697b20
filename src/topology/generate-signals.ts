/**
 * signal_generation: run data -> features -> signal writer for the strategy and classifier
 * instances whose canonical hash is not yet in the store, and add them to it. A second
 * identical run computes nothing and says so.
 */
import type { BarSeries } from '../data/bar-series.ts';
import { instanceHash } from '../signals/instance-hash.ts';
import type { StoreManifest } from '../signals/format.ts';
import type { IndexRow } from '../signals/store-index.ts';
import { readStoreState } from '../signals/store-reader.ts';
import { writeSignalStore } from '../signals/store-writer.ts';
import { buildGraph } from './build.ts';
import type { ClassifierPlan, Plan, StrategyPlan } from './plan.ts';
import { runGraph, type RunStats } from './run.ts';

export interface GeneratedEntry {
  readonly kind: 'strategy' | 'classifier';
  readonly id: string;
  readonly hash: string;
  /** computed now, or skipped because the store already holds this hash. */
  readonly status: 'computed' | 'skipped';
  /** Changes stored (signals, or regime changes) and sparse rows; from the store for skipped ones. */
  readonly changes: number;
  readonly rows: number;
  readonly denseRows: number;
}

export interface GenerationOutcome {
  readonly storeDir: string;
  readonly entries: readonly GeneratedEntry[];
  readonly manifest: StoreManifest | null;
  /** Null when nothing had to be computed. */
  readonly stats: RunStats | null;
}

export function strategyHashOf(s: StrategyPlan, seriesById: ReadonlyMap<string, BarSeries>, missingBars: string): string {
  return instanceHash({ kind: 'strategy', id: s.id, definition: s.definition, params: s.params, inputs: s.inputs, legWeights: s.legWeights }, seriesById, missingBars);
}

export function classifierHashOf(c: ClassifierPlan, seriesById: ReadonlyMap<string, BarSeries>, missingBars: string): string {
  return instanceHash({ kind: 'classifier', id: c.id, definition: c.definition, params: c.params, inputs: c.inputs }, seriesById, missingBars);
}

function datasetsOf(inputs: readonly string[], seriesById: ReadonlyMap<string, BarSeries>): Record<string, string> {
  return Object.fromEntries(inputs.map((id) => [id, seriesById.get(id)!.hash]));
}

export async function generateSignals(plan: Plan, series: readonly BarSeries[], run: { runId: string; topologyFile: string | null; startedAt: Date }): Promise<GenerationOutcome> {
  const dir = plan.signalStore;
  if (!dir) throw new Error('signal_generation needs signals.store');
  const seriesById = new Map(series.map((s) => [s.id, s]));
  const missing = plan.config.data.missing_bars;
  const existing = await readStoreState(dir, { allowMissing: true });
  const stored = new Map([...(existing?.strategies ?? []), ...(existing?.classifiers ?? [])].map((r) => [r.hash, r]));

  const strategyHashes = plan.strategies.map((s) => strategyHashOf(s, seriesById, missing));
  const classifierHashes = plan.classifiers.map((c) => classifierHashOf(c, seriesById, missing));
  // Compute each hash once: not stored, and not already planned under another id.
  const planned = new Set<string>();
  const todo = <T>(items: readonly T[], hashes: string[]) => items.filter((_, i) => {
    if (stored.has(hashes[i]) || planned.has(hashes[i])) return false;
    planned.add(hashes[i]);
    return true;
  });
  const strategies = todo(plan.strategies, strategyHashes);
  const classifiers = todo(plan.classifiers, classifierHashes);

  let manifest = existing?.manifest ?? null;
  let stats: RunStats | null = null;
  const computedRows = new Map<string, IndexRow>();
  if (strategies.length + classifiers.length > 0) {
    const subplan: Plan = { ...plan, strategies, classifiers };
    const graph = buildGraph(subplan, series);
    const outcome = runGraph(graph, { runId: run.runId });
    stats = outcome.stats;
    const writer = graph.writer!;
    const hashOf = new Map<string, string>([
      ...plan.strategies.map((s, i) => [s.id, strategyHashes[i]] as const),
      ...plan.classifiers.map((c, i) => [c.id, classifierHashes[i]] as const),
    ]);
    const rowOf = (item: StrategyPlan | ClassifierPlan, legWeights: readonly number[], changes: number) => {
      const streams = item.inputs.map((id) => seriesById.get(id)!);
      return {
        hash: hashOf.get(item.id)!, id: item.id, type: item.definition.type, params: item.params, inputs: item.inputs,
        symbols: streams.map((s) => s.symbol), timeframes: streams.map((s) => s.timeframe), legWeights,
        datasets: datasetsOf(item.inputs, seriesById), changes, dense_rows: streams[0].length * Math.max(1, legWeights.length),
      };
    };
    const record = {
      run: {
        run_id: run.runId, topology: plan.name, config_hash: plan.configHash, config: plan.config,
        datasets: Object.fromEntries(series.map((s) => [s.id, s.hash])),
        computed: [...strategies.map((s) => s.id), ...classifiers.map((c) => c.id)],
        skipped: [...plan.strategies, ...plan.classifiers].map((x) => x.id).filter((id) => !strategies.some((s) => s.id === id) && !classifiers.some((c) => c.id === id)),
        started_at: run.startedAt.toISOString(), finished_at: new Date().toISOString(),
      },
      strategies: strategies.map((s) => {
        const rows = writer.signals.get(s.id)!;
        const changes = rows.seq.length === 0 ? 0 : rows.seq[rows.seq.length - 1] + 1;
        return { row: rowOf(s, s.legWeights, changes), rows };
      }),
      classifiers: classifiers.map((c) => {
        const rows = writer.classifications.get(c.id)!;
        return { row: rowOf(c, [], rows.seq.length), rows };
      }),
    };
    manifest = await writeSignalStore(dir, record);
    for (const s of record.strategies) computedRows.set(s.row.hash, { ...s.row, path: '', rows: s.rows.seq.length });
    for (const c of record.classifiers) computedRows.set(c.row.hash, { ...c.row, path: '', rows: c.rows.seq.length });
  }

  const computedIds = new Set([...strategies, ...classifiers].map((x) => x.id));
  const entry = (kind: 'strategy' | 'classifier', id: string, hash: string): GeneratedEntry => {
    const row = computedRows.get(hash) ?? stored.get(hash)!;
    return { kind, id, hash, status: computedIds.has(id) ? 'computed' : 'skipped', changes: row.changes, rows: row.rows, denseRows: row.dense_rows };
  };
  return {
    storeDir: dir,
    entries: [
      ...plan.classifiers.map((c, i) => entry('classifier', c.id, classifierHashes[i])),
      ...plan.strategies.map((s, i) => entry('strategy', s.id, strategyHashes[i])),
    ],
    manifest,
    stats,
  };
}

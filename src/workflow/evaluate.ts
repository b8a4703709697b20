/**
 * The adapter between workflow phases and the sweep library: everything a phase runs goes
 * through `runSweep` (src/sweep/run-sweep.ts: chunks on a worker pool, resumable folder,
 * signals generated once per instance then replayed) on a topology built here:
 *
 * - a grid: the generate phase's expansion (expandSweep), with its training window;
 * - a set of candidates on some window: each candidate's strategy instances (deduplicated:
 *   identical instances are computed once) and its portfolio, named c0, c1, ... so rows map
 *   back to candidates; optional variant lists in the portfolios make each candidate a small
 *   grid of its own (expanded by expandSweep as any sweep).
 *
 * Each call has its own folder under the workflow's: running the workflow again resumes
 * every sweep where it stopped (runSweep skips finished chunks).
 */
import { canonicalJson } from '../core/canonical-json.ts';
import type { SweepExpansion } from '../sweep/expand.ts';
import { objectiveValue, type Objective } from '../sweep/objective.ts';
import { readSweepParquet, type SweepRow } from '../sweep/results.ts';
import { runSweep } from '../sweep/run-sweep.ts';
import { clearSweepWorkerCache } from '../sweep/worker.ts';
import type { TopologyConfig } from '../topology/schema.ts';
import { withRank, type CandidateRow, type CandidateSpec, type ParamValue, type StrategySpec, type TopologyBase } from './rows.ts';
import { toDataWindow, type BarRange } from './windows.ts';

export interface WorkflowProgress {
  /** The phase running, and which of its sweeps (e.g. `window 2 test`). */
  readonly phase: string;
  readonly step: string;
  readonly done: number;
  readonly total: number;
}

export interface SweepContext {
  readonly objective: Objective;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: WorkflowProgress) => void;
}

/**
 * The specs of an expansion's combinations (what subTopology(expansion, [index]) runs: the
 * strategies a combination trades and its portfolio), by index; the lookups are built once,
 * so taking every combination's spec of a large grid stays linear.
 */
export function specsOf(expansion: SweepExpansion): (index: number) => CandidateSpec {
  const strategies = new Map(expansion.config.strategies.map((s) => [s.id, s]));
  const portfolios = new Map(expansion.config.portfolios.map((p) => [p.id, p]));
  return (index) => {
    const c = expansion.combinations[index];
    if (!c) throw new RangeError(`workflow: no combination ${index} (the grid has ${expansion.combinations.length})`);
    return { strategies: c.strategyIds.map((id) => strategies.get(id)!), portfolio: portfolios.get(c.portfolioId)! };
  };
}

async function sweepRows(config: TopologyConfig | SweepExpansion, base: { baseDir: string }, dir: string, label: string, ctx: SweepContext, progress: { phase: string; step: string }): Promise<{ rows: SweepRow[]; expansion: SweepExpansion }> {
  // The in-thread worker caches loaded bars by stream, not by data.window, and a workflow runs
  // the same streams cut at different windows one sweep after another: start each sweep clean.
  clearSweepWorkerCache();
  const run = runSweep(config, { workers: ctx.workers, outDir: dir, baseDir: base.baseDir, signal: ctx.signal, label });
  const forward = (async () => {
    for await (const p of run.progress) ctx.onProgress?.({ ...progress, done: p.done, total: p.total });
  })();
  const result = await run.results;
  await forward;
  const { rows } = await readSweepParquet(result.parquet);
  return { rows, expansion: run.expansion };
}

/** Runs a generate phase's grid (already expanded with its window) and scores every combination. */
export async function runGrid(expansion: SweepExpansion, base: TopologyBase, dir: string, label: string, ctx: SweepContext, phase: string): Promise<CandidateRow[]> {
  const { rows } = await sweepRows(expansion, base, dir, label, ctx, { phase, step: 'grid' });
  const specOf = specsOf(expansion);
  return withRank(rows.map((r) => ({
    key: r.portfolioId,
    parent: null,
    params: r.params,
    spec: specOf(r.index),
    metrics: r.metrics,
    objective: objectiveValue(r.metrics, ctx.objective),
  })));
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `target` with `patch` laid over it (nested mappings merged; anything else, lists included, replaces). */
export function overlay(target: Raw, patch: Raw): Raw {
  const out: Raw = { ...target };
  for (const [key, value] of Object.entries(patch)) out[key] = isObject(value) && isObject(out[key]) ? overlay(out[key] as Raw, value) : value;
  return out;
}

/**
 * One topology running `candidates` on `window`: the base's data, classifiers, execution and
 * settings; their strategy instances once each (renamed s0, s1, ... by definition); their
 * portfolios renamed c0, c1, ... with `variants` laid over each (lists there make a grid).
 */
export function candidatesTopology(base: TopologyBase, candidates: readonly { spec: CandidateSpec }[], window: BarRange, name: string, variants: Raw | null): TopologyConfig {
  const strategies: StrategySpec[] = [];
  const idOf = new Map<string, string>();
  const portfolios = candidates.map(({ spec }, i) => {
    const local = new Map<string, string>();
    for (const s of spec.strategies) {
      const key = canonicalJson({ type: s.type, params: s.params, inputs: s.inputs });
      let id = idOf.get(key);
      if (id === undefined) {
        id = `s${strategies.length}`;
        idOf.set(key, id);
        strategies.push({ ...s, id });
      }
      local.set(s.id, id);
    }
    const portfolio = { ...spec.portfolio, id: `c${i}`, strategies: spec.portfolio.strategies.map((s) => local.get(s)!) };
    return variants ? overlay(portfolio, variants) : portfolio;
  });
  const { config } = base;
  return {
    ...config,
    name,
    data: { ...config.data, window: toDataWindow(window) },
    strategies,
    portfolios: portfolios as TopologyConfig['portfolios'],
  };
}

/**
 * Scores `candidates` on `window` (optionally each with a grid of portfolio variants). Rows come
 * back in candidate order (variants of one candidate together, in grid order), keyed by the
 * candidate's key (plus `/<k>` for variant k) and ranked by the objective.
 */
export async function evaluateCandidates(
  base: TopologyBase,
  candidates: readonly CandidateRow[],
  window: BarRange,
  options: { dir: string; name: string; label: string; phase: string; step: string; variants?: Raw | null },
  ctx: SweepContext,
): Promise<{ rows: CandidateRow[]; parameters: string[] }> {
  const variants = options.variants ?? null;
  const config = candidatesTopology(base, candidates, window, options.name, variants);
  const { rows, expansion } = await sweepRows(config, base, options.dir, options.label, ctx, { phase: options.phase, step: options.step });
  const specOf = specsOf(expansion);
  const seen = new Map<number, number>();
  const variantNames = new Set<string>();
  const out = rows.map((r) => {
    const combination = expansion.combinations[r.index];
    const [id] = combination.portfolioId.split('.');
    const c = Number(id.slice(1));
    const candidate = candidates[c];
    if (!candidate || id !== `c${c}`) throw new Error(`workflow: sweep row ${r.index} (portfolio ${combination.portfolioId}) matches no candidate`);
    const params: Record<string, ParamValue> = { ...candidate.params };
    const prefix = `${id}.`;
    for (const [name, value] of Object.entries(combination.params)) {
      if (!name.startsWith(prefix)) continue; // strategy params: the candidate's own, already in params
      const variantName = name.slice(prefix.length);
      variantNames.add(variantName);
      params[variantName] = value;
    }
    const k = seen.get(c) ?? 0;
    seen.set(c, k + 1);
    const metrics = r.metrics;
    if (!variants) return { key: candidate.key, parent: candidate.parent, params, spec: candidate.spec, metrics, objective: objectiveValue(metrics, ctx.objective) };
    const spec = specOf(r.index);
    // Back to the candidate's own strategy ids: the spec stays the candidate's, with the variant's portfolio settings.
    const portfolio = { ...spec.portfolio, id: candidate.spec.portfolio.id, strategies: candidate.spec.portfolio.strategies };
    return { key: `${candidate.key}/${k}`, parent: candidate.key, params, spec: { strategies: candidate.spec.strategies, portfolio }, metrics, objective: objectiveValue(metrics, ctx.objective) };
  });
  if (!variants && out.length !== candidates.length) throw new Error(`workflow: ${candidates.length} candidates gave ${out.length} rows`);
  return { rows: withRank(out), parameters: [...variantNames] };
}

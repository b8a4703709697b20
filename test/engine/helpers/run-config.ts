/** Test helper: plan, load (or take given series), build and run a topology config in-process. */
import { existsSync } from 'node:fs';
import type { BarSeries } from '../../../src/data/bar-series.ts';
import { validateTopology } from '../../../src/topology/load.ts';
import { planTopology, type Plan } from '../../../src/topology/plan.ts';
import { loadStreams } from '../../../src/topology/load-streams.ts';
import { buildGraph, type Graph } from '../../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../../src/topology/run.ts';

export const SHARED_DATA = new URL('../../../../shared/data/', import.meta.url).pathname;
export const hasSharedData = existsSync(SHARED_DATA);
if (!hasSharedData) console.warn(`[tests] ${SHARED_DATA} is absent: tests on real market data are skipped`);

export interface ConfigRun {
  readonly plan: Plan;
  readonly graph: Graph;
  readonly outcome: RunOutcome;
}

export async function planAndLoad(config: unknown): Promise<{ plan: Plan; series: BarSeries[] }> {
  const plan = planTopology(validateTopology(config), SHARED_DATA);
  const { series } = await loadStreams(plan);
  return { plan, series };
}

/** Runs `plan` on `series`; `observe` sees the graph before the run (attach observers there). */
export function runPlan(plan: Plan, series: readonly BarSeries[], observe?: (graph: Graph) => void): ConfigRun {
  const graph = buildGraph(plan, series);
  observe?.(graph);
  const outcome = runGraph(graph, { runId: 'test' });
  return { plan, graph, outcome };
}

export async function runConfig(config: unknown, observe?: (graph: Graph) => void): Promise<ConfigRun> {
  const { plan, series } = await planAndLoad(config);
  return runPlan(plan, series, observe);
}

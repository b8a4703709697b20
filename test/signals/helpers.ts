/** Test helpers: the same topology as a full backtest, and as generation + replay through a store. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { validateTopology } from '../../src/topology/load.ts';
import { planTopology, type Plan } from '../../src/topology/plan.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../src/topology/run.ts';
import { generateSignals, type GenerationOutcome } from '../../src/topology/generate-signals.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';

export const tempStore = (label: string) => join(mkdtempSync(join(tmpdir(), `signal-store-${label}-`)), 'store');

type Config = Record<string, unknown>;

export function planFor(config: Config, mode: 'backtest' | 'signal_generation' | 'signal_replay', store: string | null): Plan {
  return planTopology(validateTopology({ ...config, mode, ...(store ? { signals: { store } } : {}) }), '/');
}

export async function loadSeries(config: Config): Promise<BarSeries[]> {
  return (await loadStreams(planFor(config, 'backtest', null))).series;
}

export function backtest(config: Config, series: readonly BarSeries[]): RunOutcome {
  return runGraph(buildGraph(planFor(config, 'backtest', null), series), { runId: 'backtest' });
}

export async function generate(config: Config, series: readonly BarSeries[], store: string): Promise<GenerationOutcome> {
  return generateSignals(planFor(config, 'signal_generation', store), series, { runId: 'generation', topologyFile: null, startedAt: new Date(0) });
}

export async function replay(config: Config, series: readonly BarSeries[], store: string): Promise<RunOutcome> {
  const plan = planFor(config, 'signal_replay', store);
  const inputs = await loadReplayInputs(plan, series);
  return runGraph(buildGraph(plan, series, inputs), { runId: 'replay' });
}

/** What must be identical between a backtest and its replay, per portfolio. */
export function portfolioOutcomes(outcome: RunOutcome) {
  return outcome.portfolios.map((p) => ({
    id: p.result.id,
    cash: p.result.cash,
    trades: p.result.trades,
    ts: Array.from(p.result.equity.ts),
    equity: Array.from(p.result.equity.equity),
    exposed: Array.from(p.result.equity.exposed),
    rejected: p.result.rejectedOrders,
  }));
}

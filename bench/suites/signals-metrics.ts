/**
 * The metrics step of a batch replay, both ways, on the bench's 100 portfolios (the signals
 * suite's store, simulated once): each curve built into a reused buffer and measured by
 * computeMetrics (JavaScript), against ledgerMetrics (the WebAssembly kernel over each fill
 * ledger, no curve built). Interleaved rounds in one process, every round checked identical.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { computeMetrics } from '../../src/metrics/compute.ts';
import { buildEquityCurve, curveScratch, tickMarksOf } from '../../src/portfolio/equity-curve.ts';
import { ledgerMetrics } from '../../src/portfolio/ledger-metrics.ts';
import { indexedReplayRowsOf } from '../../src/topology/batch-replay/replay-rows-memo.ts';
import { PortfolioSimulator } from '../../src/topology/batch-replay/simulate-portfolio.ts';
import { timelineOf } from '../../src/topology/batch-replay/timeline.ts';
import { generateSignals } from '../../src/topology/generate-signals.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import type { Plan } from '../../src/topology/plan.ts';
import { runPeriodsPerYear, metricsOptions } from '../../src/topology/portfolio-metrics.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';

const ROUNDS = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function metricsFromLedger(plansFor: (store: string) => { generation: Plan; replay: Plan }) {
  const store = join(mkdtempSync(join(tmpdir(), 'bench-signals-metrics-')), 'store');
  const { generation, replay } = plansFor(store);
  const { series } = await loadStreams(generation);
  await generateSignals(generation, series, { runId: 'bench', topologyFile: null, startedAt: new Date() });
  const simulated = simulate(replay, series, await loadReplayInputs(replay, series));
  const marks = tickMarksOf(series);
  const scratch = curveScratch(marks.ts.length);
  const options = metricsOptions(replay, runPeriodsPerYear(replay, series, marks.ts));
  const curveMs: number[] = [];
  const ledgerMs: number[] = [];
  let identical = true;
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now();
    const viaCurve = simulated.map((sim) => computeMetrics(buildEquityCurve(marks, sim.ledger, scratch), sim.tradeColumns, options));
    curveMs.push(performance.now() - t);
    t = performance.now();
    const viaLedger = simulated.map((sim) => ledgerMetrics(marks, sim.ledger, 0, sim.tradeColumns, options));
    ledgerMs.push(performance.now() - t);
    identical &&= JSON.stringify(viaCurve) === JSON.stringify(viaLedger);
  }
  if (!identical) throw new Error('bench: ledgerMetrics and computeMetrics on the built curve disagree');
  const points = simulated.length * marks.ts.length;
  return {
    portfolios: simulated.length, points, rounds: ROUNDS,
    curveMedianMs: median(curveMs), ledgerMedianMs: median(ledgerMs), speedup: median(curveMs) / median(ledgerMs), identical,
  };
}

function simulate(plan: Plan, series: readonly BarSeries[], inputs: Awaited<ReturnType<typeof loadReplayInputs>>) {
  const timeline = timelineOf(series);
  const rows = indexedReplayRowsOf(inputs, series, timeline);
  return plan.portfolios.map((p) => new PortfolioSimulator(p.config, p.execution, series, timeline, rows, -Infinity).run());
}

/**
 * Batch signal replay: the outcome of a signal_replay run (the same RunOutcome portfolios as
 * runGraph on the replay graph, to the bit) without the bus. The stored rows are checked and
 * indexed once (once per loaded inputs, however many runs replay them: replay-rows-memo.ts),
 * each portfolio is simulated alone over typed arrays (simulate-portfolio.ts), then its metrics
 * are computed from its fill ledger, the same numbers runGraph computes on its curve; the curves
 * the results hold are built only when read.
 */
import { scheduleOf, type Schedule } from '../../clock/schedule.ts';
import type { PortfolioResult } from '../../containers/portfolio-container.ts';
import type { BarSeries } from '../../data/bar-series.ts';
import { buildEquityCurve, tickMarksOf, type EquityCurveData } from '../../portfolio/equity-curve.ts';
import { ledgerMetrics } from '../../portfolio/ledger-metrics.ts';
import type { Metrics } from '../../metrics/index.ts';
import type { ReplayInputs } from '../build.ts';
import type { Plan } from '../plan.ts';
import type { Trade } from '../../portfolio/trade.ts';
import { metricsOptions, runPeriodsPerYear } from '../portfolio-metrics.ts';
import type { RunOutcome } from '../run.ts';
import { BatchReplayInputError, UnsupportedBatchReplay } from './errors.ts';
import type { IndexedReplayRows } from './replay-rows.ts';
import { indexedReplayRowsOf } from './replay-rows-memo.ts';
import { PortfolioSimulator, type SimulatedPortfolio } from './simulate-portfolio.ts';
import { timelineOf } from './timeline.ts';
import { curveFrom, firstTickFrom, windowActiveFrom } from '../window.ts';
import { memoOnSeries } from '../../data/series-memo.ts';

export interface BatchReplayOptions {
  readonly runId: string;
}

interface Simulated {
  readonly schedule: Schedule;
  readonly rows: IndexedReplayRows;
  readonly activeFrom: number;
  readonly simulated: readonly SimulatedPortfolio[];
  readonly started: number;
}

/** Checks the inputs, indexes the stored rows and simulates every portfolio (everything but the curves and metrics). */
function simulateAll(plan: Plan, series: readonly BarSeries[], inputs: ReplayInputs): Simulated {
  if (plan.mode !== 'signal_replay') throw new UnsupportedBatchReplay(`mode ${plan.mode}`, 'the batch engine replays stored signals (mode signal_replay)');
  if (plan.portfolios.length === 0) throw new UnsupportedBatchReplay('a replay without portfolios', 'there is nothing to simulate');
  const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id).join(',');
  if (ids(inputs.strategies) !== ids(plan.strategies) || ids(inputs.classifiers) !== ids(plan.classifiers)) {
    throw new BatchReplayInputError(`the replay inputs (strategies ${ids(inputs.strategies)}; classifiers ${ids(inputs.classifiers)}) are not the plan's, in its order (${ids(plan.strategies)}; ${ids(plan.classifiers)})`);
  }
  const schedule = scheduleOf(series);
  const started = performance.now();
  const timeline = timelineOf(series);
  let rows;
  try {
    // Once per loaded inputs and series: replaying one store with many settings indexes it once.
    rows = indexedReplayRowsOf(inputs, series, timeline);
  } catch (error) {
    // Under on_handler_error: continue the event-driven replay logs such rows as ERROR events and goes on.
    if (error instanceof BatchReplayInputError && plan.config.engine.on_handler_error === 'continue') {
      throw new UnsupportedBatchReplay('on_handler_error: continue with stored rows that do not match the data', error.message);
    }
    throw error;
  }
  const activeFrom = windowActiveFrom(plan.config.data.window, series);
  const simulators = plan.portfolios.map((p) => new PortfolioSimulator(p.config, p.execution, series, timeline, rows, activeFrom));
  const simulated = simulators.map((s) => s.run());
  // The last one outlives the run, stripped, so the next run finds its optimized code (see keepShape).
  simulators.at(-1)?.keepShape();
  return { schedule, rows, activeFrom, simulated, started };
}

/**
 * Every portfolio's metrics, straight from its fill ledger (ledger-metrics.ts): computeMetrics'
 * numbers on the curve buildEquityCurve would build, without building it. (Built into one
 * reused buffer, then measured in JavaScript, this was ~40 ms of a ~120 ms replay of 100
 * portfolios over 50k ticks.)
 */
function measureAll(plan: Plan, series: readonly BarSeries[], simulated: readonly SimulatedPortfolio[], activeFrom: number) {
  const marks = tickMarksOf(series);
  const from = firstTickFrom(marks.ts, activeFrom);
  // From the bars alone (the ticks from `from` on, the timezone, the timeframes): once per
  // series, like the marks (counting the sessions of 50k ticks was ~0.6 ms of each replay).
  const { timezone } = plan.config.data;
  const periodsPerYear = memoOnSeries(`periods per year from ${from} in ${timezone}, set ${plan.config.metrics.periods_per_year}`, series, () =>
    runPeriodsPerYear(plan, series, marks.ts.subarray(from)),
  );
  const options = metricsOptions(plan, periodsPerYear);
  const metrics = simulated.map((sim) => ledgerMetrics(marks, sim.ledger, from, sim.tradeColumns, options));
  return { marks, periodsPerYear, metrics };
}

export function runBatchReplay(plan: Plan, series: readonly BarSeries[], inputs: ReplayInputs, options: BatchReplayOptions): RunOutcome {
  const { schedule, rows, activeFrom, simulated, started } = simulateAll(plan, series, inputs);
  const { marks, periodsPerYear, metrics } = measureAll(plan, series, simulated, activeFrom);
  const portfolios = plan.portfolios.map((p, i) => {
    const sim = simulated[i];
    let trades: Trade[] | undefined;
    let equity: EquityCurveData | undefined;
    const result: PortfolioResult = {
      id: p.config.id,
      initialCash: p.config.initial_cash,
      cash: sim.cash,
      // Both built on first read: many callers (sweeps, summaries, metric tables) never look at
      // a curve or at the trades one by one, and building 100 curves of 50k points was more
      // than the metrics cost. Enumerable, so spreading, JSON and structured clone see them as
      // the plain values of the event path.
      get equity(): EquityCurveData {
        return (equity ??= curveFrom(buildEquityCurve(marks, sim.ledger), activeFrom));
      },
      get trades(): Trade[] {
        return (trades ??= sim.trades());
      },
      rejectedOrders: sim.rejectedOrders,
      signalsReceived: sim.signalsReceived,
      fillsReceived: sim.fillsReceived,
    };
    return { result, metrics: metrics[i], periodsPerYear };
  });
  const loopMs = performance.now() - started;
  const fills = simulated.reduce((n, s) => n + s.fillsReceived, 0);
  return {
    runId: options.runId,
    portfolios,
    stats: {
      bars: schedule.length,
      publishedBars: 0,
      ticks: schedule.ticks,
      events: 0,
      signals: rows.signals,
      fills,
      loopMs,
      barsPerSecond: loopMs > 0 ? schedule.length / (loopMs / 1000) : 0,
    },
    errors: [],
    strategyCalls: {},
    features: [],
    trace: { seen: 0, retained: 0, completedTrades: 0 },
  };
}

/** One portfolio of batchReplayMetrics: its metrics and counters, without its curve. */
export interface PortfolioMetricsRow {
  readonly id: string;
  readonly metrics: Metrics;
  readonly periodsPerYear: number;
  readonly trades: number;
}

/**
 * The metrics of every portfolio of a replay, exactly those of runBatchReplay, for sweeps,
 * which want a row of metrics per combination and no curve.
 */
export function batchReplayMetrics(plan: Plan, series: readonly BarSeries[], inputs: ReplayInputs): PortfolioMetricsRow[] {
  const { activeFrom, simulated } = simulateAll(plan, series, inputs);
  const { periodsPerYear, metrics } = measureAll(plan, series, simulated, activeFrom);
  return plan.portfolios.map((p, i) => ({ id: p.config.id, metrics: metrics[i], periodsPerYear, trades: simulated[i].tradeColumns.count }));
}

/**
 * Batch signal replay: the outcome of a signal_replay run (the same RunOutcome portfolios as
 * runGraph on the replay graph, to the bit) without the bus. The stored rows are checked and
 * indexed once, each portfolio is simulated alone over typed arrays (simulate-portfolio.ts),
 * then the equity curves are built from the fill ledgers and the metrics computed exactly as
 * runGraph does.
 */
import { scheduleOf, type Schedule } from '../../clock/schedule.ts';
import type { PortfolioResult } from '../../containers/portfolio-container.ts';
import type { BarSeries } from '../../data/bar-series.ts';
import { buildEquityCurve, buildEquityCurves, curveScratch, tickMarksOf } from '../../portfolio/equity-curve.ts';
import type { Metrics } from '../../metrics/index.ts';
import type { ReplayInputs } from '../build.ts';
import type { Plan } from '../plan.ts';
import type { Trade } from '../../portfolio/trade.ts';
import { portfolioMetrics, portfolioOutcomesWithMetrics, runPeriodsPerYear } from '../portfolio-metrics.ts';
import type { RunOutcome } from '../run.ts';
import { BatchReplayInputError, UnsupportedBatchReplay } from './errors.ts';
import { indexReplayRows, type IndexedReplayRows } from './replay-rows.ts';
import { PortfolioSimulator, type SimulatedPortfolio } from './simulate-portfolio.ts';
import { timelineOf } from './timeline.ts';
import { curveFrom, firstTickFrom, windowActiveFrom } from '../window.ts';

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
    rows = indexReplayRows(inputs, series, timeline);
  } catch (error) {
    // Under on_handler_error: continue the event-driven replay logs such rows as ERROR events and goes on.
    if (error instanceof BatchReplayInputError && plan.config.engine.on_handler_error === 'continue') {
      throw new UnsupportedBatchReplay('on_handler_error: continue with stored rows that do not match the data', error.message);
    }
    throw error;
  }
  const activeFrom = windowActiveFrom(plan.config.data.window, series);
  const simulated = plan.portfolios.map((p) => new PortfolioSimulator(p.config, p.execution, series, timeline, rows, activeFrom).run());
  return { schedule, rows, activeFrom, simulated, started };
}

export function runBatchReplay(plan: Plan, series: readonly BarSeries[], inputs: ReplayInputs, options: BatchReplayOptions): RunOutcome {
  const { schedule, rows, activeFrom, simulated, started } = simulateAll(plan, series, inputs);
  const curves = buildEquityCurves(series, simulated.map((s) => s.ledger)).map((c) => curveFrom(c, activeFrom));
  const loopMs = performance.now() - started;

  const results: PortfolioResult[] = plan.portfolios.map((p, i) => {
    const sim = simulated[i];
    let trades: Trade[] | undefined;
    return {
      id: p.config.id,
      initialCash: p.config.initial_cash,
      cash: sim.cash,
      equity: curves[i],
      // Built on first read: the metrics read the columns, and many callers (sweeps, summaries)
      // never look at the trades one by one. Enumerable, so spreading, JSON and structured
      // clone see it as the plain array of the event path.
      get trades(): Trade[] {
        return (trades ??= sim.trades());
      },
      rejectedOrders: sim.rejectedOrders,
      signalsReceived: sim.signalsReceived,
      fillsReceived: sim.fillsReceived,
    };
  });
  const fills = simulated.reduce((n, s) => n + s.fillsReceived, 0);
  return {
    runId: options.runId,
    portfolios: portfolioOutcomesWithMetrics(plan, series, results, simulated.map((s) => s.tradeColumns)),
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
 * The metrics of every portfolio of a replay, exactly those of runBatchReplay, without keeping
 * any equity curve: each is built into one reused buffer, measured, and overwritten by the
 * next. For sweeps, which want a row of metrics per combination: a fresh 50k-point curve per
 * portfolio was most of the memory a chunk allocated and streamed through (and two threads
 * allocating fresh pages at once slow each other down several times on this kind of machine).
 */
export function batchReplayMetrics(plan: Plan, series: readonly BarSeries[], inputs: ReplayInputs): PortfolioMetricsRow[] {
  const { activeFrom, simulated } = simulateAll(plan, series, inputs);
  const marks = tickMarksOf(series);
  const scratch = curveScratch(marks.ts.length);
  const ppy = runPeriodsPerYear(plan, series, marks.ts.subarray(firstTickFrom(marks.ts, activeFrom)));
  return plan.portfolios.map((p, i) => {
    const curve = curveFrom(buildEquityCurve(marks, simulated[i].ledger, scratch), activeFrom);
    return { id: p.config.id, metrics: portfolioMetrics(plan, curve, simulated[i].tradeColumns, ppy), periodsPerYear: ppy, trades: simulated[i].tradeColumns.count };
  });
}

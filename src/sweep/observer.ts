/**
 * Objective observers: every portfolio of a run gets one, fed from that portfolio's own
 * events, which folds them into the portfolio's metrics and objective value without keeping
 * its equity curve or its trades (StreamingMetrics, O(1) memory in the length of the run).
 *
 * What an observer hears (attachObservers):
 * - POSITION_OPEN and POSITION_CLOSE on the root bus, keyed by the portfolio's id (the same
 *   routing-key filter that gives a portfolio only its own fills): each close is one trade
 *   (pnl from the event, returnPct and bars held from the close and its open). The portfolio
 *   builds these events only because someone subscribes. Open positions are remembered by
 *   id until they close, so that map is bounded by the positions open at once.
 * - its equity stream: the points of its equity curve, one per clock tick, produced after the
 *   bar loop from its fill ledger and the run's tick marks (visitEquity, the streaming twin of
 *   buildEquityCurve): no per-bar work in the loop, the same numbers as the curve to the bit;
 *   under data.window, from the tick of the window's start on, as the run's curves.
 *
 * Event memory is bounded by the engine's tracer (engine.trace.retention): use `none` (keeps
 * nothing) or `trade_complete` (keeps the chains of open positions) in sweeps; runWithObservers
 * refuses `all` unless told otherwise, since it keeps every event of every portfolio.
 */
import type { Metrics } from '../metrics/types.ts';
import { tickMarksOf } from '../portfolio/equity-curve.ts';
import { visitEquity } from '../portfolio/equity-stream.ts';
import type { Graph } from '../topology/build.ts';
import { runGraph, type RunOptions, type RunOutcome } from '../topology/run.ts';
import { runPeriodsPerYear } from '../topology/portfolio-metrics.ts';
import { firstTickFrom, windowActiveFrom } from '../topology/window.ts';
import { objectiveValue, type Objective } from './objective.ts';
import { StreamingMetrics, type StreamingMetricsOptions } from './streaming-metrics.ts';

/** One portfolio's streaming metrics plus the objective they are ranked by. */
export class ObjectiveObserver extends StreamingMetrics {
  constructor(readonly objective: Objective, options: StreamingMetricsOptions = {}) {
    super(options);
  }

  /** The objective of the metrics so far (higher is better; null when a metric it reads is null). */
  value(periodsPerYear?: number): number | null {
    return objectiveValue(this.result(periodsPerYear), this.objective);
  }
}

export interface ObservedPortfolio {
  readonly id: string;
  readonly metrics: Metrics;
  readonly objective: number | null;
}

export interface AttachedObservers {
  /** Per portfolio of the graph, in its order. */
  readonly observers: readonly ObjectiveObserver[];
  readonly periodsPerYear: number;
  /** After the run: streams each portfolio's equity into its observer and returns the results. */
  finish(): ObservedPortfolio[];
}

/**
 * Gives every portfolio of a built (not yet run) graph an observer. Call before runGraph, and
 * finish() after it. Computes the run's tick marks up front (they depend only on the data),
 * so the periods per year, and with them Sortino's per-period target, are known before the
 * first point arrives.
 */
export function attachObservers(graph: Graph, objective: Objective): AttachedObservers {
  if (graph.root.state !== 'created') throw new Error(`attachObservers: the graph must not have run yet (root is ${graph.root.state})`);
  const marks = tickMarksOf(graph.series);
  // With data.window the curves (and so the metrics) start at the close of start_bar: the
  // ticks before only warmed the indicators up (src/topology/window.ts, run.ts).
  const activeFrom = windowActiveFrom(graph.plan.config.data.window, graph.series);
  const first = firstTickFrom(marks.ts, activeFrom);
  // Periods per year as portfolioOutcomesWithMetrics derives them for the run's curves.
  const P = graph.portfolios.length > 0 ? runPeriodsPerYear(graph.plan, graph.series, marks.ts.subarray(first)) : 1;
  const rf = graph.plan.config.metrics.risk_free_rate;
  const bus = graph.root.bus;
  const observers = graph.portfolios.map((portfolio) => {
    const id = portfolio.config.id;
    const observer = new ObjectiveObserver(objective, { riskFreeRate: rf, periodsPerYear: P });
    const entryBar = new Map<number, number>();
    const subscriber = `observer.${id}`;
    bus.subscribe('POSITION_OPEN', (e) => entryBar.set(e.payload.positionId, e.payload.barIdx), { subscriber, filter: { key: id } });
    bus.subscribe('POSITION_CLOSE', (e) => {
      const { positionId, pnl, quantity, entryPrice, barIdx } = e.payload;
      const entry = entryBar.get(positionId);
      if (entry === undefined) throw new Error(`${subscriber}: position ${positionId} closed but was never seen opening`);
      entryBar.delete(positionId);
      // The portfolio's own Trade record computes returnPct and bars exactly this way.
      observer.onTrade({ pnl, returnPct: pnl / (Math.abs(quantity) * entryPrice), bars: barIdx - entry });
    }, { subscriber, filter: { key: id } });
    return observer;
  });
  let finished = false;
  return {
    observers,
    periodsPerYear: P,
    finish() {
      if (finished) throw new Error('attachObservers: finish() was already called');
      finished = true;
      return graph.portfolios.map((portfolio, i) => {
        const observer = observers[i];
        visitEquity(marks, portfolio.ledger, (tick, ts, equity, exposed) => {
          if (tick >= first) observer.onEquity(ts, equity, exposed);
        });
        const metrics = observer.result(P);
        return { id: portfolio.config.id, metrics, objective: objectiveValue(metrics, objective) };
      });
    },
  };
}

export interface ObservedRun {
  readonly outcome: RunOutcome;
  /** The streamed metrics and objective of every portfolio, in the graph's order. */
  readonly portfolios: readonly ObservedPortfolio[];
  readonly periodsPerYear: number;
}

export interface RunWithObserversOptions extends Partial<RunOptions> {
  /** Allow engine.trace.retention `all` (keeps every event: unbounded memory in a sweep). */
  readonly allowUnboundedTrace?: boolean;
}

/** Runs a built graph with an objective observer on every portfolio. */
export function runWithObservers(graph: Graph, objective: Objective, options: RunWithObserversOptions = {}): ObservedRun {
  if (graph.plan.config.engine.trace.retention === 'all' && !options.allowUnboundedTrace) {
    throw new Error(`runWithObservers: topology ${graph.plan.name} keeps every event (engine.trace.retention: all); use none or trade_complete (or pass allowUnboundedTrace)`);
  }
  const attached = attachObservers(graph, objective);
  const outcome = runGraph(graph, { ...options, runId: options.runId ?? 'observed' });
  return { outcome, portfolios: attached.finish(), periodsPerYear: attached.periodsPerYear };
}

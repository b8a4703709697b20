/**
 * Runs a built graph to completion: SYSTEM_START, every bar in clock order, SYSTEM_STOP,
 * then the metrics of each portfolio. Synchronous and deterministic: nothing waits on timers.
 */
import { curveFrom, windowActiveFrom } from './window.ts';
import { HandlerFailure } from '../core/bus.ts';
import { scheduleOf, type Schedule } from '../clock/schedule.ts';
import { buildEquityCurves } from '../portfolio/equity-curve.ts';
import { hasPriceExits } from '../portfolio/config.ts';
import type { Metrics } from '../metrics/index.ts';
import { portfolioOutcomesWithMetrics } from './portfolio-metrics.ts';
import type { PortfolioResult } from '../containers/portfolio-container.ts';
import type { Graph } from './build.ts';

export interface RunProgress {
  readonly done: number;
  readonly total: number;
}

export interface RunOptions {
  readonly runId: string;
  /** Called every `progressEvery` bars and at the end. */
  readonly onProgress?: (progress: RunProgress) => void;
  readonly progressEvery?: number;
  /**
   * Called after the last bar of each clock tick has been fully processed (fills, signals,
   * equity points recorded): where per-timestep results leave the synchronous loop.
   */
  readonly onTickEnd?: (ts: number, graph: Graph) => void;
}

export interface PortfolioOutcome {
  readonly result: PortfolioResult;
  readonly metrics: Metrics;
  readonly periodsPerYear: number;
}

export interface RunStats {
  readonly bars: number;
  /** Bars published on the bus (fewer than `bars` under a replay's sparse clock). */
  readonly publishedBars: number;
  readonly ticks: number;
  readonly events: number;
  readonly signals: number;
  readonly fills: number;
  /** Wall time of the bar loop plus the equity curves (data loading and metrics excluded). */
  readonly loopMs: number;
  readonly barsPerSecond: number;
}

export interface RunOutcome {
  readonly runId: string;
  readonly portfolios: readonly PortfolioOutcome[];
  readonly stats: RunStats;
  /** ERROR events seen (only non-empty under `on_handler_error: continue`). */
  readonly errors: readonly string[];
  readonly strategyCalls: Readonly<Record<string, number>>;
  readonly features: readonly string[];
  readonly trace: { readonly seen: number; readonly retained: number; readonly completedTrades: number };
}

/**
 * The sparse clock of a replay: which bars must be published. Replay knows when its stored
 * rows fall, so a bar is published only if something can happen on it: stored rows on its
 * tick, orders waiting for its open, or a stop watching its stream. Every other bar is only
 * marked (its close becomes the stream's price), which changes no result: the equivalence
 * tests prove it. Null (publish every bar) outside replay, with `replay_clock: full`, or when
 * a per-tick hook wants every tick.
 */
function sparseClock(graph: Graph, options: RunOptions): ((stream: number, ts: number, tickEnd: boolean) => boolean) | null {
  const { replay, execution, plan } = graph;
  if (!replay || !execution || plan.config.engine.replay_clock === 'full' || options.onTickEnd) return null;
  const stopWatchers = graph.portfolios.filter((p) => hasPriceExits(p.config.risk));
  return (stream, ts, tickEnd) => {
    if (tickEnd && replay.hasRowsAt(ts)) return true;
    if (execution.hasPending(stream)) return true;
    for (let k = 0; k < stopWatchers.length; k++) if (stopWatchers[k].watchesStream(stream)) return true;
    return false;
  };
}

export class RunError extends Error {
  override name = 'RunError';
}

/**
 * The run's loop: every bar of the schedule published in order (or skipped when nothing needs
 * it); returns the bars published. A function of its own so that V8 optimizes it whole: inside
 * runGraph the loop was compiled by on-stack replacement before the code after it had run, and
 * deoptimized on leaving it (once per run: nine recompilations of runGraph in a sweep's worker).
 */
function driveClock(graph: Graph, schedule: Schedule, options: RunOptions): number {
  const { context, data } = graph;
  const every = options.progressEvery ?? 50_000;
  const { onTickEnd } = options;
  const { streamIndex, barIdx, closeTime, tickEnd } = schedule;
  const needs = sparseClock(graph, options);
  let published = 0;
  for (let i = 0; i < schedule.length; i++) {
    context.now = closeTime[i];
    if (needs === null || needs(streamIndex[i], closeTime[i], tickEnd[i] === 1)) {
      data[streamIndex[i]].publishBar(barIdx[i], tickEnd[i] === 1);
      published++;
    } else {
      graph.execution!.skipBar(streamIndex[i], barIdx[i]);
    }
    if (tickEnd[i] === 1) {
      onTickEnd?.(closeTime[i], graph);
      context.tick++;
    }
    if (options.onProgress && (i + 1) % every === 0) options.onProgress({ done: i + 1, total: schedule.length });
  }
  return published;
}

export function runGraph(graph: Graph, options: RunOptions): RunOutcome {
  const { root, context, series, plan } = graph;
  const schedule = scheduleOf(series);
  let published = 0;
  root.initialize();
  root.start();
  context.now = schedule.length > 0 ? schedule.closeTime[0] : 0;
  const started = performance.now();
  try {
    root.publish(root.event('SYSTEM_START', { runId: options.runId, topology: plan.name }));
    published = driveClock(graph, schedule, options);
    context.tick = Math.max(0, schedule.ticks - 1);
    root.publish(root.event('SYSTEM_STOP', { reason: 'end_of_data' }));
  } catch (error) {
    if (error instanceof HandlerFailure) throw new RunError(`run ${options.runId} failed: ${error.message}`, { cause: error.cause });
    throw error;
  }
  // Equity curves are part of the portfolios' work: timed with the loop.
  const activeFrom = windowActiveFrom(plan.config.data.window, series);
  const curves = buildEquityCurves(series, graph.portfolios.map((p) => p.ledger)).map((c) => curveFrom(c, activeFrom));
  const loopMs = performance.now() - started;
  options.onProgress?.({ done: schedule.length, total: schedule.length });
  root.stop();

  const portfolios = portfolioOutcomesWithMetrics(plan, series, graph.portfolios.map((p, i) => p.result(curves[i])));
  const featureStats = graph.feature?.stats() ?? { signals: graph.replay?.signalCount ?? 0, strategyCalls: {}, features: [] };
  const outcome: RunOutcome = {
    runId: options.runId,
    portfolios,
    stats: {
      bars: schedule.length,
      publishedBars: published,
      ticks: schedule.ticks,
      events: context.ids.count,
      signals: featureStats.signals,
      fills: graph.execution?.fillCount ?? 0,
      loopMs,
      barsPerSecond: loopMs > 0 ? schedule.length / (loopMs / 1000) : 0,
    },
    errors: context.errors.map((e) => e.payload.message),
    strategyCalls: featureStats.strategyCalls,
    features: featureStats.features,
    trace: graph.tracer.stats(),
  };
  root.cleanup();
  return outcome;
}

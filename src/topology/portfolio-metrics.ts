/**
 * The metrics step of a run, shared by every engine that produces portfolio results (the
 * event-driven runGraph and the batch replay): one periods-per-year figure for the run
 * (every portfolio's curve has one point per tick), then each portfolio's metrics from its
 * equity curve and trades.
 */
import type { PortfolioResult } from '../containers/portfolio-container.ts';
import type { BarSeries } from '../data/bar-series.ts';
import { computeMetrics, periodsPerYear, type EquityCurve, type Metrics, type MetricsOptions } from '../metrics/index.ts';
import type { TradesInput } from '../metrics/compute.ts';
import type { Plan } from './plan.ts';
import type { PortfolioOutcome } from './run.ts';

/** The periods per year of a run whose curves have these tick times: from the config, else from the shortest timeframe and the ticks. */
export function runPeriodsPerYear(plan: Plan, series: readonly BarSeries[], curveTs: Float64Array): number {
  if (plan.config.metrics.periods_per_year !== undefined) return plan.config.metrics.periods_per_year;
  const minTimeframe = Math.min(...series.map((s) => s.timeframeMs));
  return periodsPerYear(minTimeframe, curveTs, plan.config.data.timezone);
}

/** The metrics options of a run of this plan: the same whichever engine computes them. */
export function metricsOptions(plan: Plan, periodsPerYear: number): MetricsOptions {
  return { periodsPerYear, riskFreeRate: plan.config.metrics.risk_free_rate };
}

/** One portfolio's metrics in a run of this plan, from its curve. */
export function portfolioMetrics(plan: Plan, curve: EquityCurve, trades: TradesInput, periodsPerYear: number): Metrics {
  return computeMetrics(curve, trades, metricsOptions(plan, periodsPerYear));
}

/** The event-driven run's portfolio outcomes: each portfolio's metrics from its curve and trades. */
export function portfolioOutcomesWithMetrics(plan: Plan, series: readonly BarSeries[], results: readonly PortfolioResult[]): PortfolioOutcome[] {
  const ppy = results.length > 0 ? runPeriodsPerYear(plan, series, results[0].equity.ts) : (plan.config.metrics.periods_per_year ?? 0);
  return results.map((result) => ({ result, metrics: portfolioMetrics(plan, result.equity, result.trades, ppy), periodsPerYear: ppy }));
}

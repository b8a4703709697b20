/**
 * The objective of a sweep or a workflow: one number per portfolio, higher is better, used to
 * rank parameter combinations. Either one metric of the `Metrics` record (docs/metrics.md), or
 * a weighted sum of metrics.
 *
 * Sign convention: the objective is always maximised and metrics enter it as they are, never
 * negated behind the user's back.
 * - `max_drawdown` is a fraction <= 0 (-0.25 = a 25 % fall), so "higher" already means a smaller
 *   drawdown: `objective: max_drawdown` prefers the shallowest drawdown, and a POSITIVE weight
 *   rewards smaller drawdowns (`{ weights: { sharpe: 1, max_drawdown: 2 } }` = Sharpe minus
 *   twice the drawdown depth). The same holds for `avg_loss` and `worst_trade` (negative numbers).
 * - Metrics where lower is better (`annual_volatility`, `max_drawdown_duration_periods`,
 *   `max_drawdown_duration_ms`) are refused as a bare objective, since maximising them is almost
 *   certainly a mistake; weight them negatively instead: `{ weights: { annual_volatility: -1 } }`.
 * - A metric that is null for a portfolio (e.g. Sharpe of a flat curve, profit factor without a
 *   losing trade) makes the objective null: such a portfolio cannot be ranked and comes last.
 *   A weight of 0 does not read its metric, so it never makes the objective null.
 */
import { z } from 'zod';
import { MetricsSchema, type Metrics } from '../metrics/types.ts';

export const ObjectiveMetricSchema = MetricsSchema.keyof();
export type ObjectiveMetric = z.infer<typeof ObjectiveMetricSchema>;

/** Metrics for which a larger value is worse: allowed only with an explicit (negative) weight. */
export const LOWER_IS_BETTER: readonly ObjectiveMetric[] = ['annual_volatility', 'max_drawdown_duration_periods', 'max_drawdown_duration_ms'];

const BareMetricSchema = ObjectiveMetricSchema.refine((name) => !LOWER_IS_BETTER.includes(name), {
  error: (issue) => `${String(issue.input)} is better when lower and objectives are maximised: write { weights: { ${String(issue.input)}: -1 } }`,
});

const WeightsSchema = z
  .partialRecord(ObjectiveMetricSchema, z.number())
  .refine((w) => Object.keys(w).length > 0, 'give at least one metric weight')
  .refine((w) => Object.values(w).some((v) => v !== 0), 'at least one weight must be non-zero');

export const ObjectiveSchema = z.union([BareMetricSchema, z.strictObject({ weights: WeightsSchema })]);
export type Objective = z.infer<typeof ObjectiveSchema>;

/** The metrics an objective reads (those with a non-zero weight), in a stable order. */
export function objectiveMetrics(objective: Objective): ObjectiveMetric[] {
  if (typeof objective === 'string') return [objective];
  return (Object.keys(objective.weights) as ObjectiveMetric[]).filter((k) => objective.weights[k] !== 0).sort();
}

/**
 * The objective's value for one portfolio's metrics: higher is better; null when a metric it
 * reads is null (or the weighted sum is not finite).
 */
export function objectiveValue(metrics: Metrics, objective: Objective): number | null {
  if (typeof objective === 'string') return metrics[objective];
  let sum = 0;
  for (const key of objectiveMetrics(objective)) {
    const value = metrics[key];
    if (value === null) return null;
    sum += objective.weights[key]! * value;
  }
  return Number.isFinite(sum) ? sum : null;
}

/** A short human label: `sharpe`, `1*sharpe + 2*max_drawdown`. */
export function describeObjective(objective: Objective): string {
  if (typeof objective === 'string') return objective;
  return objectiveMetrics(objective).map((k) => `${objective.weights[k]}*${k}`).join(' + ');
}

/**
 * Orders by objective, best first; null objectives last; ties (and nulls among themselves)
 * by `tieBreak` ascending, so a ranking never depends on the order results arrived in.
 */
export function compareObjective(a: number | null, b: number | null, tieA: number, tieB: number): number {
  if (a !== b) {
    if (a === null) return 1;
    if (b === null) return -1;
    return b - a;
  }
  return tieA - tieB;
}

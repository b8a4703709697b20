/**
 * What flows between phases: scored combinations ("rows"), each self-contained (its strategy
 * instances and its portfolio, so a later phase can run it again on other bars or with other
 * settings), ranked by the workflow's objective; validated rows carry their in-sample and
 * out-of-sample figures side by side.
 */
import type { Metrics } from '../metrics/types.ts';
import type { PortfolioConfig } from '../portfolio/config.ts';
import type { TopologyConfig } from '../topology/schema.ts';
import { compareObjective } from '../sweep/objective.ts';
import type { BarRange, WalkForwardWindow } from './windows.ts';

export type ParamValue = number | string | boolean | null;
export type StrategySpec = TopologyConfig['strategies'][number];

/** A Metrics record, or the per-field means of several (walk-forward): same fields, any number or null. */
export type MetricFigures = { readonly [K in keyof Metrics]: number | null };

export interface Scored {
  readonly metrics: MetricFigures;
  /** Higher is better; null when a metric the objective reads is null. */
  readonly objective: number | null;
}

/** Everything needed to run one combination again: its strategy instances and its portfolio. */
export interface CandidateSpec {
  readonly strategies: readonly StrategySpec[];
  readonly portfolio: PortfolioConfig;
}

export interface CandidateRow extends Scored {
  /** Stable name through the phases: the expanded portfolio id (`trend.12`), plus `/<k>` per replay variant. */
  readonly key: string;
  /** The row it was derived from (a replay variant's selected combination), or null. */
  readonly parent: string | null;
  /** Swept values by name (`sma.fast_period`, `trend.risk.stop_loss_pct`, a variant's `risk.stop_loss_pct`). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly spec: CandidateSpec;
  /** 1 = best in its set; ties by position; rows without an objective last. */
  readonly rank: number;
}

/** The topology every row of a set runs on (data, classifiers, execution, engine, metrics, sweep settings). */
export interface TopologyBase {
  /** The generate phase's expanded config; its strategies and portfolios are not used. */
  readonly config: TopologyConfig;
  /** Relative data paths of `config` resolve against this folder. */
  readonly baseDir: string;
  /** Bars of the first stream, the index space of every window. */
  readonly bars: number;
}

export interface RowSet {
  readonly kind: 'rows';
  readonly phase: string;
  readonly base: TopologyBase;
  /** The bars the rows were scored on (in-sample). */
  readonly window: BarRange;
  /** Parameter names, in column order. */
  readonly parameters: readonly string[];
  readonly rows: readonly CandidateRow[];
}

export interface WindowFigures {
  readonly index: number;
  readonly train: BarRange;
  readonly test: BarRange;
  readonly partial: boolean;
  readonly in_sample: Scored;
  readonly out_of_sample: Scored;
}

/** A validated row: its own metrics/objective are the out-of-sample ones. */
export interface ValidatedRow extends CandidateRow {
  readonly in_sample: Scored;
  /** Walk-forward: the figures of each window (the row's figures are their means); null for one window. */
  readonly windows: readonly WindowFigures[] | null;
}

export interface ValidatedSet {
  readonly kind: 'validated';
  readonly phase: string;
  readonly base: TopologyBase;
  /** Where the in-sample figures come from: the input rows' window, or `walk_forward` (each window's train part). */
  readonly inSample: BarRange | 'walk_forward';
  readonly outOfSample: BarRange | { readonly walk_forward: readonly WalkForwardWindow[] };
  readonly parameters: readonly string[];
  readonly rows: readonly ValidatedRow[];
}

/** Ranks rows in place order: by objective, best first; ties and nulls by position. */
export function withRank<T extends Omit<CandidateRow, 'rank'>>(rows: readonly T[]): (T & { rank: number })[] {
  const order = rows.map((r, i) => ({ r, i })).sort((a, b) => compareObjective(a.r.objective, b.r.objective, a.i, b.i));
  const rank = new Array<number>(rows.length);
  order.forEach(({ i }, k) => (rank[i] = k + 1));
  return rows.map((r, i) => ({ ...r, rank: rank[i] }));
}

const mean = (values: readonly (number | null)[]): number | null => {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null) continue;
    sum += v;
    n++;
  }
  return n === 0 ? null : sum / n;
};

/** Per-field means over several figures, nulls left out (null if all are null). */
export function meanFigures(list: readonly Scored[]): Scored {
  if (list.length === 0) throw new Error('meanFigures: nothing to average');
  const keys = Object.keys(list[0].metrics) as (keyof Metrics)[];
  const metrics = Object.fromEntries(keys.map((k) => [k, mean(list.map((s) => s.metrics[k]))])) as unknown as MetricFigures;
  return { metrics, objective: mean(list.map((s) => s.objective)) };
}

/** A row without its spec (for tables and compact JSON). */
export function rowSummary(row: CandidateRow): Omit<CandidateRow, 'spec'> {
  const { spec: _spec, ...rest } = row;
  return rest;
}

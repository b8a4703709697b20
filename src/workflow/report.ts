/**
 * The report phase's product: per validated combination, its in-sample and out-of-sample
 * objective and chosen metrics side by side, plus a summary of how the in-sample ranking held
 * up out of sample (means, the share of combinations whose objective kept its sign, and the
 * Spearman rank correlation between in-sample and out-of-sample objectives). Written as JSON;
 * `reportTable` prints it.
 */
import type { Metrics } from '../metrics/types.ts';
import { describeObjective, type Objective } from '../sweep/objective.ts';
import type { MetricFigures, ParamValue, Scored, ValidatedSet } from './rows.ts';
import { formatRange, type BarRange } from './windows.ts';

export interface ReportFigures {
  readonly objective: number | null;
  readonly metrics: Readonly<Record<string, number | null>>;
}

export interface ReportRow {
  readonly key: string;
  readonly parent: string | null;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Rank by the in-sample and by the out-of-sample objective, within this report. */
  readonly in_sample_rank: number;
  readonly out_of_sample_rank: number;
  readonly in_sample: ReportFigures;
  readonly out_of_sample: ReportFigures;
  /** Walk-forward: each window's figures. */
  readonly windows: readonly { readonly index: number; readonly train: BarRange; readonly test: BarRange; readonly in_sample: ReportFigures; readonly out_of_sample: ReportFigures }[] | null;
}

export interface WorkflowReport {
  readonly kind: 'report';
  readonly phase: string;
  readonly workflow: string;
  readonly objective: string;
  readonly in_sample: string;
  readonly out_of_sample: string;
  readonly metrics: readonly (keyof Metrics)[];
  readonly parameters: readonly string[];
  readonly rows: readonly ReportRow[];
  readonly summary: {
    readonly combinations: number;
    readonly in_sample_objective_mean: number | null;
    readonly out_of_sample_objective_mean: number | null;
    /** Share of combinations whose out-of-sample objective has the in-sample one's sign (both non-null). */
    readonly sign_kept: number | null;
    /** Spearman correlation of in-sample and out-of-sample objectives (null with fewer than 3 pairs or no spread). */
    readonly rank_correlation: number | null;
  };
}

const pick = (s: Scored, metrics: readonly (keyof Metrics)[]): ReportFigures => ({
  objective: s.objective,
  metrics: Object.fromEntries(metrics.map((m) => [m, (s.metrics as MetricFigures)[m]])),
});

function ranks(values: readonly (number | null)[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => (a.v === b.v ? a.i - b.i : a.v === null ? 1 : b.v === null ? -1 : b.v - a.v));
  const out = new Array<number>(values.length);
  order.forEach(({ i }, k) => (out[i] = k + 1));
  return out;
}

/** Spearman's rho with average ranks for ties, over the pairs where both are non-null. */
export function spearman(a: readonly (number | null)[], b: readonly (number | null)[]): number | null {
  const pairs = a.map((x, i) => [x, b[i]] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
  if (pairs.length < 3) return null;
  const avgRanks = (xs: readonly number[]) => {
    const sorted = xs.map((x, i) => ({ x, i })).sort((p, q) => p.x - q.x);
    const r = new Array<number>(xs.length);
    for (let k = 0; k < sorted.length; ) {
      let j = k;
      while (j + 1 < sorted.length && sorted[j + 1].x === sorted[k].x) j++;
      for (let t = k; t <= j; t++) r[sorted[t].i] = (k + j) / 2 + 1;
      k = j + 1;
    }
    return r;
  };
  const ra = avgRanks(pairs.map((p) => p[0]));
  const rb = avgRanks(pairs.map((p) => p[1]));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return da === 0 || db === 0 ? null : num / Math.sqrt(da * db);
}

const meanOf = (xs: readonly (number | null)[]): number | null => {
  const present = xs.filter((x): x is number => x !== null);
  return present.length === 0 ? null : present.reduce((s, x) => s + x, 0) / present.length;
};

export function buildReport(set: ValidatedSet, options: { phase: string; workflow: string; objective: Objective; metrics: readonly (keyof Metrics)[] }): WorkflowReport {
  const { rows } = set;
  const isObjective = rows.map((r) => r.in_sample.objective);
  const oosObjective = rows.map((r) => r.objective);
  const isRanks = ranks(isObjective);
  const oosRanks = ranks(oosObjective);
  const both = rows.filter((r) => r.in_sample.objective !== null && r.objective !== null);
  const reportRows: ReportRow[] = rows.map((r, i) => ({
    key: r.key,
    parent: r.parent,
    params: r.params,
    in_sample_rank: isRanks[i],
    out_of_sample_rank: oosRanks[i],
    in_sample: pick(r.in_sample, options.metrics),
    out_of_sample: pick(r, options.metrics),
    windows: r.windows?.map((w) => ({ index: w.index, train: w.train, test: w.test, in_sample: pick(w.in_sample, options.metrics), out_of_sample: pick(w.out_of_sample, options.metrics) })) ?? null,
  }));
  reportRows.sort((a, b) => a.in_sample_rank - b.in_sample_rank);
  const oos = set.outOfSample;
  return {
    kind: 'report',
    phase: options.phase,
    workflow: options.workflow,
    objective: describeObjective(options.objective),
    in_sample: set.inSample === 'walk_forward' ? 'walk-forward train parts (means over windows)' : `bars ${formatRange(set.inSample)}`,
    out_of_sample: 'walk_forward' in oos ? `walk-forward test parts, ${oos.walk_forward.length} windows (means over windows)` : `bars ${formatRange(oos)}`,
    metrics: options.metrics,
    // Only the parameters these combinations have (a grid of several strategy families has others).
    parameters: set.parameters.filter((p) => rows.some((r) => r.params[p] !== undefined && r.params[p] !== null)),
    rows: reportRows,
    summary: {
      combinations: rows.length,
      in_sample_objective_mean: meanOf(isObjective),
      out_of_sample_objective_mean: meanOf(oosObjective),
      sign_kept: both.length === 0 ? null : both.filter((r) => Math.sign(r.in_sample.objective!) === Math.sign(r.objective!)).length / both.length,
      rank_correlation: spearman(isObjective, oosObjective),
    },
  };
}

const PERCENT = new Set<string>(['total_return', 'max_drawdown', 'cagr', 'annual_return', 'annual_volatility', 'win_rate', 'exposure']);
const COUNT = new Set<string>(['trades', 'periods', 'max_drawdown_duration_periods']);

function formatValue(metric: string, value: number | null): string {
  if (value === null) return '-';
  if (PERCENT.has(metric)) return `${(value * 100).toFixed(2)}%`;
  if (COUNT.has(metric)) return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return value.toFixed(3);
}

/** The report as a plain-text table: one line per combination, in-sample | out-of-sample for each figure. */
export function reportTable(report: WorkflowReport): string {
  const figures = ['objective', ...report.metrics];
  const header = ['IS rank', 'OOS rank', 'combination', ...report.parameters, ...figures.flatMap((f) => [`IS ${f}`, `OOS ${f}`])];
  const body = report.rows.map((r) => [
    String(r.in_sample_rank),
    String(r.out_of_sample_rank),
    r.key,
    ...report.parameters.map((p) => (r.params[p] === undefined || r.params[p] === null ? '-' : String(r.params[p]))),
    ...figures.flatMap((f) => f === 'objective'
      ? [formatValue(f, r.in_sample.objective), formatValue(f, r.out_of_sample.objective)]
      : [formatValue(f, r.in_sample.metrics[f]), formatValue(f, r.out_of_sample.metrics[f])]),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  const s = report.summary;
  const fmt = (x: number | null, digits = 3) => (x === null ? '-' : x.toFixed(digits));
  return [
    `${report.workflow} / ${report.phase}: objective ${report.objective}`,
    `in-sample: ${report.in_sample}; out-of-sample: ${report.out_of_sample}`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    `mean objective: in-sample ${fmt(s.in_sample_objective_mean)}, out-of-sample ${fmt(s.out_of_sample_objective_mean)}; ` +
      `sign kept ${s.sign_kept === null ? '-' : `${(s.sign_kept * 100).toFixed(0)}%`}; IS/OOS rank correlation ${fmt(s.rank_correlation, 2)}`,
  ].join('\n');
}

/**
 * The sweep heatmap: an objective (one metric) over two parameters. Backtests that land in the
 * same cell (they differ in other params or in the exit rule) are combined by `agg`; each cell
 * remembers the backtest with the best value (highest, or lowest under `min`) so the page can
 * link to it.
 */
export type ParamValue = number | string | boolean;

export interface HeatmapInput {
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly value: number | null;
}

export interface Heatmap {
  readonly x: string;
  readonly y: string;
  readonly xs: readonly ParamValue[];
  readonly ys: readonly ParamValue[];
  /** values[yi][xi]; null where no backtest (or only null metrics) fell. */
  readonly values: readonly (readonly (number | null)[])[];
  readonly ids: readonly (readonly (string | null)[])[];
  readonly counts: readonly (readonly number[])[];
  /** Backtests without both params. */
  readonly skipped: number;
  readonly min: number | null;
  readonly max: number | null;
}

function isParamValue(v: unknown): v is ParamValue {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
}

function compareValues(a: ParamValue, b: ParamValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function key(v: ParamValue): string {
  return `${typeof v}:${String(v)}`;
}

export function buildHeatmap(rows: readonly HeatmapInput[], x: string, y: string, agg: 'max' | 'min' | 'mean'): Heatmap {
  const xsMap = new Map<string, ParamValue>();
  const ysMap = new Map<string, ParamValue>();
  const usable: { row: HeatmapInput; xv: ParamValue; yv: ParamValue }[] = [];
  let skipped = 0;
  for (const row of rows) {
    const xv = row.params[x];
    const yv = row.params[y];
    if (!isParamValue(xv) || !isParamValue(yv)) {
      skipped++;
      continue;
    }
    xsMap.set(key(xv), xv);
    ysMap.set(key(yv), yv);
    usable.push({ row, xv, yv });
  }
  const xs = [...xsMap.values()].sort(compareValues);
  const ys = [...ysMap.values()].sort(compareValues);
  const xi = new Map(xs.map((v, i) => [key(v), i]));
  const yi = new Map(ys.map((v, i) => [key(v), i]));
  const sums = ys.map(() => xs.map(() => 0));
  const counts = ys.map(() => xs.map(() => 0));
  const best: (number | null)[][] = ys.map(() => xs.map(() => null));
  const ids: (string | null)[][] = ys.map(() => xs.map(() => null));
  for (const { row, xv, yv } of usable) {
    const c = xi.get(key(xv))!;
    const r = yi.get(key(yv))!;
    const value = row.value;
    if (value === null || !Number.isFinite(value)) {
      ids[r][c] ??= row.id;
      continue;
    }
    sums[r][c] += value;
    counts[r][c]++;
    const current = best[r][c];
    const better = current === null || (agg === 'min' ? value < current : value > current);
    if (better) {
      best[r][c] = value;
      ids[r][c] = row.id;
    }
  }
  const values = ys.map((_, r) => xs.map((_, c) => (counts[r][c] === 0 ? null : agg === 'mean' ? sums[r][c] / counts[r][c] : best[r][c])));
  let min: number | null = null;
  let max: number | null = null;
  for (const row of values) {
    for (const v of row) {
      if (v === null) continue;
      if (min === null || v < min) min = v;
      if (max === null || v > max) max = v;
    }
  }
  return { x, y, xs, ys, values, ids, counts, skipped, min, max };
}

/** Parameter names usable as heatmap axes: present in at least one backtest with a plain value, sorted. */
export function sweepParamNames(rows: readonly { readonly params: Readonly<Record<string, unknown>> }[]): string[] {
  return [...distinctValues(rows).keys()].sort();
}

/** The parameters that take more than one value across the rows (what a sweep varied), sorted. */
export function variedParamNames(rows: readonly { readonly params: Readonly<Record<string, unknown>> }[]): string[] {
  return [...distinctValues(rows)].filter(([, values]) => values.size > 1).map(([name]) => name).sort();
}

function distinctValues(rows: readonly { readonly params: Readonly<Record<string, unknown>> }[]): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const [name, v] of Object.entries(row.params)) {
      if (!isParamValue(v)) continue;
      let values = names.get(name);
      if (!values) names.set(name, (values = new Set()));
      values.add(key(v));
    }
  }
  return names;
}

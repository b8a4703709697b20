/**
 * The best combinations of a sweep as a plain-text table: one row per combination (rank, grid
 * index, every swept parameter, the objective, a few headline metrics).
 */
import type { Metrics } from '../metrics/index.ts';
import type { ParamValue, SweepRow } from './results.ts';

type Format = 'pct' | 'num' | 'int';

const METRICS: ReadonlyArray<readonly [keyof Metrics, string, Format]> = [
  ['total_return', 'total return', 'pct'],
  ['sharpe', 'Sharpe', 'num'],
  ['max_drawdown', 'max DD', 'pct'],
  ['trades', 'trades', 'int'],
  ['win_rate', 'win rate', 'pct'],
];

function formatNumber(value: number | null, kind: Format): string {
  if (value === null) return '-';
  if (kind === 'pct') return `${(value * 100).toFixed(2)}%`;
  if (kind === 'int') return Math.round(value).toLocaleString('en-US');
  return value.toFixed(3);
}

const formatParam = (v: ParamValue | undefined): string => (v === null || v === undefined ? '-' : String(v));

export function bestTable(rows: readonly SweepRow[], parameters: readonly string[], objectiveLabel: string): string {
  const header = ['rank', 'index', ...parameters, objectiveLabel, ...METRICS.map(([, label]) => label)];
  const body = rows.map((r) => [
    String(r.rank),
    String(r.index),
    ...parameters.map((p) => formatParam(r.params[p])),
    r.objective === null ? '-' : r.objective.toFixed(4),
    ...METRICS.map(([key, , kind]) => formatNumber(r.metrics[key] as number | null, kind)),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

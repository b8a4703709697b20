/**
 * Validated filters and sort as one parameterised SQL statement over the backtests table.
 * Every value is a bound parameter; column names come from fixed maps, never from input.
 */
import { canonicalJson } from '../../core/canonical-json.ts';
import type { BacktestFiltersSchema, MetricName, SortField, SortSchema } from './schema.ts';
import type { z } from 'zod';

const SORT_COLUMNS: Record<SortField, string> = {
  win_rate: 'win_rate',
  num_trades: 'num_trades',
  total_return: 'total_return',
  cagr: 'cagr',
  sharpe: 'sharpe',
  sortino: 'sortino',
  max_drawdown: 'max_drawdown',
  expectancy: 'expectancy',
  profit_factor: 'profit_factor',
  exposure: 'exposure',
  createdAt: 'created_at_ms',
  start: 'start_ms',
  end: 'end_ms',
  symbol: 'symbol',
  strategy: 'strategy',
  timeframe: 'timeframe',
};

export interface BuiltQuery {
  readonly sql: string;
  readonly values: (string | number | boolean)[];
}

export function buildQuery(
  f: z.output<typeof BacktestFiltersSchema>,
  sort: z.output<typeof SortSchema> | undefined,
  limit: number | undefined,
  offset: number | undefined,
  count = false,
): BuiltQuery {
  const where: string[] = [];
  const values: (string | number | boolean)[] = [];
  const bind = (v: string | number | boolean) => {
    values.push(v);
    return `$${values.length}`;
  };
  if (f.symbol !== undefined) where.push(`list_contains(symbols, ${bind(f.symbol)})`);
  if (f.strategy !== undefined) where.push(`strategy = ${bind(f.strategy)}`);
  if (f.timeframe !== undefined) where.push(`timeframe = ${bind(f.timeframe)}`);
  if (f.exitRuleType !== undefined) where.push(`exit_rule_type = ${bind(f.exitRuleType)}`);
  if (f.sweepId !== undefined) where.push(`sweep_id = ${bind(f.sweepId)}`);
  if (f.source !== undefined) where.push(`source = ${bind(f.source)}`);
  if (f.paramHash !== undefined) where.push(`param_hash = ${bind(f.paramHash)}`);
  for (const [key, value] of Object.entries(f.params ?? {})) {
    // Compared as canonical JSON text: type-sensitive (10 is not "10"), exact for numbers.
    where.push(`id IN (SELECT backtest_id FROM backtest_params WHERE key = ${bind(key)} AND value = ${bind(canonicalJson(value))})`);
  }
  for (const [name, range] of Object.entries(f.metrics ?? {}) as [MetricName, { min?: number; max?: number } | undefined][]) {
    if (!range) continue;
    const column = SORT_COLUMNS[name];
    if (range.min !== undefined) where.push(`${column} >= ${bind(range.min)}`);
    if (range.max !== undefined) where.push(`${column} <= ${bind(range.max)}`);
    if (range.min === undefined && range.max === undefined) where.push(`${column} IS NOT NULL`);
  }
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  if (count) return { sql: `SELECT count(*) FROM backtests${filter}`, values };
  const order = sort
    ? `${SORT_COLUMNS[sort.by]} ${sort.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, seq DESC`
    : 'seq DESC';
  let sql = `SELECT id FROM backtests${filter} ORDER BY ${order}`;
  // Validated non-negative integers (LIMIT takes no bound DOUBLE).
  if (limit !== undefined) sql += ` LIMIT ${Math.trunc(limit)}`;
  if (offset !== undefined) sql += ` OFFSET ${Math.trunc(offset)}`;
  return { sql, values };
}

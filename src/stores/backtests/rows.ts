/**
 * A backtest between its three shapes: the validated input, the database row (appended in
 * column order), and the summary handed to callers (with its file ranges, the index entry).
 */
import { LIST, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { FileRange } from './files.ts';
import { exitRuleHashOf, normalizeExitRule, paramHashOf } from './hash.ts';
import type { BacktestSummary, ExitRule, JsonValue, ParsedBacktest } from './schema.ts';

export interface Entry {
  readonly summary: BacktestSummary;
  readonly seq: number;
  readonly equity: FileRange;
  readonly trades: FileRange;
}

/** The key of `get`: joined symbols, strategy, param hash, exit rule hash. */
export function lookupKey(symbol: string, strategy: string, paramHash: string, exitRuleHash: string): string {
  return `${symbol}\u0000${strategy}\u0000${paramHash}\u0000${exitRuleHash}`;
}

export function keyOf(s: BacktestSummary): string {
  return lookupKey(s.symbol, s.strategy, s.paramHash, s.exitRuleHash);
}

/** The key of `get` without an exit rule. */
export function paramsKey(symbol: string, strategy: string, paramHash: string): string {
  return `${symbol}\u0000${strategy}\u0000${paramHash}`;
}

export function paramsKeyOf(s: BacktestSummary): string {
  return paramsKey(s.symbol, s.strategy, s.paramHash);
}

/** The summary of a validated input, before it has an id and a creation time. */
export function summaryOf(b: ParsedBacktest, id: string, createdAt: number): BacktestSummary {
  const exitRule = normalizeExitRule(b.exitRule);
  return {
    id,
    symbols: [...b.symbols],
    symbol: b.symbols.join(','),
    timeframe: b.timeframe,
    strategy: b.strategy,
    params: b.params,
    paramHash: paramHashOf(b.params),
    exitRule,
    exitRuleHash: exitRuleHashOf(exitRule),
    start: b.start,
    end: b.end,
    createdAt,
    runManifest: b.runManifest,
    source: b.source,
    sweepId: b.sweepId,
    ...b.metrics,
    equityPoints: b.equity.ts.length,
    tradeCount: b.trades.length,
  };
}

const METRIC_COLUMNS = ['win_rate', 'num_trades', 'total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'expectancy', 'profit_factor', 'exposure'] as const;

function appendText(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

/** Appends one row to `backtests`, in the column order of SCHEMA_SQL. */
export function appendBacktest(a: DuckDBAppender, e: Entry): void {
  const s = e.summary;
  a.appendVarchar(s.id);
  a.appendBigInt(BigInt(e.seq));
  a.appendVarchar(s.symbol);
  a.appendList(s.symbols, LIST(VARCHAR));
  a.appendVarchar(s.timeframe);
  a.appendVarchar(s.strategy);
  a.appendVarchar(canonicalJson(s.params));
  a.appendVarchar(s.paramHash);
  a.appendVarchar(canonicalJson(s.exitRule));
  a.appendVarchar(s.exitRule.type);
  a.appendVarchar(s.exitRuleHash);
  a.appendBigInt(BigInt(s.start));
  a.appendBigInt(BigInt(s.end));
  a.appendBigInt(BigInt(s.createdAt));
  appendText(a, s.runManifest);
  a.appendVarchar(s.source);
  appendText(a, s.sweepId);
  for (const m of METRIC_COLUMNS) {
    const v = s[m];
    if (v === null) a.appendNull();
    else if (m === 'num_trades') a.appendBigInt(BigInt(v));
    else a.appendDouble(v);
  }
  appendText(a, e.equity.file);
  a.appendBigInt(BigInt(e.equity.row));
  a.appendInteger(e.equity.rows);
  appendText(a, e.trades.file);
  a.appendBigInt(BigInt(e.trades.row));
  a.appendInteger(e.trades.rows);
  a.endRow();
}

/** Appends the top-level params of a backtest to `backtest_params` (value: canonical JSON). */
export function appendParams(a: DuckDBAppender, s: BacktestSummary): void {
  for (const [key, value] of Object.entries(s.params)) {
    a.appendVarchar(s.id);
    a.appendVarchar(key);
    a.appendVarchar(canonicalJson(value));
    a.endRow();
  }
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

/** An index entry from a `SELECT * FROM backtests` row (getRowObjectsJS). */
export function entryFromRow(r: Record<string, unknown>): Entry {
  const metrics = Object.fromEntries(METRIC_COLUMNS.map((m) => [m, numOrNull(r[m])])) as Pick<BacktestSummary, (typeof METRIC_COLUMNS)[number]>;
  const summary: BacktestSummary = {
    id: r.id as string,
    symbols: [...(r.symbols as string[])],
    symbol: r.symbol as string,
    timeframe: r.timeframe as string,
    strategy: r.strategy as string,
    params: JSON.parse(r.params as string) as Record<string, JsonValue>,
    paramHash: r.param_hash as string,
    exitRule: normalizeExitRule(JSON.parse(r.exit_rule as string) as ExitRule),
    exitRuleHash: r.exit_rule_hash as string,
    start: num(r.start_ms),
    end: num(r.end_ms),
    createdAt: num(r.created_at_ms),
    runManifest: (r.run_manifest as string | null) ?? null,
    source: r.source as string,
    sweepId: (r.sweep_id as string | null) ?? null,
    ...metrics,
    equityPoints: num(r.equity_rows),
    tradeCount: num(r.trades_rows),
  };
  return {
    summary,
    seq: num(r.seq),
    equity: { file: (r.equity_file as string | null) ?? null, row: num(r.equity_row), rows: num(r.equity_rows) },
    trades: { file: (r.trades_file as string | null) ?? null, row: num(r.trades_row), rows: num(r.trades_rows) },
  };
}

/** Summaries are handed out as copies: a caller mutating one cannot change the index. */
export function copySummary(s: BacktestSummary): BacktestSummary {
  return { ...s, symbols: [...s.symbols], params: structuredClone(s.params), exitRule: { ...s.exitRule } };
}

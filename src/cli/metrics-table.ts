/** Renders the metrics of every portfolio as a plain-text table (one column per portfolio). */
import type { Metrics } from '../metrics/index.ts';

type Format = 'pct' | 'num' | 'int' | 'money' | 'ms';

const ROWS: ReadonlyArray<readonly [keyof Metrics, string, Format]> = [
  ['initial_equity', 'initial equity', 'money'],
  ['final_equity', 'final equity', 'money'],
  ['total_return', 'total return', 'pct'],
  ['cagr', 'CAGR', 'pct'],
  ['annual_return', 'annual return (arith.)', 'pct'],
  ['annual_volatility', 'annual volatility', 'pct'],
  ['sharpe', 'Sharpe', 'num'],
  ['sortino', 'Sortino', 'num'],
  ['calmar', 'Calmar', 'num'],
  ['max_drawdown', 'max drawdown', 'pct'],
  ['max_drawdown_duration_periods', 'max DD duration (bars)', 'int'],
  ['trades', 'trades', 'int'],
  ['win_rate', 'win rate', 'pct'],
  ['avg_trade_pnl', 'avg trade P&L', 'money'],
  ['avg_trade_return', 'avg trade return', 'pct'],
  ['expectancy', 'expectancy', 'money'],
  ['profit_factor', 'profit factor', 'num'],
  ['exposure', 'exposure', 'pct'],
  ['periods_per_year', 'periods per year', 'int'],
];

function format(value: number | null, kind: Format): string {
  if (value === null) return '-';
  switch (kind) {
    case 'pct':
      return `${(value * 100).toFixed(2)}%`;
    case 'num':
      return value.toFixed(3);
    case 'int':
      return Math.round(value).toLocaleString('en-US');
    case 'money':
      return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'ms':
      return `${value} ms`;
  }
}

export function metricsTable(portfolios: ReadonlyArray<{ id: string; metrics: Metrics }>): string {
  const header = ['metric', ...portfolios.map((p) => p.id)];
  const body = ROWS.map(([key, label, kind]) => [label, ...portfolios.map((p) => format(p.metrics[key] as number | null, kind))]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

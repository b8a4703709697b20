/** Shared by the observer tests: streamed metrics against batch metrics. */
import { expect } from 'vitest';
import type { Metrics } from '../../src/metrics/index.ts';

/** Fields the observer computes with the batch function's own operations, in its order: equal to the bit. */
const EXACT = [
  'initial_equity', 'final_equity', 'total_return', 'cagr', 'annual_return', 'sortino', 'calmar', 'max_drawdown',
  'max_drawdown_duration_periods', 'max_drawdown_duration_ms', 'trades', 'win_rate', 'avg_trade_pnl', 'avg_trade_return',
  'expectancy', 'profit_factor', 'avg_win', 'avg_loss', 'best_trade', 'worst_trade', 'avg_bars_in_trade', 'exposure',
  'periods', 'periods_per_year',
] as const satisfies readonly (keyof Metrics)[];
/** One-pass (Welford) versus two-pass dispersion: equal within 1e-9 relative. */
const CLOSE = ['annual_volatility', 'sharpe'] as const satisfies readonly (keyof Metrics)[];

export function expectSameMetrics(streamed: Metrics, batch: Metrics, label = ''): void {
  expect(Object.keys(streamed).sort()).toEqual(Object.keys(batch).sort());
  for (const key of EXACT) expect(streamed[key], `${label} ${key}`).toBe(batch[key]);
  for (const key of CLOSE) {
    const a = streamed[key];
    const b = batch[key];
    if (a === null || b === null) expect(a, `${label} ${key}`).toBe(b);
    else expect(Math.abs(a - b), `${label} ${key}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
  }
}


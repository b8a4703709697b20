import { z } from 'zod';

/**
 * An equity curve in columnar form. `ts[i]` is epoch milliseconds (UTC) and `equity[i]` the
 * account value at that instant; point 0 is the initial equity. `exposed[i]` is 1 where any
 * position was open at point i (any non-zero byte counts as exposed).
 */
export interface EquityCurve {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly exposed?: Uint8Array;
}

/** One closed trade. `returnPct` is whatever unit the producer uses; it is only averaged. */
export interface TradeRecord {
  readonly pnl: number;
  readonly returnPct: number;
  readonly entryTs: number;
  readonly exitTs: number;
  readonly bars: number;
}

export interface MetricsOptions {
  /** Curve points per year used for annualisation; see `periodsPerYear()` in annualisation.ts. */
  periodsPerYear: number;
  /** Annual risk-free rate as a fraction (0.04 = 4 %), default 0; per period it is `riskFreeRate / periodsPerYear`. */
  riskFreeRate?: number;
}

/** A finite number (zod v4's z.number() already rejects NaN and ±Infinity). */
const num = z.number();
/** A finite number, or null where the metric is undefined for this input. */
const opt = z.number().nullable();
const count = z.int().nonnegative();

/**
 * The metrics record written to JSON. Every field is a finite number or null; never NaN or
 * Infinity. Definitions are in docs/metrics.md.
 */
export const MetricsSchema = z.strictObject({
  initial_equity: num.describe('equity[0]'),
  final_equity: num.describe('equity[N-1]'),
  total_return: num.describe('final / initial - 1'),
  cagr: opt.describe('(final / initial)^(periods_per_year / periods) - 1; null if N < 2, final <= 0 or overflow'),
  annual_return: opt.describe('arithmetic: mean(r) * periods_per_year; null without returns'),
  annual_volatility: opt.describe('std(r, ddof=1) * sqrt(periods_per_year); null with fewer than 2 returns'),
  sharpe: opt.describe('(mean(r) - rf/P) / std(r, ddof=1) * sqrt(P); null when std is 0'),
  sortino: opt.describe('(mean(r) - rf/P) / sqrt(mean(min(r - rf/P, 0)^2)) * sqrt(P); null when the downside deviation is 0'),
  calmar: opt.describe('cagr / |max_drawdown|; null when max_drawdown is 0 or cagr is null'),
  max_drawdown: num.describe('min_i equity_i / max_{j<=i} equity_j - 1 (<= 0)'),
  max_drawdown_duration_periods: count.describe('longest peak-to-recovery stretch, in curve periods'),
  max_drawdown_duration_ms: num.describe('longest peak-to-recovery stretch, in milliseconds of ts'),
  trades: count.describe('number of trades'),
  win_rate: opt.describe('share of trades with pnl > 0'),
  avg_trade_pnl: opt.describe('mean pnl'),
  avg_trade_return: opt.describe('mean returnPct'),
  expectancy: opt.describe('win_rate * avg_win + (1 - win_rate) * mean pnl of non-winning trades (= avg_trade_pnl)'),
  profit_factor: opt.describe('sum of positive pnl / |sum of negative pnl|; null without a losing trade'),
  avg_win: opt.describe('mean pnl of trades with pnl > 0'),
  avg_loss: opt.describe('mean pnl of trades with pnl < 0 (negative)'),
  best_trade: opt.describe('largest pnl'),
  worst_trade: opt.describe('smallest pnl'),
  avg_bars_in_trade: opt.describe('mean bars per trade'),
  exposure: opt.describe('share of curve points with exposed = 1; null when exposed is not given'),
  periods: count.describe('number of returns, N - 1'),
  periods_per_year: num.describe('annualisation factor used'),
});

export type Metrics = z.infer<typeof MetricsSchema>;

/**
 * What computeMetrics (a pass over a whole curve) and StreamingMetrics (a fold, point by point,
 * for the sweep's objective observers) share: the drawdown bound, the tally of closed trades,
 * and the metrics record built from the sums both accumulate. One definition, because the two
 * must agree to the bit (property-tested).
 */
import type { Metrics } from './types.ts';

/**
 * A per-period standard deviation (or downside deviation) at or below this is treated as exactly
 * zero. Simple returns e_i/e_{i-1} - 1 carry a rounding error of ~1e-16, so a curve growing by
 * the same factor every period shows a "volatility" of ~1e-17 rather than 0; dividing by it would
 * print a Sharpe of ~1e15. No real strategy has a per-period volatility of 1e-12.
 */
export const ZERO_DEVIATION = 1e-12;

/**
 * A level above which no point can deepen the drawdown: peak * (1 + maxDd) plus a margin of
 * 1e-9 * peak, far above the rounding error of e / peak - 1 (~1e-16 relative to peak), so
 * every point whose exact drawdown would set a new minimum is below it. Skips one division per
 * point under water (peak > 0 always: it starts at the initial equity, which must be > 0).
 */
export function drawdownBound(peak: number, maxDd: number): number {
  return peak * (1 + maxDd) + peak * 1e-9;
}

export type TradeStats = Pick<
  Metrics,
  | 'trades'
  | 'win_rate'
  | 'avg_trade_pnl'
  | 'avg_trade_return'
  | 'expectancy'
  | 'profit_factor'
  | 'avg_win'
  | 'avg_loss'
  | 'best_trade'
  | 'worst_trade'
  | 'avg_bars_in_trade'
>;

/**
 * Running sums over closed trades, in the order they are added (callers check the fields are
 * finite). StreamingMetrics extends it, so its sums stay plain fields of the observer.
 */
export class TradeTally {
  /** Trades added so far. */
  tradeCount = 0;
  private wins = 0;
  private losses = 0;
  private sumPnl = 0;
  private sumReturn = 0;
  private sumBars = 0;
  private grossProfit = 0; // sum of pnl > 0
  private grossLoss = 0; // sum of pnl < 0 (negative)
  private sumNonWin = 0; // sum of pnl <= 0
  private best = -Infinity;
  private worst = Infinity;

  addTrade(pnl: number, returnPct: number, bars: number): void {
    this.tradeCount++;
    this.sumPnl += pnl;
    this.sumReturn += returnPct;
    this.sumBars += bars;
    if (pnl > 0) {
      this.wins++;
      this.grossProfit += pnl;
    } else {
      this.sumNonWin += pnl;
      if (pnl < 0) {
        this.losses++;
        this.grossLoss += pnl;
      }
    }
    if (pnl > this.best) this.best = pnl;
    if (pnl < this.worst) this.worst = pnl;
  }

  tradeStats(): TradeStats {
    const count = this.tradeCount;
    if (count === 0) {
      return {
        trades: 0, win_rate: null, avg_trade_pnl: null, avg_trade_return: null, expectancy: null, profit_factor: null,
        avg_win: null, avg_loss: null, best_trade: null, worst_trade: null, avg_bars_in_trade: null,
      };
    }
    const winRate = this.wins / count;
    const avgWin = this.wins > 0 ? this.grossProfit / this.wins : null;
    const avgLoss = this.losses > 0 ? this.grossLoss / this.losses : null;
    // Expectancy splits the trades into winners (pnl > 0) and non-winners (pnl <= 0, including
    // break-even trades). Weighted by their shares, the two means add up to the mean pnl; using
    // avg_loss (pnl < 0 only) for the second term would overstate it whenever there are zero-pnl
    // trades. A side with no trades has weight 0, so its (undefined) mean contributes 0.
    const nonWins = count - this.wins;
    const avgNonWin = nonWins > 0 ? this.sumNonWin / nonWins : 0;
    const expectancy = winRate * (avgWin ?? 0) + (1 - winRate) * avgNonWin;
    return {
      trades: count,
      win_rate: winRate,
      avg_trade_pnl: finiteOrNull(this.sumPnl / count),
      avg_trade_return: finiteOrNull(this.sumReturn / count),
      expectancy: finiteOrNull(expectancy),
      profit_factor: this.grossLoss < 0 ? finiteOrNull(this.grossProfit / -this.grossLoss) : null,
      avg_win: finiteOrNull(avgWin),
      avg_loss: finiteOrNull(avgLoss),
      best_trade: this.best,
      worst_trade: this.worst,
      avg_bars_in_trade: finiteOrNull(this.sumBars / count),
    };
  }
}

/** What a pass over a curve gives: its ends, the sum of its returns, and its drawdown (durations closed at the last point). */
export interface CurveSums {
  readonly initial: number;
  readonly final: number;
  /** Number of returns (points - 1). */
  readonly m: number;
  /** False once a return would have divided by equity <= 0: the return statistics are then null. */
  readonly returnsDefined: boolean;
  readonly sumR: number;
  readonly maxDd: number;
  readonly ddPeriods: number;
  readonly ddMs: number;
  /** Share of points with a position open, or null when unknown. */
  readonly exposure: number | null;
}

/** The returns' centred sum of squares and sum of squared shortfalls below rf per period. */
export interface Dispersion {
  readonly ss: number;
  readonly downside: number;
}

/**
 * The metrics record (definitions in docs/metrics.md). `dispersion` is asked only when there are
 * at least two returns, with their mean. `who` names the caller in errors.
 */
export function metricsRecord(who: string, curve: CurveSums, dispersion: (mean: number) => Dispersion, P: number, rf: number, trades: TradeStats): Metrics {
  const { initial, final, m } = curve;
  const rfPerPeriod = rf / P;
  const sqrtP = Math.sqrt(P);
  let annualReturn: number | null = null;
  let annualVolatility: number | null = null;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (curve.returnsDefined && m >= 1) {
    const mean = curve.sumR / m;
    annualReturn = mean * P;
    if (m >= 2) {
      const { ss, downside } = dispersion(mean);
      let sd = Math.sqrt(ss / (m - 1));
      if (sd <= ZERO_DEVIATION) sd = 0;
      const downsideDeviation = Math.sqrt(downside / m); // mean over ALL periods
      const excess = mean - rfPerPeriod;
      annualVolatility = sd * sqrtP;
      sharpe = sd > 0 ? (excess / sd) * sqrtP : null;
      sortino = downsideDeviation > ZERO_DEVIATION ? (excess / downsideDeviation) * sqrtP : null;
    }
  }
  const totalReturn = final / initial - 1;
  const cagr = finiteOrNull(m >= 1 && final > 0 ? Math.pow(final / initial, P / m) - 1 : null);
  const calmar = cagr !== null && curve.maxDd < 0 ? cagr / -curve.maxDd : null;
  // For the fields that are always defined: overflow there means absurd input, not a missing value.
  const finiteOrThrow = (name: string, x: number): number => {
    if (!Number.isFinite(x)) throw new RangeError(`${who}: ${name} is not finite (${x}); check the curve's magnitudes`);
    return x;
  };
  return {
    initial_equity: initial,
    final_equity: final,
    total_return: finiteOrThrow('total_return', totalReturn),
    cagr,
    annual_return: finiteOrNull(annualReturn),
    annual_volatility: finiteOrNull(annualVolatility),
    sharpe: finiteOrNull(sharpe),
    sortino: finiteOrNull(sortino),
    calmar: finiteOrNull(calmar),
    max_drawdown: finiteOrThrow('max_drawdown', curve.maxDd),
    max_drawdown_duration_periods: curve.ddPeriods,
    max_drawdown_duration_ms: finiteOrThrow('max_drawdown_duration_ms', curve.ddMs),
    ...trades,
    exposure: curve.exposure,
    periods: m,
    periods_per_year: P,
  };
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

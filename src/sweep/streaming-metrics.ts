/**
 * `computeMetrics` (src/metrics/compute.ts) as a fold: equity points and closed trades arrive
 * one at a time and nothing of the curve is kept, so memory is O(1) in the length of the run.
 *
 * Every figure except the standard deviation is computed with the same floating-point
 * operations in the same order as the batch function (running sums in curve order, the same
 * drawdown bound, the same downside sum), so it is identical to the bit. The batch function
 * takes the dispersion in two passes (mean first, then the centred sum of squares); one pass
 * cannot, so the centred sum of squares comes from Welford's update over the returns shifted by
 * the first return, which is as stable as the two-pass sum (no cancellation of large squares,
 * and no loss when the returns sit far from 0 relative to their spread): the observer's
 * annual_volatility and Sharpe agree with the batch figures to ~1e-13 relative (tests hold
 * them to 1e-9, property-tested).
 *
 * Sortino's target is rf / periodsPerYear per period, subtracted from every return as it
 * arrives: with a non-zero risk-free rate, periodsPerYear must be known up front.
 */
import { ZERO_DEVIATION, type TradeFields } from '../metrics/compute.ts';
import type { Metrics } from '../metrics/types.ts';

export interface StreamingMetricsOptions {
  /** Annual risk-free rate as a fraction, default 0 (as in MetricsOptions). */
  readonly riskFreeRate?: number;
  /** Needed here (not only in result()) when riskFreeRate is not 0. */
  readonly periodsPerYear?: number;
}

export class StreamingMetrics {
  private readonly rf: number;
  private readonly fixedP: number | undefined;
  private readonly rfPerPeriod: number;

  // ---- curve ----
  private n = 0;
  private initial = Number.NaN;
  private prevE = Number.NaN;
  private prevT = Number.NaN;
  private sumR = 0;
  private returnsDefined = true;
  /** Welford over the returns minus the first return: count, running mean and centred sum of squares. */
  private shift = 0;
  private wCount = 0;
  private wMean = 0;
  private wM2 = 0;
  private downside = 0;
  private peak = Number.NaN;
  private peakIdx = 0;
  private peakTs = Number.NaN;
  private maxDd = 0;
  private ddBound = Number.NaN;
  private ddPeriods = 0;
  private ddMs = 0;
  private exposedPoints = 0;

  // ---- trades ----
  private tradeCount = 0;
  private wins = 0;
  private losses = 0;
  private sumPnl = 0;
  private sumReturn = 0;
  private sumBars = 0;
  private grossProfit = 0;
  private grossLoss = 0;
  private sumNonWin = 0;
  private best = -Infinity;
  private worst = Infinity;

  constructor(options: StreamingMetricsOptions = {}) {
    const rf = options.riskFreeRate ?? 0;
    const P = options.periodsPerYear;
    if (!Number.isFinite(rf)) throw new RangeError(`StreamingMetrics: riskFreeRate must be finite, got ${rf}`);
    if (P !== undefined && (!Number.isFinite(P) || P <= 0)) throw new RangeError(`StreamingMetrics: periodsPerYear must be a positive finite number, got ${P}`);
    if (rf !== 0 && P === undefined) {
      throw new RangeError('StreamingMetrics: a non-zero riskFreeRate needs periodsPerYear up front (Sortino subtracts rf / periodsPerYear from each return as it arrives)');
    }
    this.rf = rf;
    this.fixedP = P;
    this.rfPerPeriod = P === undefined ? 0 : rf / P;
  }

  /** One curve point: its time (epoch ms, non-decreasing), the equity, and whether a position is open. */
  onEquity(ts: number, equity: number, exposed: boolean): void {
    const i = this.n;
    if (!Number.isFinite(equity)) throw new RangeError(`StreamingMetrics: equity[${i}] is not finite (${equity})`);
    if (i === 0) {
      if (equity <= 0) throw new RangeError(`StreamingMetrics: initial equity must be a positive finite number, got ${equity}`);
      if (!Number.isFinite(ts)) throw new RangeError(`StreamingMetrics: ts[0] is not finite (${ts})`);
      this.initial = equity;
      this.peak = equity;
      this.peakTs = ts;
      this.ddBound = drawdownBound(equity, 0);
    } else {
      if (!(ts >= this.prevT) || !Number.isFinite(ts)) {
        throw new RangeError(`StreamingMetrics: ts must be finite and non-decreasing, ts[${i}] = ${ts} after ${this.prevT}`);
      }
      this.addReturn(equity);
      this.addDrawdownPoint(i, ts, equity);
    }
    if (exposed) this.exposedPoints++;
    this.prevE = equity;
    this.prevT = ts;
    this.n = i + 1;
  }

  private addReturn(e: number): void {
    if (!(this.prevE > 0)) {
      this.returnsDefined = false;
      return;
    }
    if (!this.returnsDefined) return; // the statistics are null from here on
    const r = e / this.prevE - 1;
    this.sumR += r;
    // Welford on the returns shifted by the first one: deviations stay small numbers even when
    // the returns sit far from 0 relative to their spread (a near-constant return series).
    if (this.wCount === 0) this.shift = r;
    const y = r - this.shift;
    const count = ++this.wCount;
    const delta = y - this.wMean;
    this.wMean += delta / count;
    this.wM2 += delta * (y - this.wMean);
    const x = r - this.rfPerPeriod;
    const below = x < 0 ? x : 0;
    this.downside += below * below;
  }

  /** The drawdown pass of computeMetrics, point by point (same bound, same divisions). */
  private addDrawdownPoint(i: number, t: number, e: number): void {
    if (e >= this.peak) {
      if (i - this.peakIdx > 1) {
        if (i - this.peakIdx > this.ddPeriods) this.ddPeriods = i - this.peakIdx;
        if (t - this.peakTs > this.ddMs) this.ddMs = t - this.peakTs;
      }
      this.peak = e;
      this.peakIdx = i;
      this.peakTs = t;
      this.ddBound = drawdownBound(e, this.maxDd);
    } else if (e < this.ddBound) {
      const dd = e / this.peak - 1;
      if (dd < this.maxDd) {
        this.maxDd = dd;
        this.ddBound = drawdownBound(this.peak, dd);
      }
    }
  }

  /** One closed trade (only pnl, returnPct and bars are read). */
  onTrade(trade: TradeFields): void {
    const { pnl, returnPct, bars } = trade;
    if (!Number.isFinite(pnl) || !Number.isFinite(returnPct) || !Number.isFinite(bars)) {
      throw new RangeError(`StreamingMetrics: trade ${this.tradeCount} has a non-finite pnl, returnPct or bars`);
    }
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

  /** Curve points seen so far. */
  get points(): number {
    return this.n;
  }

  /**
   * The metrics so far, the record computeMetrics gives for the same curve and trades. Does not
   * consume anything: more points may follow. `periodsPerYear` defaults to the constructor's.
   */
  result(periodsPerYear: number | undefined = this.fixedP): Metrics {
    const P = periodsPerYear;
    if (this.n === 0) throw new RangeError('StreamingMetrics: no equity point yet (it needs at least the initial point)');
    if (P === undefined || !Number.isFinite(P) || P <= 0) throw new RangeError(`StreamingMetrics: periodsPerYear must be a positive finite number, got ${P}`);
    if (this.rf !== 0 && P !== this.fixedP) {
      throw new RangeError(`StreamingMetrics: periodsPerYear ${P} differs from the ${this.fixedP} the downside deviation was computed with`);
    }
    const m = this.n - 1;
    const rfPerPeriod = this.rf / P;
    const sqrtP = Math.sqrt(P);
    let annualReturn: number | null = null;
    let annualVolatility: number | null = null;
    let sharpe: number | null = null;
    let sortino: number | null = null;
    if (this.returnsDefined && m >= 1) {
      const mean = this.sumR / m;
      annualReturn = mean * P;
      if (m >= 2) {
        let sd = Math.sqrt(this.wM2 / (m - 1));
        if (sd <= ZERO_DEVIATION) sd = 0;
        const downsideDeviation = Math.sqrt(this.downside / m);
        const excess = mean - rfPerPeriod;
        annualVolatility = sd * sqrtP;
        sharpe = sd > 0 ? (excess / sd) * sqrtP : null;
        sortino = downsideDeviation > ZERO_DEVIATION ? (excess / downsideDeviation) * sqrtP : null;
      }
    }
    let ddPeriods = this.ddPeriods;
    let ddMs = this.ddMs;
    if (this.peakIdx < this.n - 1) {
      if (this.n - 1 - this.peakIdx > ddPeriods) ddPeriods = this.n - 1 - this.peakIdx;
      if (this.prevT - this.peakTs > ddMs) ddMs = this.prevT - this.peakTs;
    }
    const final = this.prevE;
    const totalReturn = final / this.initial - 1;
    const cagr = finiteOrNull(m >= 1 && final > 0 ? Math.pow(final / this.initial, P / m) - 1 : null);
    const calmar = cagr !== null && this.maxDd < 0 ? cagr / -this.maxDd : null;
    return {
      initial_equity: this.initial,
      final_equity: final,
      total_return: finiteOrThrow('total_return', totalReturn),
      cagr,
      annual_return: finiteOrNull(annualReturn),
      annual_volatility: finiteOrNull(annualVolatility),
      sharpe: finiteOrNull(sharpe),
      sortino: finiteOrNull(sortino),
      calmar: finiteOrNull(calmar),
      max_drawdown: finiteOrThrow('max_drawdown', this.maxDd),
      max_drawdown_duration_periods: ddPeriods,
      max_drawdown_duration_ms: finiteOrThrow('max_drawdown_duration_ms', ddMs),
      ...this.tradeStats(),
      exposure: this.exposedPoints / this.n,
      periods: m,
      periods_per_year: P,
    };
  }

  private tradeStats(): Pick<Metrics, 'trades' | 'win_rate' | 'avg_trade_pnl' | 'avg_trade_return' | 'expectancy' | 'profit_factor' | 'avg_win' | 'avg_loss' | 'best_trade' | 'worst_trade' | 'avg_bars_in_trade'> {
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

/** As in computeMetrics: no later point can deepen the drawdown while above this level. */
function drawdownBound(peak: number, maxDd: number): number {
  return peak * (1 + maxDd) + peak * 1e-9;
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function finiteOrThrow(name: string, x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`StreamingMetrics: ${name} is not finite (${x}); check the curve's magnitudes`);
  return x;
}

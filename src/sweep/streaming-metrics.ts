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
import type { TradeFields } from '../metrics/compute.ts';
import { drawdownBound, metricsRecord, TradeTally } from '../metrics/metrics-record.ts';
import type { Metrics } from '../metrics/types.ts';

export interface StreamingMetricsOptions {
  /** Annual risk-free rate as a fraction, default 0 (as in MetricsOptions). */
  readonly riskFreeRate?: number;
  /** Needed here (not only in result()) when riskFreeRate is not 0. */
  readonly periodsPerYear?: number;
}

/** The trades' sums are the TradeTally's, kept as plain fields of this object. */
export class StreamingMetrics extends TradeTally {
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

  constructor(options: StreamingMetricsOptions = {}) {
    super();
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
    this.addTrade(pnl, returnPct, bars);
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
    let ddPeriods = this.ddPeriods;
    let ddMs = this.ddMs;
    if (this.peakIdx < this.n - 1) {
      if (this.n - 1 - this.peakIdx > ddPeriods) ddPeriods = this.n - 1 - this.peakIdx;
      if (this.prevT - this.peakTs > ddMs) ddMs = this.prevT - this.peakTs;
    }
    const curve = {
      initial: this.initial, final: this.prevE, m: this.n - 1, returnsDefined: this.returnsDefined, sumR: this.sumR,
      maxDd: this.maxDd, ddPeriods, ddMs, exposure: this.exposedPoints / this.n,
    };
    return metricsRecord('StreamingMetrics', curve, () => ({ ss: this.wM2, downside: this.downside }), P, this.rf, this.tradeStats());
  }
}

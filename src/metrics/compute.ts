import type { EquityCurve, Metrics, MetricsOptions, TradeRecord } from './types.ts';

/** The fields of a trade the metrics read: a portfolio's own trade objects qualify without copying. */
export type TradeFields = Pick<TradeRecord, 'pnl' | 'returnPct' | 'bars'>;

/** The same fields as columns (trades 0..count-1), e.g. the batch replay's TradeColumns: read without building objects. */
export interface TradeColumnsView {
  readonly count: number;
  readonly pnl: ArrayLike<number>;
  readonly returnPct: ArrayLike<number>;
  readonly bars: ArrayLike<number>;
}

/** A portfolio's closed trades, as objects or as columns. */
export type TradesInput = readonly TradeFields[] | TradeColumnsView;

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
function drawdownBound(peak: number, maxDd: number): number {
  return peak * (1 + maxDd) + peak * 1e-9;
}

/**
 * One returns buffer reused across calls (computeMetrics is synchronous and does not keep it):
 * a sweep computes metrics for thousands of curves, and a fresh 400 KB buffer each time was
 * a large share of its garbage.
 */
let scratch = new Float64Array(0);
function returnsBuffer(m: number): Float64Array {
  if (scratch.length < m) scratch = new Float64Array(Math.max(m, scratch.length * 2));
  return scratch;
}

/**
 * Performance metrics of an equity curve and its closed trades; definitions in docs/metrics.md.
 *
 * Pure and allocation-light: one pass over the curve (returns, drawdown and its durations), one
 * pass over the N-1 returns (variance and downside deviation), one pass over the trades. The only
 * array allocated is the returns buffer.
 *
 * Throws RangeError on malformed input: an empty curve, ts/equity/exposed of different lengths, a
 * non-finite equity or timestamp, decreasing timestamps, initial equity <= 0, periodsPerYear not
 * a positive finite number, a non-finite riskFreeRate or a non-finite trade field.
 */
export function computeMetrics(
  curve: EquityCurve,
  trades: TradesInput,
  options: MetricsOptions,
): Metrics {
  const { ts, equity, exposed } = curve;
  const n = equity.length;
  const P = options.periodsPerYear;
  const rf = options.riskFreeRate ?? 0;

  if (n === 0) throw new RangeError('computeMetrics: the equity curve is empty (it needs at least the initial point)');
  if (ts.length !== n) throw new RangeError(`computeMetrics: ts has ${ts.length} points but equity has ${n}`);
  if (exposed !== undefined && exposed.length !== n) {
    throw new RangeError(`computeMetrics: exposed has ${exposed.length} points but equity has ${n}`);
  }
  if (!Number.isFinite(P) || P <= 0) {
    throw new RangeError(`computeMetrics: periodsPerYear must be a positive finite number, got ${P}`);
  }
  if (!Number.isFinite(rf)) throw new RangeError(`computeMetrics: riskFreeRate must be finite, got ${rf}`);

  const initial = equity[0];
  const final = equity[n - 1];
  if (!Number.isFinite(initial) || initial <= 0) {
    throw new RangeError(`computeMetrics: initial equity must be a positive finite number, got ${initial}`);
  }
  if (!Number.isFinite(ts[0])) throw new RangeError(`computeMetrics: ts[0] is not finite (${ts[0]})`);

  // Each pass is a function of its own: V8 then optimizes a pass as a whole after a few calls.
  // As one function, each long loop was compiled on the fly (on-stack replacement) before the
  // code after it had ever run, and that code, lacking type feedback, deoptimized on leaving
  // the loop: 14 deoptimizations and recompilations per process (measured with --trace-deopt),
  // paid again by every sweep worker.
  const m = n - 1; // number of returns
  const returns = returnsBuffer(m);
  const pass = curvePass(ts, equity, returns);

  const rfPerPeriod = rf / P;
  const sqrtP = Math.sqrt(P);
  let annualReturn: number | null = null;
  let annualVolatility: number | null = null;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (pass.returnsDefined && m >= 1) {
    const mean = pass.sumR / m;
    annualReturn = mean * P;
    if (m >= 2) {
      const { ss, downside } = dispersion(returns, m, mean, rfPerPeriod);
      let sd = Math.sqrt(ss / (m - 1));
      if (sd <= ZERO_DEVIATION) sd = 0;
      const downsideDeviation = Math.sqrt(downside / m); // mean over ALL periods
      const excess = mean - rfPerPeriod;
      annualVolatility = sd * sqrtP;
      sharpe = sd > 0 ? (excess / sd) * sqrtP : null;
      sortino = downsideDeviation > ZERO_DEVIATION ? (excess / downsideDeviation) * sqrtP : null;
    }
  }
  const { maxDd, ddPeriods, ddMs } = pass;

  const totalReturn = final / initial - 1;
  const cagr = m >= 1 && final > 0 ? Math.pow(final / initial, P / m) - 1 : null;
  const cagrOut = finiteOrNull(cagr);
  const calmar = cagrOut !== null && maxDd < 0 ? cagrOut / -maxDd : null;

  const exposure = exposed === undefined ? null : exposedCount(exposed) / n;

  // ---- trades ------------------------------------------------------------------------------
  const tradeStats = summariseTrades(trades);

  return {
    initial_equity: initial,
    final_equity: final,
    total_return: finiteOrThrow('total_return', totalReturn),
    cagr: cagrOut,
    annual_return: finiteOrNull(annualReturn),
    annual_volatility: finiteOrNull(annualVolatility),
    sharpe: finiteOrNull(sharpe),
    sortino: finiteOrNull(sortino),
    calmar: finiteOrNull(calmar),
    max_drawdown: finiteOrThrow('max_drawdown', maxDd),
    max_drawdown_duration_periods: ddPeriods,
    max_drawdown_duration_ms: finiteOrThrow('max_drawdown_duration_ms', ddMs),
    ...tradeStats,
    exposure,
    periods: m,
    periods_per_year: P,
  };
}

/** Pass 1 over the curve: the returns (into `returns`), their sum, the drawdown and its durations. */
function curvePass(ts: ArrayLike<number>, equity: ArrayLike<number>, returns: Float64Array) {
  const n = equity.length;
  const initial = equity[0];
  let sumR = 0;
  let returnsDefined = true; // false once a return would divide by equity <= 0
  let peak = initial;
  let peakIdx = 0;
  let maxDd = 0;
  let ddBound = drawdownBound(peak, maxDd);
  let ddPeriods = 0;
  let ddMs = 0;
  let prevE = initial;
  let prevT = ts[0];
  for (let i = 1; i < n; i++) {
    const e = equity[i];
    const t = ts[i];
    // One combined test (x - x === 0 holds exactly for finite x), the error built out of line:
    // with the two throws and their template strings inline, this loop ran ~5x slower.
    if (!(e - e === 0 && t - t === 0 && t >= prevT)) throw badPoint(i, e, t, prevT);
    if (prevE > 0) {
      const r = e / prevE - 1;
      returns[i - 1] = r;
      sumR += r;
    } else {
      returnsDefined = false;
    }
    if (e >= peak) {
      // At or above the high-water mark: a drawdown that was open (if any point since the peak
      // was below it) ends here, and this point is the new peak.
      if (i - peakIdx > 1) {
        if (i - peakIdx > ddPeriods) ddPeriods = i - peakIdx;
        if (t - ts[peakIdx] > ddMs) ddMs = t - ts[peakIdx];
      }
      peak = e;
      peakIdx = i;
      ddBound = drawdownBound(peak, maxDd);
    } else if (e < ddBound) {
      // Only a point below ddBound can deepen the drawdown; the division is then done exactly.
      const dd = e / peak - 1;
      if (dd < maxDd) {
        maxDd = dd;
        ddBound = drawdownBound(peak, maxDd);
      }
    }
    prevE = e;
    prevT = t;
  }
  if (peakIdx < n - 1) {
    // Still under water at the end of the curve: the stretch runs to the last point.
    if (n - 1 - peakIdx > ddPeriods) ddPeriods = n - 1 - peakIdx;
    if (ts[n - 1] - ts[peakIdx] > ddMs) ddMs = ts[n - 1] - ts[peakIdx];
  }
  return { sumR, returnsDefined, maxDd, ddPeriods, ddMs };
}

/** Pass 2 over the m returns: the centred sum of squares and the sum of squared shortfalls below the risk-free rate. */
function dispersion(returns: Float64Array, m: number, mean: number, rfPerPeriod: number) {
  let ss = 0;
  let downside = 0;
  for (let i = 0; i < m; i++) {
    const d = returns[i] - mean;
    ss += d * d;
    const x = returns[i] - rfPerPeriod;
    // min(x, 0) without a branch (the sign of x is unpredictable, and V8 compiles a ternary
    // to a jump): x - |x| is exactly 2x for x < 0 and 0 otherwise, and halving it is exact.
    const below = (x - Math.abs(x)) * 0.5;
    downside += below * below;
  }
  return { ss, downside };
}

/** Points with a position open: any non-zero byte counts. */
function exposedCount(exposed: Uint8Array): number {
  let k = 0;
  // (v + 255) >> 8 is 1 for any non-zero byte and 0 for 0: a count without a branch per
  // point (it was the slowest line of the metrics, ~1.4 ns a point).
  for (let i = 0; i < exposed.length; i++) k += (exposed[i] + 255) >> 8;
  return k;
}

type TradeStats = Pick<
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

const isColumns = (trades: TradesInput): trades is TradeColumnsView => !Array.isArray(trades);

/** Trade objects copied into reused columns, so one loop serves both inputs (a copy of ~1k trades is nothing next to a curve). */
let gathered = { pnl: new Float64Array(0), returnPct: new Float64Array(0), bars: new Float64Array(0) };
function gather(trades: readonly TradeFields[]): TradeColumnsView {
  const count = trades.length;
  if (gathered.pnl.length < count) {
    const n = Math.max(count, gathered.pnl.length * 2);
    gathered = { pnl: new Float64Array(n), returnPct: new Float64Array(n), bars: new Float64Array(n) };
  }
  const { pnl, returnPct, bars } = gathered;
  for (let i = 0; i < count; i++) {
    const t = trades[i];
    pnl[i] = t.pnl;
    returnPct[i] = t.returnPct;
    bars[i] = t.bars;
  }
  return { count, pnl, returnPct, bars };
}

function summariseTrades(trades: TradesInput): TradeStats {
  const columns = isColumns(trades) ? trades : gather(trades);
  const { count, pnl: pnls, returnPct: returns, bars: held } = columns;
  let wins = 0;
  let losses = 0;
  let sumPnl = 0;
  let sumReturn = 0;
  let sumBars = 0;
  let grossProfit = 0; // sum of pnl > 0
  let grossLoss = 0; // sum of pnl < 0 (negative)
  let sumNonWin = 0; // sum of pnl <= 0
  let best = -Infinity;
  let worst = Infinity;
  for (let i = 0; i < count; i++) {
    const pnl = pnls[i];
    const returnPct = returns[i];
    const bars = held[i];
    if (!(pnl - pnl === 0 && returnPct - returnPct === 0 && bars - bars === 0)) throw badTrade(i);
    sumPnl += pnl;
    sumReturn += returnPct;
    sumBars += bars;
    if (pnl > 0) {
      wins++;
      grossProfit += pnl;
    } else {
      sumNonWin += pnl;
      if (pnl < 0) {
        losses++;
        grossLoss += pnl;
      }
    }
    if (pnl > best) best = pnl;
    if (pnl < worst) worst = pnl;
  }
  if (count === 0) {
    return {
      trades: 0,
      win_rate: null,
      avg_trade_pnl: null,
      avg_trade_return: null,
      expectancy: null,
      profit_factor: null,
      avg_win: null,
      avg_loss: null,
      best_trade: null,
      worst_trade: null,
      avg_bars_in_trade: null,
    };
  }
  const winRate = wins / count;
  const avgWin = wins > 0 ? grossProfit / wins : null;
  const avgLoss = losses > 0 ? grossLoss / losses : null;
  // Expectancy splits the trades into winners (pnl > 0) and non-winners (pnl <= 0, including
  // break-even trades). Weighted by their shares, the two means add up to the mean pnl; using
  // avg_loss (pnl < 0 only) for the second term would overstate it whenever there are zero-pnl
  // trades. A side with no trades has weight 0, so its (undefined) mean contributes 0.
  const nonWins = count - wins;
  const avgNonWin = nonWins > 0 ? sumNonWin / nonWins : 0;
  const expectancy = winRate * (avgWin ?? 0) + (1 - winRate) * avgNonWin;
  return {
    trades: count,
    win_rate: winRate,
    avg_trade_pnl: finiteOrNull(sumPnl / count),
    avg_trade_return: finiteOrNull(sumReturn / count),
    expectancy: finiteOrNull(expectancy),
    profit_factor: grossLoss < 0 ? finiteOrNull(grossProfit / -grossLoss) : null,
    avg_win: finiteOrNull(avgWin),
    avg_loss: finiteOrNull(avgLoss),
    best_trade: best,
    worst_trade: worst,
    avg_bars_in_trade: finiteOrNull(sumBars / count),
  };
}

function badTrade(i: number): RangeError {
  return new RangeError(`computeMetrics: trade ${i} has a non-finite pnl, returnPct or bars`);
}

/** The error for point i of a curve that is not finite or goes back in time. */
function badPoint(i: number, e: number, t: number, prevT: number): RangeError {
  if (!Number.isFinite(e)) return new RangeError(`computeMetrics: equity[${i}] is not finite (${e})`);
  return new RangeError(`computeMetrics: ts must be finite and non-decreasing, ts[${i}] = ${t} after ${prevT}`);
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/** For the fields that are always defined: overflow here means absurd input, not a missing value. */
function finiteOrThrow(name: string, x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`computeMetrics: ${name} is not finite (${x}); check the curve's magnitudes`);
  return x;
}

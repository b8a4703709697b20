import { drawdownBound, metricsRecord, TradeTally, type TradeStats } from './metrics-record.ts';
import type { EquityCurve, Metrics, MetricsOptions, TradeRecord } from './types.ts';

export { ZERO_DEVIATION } from './metrics-record.ts';

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

  const exposure = exposed === undefined ? null : exposedCount(exposed) / n;
  // The trades before the record: a non-finite trade field is reported first.
  const tradeStats = summariseTrades(trades);
  const { sumR, returnsDefined, maxDd, ddPeriods, ddMs } = pass;
  const curveSums = { initial, final, m, returnsDefined, sumR, maxDd, ddPeriods, ddMs, exposure };
  return metricsRecord('computeMetrics', curveSums, (mean) => dispersion(returns, m, mean, rf / P), P, rf, tradeStats);
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

/**
 * The last tally summariseTrades filled, kept (a dozen numbers) so its hidden class outlives
 * the call: V8 holds an object's map only through live objects and throws away the optimized
 * code built on a map that dies, so with every tally dead after its call, each batch replay
 * after a collection compiled summariseTrades and addTrade again (~10 ms of compiler time) and
 * summed its first portfolios' trades unoptimized. The cause keepShape in
 * src/topology/batch-replay/simulate-portfolio.ts describes.
 */
let keptTally: TradeTally | null = null;

/** The closed trades' statistics, with computeMetrics' checks (a non-finite field is a RangeError). */
export function summariseTrades(trades: TradesInput): TradeStats {
  const columns = isColumns(trades) ? trades : gather(trades);
  const { count, pnl: pnls, returnPct: returns, bars: held } = columns;
  const tally = new TradeTally();
  for (let i = 0; i < count; i++) {
    const pnl = pnls[i];
    const returnPct = returns[i];
    const bars = held[i];
    if (!(pnl - pnl === 0 && returnPct - returnPct === 0 && bars - bars === 0)) throw badTrade(i);
    tally.addTrade(pnl, returnPct, bars);
  }
  keptTally = tally;
  return tally.tradeStats();
}

function badTrade(i: number): RangeError {
  return new RangeError(`computeMetrics: trade ${i} has a non-finite pnl, returnPct or bars`);
}

/** The error for point i of a curve that is not finite or goes back in time. */
function badPoint(i: number, e: number, t: number, prevT: number): RangeError {
  if (!Number.isFinite(e)) return new RangeError(`computeMetrics: equity[${i}] is not finite (${e})`);
  return new RangeError(`computeMetrics: ts must be finite and non-decreasing, ts[${i}] = ${t} after ${prevT}`);
}


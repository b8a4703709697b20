/**
 * Shared O(1) building blocks for the incremental indicators: fixed-size windows over
 * Float64Array ring buffers with running sums, and a monotonic deque for rolling extremes.
 * Nothing here allocates after construction.
 *
 * Numerical policy (every running-sum window below):
 * - Running sums are re-synchronised from the ring buffer once every `period` pushes
 *   (an O(period) loop every `period` bars, i.e. O(1) amortised), so floating-point drift
 *   cannot accumulate over millions of bars.
 * - Second moments use centred (Welford-style) add/replace updates, not sum-of-squares,
 *   which avoids catastrophic cancellation at high price levels. The rounding error of a
 *   rolling M2 is proportional to the size of the updates applied to it, so the sum of
 *   |updates| since the last re-synchronisation is tracked as well: when M2 has collapsed
 *   below CANCELLATION_RATIO times that sum (e.g. a spike has just left an otherwise quiet
 *   window), M2 is recomputed two-pass from the buffer at once. This keeps the relative
 *   error of the variance near 1e-10 whatever the history, at O(period) per collapse.
 * - A window whose values are all identical is detected exactly (length of the trailing run
 *   of equal values) and reports mean = that value and variance = 0 exactly, so flat
 *   markets give exact averages and exact zero deviations instead of rounding noise.
 *
 * Inputs are assumed finite; a NaN input poisons the running sums until it has left the
 * window and the next re-synchronisation has happened.
 */

/**
 * A rolling M2 is recomputed from its buffer when M2 < CANCELLATION_RATIO * sum(|updates|)
 * since the last recomputation (its rounding error is about 1e-16 * that sum).
 */
export const CANCELLATION_RATIO = 1e-5;

/** Throws unless `n` is a safe integer >= `min`. */
export function checkPeriod(what: string, n: number, min = 1): void {
  if (!Number.isSafeInteger(n) || n < min) {
    throw new RangeError(`${what} must be an integer >= ${min}, got ${n}`);
  }
}

/** The value pushed `period` pushes ago (a ring buffer): momentum and rate of change compare against it. */
export class LaggedValue {
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;

  constructor(private readonly period: number) {
    checkPeriod('period', period);
    this.buf = new Float64Array(period);
  }

  /** Stores `x` and returns the value pushed `period` pushes before it, NaN until there is one. */
  push(x: number): number {
    const idx = this.idx;
    let lagged = NaN;
    if (this.count === this.period) lagged = this.buf[idx];
    else this.count++;
    this.buf[idx] = x;
    this.idx = idx + 1 === this.period ? 0 : idx + 1;
    return lagged;
  }
}

/** Rolling mean of the last `period` values (running sum over a ring buffer). */
export class RollingMean {
  readonly period: number;
  /** Values pushed so far, saturating at `period`. */
  count = 0;
  private readonly buf: Float64Array;
  private idx = 0;
  private sum = 0;
  private sinceSync = 0;
  private last = NaN;
  private run = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.buf = new Float64Array(period);
  }

  push(x: number): void {
    const n = this.period;
    const idx = this.idx;
    if (this.count < n) {
      this.count++;
      this.buf[idx] = x;
      this.sum += x;
    } else {
      const old = this.buf[idx];
      this.buf[idx] = x;
      if (++this.sinceSync >= n) {
        this.sinceSync = 0;
        this.sum = sumOf(this.buf);
      } else {
        this.sum += x - old;
      }
    }
    this.idx = idx + 1 === n ? 0 : idx + 1;
    if (x === this.last) this.run++;
    else {
      this.last = x;
      this.run = 1;
    }
  }

  /** Mean of the window; NaN until `period` values have been pushed. */
  mean(): number {
    const n = this.period;
    if (this.count < n) return NaN;
    return this.run >= n ? this.last : this.sum / n;
  }
}

/**
 * Rolling mean and population variance of the last `period` values.
 * Keeps the running sum and M2 = sum of squared deviations from the window mean.
 */
export class RollingMoments {
  readonly period: number;
  count = 0;
  private readonly buf: Float64Array;
  private idx = 0;
  private sum = 0;
  private m2 = 0;
  /** Sum of |M2 updates| since the last recomputation (scale of M2's rounding error). */
  private churn = 0;
  private sinceSync = 0;
  private last = NaN;
  private run = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.buf = new Float64Array(period);
  }

  push(x: number): void {
    const n = this.period;
    const idx = this.idx;
    const count = this.count;
    if (count < n) {
      // Welford add: M2 += (x - oldMean) * (x - newMean)
      const oldMean = count === 0 ? 0 : this.sum / count;
      this.sum += x;
      this.count = count + 1;
      this.m2 += (x - oldMean) * (x - this.sum / (count + 1));
      this.buf[idx] = x;
    } else {
      const old = this.buf[idx];
      this.buf[idx] = x;
      if (++this.sinceSync >= n) {
        this.sinceSync = 0;
        this.resync();
      } else {
        // Fixed-size replace: M2 += (x - old) * (x - newMean + old - oldMean)
        const oldMean = this.sum / n;
        this.sum += x - old;
        const inc = (x - old) * (x - this.sum / n + old - oldMean);
        this.m2 += inc;
        this.churn += inc < 0 ? -inc : inc;
        if (this.m2 < CANCELLATION_RATIO * this.churn) this.resync();
      }
    }
    this.idx = idx + 1 === n ? 0 : idx + 1;
    if (x === this.last) this.run++;
    else {
      this.last = x;
      this.run = 1;
    }
  }

  /** Mean of the window; NaN until full. */
  mean(): number {
    const n = this.period;
    if (this.count < n) return NaN;
    return this.run >= n ? this.last : this.sum / n;
  }

  /** Population variance of the window (>= 0, exactly 0 for a constant window); NaN until full. */
  variance(): number {
    const n = this.period;
    if (this.count < n) return NaN;
    if (this.run >= n) return 0;
    const v = this.m2 / n;
    return v > 0 ? v : 0;
  }

  private resync(): void {
    const b = this.buf;
    const n = b.length;
    const sum = sumOf(b);
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = b[i] - mean;
      m2 += d * d;
    }
    this.sum = sum;
    this.m2 = m2;
    this.churn = 0;
  }
}

/**
 * Rolling means, population variances and covariance of the last `period` pairs (a, b).
 * Uses the centred co-moment C = sum (a - meanA)(b - meanB) with the exact fixed-size
 * replace update C += ((aN - aO)(bN + bO - mB' - mB) + (bN - bO)(aN + aO - mA' - mA)) / 2.
 */
export class RollingCovariance {
  readonly period: number;
  count = 0;
  private readonly bufA: Float64Array;
  private readonly bufB: Float64Array;
  private idx = 0;
  private sumA = 0;
  private sumB = 0;
  private m2A = 0;
  private m2B = 0;
  private cAB = 0;
  private churnA = 0;
  private churnB = 0;
  private sinceSync = 0;
  private lastA = NaN;
  private lastB = NaN;
  private runA = 0;
  private runB = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.bufA = new Float64Array(period);
    this.bufB = new Float64Array(period);
  }

  push(a: number, b: number): void {
    const n = this.period;
    const idx = this.idx;
    const count = this.count;
    if (count < n) {
      const oldMA = count === 0 ? 0 : this.sumA / count;
      const oldMB = count === 0 ? 0 : this.sumB / count;
      this.sumA += a;
      this.sumB += b;
      this.count = count + 1;
      const newMA = this.sumA / (count + 1);
      const newMB = this.sumB / (count + 1);
      this.m2A += (a - oldMA) * (a - newMA);
      this.m2B += (b - oldMB) * (b - newMB);
      this.cAB += (a - oldMA) * (b - newMB);
      this.bufA[idx] = a;
      this.bufB[idx] = b;
    } else {
      const oA = this.bufA[idx];
      const oB = this.bufB[idx];
      this.bufA[idx] = a;
      this.bufB[idx] = b;
      if (++this.sinceSync >= n) {
        this.sinceSync = 0;
        this.resync();
      } else {
        const mA = this.sumA / n;
        const mB = this.sumB / n;
        this.sumA += a - oA;
        this.sumB += b - oB;
        const mA2 = this.sumA / n;
        const mB2 = this.sumB / n;
        const dA = a - oA;
        const dB = b - oB;
        const incA = dA * (a - mA2 + oA - mA);
        const incB = dB * (b - mB2 + oB - mB);
        this.m2A += incA;
        this.m2B += incB;
        this.cAB += 0.5 * (dA * (b + oB - mB2 - mB) + dB * (a + oA - mA2 - mA));
        this.churnA += incA < 0 ? -incA : incA;
        this.churnB += incB < 0 ? -incB : incB;
        if (this.m2A < CANCELLATION_RATIO * this.churnA || this.m2B < CANCELLATION_RATIO * this.churnB) this.resync();
      }
    }
    this.idx = idx + 1 === n ? 0 : idx + 1;
    if (a === this.lastA) this.runA++;
    else {
      this.lastA = a;
      this.runA = 1;
    }
    if (b === this.lastB) this.runB++;
    else {
      this.lastB = b;
      this.runB = 1;
    }
  }

  /** Pearson correlation of the window, clamped to [-1, 1]; 0 if either variance is 0; NaN until full. */
  correlation(): number {
    const n = this.period;
    if (this.count < n) return NaN;
    if (this.runA >= n || this.runB >= n) return 0;
    const va = this.m2A;
    const vb = this.m2B;
    if (!(va > 0) || !(vb > 0)) return 0;
    const r = this.cAB / Math.sqrt(va * vb);
    return r > 1 ? 1 : r < -1 ? -1 : r;
  }

  private resync(): void {
    const A = this.bufA;
    const B = this.bufB;
    const n = A.length;
    const sA = sumOf(A);
    const sB = sumOf(B);
    const mA = sA / n;
    const mB = sB / n;
    let m2A = 0;
    let m2B = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const da = A[i] - mA;
      const db = B[i] - mB;
      m2A += da * da;
      m2B += db * db;
      c += da * db;
    }
    this.sumA = sA;
    this.sumB = sB;
    this.m2A = m2A;
    this.m2B = m2B;
    this.churnA = 0;
    this.churnB = 0;
    this.cAB = c;
  }
}

/**
 * Rolling maximum over the last `window` pushed values via a monotonic deque (amortised
 * O(1)). For a rolling minimum push negated values and negate the result.
 * Positions are pushed implicitly (0, 1, 2, ...); `evictBefore(p)` drops positions < p.
 */
export class RollingMaxDeque {
  private readonly vals: Float64Array;
  private readonly pos: Float64Array;
  private readonly cap: number;
  private head = 0;
  private size = 0;
  private next = 0;

  /** `capacity` = the largest number of positions that can be in the window at once. */
  constructor(capacity: number) {
    checkPeriod('capacity', capacity);
    this.cap = capacity;
    this.vals = new Float64Array(capacity);
    this.pos = new Float64Array(capacity);
  }

  /** Drops every entry older than position `p` (call before `push` to keep the window bounded). */
  evictBefore(p: number): void {
    const cap = this.cap;
    while (this.size > 0 && this.pos[this.head] < p) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
  }

  /** Appends the value at the next position. */
  push(x: number): void {
    const cap = this.cap;
    let size = this.size;
    // Pop dominated entries from the back (<=: the newer equal value outlives the older one).
    while (size > 0) {
      let back = this.head + size - 1;
      if (back >= cap) back -= cap;
      if (this.vals[back] > x) break;
      size--;
    }
    let slot = this.head + size;
    if (slot >= cap) slot -= cap;
    this.vals[slot] = x;
    this.pos[slot] = this.next++;
    this.size = size + 1;
  }

  /** Maximum of the entries currently held (NaN when empty). */
  max(): number {
    return this.size > 0 ? this.vals[this.head] : NaN;
  }
}

/**
 * EMA with alpha = 2/(period+1), seeded with the SMA of the first `period` inputs
 * (value at input period-1), then ema = alpha*x + (1-alpha)*prev.
 */
export class EmaState {
  readonly period: number;
  readonly alpha: number;
  /** Current EMA, NaN until `period` inputs have been seen. */
  value = NaN;
  private count = 0;
  private sum = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
    this.alpha = 2 / (period + 1);
  }

  push(x: number): number {
    if (this.count >= this.period) {
      this.value = this.alpha * x + (1 - this.alpha) * this.value;
    } else {
      this.sum += x;
      if (++this.count === this.period) this.value = this.sum / this.period;
    }
    return this.value;
  }
}

/**
 * Wilder's running average: the first value is the simple mean of the first `period`
 * inputs, then avg = (prev*(period-1) + x)/period.
 */
export class WilderAverage {
  readonly period: number;
  /** Current average, NaN until `period` inputs have been seen. */
  value = NaN;
  private count = 0;
  private sum = 0;

  constructor(period: number) {
    checkPeriod('period', period);
    this.period = period;
  }

  push(x: number): number {
    const n = this.period;
    if (this.count >= n) {
      this.value = (this.value * (n - 1) + x) / n;
    } else {
      this.sum += x;
      if (++this.count === n) this.value = this.sum / n;
    }
    return this.value;
  }
}

function sumOf(b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += b[i];
  return s;
}

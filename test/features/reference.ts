/**
 * Naive batch reference implementations, written straight from the textbook definitions:
 * each rolling window is recomputed from scratch with plain loops, recursive averages are
 * computed over whole arrays. Slow and obviously correct; shares no code with src/.
 * Every function returns one array per output, NaN where the value is not defined.
 */
import type { Bars } from './helpers.ts';

const nan = (n: number) => new Array<number>(n).fill(NaN);

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population standard deviation, two-pass; exactly 0 when all values are equal. */
function popStd(xs: number[]): number {
  if (xs.every((x) => x === xs[0])) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / xs.length);
}

/** Mean of a constant window is the value itself (the SMA of a flat market is the price). */
function windowMean(xs: number[]): number {
  return xs.every((x) => x === xs[0]) ? xs[0] : mean(xs);
}

const win = (xs: readonly number[], t: number, p: number) => xs.slice(t - p + 1, t + 1);

export function smaRef(c: number[], p: number): number[] {
  return c.map((_, t) => (t >= p - 1 ? windowMean(win(c, t, p)) : NaN));
}

/** EMA of a series that may start with NaNs: seeded with the SMA of its first p defined values. */
export function emaRef(x: number[], p: number): number[] {
  const out = nan(x.length);
  const start = x.findIndex((v) => !Number.isNaN(v));
  if (start < 0 || start + p - 1 >= x.length) return out;
  const alpha = 2 / (p + 1);
  out[start + p - 1] = mean(x.slice(start, start + p));
  for (let t = start + p; t < x.length; t++) out[t] = alpha * x[t] + (1 - alpha) * out[t - 1];
  return out;
}

export function wmaRef(c: number[], p: number): number[] {
  return c.map((_, t) => {
    if (t < p - 1) return NaN;
    let s = 0;
    for (let j = 0; j < p; j++) s += (p - j) * c[t - j]; // newest weight p, oldest weight 1
    return s / ((p * (p + 1)) / 2);
  });
}

export function rsiRef(c: number[], p: number): number[] {
  const out = nan(c.length);
  if (c.length < p + 1) return out;
  const gains: number[] = [NaN];
  const losses: number[] = [NaN];
  for (let t = 1; t < c.length; t++) {
    const d = c[t] - c[t - 1];
    gains.push(Math.max(d, 0));
    losses.push(Math.max(-d, 0));
  }
  let ag = mean(gains.slice(1, p + 1));
  let al = mean(losses.slice(1, p + 1));
  const rsi = (g: number, l: number) => (l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l));
  out[p] = rsi(ag, al);
  for (let t = p + 1; t < c.length; t++) {
    ag = (ag * (p - 1) + gains[t]) / p;
    al = (al * (p - 1) + losses[t]) / p;
    out[t] = rsi(ag, al);
  }
  return out;
}

function trueRanges(b: Bars): number[] {
  return b.close.map((_, t) =>
    t === 0
      ? b.high[0] - b.low[0]
      : Math.max(b.high[t] - b.low[t], Math.abs(b.high[t] - b.close[t - 1]), Math.abs(b.low[t] - b.close[t - 1])),
  );
}

export function atrRef(b: Bars, p: number): number[] {
  const tr = trueRanges(b);
  const out = nan(tr.length);
  if (tr.length < p) return out;
  out[p - 1] = mean(tr.slice(0, p));
  for (let t = p; t < tr.length; t++) out[t] = (out[t - 1] * (p - 1) + tr[t]) / p;
  return out;
}

export function stddevRef(c: number[], p: number): number[] {
  return c.map((_, t) => (t >= p - 1 ? popStd(win(c, t, p)) : NaN));
}

export function bollingerRef(c: number[], p: number, k: number): number[][] {
  const mid = smaRef(c, p);
  const sd = stddevRef(c, p);
  return [mid.map((m, t) => m + k * sd[t]), mid, mid.map((m, t) => m - k * sd[t])];
}

export function zscoreRef(c: number[], p: number): number[] {
  return c.map((x, t) => {
    if (t < p - 1) return NaN;
    const w = win(c, t, p);
    const sd = popStd(w);
    return sd === 0 ? 0 : (x - mean(w)) / sd;
  });
}

export function macdRef(c: number[], fast: number, slow: number, signal: number): number[][] {
  const f = emaRef(c, fast);
  const s = emaRef(c, slow);
  const m = c.map((_, t) => (Number.isNaN(f[t]) || Number.isNaN(s[t]) ? NaN : f[t] - s[t]));
  const sig = emaRef(m, signal);
  return [m, sig, m.map((x, t) => x - sig[t])];
}

export function donchianRef(b: Bars, p: number): number[][] {
  const n = b.close.length;
  const up = nan(n);
  const lo = nan(n);
  const mid = nan(n);
  for (let t = p; t < n; t++) {
    let hh = -Infinity;
    let ll = Infinity;
    for (let j = t - p; j < t; j++) {
      if (b.high[j] > hh) hh = b.high[j];
      if (b.low[j] < ll) ll = b.low[j];
    }
    up[t] = hh;
    lo[t] = ll;
    mid[t] = (hh + ll) / 2;
  }
  return [up, lo, mid];
}

export function momentumRef(c: number[], p: number): number[] {
  return c.map((x, t) => (t >= p ? x - c[t - p] : NaN));
}

export function rocRef(c: number[], p: number): number[] {
  return c.map((x, t) => (t >= p ? (x / c[t - p] - 1) * 100 : NaN));
}

export function vwapRef(b: Bars, p: number): number[] {
  const tp = b.close.map((c, t) => (b.high[t] + b.low[t] + c) / 3);
  return tp.map((_, t) => {
    if (t < p - 1) return NaN;
    let pv = 0;
    let v = 0;
    let s = 0;
    for (let j = t - p + 1; j <= t; j++) {
      pv += tp[j] * b.volume[j];
      v += b.volume[j];
      s += tp[j];
    }
    return v === 0 ? s / p : pv / v;
  });
}

export function adxRef(b: Bars, p: number): number[][] {
  const n = b.close.length;
  const tr = trueRanges(b);
  const pdm = nan(n);
  const mdm = nan(n);
  for (let t = 1; t < n; t++) {
    const up = b.high[t] - b.high[t - 1];
    const down = b.low[t - 1] - b.low[t];
    pdm[t] = up > down && up > 0 ? up : 0;
    mdm[t] = down > up && down > 0 ? down : 0;
  }
  const plusDI = nan(n);
  const minusDI = nan(n);
  const dx = nan(n);
  let sTR = 0;
  let sP = 0;
  let sM = 0;
  for (let t = p; t < n; t++) {
    if (t === p) {
      for (let j = 1; j <= p; j++) {
        sTR += tr[j];
        sP += pdm[j];
        sM += mdm[j];
      }
    } else {
      sTR = sTR - sTR / p + tr[t];
      sP = sP - sP / p + pdm[t];
      sM = sM - sM / p + mdm[t];
    }
    plusDI[t] = sTR > 0 ? (100 * sP) / sTR : 0;
    minusDI[t] = sTR > 0 ? (100 * sM) / sTR : 0;
    const sum = plusDI[t] + minusDI[t];
    dx[t] = sum > 0 ? (100 * Math.abs(plusDI[t] - minusDI[t])) / sum : 0;
  }
  const adx = nan(n);
  const first = 2 * p - 1;
  if (first < n) {
    adx[first] = mean(dx.slice(p, first + 1));
    for (let t = first + 1; t < n; t++) adx[t] = (adx[t - 1] * (p - 1) + dx[t]) / p;
  }
  return [adx, plusDI, minusDI];
}

export function stochasticRef(b: Bars, kp: number, dp: number): number[][] {
  const n = b.close.length;
  const k = nan(n);
  for (let t = kp - 1; t < n; t++) {
    const hh = Math.max(...win(b.high, t, kp));
    const ll = Math.min(...win(b.low, t, kp));
    k[t] = hh - ll === 0 ? 50 : (100 * (b.close[t] - ll)) / (hh - ll);
  }
  const d = k.map((_, t) => {
    if (t < kp - 1 + dp - 1) return NaN;
    return windowMean(win(k, t, dp));
  });
  return [k, d];
}

export function obvRef(b: Bars): number[] {
  const out: number[] = [];
  let obv = 0;
  for (let t = 0; t < b.close.length; t++) {
    if (t > 0) {
      if (b.close[t] > b.close[t - 1]) obv += b.volume[t];
      else if (b.close[t] < b.close[t - 1]) obv -= b.volume[t];
    }
    out.push(obv);
  }
  return out;
}

export function correlationRef(a: number[], b: number[], p: number): number[] {
  return a.map((_, t) => {
    if (t < p - 1) return NaN;
    const wa = win(a, t, p);
    const wb = win(b, t, p);
    if (popStd(wa) === 0 || popStd(wb) === 0) return 0;
    const ma = mean(wa);
    const mb = mean(wb);
    let c = 0;
    let va = 0;
    let vb = 0;
    for (let j = 0; j < p; j++) {
      c += (wa[j] - ma) * (wb[j] - mb);
      va += (wa[j] - ma) ** 2;
      vb += (wb[j] - mb) ** 2;
    }
    return c / Math.sqrt(va * vb);
  });
}

export function spreadZscoreRef(a: number[], b: number[], p: number, h: number): number[][] {
  const spread = a.map((x, t) => Math.log(x) - h * Math.log(b[t]));
  const z = spread.map((s, t) => {
    if (t < p - 1) return NaN;
    const w = win(spread, t, p);
    const sd = popStd(w);
    return sd === 0 ? 0 : (s - mean(w)) / sd;
  });
  return [z, spread];
}

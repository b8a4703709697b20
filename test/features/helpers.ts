/**
 * Test helpers: a tiny seeded PRNG, synthetic OHLCV bars (low <= open, close <= high), and
 * a comparison that demands NaN at exactly the same bars and |a - e| <= tol * max(1, |e|).
 */
import type { Indicator, PairIndicator } from '../../src/features/indicator.ts';
import { mulberry32 } from '../../src/data/prng.ts';

/** Uniform [0, 1) from the project's seeded mulberry32 (src/data/prng.ts). */
export const prng = (seed: number): (() => number) => mulberry32(seed).next;

/** Standard normal via Box-Muller. */
export function gauss(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface Bars {
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

export interface BarOptions {
  start?: number;
  vol?: number;
  /** [from, length): bars with open = high = low = close = previous close and zero volume. */
  flat?: readonly [number, number];
  /** [from, length): bars whose close equals the previous close (but with a real high/low range). */
  sameClose?: readonly [number, number];
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** A random walk in cents, with optional flat / zero-volume segments to hit the edge cases. */
export function makeBars(n: number, seed: number, opts: BarOptions = {}): Bars {
  const rand = prng(seed);
  const vol = opts.vol ?? 0.01;
  const inSeg = (i: number, seg?: readonly [number, number]) => seg !== undefined && i >= seg[0] && i < seg[0] + seg[1];
  const b: Bars = { open: [], high: [], low: [], close: [], volume: [] };
  let prev = opts.start ?? 100;
  for (let i = 0; i < n; i++) {
    let o: number, h: number, l: number, c: number, v: number;
    if (inSeg(i, opts.flat)) {
      o = h = l = c = prev;
      v = 0;
    } else {
      o = cents(prev * (1 + 0.3 * vol * gauss(rand)));
      c = inSeg(i, opts.sameClose) ? prev : cents(prev * Math.exp(vol * gauss(rand)));
      h = cents(Math.max(o, c) + prev * vol * Math.abs(gauss(rand)));
      l = cents(Math.min(o, c) - prev * vol * Math.abs(gauss(rand)));
      // rounding to cents can never break the ordering, but be explicit
      h = Math.max(h, o, c);
      l = Math.min(l, o, c);
      v = rand() < 0.05 ? 0 : Math.round(1000 + 9000 * rand());
    }
    b.open.push(o);
    b.high.push(h);
    b.low.push(l);
    b.close.push(c);
    b.volume.push(v);
    prev = c;
  }
  return b;
}

/** Two correlated positive price series (for the pair indicators), with optional constant segments. */
export function makePair(
  n: number,
  seed: number,
  opts: { constantB?: readonly [number, number]; constantBoth?: readonly [number, number] } = {},
): { a: number[]; b: number[] } {
  const rand = prng(seed);
  const a: number[] = [];
  const b: number[] = [];
  let pa = 50;
  let pb = 80;
  const inSeg = (i: number, seg?: readonly [number, number]) => seg !== undefined && i >= seg[0] && i < seg[0] + seg[1];
  for (let i = 0; i < n; i++) {
    const common = gauss(rand);
    const both = inSeg(i, opts.constantBoth);
    if (!both) pa = cents(pa * Math.exp(0.01 * (0.7 * common + 0.7 * gauss(rand))));
    if (!both && !inSeg(i, opts.constantB)) pb = cents(pb * Math.exp(0.01 * (0.8 * common + 0.6 * gauss(rand))));
    a.push(pa);
    b.push(pb);
  }
  return { a, b };
}

/** Feeds every bar and snapshots `values` after each one: result[t][output]. */
export function runBars(ind: Indicator, bars: Bars): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < bars.close.length; t++) {
    ind.update(bars.open[t], bars.high[t], bars.low[t], bars.close[t], bars.volume[t]);
    out.push(Array.from(ind.values));
  }
  return out;
}

export function runPair(ind: PairIndicator, a: readonly number[], b: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < a.length; t++) {
    ind.update(a[t], b[t]);
    out.push(Array.from(ind.values));
  }
  return out;
}

/** Transposes per-output reference series (ref[output][t]) to result layout (out[t][output]). */
export function byBar(...series: number[][]): number[][] {
  const n = series[0].length;
  const out: number[][] = [];
  for (let t = 0; t < n; t++) out.push(series.map((s) => s[t]));
  return out;
}

/**
 * Describes the first mismatch between `actual` and `expected` (null when they agree):
 * NaN must coincide exactly; otherwise |a - e| <= tol * max(1, |e|).
 */
export function firstMismatch(actual: number[][], expected: number[][], tol = 1e-9): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let t = 0; t < expected.length; t++) {
    if (actual[t].length !== expected[t].length) return `bar ${t}: ${actual[t].length} outputs != ${expected[t].length}`;
    for (let k = 0; k < expected[t].length; k++) {
      const a = actual[t][k];
      const e = expected[t][k];
      if (Number.isNaN(e) || Number.isNaN(a)) {
        if (Number.isNaN(e) !== Number.isNaN(a)) return `bar ${t} output ${k}: got ${a}, expected ${e}`;
        continue;
      }
      if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) return `bar ${t} output ${k}: got ${a}, expected ${e}`;
    }
  }
  return null;
}

/** Index of the first bar at which output `k` is not NaN (-1 if never). */
export function firstValid(rows: number[][], k = 0): number {
  return rows.findIndex((r) => !Number.isNaN(r[k]));
}

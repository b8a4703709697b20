/** Property-based checks (fast-check) and long-run numerical stability. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Correlation } from '../../src/features/indicators/correlation.ts';
import { Donchian } from '../../src/features/indicators/donchian.ts';
import { Sma } from '../../src/features/indicators/sma.ts';
import { Stddev } from '../../src/features/indicators/stddev.ts';
import { Stochastic } from '../../src/features/indicators/stochastic.ts';
import { Vwap } from '../../src/features/indicators/vwap.ts';
import { Wma } from '../../src/features/indicators/wma.ts';
import { Zscore } from '../../src/features/indicators/zscore.ts';
import { byBar, firstMismatch, gauss, prng, runBars, runPair, type Bars } from './helpers.ts';
import * as ref from './reference.ts';

const closesOnly = (cs: number[]): Bars => ({ open: cs, high: cs, low: cs, close: cs, volume: cs.map(() => 0) });

const prices = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 0, maxLength: 200 });
const period = fc.integer({ min: 1, max: 40 });

describe('properties', () => {
  it('sma equals the naive mean of every window, for any series and period', () => {
    fc.assert(
      fc.property(prices, period, (cs, p) => {
        expect(firstMismatch(runBars(new Sma(p), closesOnly(cs)), byBar(ref.smaRef(cs, p)))).toBeNull();
      }),
    );
  });

  it('wma and stddev equal the naive window computations', () => {
    fc.assert(
      fc.property(prices, period, (cs, p) => {
        const bars = closesOnly(cs);
        expect(firstMismatch(runBars(new Wma(p), bars), byBar(ref.wmaRef(cs, p)))).toBeNull();
        // std of values up to 1e6: compare with an absolute tolerance scaled to the data
        expect(firstMismatch(runBars(new Stddev(p), bars), byBar(ref.stddevRef(cs, p)), 1e-7)).toBeNull();
      }),
    );
  });

  it('donchian and stochastic extremes match brute force, including many ties', () => {
    // small integer alphabet -> lots of equal highs/lows, which stresses the monotonic deques
    const bar = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }));
    fc.assert(
      fc.property(fc.array(bar, { maxLength: 120 }), period, fc.integer({ min: 1, max: 5 }), (raw, p, d) => {
        const bars: Bars = { open: [], high: [], low: [], close: [], volume: [] };
        for (const [x, y, z] of raw) {
          const [lo, mid, hi] = [x, y, z].sort((a, b) => a - b);
          bars.open.push(mid);
          bars.high.push(hi);
          bars.low.push(lo);
          bars.close.push(mid);
          bars.volume.push(1);
        }
        expect(firstMismatch(runBars(new Donchian(p), bars), byBar(...ref.donchianRef(bars, p)))).toBeNull();
        expect(firstMismatch(runBars(new Stochastic(p, d), bars), byBar(...ref.stochasticRef(bars, p, d)))).toBeNull();
      }),
    );
  });

  // Prices on a cent grid: values that differ only in their last bits make any variance
  // ill-conditioned, which says nothing about the algorithm.
  const cent = (min: number, max: number) => fc.integer({ min: min * 100, max: max * 100 }).map((x) => x / 100);

  it('zscore matches the naive window computation across spikes and quiet stretches', () => {
    // a spike leaving an otherwise quiet window is where rolling variances lose precision
    const px = fc.oneof(fc.constantFrom(100, 100.01, 99.99), cent(1, 1e6));
    fc.assert(
      fc.property(fc.array(px, { maxLength: 200 }), period, (cs, p) => {
        expect(firstMismatch(runBars(new Zscore(p), closesOnly(cs)), byBar(ref.zscoreRef(cs, p)), 1e-8)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('vwap matches the naive window computation for volumes spanning many magnitudes', () => {
    const vol = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e12, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.tuple(cent(1, 1000), vol), { maxLength: 200 }), period, (xs, p) => {
        const cs = xs.map((x) => x[0]);
        const bars: Bars = { open: cs, high: cs, low: cs, close: cs, volume: xs.map((x) => x[1]) };
        expect(firstMismatch(runBars(new Vwap(p), bars), byBar(ref.vwapRef(bars, p)))).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('correlation matches the naive window computation, with constant stretches', () => {
    const a = fc.oneof(fc.constantFrom(10, 10.01), cent(1, 1e5));
    const b = fc.oneof(fc.constantFrom(5, 5.01), cent(1, 1e5));
    fc.assert(
      fc.property(fc.array(fc.tuple(a, b), { maxLength: 150 }), period, (xy, p) => {
        const as = xy.map((x) => x[0]);
        const bs = xy.map((x) => x[1]);
        expect(firstMismatch(runPair(new Correlation(p), as, bs), byBar(ref.correlationRef(as, bs, p)), 1e-8)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('correlation stays in [-1, 1] and zscore is finite once warm', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 1, max: 1000, noNaN: true }), fc.double({ min: 1, max: 1000, noNaN: true })), { maxLength: 100 }), period, (xy, p) => {
        const c = new Correlation(p);
        const z = new Zscore(p);
        xy.forEach(([a, b], t) => {
          c.update(a, b);
          z.update(a, a, a, a, 0);
          if (t >= p - 1) {
            expect(c.values[0]).toBeGreaterThanOrEqual(-1);
            expect(c.values[0]).toBeLessThanOrEqual(1);
            expect(Number.isFinite(z.values[0])).toBe(true);
          }
        });
      }),
    );
  });
});

describe('long runs do not drift', () => {
  it('after 1e6 bars crashing from 1e6 to ~1, rolling sums still match a fresh computation of the last window', () => {
    // Without periodic re-synchronisation, rounding error accumulated while prices were
    // ~1e6 would still sit in the running sums once prices are ~1.
    const rand = prng(2024);
    const n = 1_000_000;
    const p = 50;
    const sma = new Sma(p);
    const wma = new Wma(p);
    const sd = new Stddev(p);
    const vwap = new Vwap(p);
    const corr = new Correlation(p);
    const cs = new Float64Array(n);
    const vs = new Float64Array(n);
    const bs = new Float64Array(n);
    const decay = Math.log(1e6) / n;
    let px = 1e6;
    let pb = 3_000;
    for (let t = 0; t < n; t++) {
      const g = gauss(rand);
      px *= Math.exp(0.002 * g - decay);
      pb *= Math.exp(0.002 * (0.5 * g + gauss(rand)));
      const v = 1e6 * rand();
      cs[t] = px;
      vs[t] = v;
      bs[t] = pb;
      sma.update(px, px, px, px, v);
      wma.update(px, px, px, px, v);
      sd.update(px, px, px, px, v);
      vwap.update(px, px, px, px, v);
      corr.update(px, pb);
    }
    const last = Array.from(cs.subarray(n - p));
    const lastV = Array.from(vs.subarray(n - p));
    const lastB = Array.from(bs.subarray(n - p));
    const at = (xs: number[]) => xs[xs.length - 1];
    const rel = (a: number, e: number) => Math.abs(a - e) / Math.abs(e);
    expect(rel(sma.values[0], at(ref.smaRef(last, p)))).toBeLessThan(1e-12);
    expect(rel(wma.values[0], at(ref.wmaRef(last, p)))).toBeLessThan(1e-12);
    expect(rel(sd.values[0], at(ref.stddevRef(last, p)))).toBeLessThan(1e-10);
    expect(rel(vwap.values[0], at(ref.vwapRef({ open: last, high: last, low: last, close: last, volume: lastV }, p)))).toBeLessThan(1e-12);
    expect(rel(corr.values[0], at(ref.correlationRef(last, lastB, p)))).toBeLessThan(1e-10);
  });
});

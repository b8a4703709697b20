/**
 * The objective observer's streamed metrics against computeMetrics on the same curve and
 * trades: random curves and trades (fast-check), the bounded state, and error handling.
 * (Real runs: observer-run.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, type Metrics } from '../../src/metrics/index.ts';
import { ObjectiveObserver } from '../../src/sweep/observer.ts';
import { StreamingMetrics } from '../../src/sweep/streaming-metrics.ts';
import { expectSameMetrics } from './observer-helpers.ts';

interface Case {
  equity: number[];
  steps: number[];
  exposed: boolean[];
  trades: { pnl: number; returnPct: number; bars: number }[];
  P: number;
  rf: number;
}

const returnsCurve = fc
  .tuple(fc.double({ min: 1, max: 1e7, noNaN: true }), fc.array(fc.oneof(fc.double({ min: -0.2, max: 0.2, noNaN: true }), fc.constant(0)), { minLength: 0, maxLength: 400 }))
  .map(([start, rs]) => rs.reduce((curve, r) => [...curve, curve[curve.length - 1] * (1 + r)], [start]));
/** Raw levels: plateaus, returns to the exact peak, zero and negative equity after the start. */
const rawCurve = fc
  .tuple(fc.double({ min: 1, max: 1e4, noNaN: true }), fc.array(fc.oneof(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.constantFrom(0, 100, 50)), { maxLength: 100 }))
  .map(([start, rest]) => [start, ...rest]);

const caseArb: fc.Arbitrary<Case> = fc
  .oneof({ arbitrary: returnsCurve, weight: 4 }, { arbitrary: rawCurve, weight: 1 })
  .chain((equity) =>
    fc.record({
      equity: fc.constant(equity),
      steps: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * 86_400_000 })), { minLength: equity.length, maxLength: equity.length }),
      exposed: fc.array(fc.boolean(), { minLength: equity.length, maxLength: equity.length }),
      trades: fc.array(
        fc.record({
          pnl: fc.oneof(fc.double({ min: -1e5, max: 1e5, noNaN: true }), fc.constant(0)),
          returnPct: fc.double({ min: -1, max: 5, noNaN: true }),
          bars: fc.integer({ min: 0, max: 10_000 }),
        }),
        { maxLength: 60 },
      ),
      P: fc.constantFrom(1, 12, 52, 252, 252 * 78, 252 * 390),
      rf: fc.oneof(fc.constant(0), fc.double({ min: -0.05, max: 0.2, noNaN: true })),
    }),
  );

function curveOf(c: Case) {
  const ts = new Float64Array(c.equity.length);
  let t = 1_600_000_000_000;
  c.steps.forEach((s, i) => (ts[i] = t += s));
  return { ts, equity: Float64Array.from(c.equity), exposed: Uint8Array.from(c.exposed, (x) => (x ? 1 : 0)) };
}

function streamedMetrics(c: Case): Metrics {
  const { ts } = curveOf(c);
  const observer = new ObjectiveObserver('sharpe', { riskFreeRate: c.rf, periodsPerYear: c.P });
  // Trades and points interleave in any order: their accumulators are independent.
  let k = 0;
  c.equity.forEach((e, i) => {
    observer.onEquity(ts[i], e, c.exposed[i]);
    if (k < c.trades.length && i % 3 === 0) observer.onTrade(c.trades[k++]);
  });
  while (k < c.trades.length) observer.onTrade(c.trades[k++]);
  return observer.result();
}

function batchAndStreamed(c: Case): { batch: Metrics; streamed: Metrics } {
  const batch = computeMetrics(curveOf(c), c.trades, { periodsPerYear: c.P, riskFreeRate: c.rf });
  return { batch, streamed: streamedMetrics(c) };
}

describe('ObjectiveObserver: streamed metrics = computeMetrics', () => {
  it('on random curves and trades (fast-check): bit-identical except std-based figures (1e-9 relative)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        let batch: Metrics;
        try {
          batch = computeMetrics(curveOf(c), c.trades, { periodsPerYear: c.P, riskFreeRate: c.rf });
        } catch (error) {
          // a curve the batch function refuses (a non-finite figure): so does the observer
          expect(() => streamedMetrics(c), String(error)).toThrow(RangeError);
          return;
        }
        expectSameMetrics(streamedMetrics(c), batch);
      }),
      { numRuns: 400 },
    );
  });

  it('long curves: 200k points of random returns still agree within 1e-9', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 200_000;
    const equity = [1e5];
    for (let i = 1; i < n; i++) equity.push(equity[i - 1] * (1 + 0.0004 + 0.01 * (rand() - 0.5)));
    const c: Case = {
      equity, steps: equity.map(() => 60_000), exposed: equity.map((_, i) => i % 7 !== 0),
      trades: [{ pnl: 5, returnPct: 0.01, bars: 4 }, { pnl: -2, returnPct: -0.004, bars: 9 }], P: 252 * 390, rf: 0.03,
    };
    const { streamed, batch } = batchAndStreamed(c);
    expectSameMetrics(streamed, batch, 'long');
    expect(streamed.sharpe).not.toBeNull();
  });

  it('objective value follows the metrics; result() can be read mid-stream', () => {
    const o = new ObjectiveObserver({ weights: { total_return: 1, max_drawdown: 1 } });
    o.onEquity(0, 100, false);
    o.onEquity(1, 120, true);
    expect(o.value(252)).toBeCloseTo(0.2, 12);
    o.onEquity(2, 90, true);
    expect(o.value(252)).toBeCloseTo(-0.1 - 0.25, 12);
    expect(o.points).toBe(3);
  });

  it('refuses what computeMetrics refuses, with the same reasons', () => {
    expect(() => new StreamingMetrics().result(252)).toThrow(/no equity point/);
    expect(() => new StreamingMetrics().onEquity(0, 0, false)).toThrow(/initial equity/);
    expect(() => new StreamingMetrics().onEquity(0, Number.NaN, false)).toThrow(/not finite/);
    const s = new StreamingMetrics();
    s.onEquity(10, 100, false);
    expect(() => s.onEquity(9, 100, false)).toThrow(/non-decreasing/);
    expect(() => s.onTrade({ pnl: Number.POSITIVE_INFINITY, returnPct: 0, bars: 1 })).toThrow(/trade 0/);
    expect(() => s.result(0)).toThrow(/periodsPerYear/);
    expect(() => new StreamingMetrics({ riskFreeRate: 0.02 })).toThrow(/periodsPerYear up front/);
    const withRf = new StreamingMetrics({ riskFreeRate: 0.02, periodsPerYear: 252 });
    withRf.onEquity(0, 100, false);
    expect(() => withRf.result(52)).toThrow(/differs/);
    expect(withRf.result().periods_per_year).toBe(252);
  });
});

/** Counts every value reachable from `root` (object fields, array and typed-array elements, map entries). */
function retainedSlots(root: unknown): number {
  const seen = new Set<unknown>();
  const walk = (x: unknown): number => {
    if (x === null || typeof x !== 'object' || seen.has(x)) return 1;
    seen.add(x);
    if (ArrayBuffer.isView(x)) return (x as unknown as ArrayLike<number>).length;
    if (x instanceof Map || x instanceof Set) {
      let n = 1;
      for (const v of x instanceof Map ? [...x.keys(), ...x.values()] : [...x]) n += walk(v);
      return n;
    }
    let n = 1;
    for (const v of Object.values(x)) n += walk(v);
    return n;
  };
  return walk(root);
}

describe('ObjectiveObserver memory', () => {
  it('retains the same state after 100 and after 300k ticks and trades (O(1) in the run length)', () => {
    const feed = (ticks: number) => {
      const o = new ObjectiveObserver({ weights: { sharpe: 1, max_drawdown: 2 } }, { riskFreeRate: 0.01, periodsPerYear: 252 });
      let e = 1000;
      for (let i = 0; i < ticks; i++) {
        e *= 1 + 0.01 * Math.sin(i * 0.37);
        o.onEquity(i * 60_000, e, i % 2 === 0);
        if (i % 10 === 0) o.onTrade({ pnl: Math.cos(i), returnPct: 0.001, bars: 10 });
      }
      return o;
    };
    const small = feed(100);
    const large = feed(300_000);
    expect(large.points).toBe(300_000);
    expect(large.result().trades).toBe(30_000);
    expect(retainedSlots(large)).toBe(retainedSlots(small));
    // and every field is a scalar or the (tiny) objective: no buffer anywhere
    for (const [key, value] of Object.entries(large)) {
      if (key === 'objective') continue;
      expect(typeof value, key).toMatch(/number|boolean|undefined/);
    }
  });
});

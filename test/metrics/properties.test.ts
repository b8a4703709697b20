import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, MetricsSchema, type Metrics, type TradeRecord } from '../../src/metrics/index.ts';

const periodsPerYearArb = fc.constantFrom(1, 4, 12, 52, 252, 252 * 78, 252 * 390);

function timestamps(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 60_000);
}

/** Metrics that are ratios of equity values, so must not move when the whole curve is scaled. */
const SCALE_FREE = [
  'total_return', 'cagr', 'annual_return', 'annual_volatility', 'sharpe', 'sortino', 'calmar',
  'max_drawdown', 'max_drawdown_duration_periods', 'max_drawdown_duration_ms', 'exposure', 'periods',
] as const satisfies readonly (keyof Metrics)[];

function expectSame(key: string, a: number | null, b: number | null): void {
  if (a === null || b === null) {
    expect(b, key).toBe(a);
    return;
  }
  // relative 1e-9: scaling changes each simple return by at most a few ulps
  expect(Math.abs(a - b), `${key}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
}

/** Textbook formulas, one obvious pass each: max drawdown, and the dispersion sums of the returns. */
function naive(equity: Float64Array, rfPerPeriod: number) {
  let peak = equity[0];
  let maxDd = 0;
  const r: number[] = [];
  for (let i = 0; i < equity.length; i++) {
    if (i > 0) r.push(equity[i] / equity[i - 1] - 1);
    peak = Math.max(peak, equity[i]);
    maxDd = Math.min(maxDd, equity[i] / peak - 1);
  }
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  let downside = 0;
  for (const x of r) if (x - rfPerPeriod < 0) downside += (x - rfPerPeriod) ** 2;
  return { maxDd, downsideDeviation: Math.sqrt(downside / r.length), mean };
}

describe('computeMetrics properties', () => {
  it('max_drawdown and sortino equal the textbook formulas to the bit, also for curves that go negative', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 99, max: 101, noNaN: true })), { minLength: 2, maxLength: 300 }),
        fc.double({ min: -0.05, max: 0.2, noNaN: true }),
        (values, rf) => {
          const equity = Float64Array.from([100, ...values]);
          const P = 252;
          const m = computeMetrics({ ts: timestamps(equity.length), equity }, [], { periodsPerYear: P, riskFreeRate: rf });
          const want = naive(equity, rf / P);
          expect(m.max_drawdown).toBe(want.maxDd === 0 ? 0 : want.maxDd);
          if (equity.every((e, i) => i === equity.length - 1 || e > 0) && m.sortino !== null) {
            expect(m.sortino).toBe(((want.mean - rf / P) / want.downsideDeviation) * Math.sqrt(P));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('max_drawdown lies in [-1, 0], total_return is final/initial - 1, output is JSON-safe', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 200 }),
        periodsPerYearArb,
        fc.double({ min: -0.05, max: 0.2, noNaN: true }),
        (values, P, rf) => {
          const equity = Float64Array.from(values);
          const m = computeMetrics({ ts: timestamps(values.length), equity }, [], { periodsPerYear: P, riskFreeRate: rf });
          expect(m.max_drawdown).toBeGreaterThanOrEqual(-1);
          expect(m.max_drawdown).toBeLessThanOrEqual(0);
          expect(m.total_return).toBe(equity[equity.length - 1] / equity[0] - 1);
          expect(m.periods).toBe(values.length - 1);
          expect(m.max_drawdown_duration_periods).toBeLessThanOrEqual(m.periods);
          expect(MetricsSchema.safeParse(m).success).toBe(true);
          expect(JSON.parse(JSON.stringify(m))).toEqual(m);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never emits NaN or Infinity, even for curves that touch zero or go negative', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { maxLength: 50 }),
        periodsPerYearArb,
        (first, rest, P) => {
          const equity = Float64Array.from([first, ...rest]);
          const m = computeMetrics({ ts: timestamps(equity.length), equity }, [], { periodsPerYear: P });
          expect(MetricsSchema.safeParse(m).success).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scaling the whole curve by a constant leaves every ratio metric unchanged', () => {
    fc.assert(
      fc.property(
        // integer equity keeps distinct returns at least ~1e-6 apart, so the rounding of the
        // scaled values cannot move a ratio by more than the tolerance
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 100 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        periodsPerYearArb,
        fc.constantFrom(0, 0.03),
        (values, scale, P, rf) => {
          const n = values.length;
          const ts = timestamps(n);
          const exposed = Uint8Array.from(values, (v) => v % 2);
          const options = { periodsPerYear: P, riskFreeRate: rf };
          const a = computeMetrics({ ts, equity: Float64Array.from(values), exposed }, [], options);
          const b = computeMetrics({ ts, equity: Float64Array.from(values, (v) => v * scale), exposed }, [], options);
          for (const key of SCALE_FREE) expectSame(key, a[key], b[key]);
          expect(b.initial_equity).toBeCloseTo(a.initial_equity * scale, 6);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('trade statistics: expectancy equals the mean pnl, rates are shares, profit factor null iff no loser', () => {
    const tradeArb = fc.record({
      pnl: fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 })),
      returnPct: fc.double({ min: -1, max: 1, noNaN: true }),
      entryTs: fc.constant(0),
      exitTs: fc.constant(60_000),
      bars: fc.integer({ min: 1, max: 500 }),
    }) satisfies fc.Arbitrary<TradeRecord>;
    fc.assert(
      fc.property(fc.array(tradeArb, { minLength: 1, maxLength: 100 }), (trades) => {
        const m = computeMetrics({ ts: timestamps(2), equity: Float64Array.from([100, 101]) }, trades, { periodsPerYear: 252 });
        const mean = trades.reduce((s, t) => s + t.pnl, 0) / trades.length;
        expect(m.avg_trade_pnl).toBeCloseTo(mean, 9);
        expect(m.expectancy).toBeCloseTo(mean, 9);
        expect(m.win_rate).toBe(trades.filter((t) => t.pnl > 0).length / trades.length);
        expect(m.profit_factor === null).toBe(!trades.some((t) => t.pnl < 0));
        expect(m.best_trade).toBe(Math.max(...trades.map((t) => t.pnl)));
        expect(m.worst_trade).toBe(Math.min(...trades.map((t) => t.pnl)));
      }),
      { numRuns: 300 },
    );
  });

  it('trades given as columns (the batch replay\'s) give the metrics of the same trades as objects, to the bit', () => {
    const tradeArb = fc.record({
      pnl: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      returnPct: fc.double({ min: -1, max: 5, noNaN: true }),
      bars: fc.integer({ min: 0, max: 100_000 }),
    });
    fc.assert(
      fc.property(fc.array(tradeArb, { maxLength: 200 }), fc.integer({ min: 0, max: 50 }), (trades, spare) => {
        const curve = { ts: timestamps(3), equity: Float64Array.from([100, 99, 103]) };
        // columns longer than count (a growable buffer): only the first `count` rows are trades
        const column = (f: (t: (typeof trades)[number]) => number) => Float64Array.from([...trades.map(f), ...Array.from({ length: spare }, () => 1e9)]);
        const columns = { count: trades.length, pnl: column((t) => t.pnl), returnPct: column((t) => t.returnPct), bars: Int32Array.from(column((t) => t.bars)) };
        expect(computeMetrics(curve, columns, { periodsPerYear: 252 })).toEqual(computeMetrics(curve, trades, { periodsPerYear: 252 }));
      }),
      { numRuns: 300 },
    );
  });

  it('a non-finite trade field is refused in columns as in objects, naming the trade', () => {
    const curve = { ts: timestamps(2), equity: Float64Array.from([100, 101]) };
    const columns = { count: 2, pnl: Float64Array.from([1, Number.NaN]), returnPct: Float64Array.from([0.1, 0.1]), bars: Float64Array.from([3, 3]) };
    expect(() => computeMetrics(curve, columns, { periodsPerYear: 252 })).toThrow(/trade 1 has a non-finite/);
  });
});

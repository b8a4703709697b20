/**
 * ledgerMetrics (the WebAssembly kernel over a fill ledger) gives exactly what computeMetrics
 * gives on the curve buildEquityCurve builds from the same ledger: every field to the bit, and
 * the same error for every input computeMetrics rejects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, type TradeColumnsView } from '../../src/metrics/compute.ts';
import type { MetricsOptions } from '../../src/metrics/types.ts';
import { buildEquityCurve, type TickMarks } from '../../src/portfolio/equity-curve.ts';
import { FillLedger } from '../../src/portfolio/fill-ledger.ts';
import { ledgerMetrics } from '../../src/portfolio/ledger-metrics.ts';

interface Case {
  readonly marks: TickMarks;
  readonly ledger: FillLedger;
  readonly from: number;
  readonly trades: TradeColumnsView;
  readonly options: MetricsOptions;
}

/** What computeMetrics says about the built curve from tick `from`: its metrics, or its error. */
function reference({ marks, ledger, from, trades, options }: Case): unknown {
  const curve = buildEquityCurve(marks, ledger);
  try {
    return computeMetrics({ ts: curve.ts.subarray(from), equity: curve.equity.subarray(from), exposed: curve.exposed.subarray(from) }, trades, options);
  } catch (error) {
    return { error: String(error) };
  }
}

function viaLedger({ marks, ledger, from, trades, options }: Case): unknown {
  try {
    return ledgerMetrics(marks, ledger, from, trades, options);
  } catch (error) {
    return { error: String(error) };
  }
}

/** Ticks (some equal times), streams whose closes start late (NaN before), and a ledger trading them. */
const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 120 }),
    streams: fc.integer({ min: 1, max: 4 }),
    seed: fc.array(fc.double({ min: 0.5, max: 500, noNaN: true }), { minLength: 8, maxLength: 8 }),
    firstBar: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 9 }, { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 1 }), { minLength: 4, maxLength: 4 }),
    sameTime: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    // Now and then one tick time that computeMetrics rejects (not finite, or before the one before).
    timeFault: fc.oneof(
      { arbitrary: fc.constant(null), weight: 12 },
      { arbitrary: fc.record({ at: fc.double({ min: 0, max: 0.999, noNaN: true }), value: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1) }), weight: 1 },
    ),
    fills: fc.array(
      fc.record({
        gap: fc.integer({ min: 0, max: 15 }),
        stream: fc.nat(3),
        close: fc.boolean(),
        quantity: fc.oneof(fc.integer({ min: -300, max: 300 }), fc.double({ min: -50, max: 50, noNaN: true })),
        cash: fc.oneof(fc.double({ min: -5e4, max: 2e5, noNaN: true }), fc.constant(0)),
      }),
      { maxLength: 40 },
    ),
    initialCash: fc.oneof({ arbitrary: fc.double({ min: 1, max: 1e6, noNaN: true }), weight: 30 }, { arbitrary: fc.constantFrom(0, -10), weight: 1 }),
    fromShare: fc.oneof({ arbitrary: fc.double({ min: 0, max: 0.99, noNaN: true }), weight: 30 }, { arbitrary: fc.constant(1), weight: 1 }),
    periodsPerYear: fc.oneof({ arbitrary: fc.constantFrom(252, 98_280, 1), weight: 30 }, { arbitrary: fc.constantFrom(0, -1, Number.NaN), weight: 1 }),
    riskFreeRate: fc.oneof({ arbitrary: fc.constantFrom(undefined, 0, 0.04, -0.01), weight: 30 }, { arbitrary: fc.constant(Number.POSITIVE_INFINITY), weight: 1 }),
    trades: fc.array(fc.tuple(fc.oneof({ arbitrary: fc.double({ min: -1e4, max: 1e4, noNaN: true }), weight: 200 }, { arbitrary: fc.constant(Number.NaN), weight: 1 }), fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: 0, max: 500 })), { maxLength: 12 }),
  })
  .map((c): Case => {
    const { n, streams } = c;
    const ts = new Float64Array(n);
    for (let t = 0; t < n; t++) ts[t] = t === 0 ? 1.7e12 : ts[t - 1] + (c.sameTime[t % 8] ? 0 : 60_000);
    if (c.timeFault) ts[Math.floor(c.timeFault.at * n)] = c.timeFault.value;
    const close = Array.from({ length: streams }, (_, s) => {
      const column = new Float64Array(n);
      let price = c.seed[s];
      for (let t = 0; t < n; t++) {
        price *= 1 + ((c.seed[(s + t) % 8] % 7) - 3) / 100; // a walk with ups, downs and flats
        column[t] = t < c.firstBar[s] ? Number.NaN : price;
      }
      return column;
    });
    const ledger = new FillLedger(c.initialCash, 4);
    const units = new Float64Array(streams);
    let tick = 0;
    for (const f of c.fills) {
      tick += f.gap;
      if (tick >= n) break;
      const s = f.stream % streams;
      // Closing exactly (units back to 0) makes the walk drop the stream from its summation order.
      const quantity = f.close && units[s] !== 0 ? -units[s] : f.quantity;
      units[s] += quantity;
      ledger.record(tick, s, quantity, f.cash, units.reduce((k, u) => k + (u !== 0 ? 1 : 0), 0));
    }
    const trades: TradeColumnsView = {
      count: c.trades.length,
      pnl: Float64Array.from(c.trades, (t) => t[0]),
      returnPct: Float64Array.from(c.trades, (t) => t[1]),
      bars: Float64Array.from(c.trades, (t) => t[2]),
    };
    return {
      marks: { ts, close },
      ledger,
      from: Math.floor(c.fromShare * n),
      trades,
      options: { periodsPerYear: c.periodsPerYear, riskFreeRate: c.riskFreeRate },
    };
  });

describe('ledgerMetrics', () => {
  it('equals computeMetrics on the built curve, field by field to the bit, or throws its error', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        expect(viaLedger(c)).toStrictEqual(reference(c));
      }),
      { numRuns: 1500 },
    );
  });

  it('covers both outcomes: most cases give metrics, and errors come from the curve, the options and the trades', () => {
    const outcomes = fc.sample(caseArb, { numRuns: 1500, seed: 7 }).map((c) => viaLedger(c));
    const errors = outcomes.flatMap((o) => (typeof o === 'object' && o !== null && 'error' in o ? [String(o.error)] : []));
    expect(outcomes.length - errors.length).toBeGreaterThan(500);
    for (const what of ['equity[', 'ts[', 'initial equity', 'periodsPerYear', 'riskFreeRate', 'trade ', 'empty']) {
      expect(errors.some((e) => e.includes(what)), what).toBe(true);
    }
  });

  it('a run of curves over one set of marks, then another, then the first again: each as computeMetrics says', () => {
    const cases = fc.sample(caseArb, { numRuns: 60, seed: 11 });
    // The kernel keeps the last marks loaded: alternating marks must reload them each time.
    for (const c of [...cases, ...cases.slice().reverse()]) expect(viaLedger(c)).toStrictEqual(reference(c));
    // Portfolios sharing marks (as in a run): the same marks object with other ledgers.
    const shared = cases[0];
    for (const c of cases) {
      const onShared = { ...c, marks: shared.marks, ledger: c.ledger.length > 0 && maxStream(c.ledger) < shared.marks.close.length ? c.ledger : shared.ledger, from: Math.min(c.from, shared.marks.ts.length) };
      expect(viaLedger(onShared)).toStrictEqual(reference(onShared));
    }
  });

  it('a tick time out of order where nothing is held (a stretch the kernel skips whole when the times are in order) is still computeMetrics\' error', () => {
    const n = 40;
    const close = [Float64Array.from({ length: n }, (_, i) => 100 + i)];
    const ledger = new FillLedger(1000);
    ledger.record(5, 0, 2, 800, 1);
    ledger.record(12, 0, -2, 1030, 0); // flat from tick 12 on
    for (const [at, value] of [[20, 1.7e12], [25, Number.NaN], [n - 1, Number.NEGATIVE_INFINITY], [13, 0]] as const) {
      const ts = Float64Array.from({ length: n }, (_, i) => 1.7e12 + i * 60_000);
      ts[at] = value;
      const c: Case = { marks: { ts, close }, ledger, from: 0, trades: { count: 0, pnl: [], returnPct: [], bars: [] }, options: { periodsPerYear: 252 } };
      const expected = reference(c);
      expect(expected, `ts[${at}] = ${value}`).toHaveProperty('error', expect.stringContaining(`ts[${at}]`));
      expect(viaLedger(c)).toStrictEqual(expected);
    }
  });

  it('a ledger naming a stream the marks do not have is an error, not a write past the kernel scratch', () => {
    const ledger = new FillLedger(1000);
    ledger.record(0, 3, 1, 900, 1);
    const marks = { ts: Float64Array.of(1, 2), close: [Float64Array.of(100, 101)] };
    expect(() => ledgerMetrics(marks, ledger, 0, { count: 0, pnl: [], returnPct: [], bars: [] }, { periodsPerYear: 252 })).toThrow();
  });

  it('grows its memory for long curves and ledgers and still agrees', () => {
    const n = 300_000;
    const ts = Float64Array.from({ length: n }, (_, i) => 1.7e12 + i * 60_000);
    const close = [Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 500) * 10), Float64Array.from({ length: n }, (_, i) => 50 + Math.cos(i / 300) * 5)];
    const ledger = new FillLedger(1e5);
    let cash = 1e5;
    for (let t = 10, k = 0; t < n - 1; t += 37, k++) {
      const s = k % 2;
      const q = k % 4 < 2 ? 10 : -10;
      cash -= q * close[s][t];
      ledger.record(t, s, q, cash, (k % 4) + 1 === 2 ? 2 : k % 4 === 0 ? 1 : k % 4 === 2 ? 1 : 0);
    }
    const c: Case = { marks: { ts, close }, ledger, from: 1234, trades: { count: 0, pnl: [], returnPct: [], bars: [] }, options: { periodsPerYear: 98_280 } };
    const got = viaLedger(c);
    expect(got).toStrictEqual(reference(c));
    expect(got).toHaveProperty('periods', n - 1234 - 1);
  });
});

function maxStream(ledger: FillLedger): number {
  return Math.max(...ledger.stream.view());
}

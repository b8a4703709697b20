import { describe, expect, it } from 'vitest';
import { computeMetrics, MetricsSchema, type EquityCurve, type Metrics, type TradeRecord } from '../../src/metrics/index.ts';

function curve(equity: number[], ts?: number[], exposed?: number[]): EquityCurve {
  return {
    ts: new Float64Array(ts ?? equity.map((_, i) => i * 60_000)),
    equity: new Float64Array(equity),
    ...(exposed ? { exposed: new Uint8Array(exposed) } : {}),
  };
}

function trade(pnl: number, returnPct: number, bars: number): TradeRecord {
  return { pnl, returnPct, bars, entryTs: 0, exitTs: bars * 60_000 };
}

/** Every output must survive JSON and the schema: no NaN, no Infinity, no extra keys. */
function checkSerialisable(m: Metrics): void {
  expect(MetricsSchema.parse(m)).toEqual(m);
  expect(JSON.parse(JSON.stringify(m))).toEqual(m);
}

describe('computeMetrics: hand-computed 5-point curve', () => {
  // equity 100 -> 110 -> 99 -> 108.9 -> 119.79, ts 0, 10, 20, 50, 60 (ms), periodsPerYear 4
  // returns r = [110/100-1, 99/110-1, 108.9/99-1, 119.79/108.9-1] = [0.1, -0.1, 0.1, 0.1]
  // mean(r) = 0.2/4 = 0.05
  // deviations 0.05, -0.15, 0.05, 0.05 -> squares 0.0025 + 0.0225 + 0.0025 + 0.0025 = 0.03
  // sample variance = 0.03/(4-1) = 0.01 -> std = 0.1
  // annual_return = 0.05*4 = 0.2; annual_volatility = 0.1*sqrt(4) = 0.2
  // sharpe = 0.05/0.1*sqrt(4) = 1
  // downside: min(r,0)^2 = 0, 0.01, 0, 0 -> mean over all 4 periods = 0.0025 -> dd = 0.05
  // sortino = 0.05/0.05*sqrt(4) = 2
  // total_return = 119.79/100 - 1 = 0.1979; cagr = 1.1979^(4/4) - 1 = 0.1979 (1 year)
  // running peak 100, 110, 110, 110, 119.79 -> drawdowns 0, 0, 99/110-1 = -0.1, 108.9/110-1 = -0.01, 0
  // max_drawdown = -0.1; peak at index 1 (ts 10), first back >= 110 at index 4 (ts 60):
  //   duration 4-1 = 3 periods, 60-10 = 50 ms
  // calmar = 0.1979/0.1 = 1.979
  const c = curve([100, 110, 99, 108.9, 119.79], [0, 10, 20, 50, 60], [0, 1, 1, 0, 1]);
  const m = computeMetrics(c, [], { periodsPerYear: 4 });

  it('matches the hand arithmetic', () => {
    expect(m.initial_equity).toBe(100);
    expect(m.final_equity).toBe(119.79);
    expect(m.periods).toBe(4);
    expect(m.periods_per_year).toBe(4);
    expect(m.total_return).toBeCloseTo(0.1979, 12);
    expect(m.cagr).toBeCloseTo(0.1979, 12);
    expect(m.annual_return).toBeCloseTo(0.2, 12);
    expect(m.annual_volatility).toBeCloseTo(0.2, 12);
    expect(m.sharpe).toBeCloseTo(1, 12);
    expect(m.sortino).toBeCloseTo(2, 12);
    expect(m.max_drawdown).toBeCloseTo(-0.1, 12);
    expect(m.max_drawdown_duration_periods).toBe(3);
    expect(m.max_drawdown_duration_ms).toBe(50);
    expect(m.calmar).toBeCloseTo(1.979, 10);
    // exposed = [0, 1, 1, 0, 1] -> 3 of 5 points
    expect(m.exposure).toBeCloseTo(0.6, 15);
    checkSerialisable(m);
  });

  it('counts any non-zero exposed byte as exposed', () => {
    const m = computeMetrics(curve([100, 101, 102, 103, 104, 105], [0, 1, 2, 3, 4, 5], [0, 2, 255, 0, 128, 1]), [], { periodsPerYear: 252 });
    expect(m.exposure).toBe(4 / 6);
  });

  it('subtracts riskFreeRate / periodsPerYear per period', () => {
    // rf = 0.04 annual -> 0.04/4 = 0.01 per period; excess mean = 0.05 - 0.01 = 0.04
    // sharpe = 0.04/0.1*sqrt(4) = 0.8 (std of r - const is the std of r)
    // downside: r - 0.01 = 0.09, -0.11, 0.09, 0.09 -> 0.0121/4 = 0.003025 -> dd = 0.055
    // sortino = 0.04/0.055*2 = 16/11 = 1.454545...
    const withRf = computeMetrics(c, [], { periodsPerYear: 4, riskFreeRate: 0.04 });
    expect(withRf.sharpe).toBeCloseTo(0.8, 12);
    expect(withRf.sortino).toBeCloseTo(16 / 11, 12);
    // rf does not enter the return, volatility or drawdown figures
    expect(withRf.annual_return).toBeCloseTo(0.2, 12);
    expect(withRf.cagr).toBeCloseTo(0.1979, 12);
  });

  it('annualises CAGR with years = returns / periodsPerYear', () => {
    // same 4 returns read as daily bars: 4/252 of a year -> cagr = 1.1979^(252/4) - 1 = 1.1979^63 - 1
    const daily = computeMetrics(c, [], { periodsPerYear: 252 });
    expect(daily.cagr).toBeCloseTo(Math.pow(1.1979, 63) - 1, 6);
    expect(daily.sharpe).toBeCloseTo(0.5 * Math.sqrt(252), 12); // 7.937253933193772
    expect(daily.sharpe).toBeCloseTo(7.937253933193772, 12);
  });
});

describe('computeMetrics: hand-computed trade list', () => {
  // pnl       100, -50,  0,   200,  -25
  // returnPct 0.1, -0.05, 0,  0.2, -0.025
  // bars      5,    3,    1,  10,   2
  const trades = [trade(100, 0.1, 5), trade(-50, -0.05, 3), trade(0, 0, 1), trade(200, 0.2, 10), trade(-25, -0.025, 2)];
  const m = computeMetrics(curve([100, 101]), trades, { periodsPerYear: 252 });

  it('counts a zero-pnl trade as a non-win and not as a loss', () => {
    expect(m.trades).toBe(5);
    // winners 100, 200 -> 2/5 (the 0 is not a win)
    expect(m.win_rate).toBe(0.4);
    // avg_win = 300/2 = 150; losers -50, -25 -> avg_loss = -75/2 = -37.5
    expect(m.avg_win).toBe(150);
    expect(m.avg_loss).toBe(-37.5);
    // profit factor = 300 / |-75| = 4
    expect(m.profit_factor).toBe(4);
  });

  it('computes expectancy over non-winning trades, equal to the mean pnl', () => {
    // avg_trade_pnl = (100 - 50 + 0 + 200 - 25)/5 = 225/5 = 45
    // non-winners -50, 0, -25 -> mean -25; expectancy = 0.4*150 + 0.6*(-25) = 60 - 15 = 45
    // (the avg_loss version 0.4*150 + 0.6*(-37.5) = 37.5 would be wrong here)
    expect(m.avg_trade_pnl).toBe(45);
    expect(m.expectancy).toBeCloseTo(45, 12);
    expect(m.expectancy).not.toBeCloseTo(37.5, 3);
  });

  it('reports best/worst by pnl and the averages', () => {
    expect(m.best_trade).toBe(200);
    expect(m.worst_trade).toBe(-50);
    // (0.1 - 0.05 + 0 + 0.2 - 0.025)/5 = 0.225/5 = 0.045
    expect(m.avg_trade_return).toBeCloseTo(0.045, 15);
    // (5 + 3 + 1 + 10 + 2)/5 = 21/5 = 4.2
    expect(m.avg_bars_in_trade).toBeCloseTo(4.2, 15);
    checkSerialisable(m);
  });
});

describe('computeMetrics: edge cases', () => {
  it('flat curve: zero volatility gives null Sharpe/Sortino and no drawdown', () => {
    const m = computeMetrics(curve([100, 100, 100, 100]), [], { periodsPerYear: 252 });
    expect(m.total_return).toBe(0);
    expect(m.annual_return).toBe(0);
    expect(m.annual_volatility).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.max_drawdown).toBe(0);
    expect(m.max_drawdown_duration_periods).toBe(0);
    expect(m.max_drawdown_duration_ms).toBe(0);
    expect(m.cagr).toBe(0);
    expect(m.calmar).toBeNull();
    checkSerialisable(m);
  });

  it('constant growth: rounding-noise volatility counts as zero', () => {
    // r = 0.1 every period mathematically; in floating point std(r) is ~1e-17, not 0
    const m = computeMetrics(curve([100, 110, 121, 133.1, 146.41]), [], { periodsPerYear: 252 });
    expect(m.annual_volatility).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull(); // no period below the target
    expect(m.annual_return).toBeCloseTo(0.1 * 252, 10);
  });

  it('single point: no returns, everything return-based is null', () => {
    const m = computeMetrics(curve([250], [1_700_000_000_000], [1]), [], { periodsPerYear: 252 });
    expect(m.periods).toBe(0);
    expect(m.initial_equity).toBe(250);
    expect(m.final_equity).toBe(250);
    expect(m.total_return).toBe(0);
    expect(m.cagr).toBeNull();
    expect(m.annual_return).toBeNull();
    expect(m.annual_volatility).toBeNull();
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.calmar).toBeNull();
    expect(m.max_drawdown).toBe(0);
    expect(m.max_drawdown_duration_periods).toBe(0);
    expect(m.exposure).toBe(1);
    checkSerialisable(m);
  });

  it('two points: one return has a mean but no sample std', () => {
    const m = computeMetrics(curve([100, 90]), [], { periodsPerYear: 252 });
    expect(m.annual_return).toBeCloseTo(-0.1 * 252, 12);
    expect(m.annual_volatility).toBeNull();
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.max_drawdown).toBeCloseTo(-0.1, 15);
    expect(m.max_drawdown_duration_periods).toBe(1);
  });

  it('no trades: trade statistics are null, count is 0', () => {
    const m = computeMetrics(curve([100, 101, 102]), [], { periodsPerYear: 252 });
    expect(m.trades).toBe(0);
    for (const key of [
      'win_rate', 'avg_trade_pnl', 'avg_trade_return', 'expectancy', 'profit_factor',
      'avg_win', 'avg_loss', 'best_trade', 'worst_trade', 'avg_bars_in_trade',
    ] as const) {
      expect(m[key], key).toBeNull();
    }
    expect(m.exposure).toBeNull(); // exposed not given
  });

  it('no losing trades: profit factor and avg_loss are null', () => {
    // pnl 10, 0, 20 -> win_rate 2/3, avg_win 15, no pnl < 0
    // expectancy = (2/3)*15 + (1/3)*0 = 10 = (10 + 0 + 20)/3
    const m = computeMetrics(curve([100, 130]), [trade(10, 0.1, 1), trade(0, 0, 1), trade(20, 0.2, 1)], { periodsPerYear: 252 });
    expect(m.profit_factor).toBeNull();
    expect(m.avg_loss).toBeNull();
    expect(m.win_rate).toBeCloseTo(2 / 3, 15);
    expect(m.avg_win).toBe(15);
    expect(m.expectancy).toBeCloseTo(10, 12);
    expect(m.avg_trade_pnl).toBe(10);
    checkSerialisable(m);
  });

  it('only losing trades: profit factor 0, avg_win null', () => {
    const m = computeMetrics(curve([100, 70]), [trade(-10, -0.1, 1), trade(-20, -0.2, 1)], { periodsPerYear: 252 });
    expect(m.profit_factor).toBe(0);
    expect(m.avg_win).toBeNull();
    expect(m.win_rate).toBe(0);
    expect(m.expectancy).toBe(-15);
  });

  it('never-recovered drawdown runs to the end of the curve', () => {
    // equity 100, 120, 90, 96, 108; peak 120 at index 1 (ts 1000), never regained
    // max_drawdown = 90/120 - 1 = -0.25; duration 4-1 = 3 periods, 7000-1000 = 6000 ms
    const m = computeMetrics(curve([100, 120, 90, 96, 108], [0, 1000, 2000, 4000, 7000]), [], { periodsPerYear: 252 });
    expect(m.max_drawdown).toBe(-0.25);
    expect(m.max_drawdown_duration_periods).toBe(3);
    expect(m.max_drawdown_duration_ms).toBe(6000);
  });

  it('longest stretch is taken separately in periods and in ms; an exact return to the peak recovers', () => {
    // equity 100, 90, 100 | 99, 98, 100 with a long time gap inside the first spell
    // spell 1: peak idx 0 (ts 0) -> back to 100 at idx 2 (ts 100000): 2 periods, 100000 ms
    // spell 2: peak idx 2 (ts 100000) -> back to 100 at idx 5 (ts 100003): 3 periods, 3 ms
    const m = computeMetrics(
      curve([100, 90, 100, 99, 98, 100], [0, 1000, 100_000, 100_001, 100_002, 100_003]),
      [],
      { periodsPerYear: 252 },
    );
    expect(m.max_drawdown_duration_periods).toBe(3);
    expect(m.max_drawdown_duration_ms).toBe(100_000);
    expect(m.max_drawdown).toBeCloseTo(-0.1, 15);
  });

  it('equity reaching zero: returns after it are undefined, so return statistics are null', () => {
    // 100 -> 0 -> 10: the return 10/0 - 1 does not exist
    const m = computeMetrics(curve([100, 0, 10]), [], { periodsPerYear: 252 });
    expect(m.annual_return).toBeNull();
    expect(m.annual_volatility).toBeNull();
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.max_drawdown).toBe(-1);
    expect(m.total_return).toBeCloseTo(-0.9, 15);
    checkSerialisable(m);
  });

  it('final equity <= 0: CAGR and Calmar are null', () => {
    const m = computeMetrics(curve([100, 50, -5]), [], { periodsPerYear: 252 });
    expect(m.cagr).toBeNull();
    expect(m.calmar).toBeNull();
    expect(m.total_return).toBeCloseTo(-1.05, 15);
    checkSerialisable(m);
  });

  it('CAGR that overflows a double is null rather than Infinity', () => {
    // a doubling in one 1-minute bar: 2^98280 does not fit in a double
    const m = computeMetrics(curve([100, 200]), [], { periodsPerYear: 252 * 390 });
    expect(m.cagr).toBeNull();
    expect(m.calmar).toBeNull();
    checkSerialisable(m);
  });

  it('rejects malformed input', () => {
    const opts = { periodsPerYear: 252 };
    expect(() => computeMetrics(curve([]), [], opts)).toThrow(RangeError);
    expect(() => computeMetrics({ ts: new Float64Array(2), equity: new Float64Array([1, 2, 3]) }, [], opts)).toThrow(/ts has 2/);
    expect(() => computeMetrics(curve([100, 101], [0, 1], [1]), [], opts)).toThrow(/exposed/);
    expect(() => computeMetrics(curve([0, 1]), [], opts)).toThrow(/initial equity/);
    expect(() => computeMetrics(curve([100, Number.NaN]), [], opts)).toThrow(/equity\[1\]/);
    expect(() => computeMetrics(curve([100, Infinity]), [], opts)).toThrow(/equity\[1\]/);
    expect(() => computeMetrics(curve([100, 101], [5, 4]), [], opts)).toThrow(/non-decreasing/);
    expect(() => computeMetrics(curve([100, 101]), [], { periodsPerYear: 0 })).toThrow(/periodsPerYear/);
    expect(() => computeMetrics(curve([100, 101]), [], { periodsPerYear: 252, riskFreeRate: Number.NaN })).toThrow(/riskFreeRate/);
    expect(() => computeMetrics(curve([100, 101]), [trade(Number.NaN, 0, 1)], opts)).toThrow(/trade 0/);
  });
});

describe('computeMetrics: performance', () => {
  it('handles 1M points well under 100 ms', () => {
    const n = 1_000_000;
    const ts = new Float64Array(n);
    const equity = new Float64Array(n);
    const exposed = new Uint8Array(n);
    let e = 100_000;
    let seed = 42;
    for (let i = 0; i < n; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      e *= 1 + (seed / 2_147_483_648 - 0.5) * 0.002;
      ts[i] = 1_577_975_400_000 + i * 60_000;
      equity[i] = e;
      exposed[i] = i % 3 === 0 ? 0 : 1;
    }
    const trades = Array.from({ length: 10_000 }, (_, i) => trade((i % 7) - 3, ((i % 7) - 3) / 100, 5));
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const m = computeMetrics({ ts, equity, exposed }, trades, { periodsPerYear: 252 * 390 });
      best = Math.min(best, performance.now() - t0);
      expect(m.periods).toBe(n - 1);
    }
    // best of 5 so that a busy machine does not make this flaky; typical is ~20 ms
    expect(best).toBeLessThan(100);
  });
});

/**
 * No look-ahead: perturbing every bar that closes after time t leaves every signal,
 * classification, order, fill and equity point at or before t unchanged. Property test over
 * random t on real minute data (SPY, QQQ) plus a 5m timeframe resampled from SPY.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { createBarSeries } from '../../src/data/series.ts';
import { resampleBars } from '../../src/data/resample.ts';
import { mulberry32 } from '../../src/data/prng.ts';
import type { Plan } from '../../src/topology/plan.ts';
import { hasSharedData, planAndLoad, runPlan } from './helpers/run-config.ts';

const BARS = 2500;

const config = {
  name: 'lookahead',
  data: {
    timezone: 'America/New_York',
    missing_bars: 'ffill',
    streams: [
      { symbol: 'SPY', timeframe: '1m', file: 'SPY_1m.csv' },
      { symbol: 'QQQ', timeframe: '1m', file: 'QQQ_1m.csv' },
      { symbol: 'SPY', timeframe: '5m', resample_from: 'SPY_1m' },
    ],
  },
  classifiers: [{ id: 'trend5', type: 'trend', params: { fast_period: 5, slow_period: 12 }, inputs: ['SPY_5m'] }],
  strategies: [
    { id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['SPY_1m'] },
    { id: 'macd5', type: 'macd_crossover', params: { fast_period: 3, slow_period: 8, signal_period: 3 }, inputs: ['SPY_5m'] },
    { id: 'pairs', type: 'pairs_zscore', params: { period: 30, entry: 1.5, exit: 0.3 }, inputs: ['SPY_1m', 'QQQ_1m'] },
    { id: 'boll_gated', type: 'bollinger_mean_reversion', params: { period: 15 }, inputs: ['QQQ_1m', 'SPY_5m'] },
    { id: 'donch5', type: 'donchian_breakout', params: { period: 6 }, inputs: ['SPY_5m'] },
  ],
  portfolios: [
    { id: 'open_fills', strategies: ['sma', 'pairs', 'donch5'], sizing: { type: 'percent_equity', pct: 30 }, risk: { stop_loss_pct: 0.3, take_profit_pct: 0.4 } },
    { id: 'close_fills', strategies: ['macd5', 'boll_gated'], execution: { fill: 'signal_close' }, sizing: { type: 'percent_cash', pct: 40, fractional: true }, risk: { trailing_stop_pct: 0.2 } },
  ],
  execution: { commission: { type: 'per_unit', amount: 0.005, min_per_order: 1 }, slippage_bps: 1 },
  engine: { trace: { retention: 'none' } },
};

function head(series: BarSeries, n: number): BarSeries {
  return createBarSeries({
    symbol: series.symbol, timeframe: series.timeframe, source: series.source,
    columns: { start: series.start.slice(0, n), open: series.open.slice(0, n), high: series.high.slice(0, n), low: series.low.slice(0, n), close: series.close.slice(0, n), volume: series.volume.slice(0, n) },
  });
}

/** A copy where every bar closing after `t` is scaled by a random factor (still a valid bar). */
function perturbAfter(series: BarSeries, t: number, seed: number): BarSeries {
  const rand = mulberry32(seed);
  const cols = { start: series.start.slice(), open: series.open.slice(), high: series.high.slice(), low: series.low.slice(), close: series.close.slice(), volume: series.volume.slice() };
  for (let i = 0; i < series.length; i++) {
    if (series.start[i] + series.timeframeMs <= t) continue;
    const f = 0.9 + 0.2 * rand.next();
    const wiggle = 1 + 0.01 * rand.next();
    cols.open[i] *= f;
    cols.close[i] *= f * wiggle;
    cols.high[i] = Math.max(cols.high[i] * f * wiggle, cols.open[i], cols.close[i]);
    cols.low[i] = Math.min(cols.low[i] * f, cols.open[i], cols.close[i]);
    cols.volume[i] = Math.round(cols.volume[i] * (0.5 + rand.next()));
  }
  return createBarSeries({ symbol: series.symbol, timeframe: series.timeframe, source: `${series.source}+perturbed`, columns: cols });
}

function decisionsUpTo(plan: Plan, series: BarSeries[], t: number) {
  const decisions: string[] = [];
  const { outcome } = runPlan(plan, series, (graph) => {
    graph.root.bus.addObserver({
      onPublish: (e) => {
        if (e.ts > t) return;
        if (['SIGNAL', 'CLASSIFICATION', 'ORDER', 'FILL', 'ORDER_REJECTED', 'POSITION_OPEN', 'POSITION_CLOSE'].includes(e.type)) {
          decisions.push(`${e.ts} ${e.type} ${JSON.stringify(e.payload)}`);
        }
      },
    });
  });
  const equity = outcome.portfolios.map((p) => {
    const { ts, equity: values } = p.result.equity;
    const out: number[] = [];
    for (let i = 0; i < ts.length && ts[i] <= t; i++) out.push(values[i]);
    return out;
  });
  return { decisions, equity };
}

describe.skipIf(!hasSharedData)('no look-ahead (real SPY/QQQ minutes + 5m)', () => {
  it('perturbing bars after t changes nothing decided at or before t', async () => {
    const { plan, series } = await planAndLoad(config);
    const spy = head(series[0], BARS);
    const qqq = head(series[1], BARS);
    const base = [spy, qqq, resampleBars(spy, '5m', { timezone: 'America/New_York' })];
    const closes = [...new Set([...spy.start, ...qqq.start].map((s) => s + 60_000))].sort((a, b) => a - b);
    let checkedDecisions = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: closes.length - 50 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (k, seed) => {
        const t = closes[k];
        const pSpy = perturbAfter(spy, t, seed);
        const perturbed = [pSpy, perturbAfter(qqq, t, seed + 1), resampleBars(pSpy, '5m', { timezone: 'America/New_York' })];
        const a = decisionsUpTo(plan, base, t);
        const b = decisionsUpTo(plan, perturbed, t);
        expect(b.decisions).toEqual(a.decisions);
        expect(b.equity).toEqual(a.equity);
        checkedDecisions += a.decisions.length;
      }),
      { numRuns: 12, seed: 20261121 },
    );
    // The property must have had something to compare.
    expect(checkedDecisions).toBeGreaterThan(500);
  });

  it('the perturbation does change what comes after t (the test can see a difference)', async () => {
    const { plan, series } = await planAndLoad(config);
    const spy = head(series[0], BARS);
    const qqq = head(series[1], BARS);
    const t = spy.start[1000] + 60_000;
    const base = [spy, qqq, resampleBars(spy, '5m', { timezone: 'America/New_York' })];
    const pSpy = perturbAfter(spy, t, 99);
    const perturbed = [pSpy, perturbAfter(qqq, t, 100), resampleBars(pSpy, '5m', { timezone: 'America/New_York' })];
    const all = Number.POSITIVE_INFINITY;
    expect(decisionsUpTo(plan, perturbed, all).decisions).not.toEqual(decisionsUpTo(plan, base, all).decisions);
  });
});

/**
 * Automatic storage: every backtest and signal-replay run through runTopology stores one
 * backtest per portfolio in the BacktestStore; runs that write nothing store nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runTopology, type TopologyRun } from '../../../src/topology/run-topology.ts';
import { BacktestStore } from '../../../src/stores/backtests/index.ts';
import { tempDir } from './helpers.ts';

const temp = tempDir('bt-hook-');
afterAll(() => temp.cleanup());
let n = 0;
const fresh = (name: string) => join(temp.dir, `${name}-${++n}`);

const streams = [
  { symbol: 'SYNA', timeframe: '1d', synthetic: { seed: 42, bars: 600, start_price: 100, start: '2015-01-02' } },
  { symbol: 'SYNB', timeframe: '1d', synthetic: { seed: 7, bars: 600, start_price: 50, start: '2015-01-02' } },
];
const strategies = [
  { id: 'sma_10_30', type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 }, inputs: ['SYNA_1d'] },
  { id: 'rsi_bands', type: 'rsi_mean_reversion', params: { period: 14 }, inputs: ['SYNB_1d'] },
  { id: 'pairs', type: 'pairs_zscore', params: { period: 40, entry: 2, exit: 0.5 }, inputs: ['SYNA_1d', 'SYNB_1d'] },
];
const portfolios = [
  { id: 'trend', strategies: ['sma_10_30'], risk: { stop_loss_pct: 8 } },
  { id: 'mixed', strategies: ['rsi_bands', 'pairs'], risk: { take_profit_pct: 15, stop_loss_pct: 5 } },
  { id: 'trailing', strategies: ['sma_10_30'], risk: { trailing_stop_pct: 4 } },
  { id: 'plain', strategies: ['rsi_bands'] },
];
const topology = (mode: 'backtest' | 'signal_generation' | 'signal_replay' = 'backtest', signals?: string) => ({
  name: 'hook-test', mode, data: { timezone: 'UTC', streams }, strategies,
  portfolios: mode === 'signal_generation' ? [] : portfolios,
  ...(signals ? { signals: { store: signals } } : {}),
  execution: { fill: 'next_open', commission: { type: 'percent', pct: 0.05 } },
});

const envBefore = process.env.TRADEFLOW_BACKTEST_STORE;
afterEach(() => {
  if (envBefore === undefined) delete process.env.TRADEFLOW_BACKTEST_STORE;
  else process.env.TRADEFLOW_BACKTEST_STORE = envBefore;
});

function portfolioRun(run: TopologyRun) {
  if (run.mode === 'signal_generation') throw new Error('expected a portfolio run');
  return run;
}

describe('a backtest run stores one backtest per portfolio', () => {
  it('with its strategy, params (defaults filled in), symbols, exit rule, metrics, curve, trades and results folder', async () => {
    const root = fresh('store');
    const out = fresh('run');
    const run = portfolioRun(await runTopology(topology(), { outDir: out, backtestStore: root }));
    expect(run.dir).toBe(out);
    expect(run.backtests).toHaveLength(4);

    const store = await BacktestStore.open({ root });
    try {
      const all = await store.getAll();
      expect(all.map((s) => s.id)).toEqual(run.backtests.map((s) => s.id));
      const [trend, mixed, trailing, plain] = all;
      expect(trend).toMatchObject({
        symbols: ['SYNA'], symbol: 'SYNA', timeframe: '1d', strategy: 'sma_crossover', params: { fast_period: 10, slow_period: 30, long_only: false },
        exitRule: { type: 'fixed_stop', stop_pct: 8 }, runManifest: out, source: 'topology', sweepId: null,
      });
      expect(mixed).toMatchObject({
        symbols: ['SYNB', 'SYNA'], symbol: 'SYNB,SYNA', strategy: 'rsi_mean_reversion+pairs_zscore',
        exitRule: { type: 'fixed_stop', stop_pct: 5, target_pct: 15 },
      });
      // the defaults the plan filled in (oversold/overbought of rsi_mean_reversion) are stored
      expect(Object.keys(mixed.params).sort()).toEqual(['pairs', 'rsi_bands']);
      expect(mixed.params.rsi_bands).toMatchObject({ period: 14, oversold: expect.any(Number), overbought: expect.any(Number) });
      expect(mixed.params.pairs).toMatchObject({ period: 40, entry: 2, exit: 0.5 });
      expect(trailing.exitRule).toEqual({ type: 'trailing_stop', trail_pct: 4 });
      expect(plain.exitRule).toEqual({ type: 'signal' });
      expect(plain.strategy).toBe('rsi_mean_reversion');

      // metrics, curve and trades are the run's own
      for (const [i, s] of all.entries()) {
        const p = run.outcome.portfolios[i];
        const m = p.metrics;
        expect(s).toMatchObject({
          win_rate: m.win_rate, num_trades: m.trades, total_return: m.total_return, cagr: m.cagr, sharpe: m.sharpe, sortino: m.sortino,
          max_drawdown: m.max_drawdown, expectancy: m.expectancy, profit_factor: m.profit_factor, exposure: m.exposure,
        });
        expect(s.start).toBe(p.result.equity.ts[0]);
        expect(s.end).toBe(p.result.equity.ts[p.result.equity.ts.length - 1]);
        const d = (await store.getDetailed(s.id))!;
        expect(d.equity.ts).toEqual(Array.from(p.result.equity.ts));
        expect(d.equity.equity).toEqual(Array.from(p.result.equity.equity));
        expect(d.trades).toEqual(p.result.trades.map((t) => ({ ...t })));
      }
      expect(all[0].num_trades).toBeGreaterThan(0);
      // found by its full params (defaults included), in any key order
      expect((await store.get('SYNA', 'sma_crossover', { long_only: false, slow_period: 30, fast_period: 10 }, { type: 'fixed_stop', stop_pct: 8 }))?.id).toBe(trend.id);
      expect(await store.get('SYNA', 'sma_crossover', { slow_period: 30, fast_period: 10 }, { type: 'fixed_stop', stop_pct: 8 })).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('a second run adds its own backtests; get returns the newest', async () => {
    const root = fresh('store');
    const first = portfolioRun(await runTopology(topology(), { outDir: fresh('run'), backtestStore: root }));
    const second = portfolioRun(await runTopology(topology(), { outDir: fresh('run'), backtestStore: root }));
    const store = await BacktestStore.open({ root });
    try {
      expect(await store.count()).toBe(8);
      expect((await store.get('SYNA', 'sma_crossover', { fast_period: 10, slow_period: 30, long_only: false }, { type: 'fixed_stop', stop_pct: 8 }))?.id).toBe(second.backtests[0].id);
      expect(first.backtests[0].paramHash).toBe(second.backtests[0].paramHash);
    } finally {
      await store.close();
    }
  });

  it('runs that write nothing store nothing: outDir null, backtestStore null, the variable set to off', async () => {
    const root = fresh('store');
    process.env.TRADEFLOW_BACKTEST_STORE = root;
    expect(portfolioRun(await runTopology(topology(), { outDir: null })).backtests).toEqual([]);
    expect(existsSync(root)).toBe(false);
    expect(portfolioRun(await runTopology(topology(), { outDir: fresh('run'), backtestStore: null })).backtests).toEqual([]);
    expect(existsSync(root)).toBe(false);
    process.env.TRADEFLOW_BACKTEST_STORE = 'off';
    expect(portfolioRun(await runTopology(topology(), { outDir: fresh('run') })).backtests).toEqual([]);
  });

  it('the default root comes from TRADEFLOW_BACKTEST_STORE', async () => {
    const root = fresh('store');
    process.env.TRADEFLOW_BACKTEST_STORE = root;
    const run = portfolioRun(await runTopology(topology(), { outDir: fresh('run') }));
    const store = await BacktestStore.open({ root });
    try {
      expect((await store.getAll()).map((s) => s.id)).toEqual(run.backtests.map((s) => s.id));
    } finally {
      await store.close();
    }
  });
});

describe('a signal replay run stores its backtests too', () => {
  it('with source replay, and the same figures as the backtest with the same settings', async () => {
    const root = fresh('store');
    const signals = fresh('signals');
    await runTopology(topology('signal_generation', signals), { outDir: fresh('run'), backtestStore: root });
    const backtest = portfolioRun(await runTopology(topology(), { outDir: fresh('run'), backtestStore: root }));
    const replay = portfolioRun(await runTopology(topology('signal_replay', signals), { outDir: fresh('run'), backtestStore: root }));
    expect(replay.mode).toBe('signal_replay');
    expect(replay.backtests.map((s) => s.source)).toEqual(['replay', 'replay', 'replay', 'replay']);
    const store = await BacktestStore.open({ root });
    try {
      expect(await store.count({ source: 'replay' })).toBe(4);
      expect(await store.count({ source: 'topology' })).toBe(4);
      for (let i = 0; i < 4; i++) {
        const a = backtest.backtests[i];
        const b = replay.backtests[i];
        expect([b.strategy, b.paramHash, b.exitRuleHash, b.sharpe, b.total_return]).toEqual([a.strategy, a.paramHash, a.exitRuleHash, a.sharpe, a.total_return]);
      }
    } finally {
      await store.close();
    }
  });
});

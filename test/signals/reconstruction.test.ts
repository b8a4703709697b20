/**
 * Reconstruction: forward-filling the sparse stored signals (and classifier changes) over
 * the base bars reproduces, at every bar, the dense state the strategy (classifier) had in a
 * full backtest. The dense series is recorded independently of the store, by wrapping each
 * definition's decide()/classify() and carrying its state forward over the bars of its
 * first input; the sparse side is read back from the store's files.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { readClassifierRows, readSignalRows, readStoreState } from '../../src/signals/store-reader.ts';
import { strategyTypes } from '../../src/strategies/registry.ts';
import { generate, loadSeries, tempStore } from './helpers.ts';
import { carryForward, recordBacktest, sliceSeries } from './more-helpers.ts';

const SHARED = '/work/shared/data';
const hasShared = existsSync(`${SHARED}/SPY_1m.csv`) && existsSync(`${SHARED}/QQQ_1m.csv`);

interface StrategySpec { id: string; type: string; params: Record<string, unknown>; inputs: string[] }
interface ClassifierSpec { id: string; type: string; params: Record<string, unknown>; inputs: string[] }

const synthetic = {
  timezone: 'UTC',
  streams: [
    { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 101, bars: 1500, start_price: 80 } },
    { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 202, bars: 1500, start_price: 60 } },
  ],
};

const syntheticStrategies: StrategySpec[] = [
  ...strategyTypes().map((type) => ({ id: `${type}_default`, type, params: {}, inputs: type === 'pairs_zscore' ? ['AAA_1h', 'BBB_1h'] : ['AAA_1h'] })),
  { id: 'sma_fast_bbb', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['BBB_1h'] },
  { id: 'rsi_long_only_bbb', type: 'rsi_mean_reversion', params: { period: 10, oversold: 35, overbought: 65, long_only: true }, inputs: ['BBB_1h'] },
  { id: 'pairs_hedged', type: 'pairs_zscore', params: { period: 30, hedge_ratio: 0.8, entry: 1.5, exit: 0.25 }, inputs: ['AAA_1h', 'BBB_1h'] },
  { id: 'pairs_reversed', type: 'pairs_zscore', params: { period: 60, hedge_ratio: 1.25, entry: 1.25, exit: 0.5 }, inputs: ['BBB_1h', 'AAA_1h'] },
];
const syntheticClassifiers: ClassifierSpec[] = [
  { id: 'trend', type: 'trend', params: { fast_period: 10, slow_period: 30 }, inputs: ['AAA_1h'] },
  { id: 'trend_default_bbb', type: 'trend', params: {}, inputs: ['BBB_1h'] },
  { id: 'vol', type: 'volatility', params: { period: 20, low: 0.004, high: 0.008 }, inputs: ['BBB_1h'] },
  { id: 'vol_default', type: 'volatility', params: {}, inputs: ['AAA_1h'] },
  { id: 'momentum', type: 'momentum_regime', params: {}, inputs: ['AAA_1h'] },
  { id: 'momentum_tight', type: 'momentum_regime', params: { period: 7, overbought: 60, oversold: 40 }, inputs: ['BBB_1h'] },
];

const realStrategies: StrategySpec[] = [
  { id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['SPY_1m'] },
  { id: 'ema_qqq', type: 'ema_crossover', params: {}, inputs: ['QQQ_1m'] },
  { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 14, oversold: 30, overbought: 70 }, inputs: ['SPY_1m'] },
  { id: 'bollinger', type: 'bollinger_mean_reversion', params: {}, inputs: ['QQQ_1m'] },
  { id: 'donchian', type: 'donchian_breakout', params: {}, inputs: ['SPY_1m'] },
  { id: 'vwap', type: 'vwap_deviation', params: { period: 20, threshold: 0.001 }, inputs: ['SPY_1m'] },
  { id: 'pairs', type: 'pairs_zscore', params: { period: 30, entry: 1.5, exit: 0.3 }, inputs: ['SPY_1m', 'QQQ_1m'] },
  { id: 'pairs_hedged', type: 'pairs_zscore', params: { period: 60, hedge_ratio: 0.9, entry: 2, exit: 0.5 }, inputs: ['QQQ_1m', 'SPY_1m'] },
];
const realClassifiers: ClassifierSpec[] = [
  { id: 'trend', type: 'trend', params: { fast_period: 10, slow_period: 30, threshold: 0.0005 }, inputs: ['SPY_1m'] },
  { id: 'vol', type: 'volatility', params: { period: 20, low: 0.0003, high: 0.0008 }, inputs: ['QQQ_1m'] },
  { id: 'momentum', type: 'momentum_regime', params: {}, inputs: ['SPY_1m'] },
];

function configOf(data: unknown, strategies: StrategySpec[], classifiers: ClassifierSpec[], missingBars?: 'skip' | 'ffill') {
  return {
    name: 'reconstruction',
    data: missingBars ? { ...(data as object), missing_bars: missingBars } : data,
    classifiers,
    strategies,
    portfolios: [{ id: 'all', strategies: strategies.map((s) => s.id) }],
  };
}

/** Leg weights as the strategy's definition documents them: pairs [1, -hedge_ratio], else [1]. */
const expectedWeights = (s: StrategySpec) => (s.type === 'pairs_zscore' ? [1, -((s.params.hedge_ratio as number | undefined) ?? 1)] : [1]);

/** The first bar where two dense series differ, or null. */
function firstDifference<T>(dense: readonly T[], sparse: readonly T[]) {
  if (dense.length !== sparse.length) return { lengths: [dense.length, sparse.length] };
  for (let i = 0; i < dense.length; i++) if (dense[i] !== sparse[i]) return { bar: i, dense: dense[i], sparse: sparse[i] };
  return null;
}

async function checkReconstruction(label: string, config: ReturnType<typeof configOf>, series: readonly BarSeries[], minChanges: { signals: number; regimes: number }) {
  const byId = new Map(series.map((s) => [s.id, s]));
  const recording = recordBacktest(config, series);
  const store = tempStore(`reconstruction-${label}`);
  const generation = await generate(config, series, store);
  const state = await readStoreState(store);
  const entryOf = (kind: string, id: string) => {
    const entry = generation.entries.find((e) => e.kind === kind && e.id === id);
    if (!entry) throw new Error(`${label}: no generation entry for ${kind} ${id}`);
    expect(entry.status, `${label} ${id}`).toBe('computed');
    return entry;
  };

  for (const s of config.strategies) {
    const what = `${label} strategy ${s.id} (${s.type})`;
    const bars = byId.get(s.inputs[0])!.length;
    const entry = entryOf('strategy', s.id);
    const row = state.strategies.find((r) => r.hash === entry.hash);
    expect(row, `${what}: index row`).toBeDefined();
    const rows = await readSignalRows(store, row!);
    const weights = expectedWeights(s);
    const legs = weights.length;

    // Shape: every signal has one row per leg, legs 0..legs-1, numbered seq 0..n-1.
    expect(rows.seq.length % legs, `${what}: rows a multiple of ${legs} legs`).toBe(0);
    const signals = rows.seq.length / legs;
    for (let r = 0; r < rows.seq.length; r++) {
      const at = `${what} row ${r}`;
      expect([rows.seq[r], rows.leg[r]], at).toEqual([Math.floor(r / legs), r % legs]);
      const leg = rows.leg[r];
      const input = byId.get(s.inputs[leg])!;
      expect([rows.stream[r], rows.symbol[r], rows.timeframe[r]], `${at}: stream of leg ${leg}`).toEqual([input.id, input.symbol, input.timeframe]);
      expect(rows.weight[r], `${at}: weight of leg ${leg}`).toBe(weights[leg]);
      expect(rows.value[r], `${at}: same value on every leg`).toBe(rows.value[r - leg]);
      expect(rows.barIdx[r] >= 0 && rows.barIdx[r] < input.length, `${at}: bar_idx ${rows.barIdx[r]} inside ${input.id}`).toBe(true);
      expect(rows.price[r], `${at}: price is the close of ${input.id}[${rows.barIdx[r]}]`).toBe(input.close[rows.barIdx[r]]);
      expect(rows.ts[r] >= input.start[rows.barIdx[r]] + input.timeframeMs, `${at}: stored at or after the bar's close`).toBe(true);
    }

    // Change-only: the first stored value leaves the initial flat state, and no two consecutive signals repeat.
    const leg0 = Array.from({ length: signals }, (_, k) => ({ barIdx: rows.barIdx[k * legs], value: rows.value[k * legs], ts: rows.ts[k * legs] }));
    for (let k = 0; k < signals; k++) {
      const previous = k === 0 ? 0 : leg0[k - 1].value;
      expect(leg0[k].value, `${what}: signal ${k} changes the state (previous ${previous})`).not.toBe(previous);
      if (k > 0) {
        expect(leg0[k].barIdx >= leg0[k - 1].barIdx, `${what}: bar_idx non-decreasing at signal ${k}`).toBe(true);
        expect(leg0[k].ts >= leg0[k - 1].ts, `${what}: ts non-decreasing at signal ${k}`).toBe(true);
      }
    }
    expect(signals, `${what}: enough stored changes to be a real test`).toBeGreaterThanOrEqual(minChanges.signals);
    expect(row!.rows, `${what}: index row count`).toBe(rows.seq.length);

    // The dense series, recorded from decide() in the backtest, against the forward-filled sparse rows.
    const calls = recording.strategies.get(s.id)!;
    expect(calls.length, `${what}: decide() was called`).toBeGreaterThan(0);
    const dense = carryForward(calls.map((c) => ({ barIdx: c.barIdx, value: c.state as number })), bars, 0);
    const sparse = carryForward(leg0, bars, 0);
    expect(firstDifference(dense, sparse), `${what}: dense vs forward-filled sparse`).toBeNull();
  }

  for (const c of config.classifiers) {
    const what = `${label} classifier ${c.id} (${c.type})`;
    const input = byId.get(c.inputs[0])!;
    const entry = entryOf('classifier', c.id);
    const row = state.classifiers.find((r) => r.hash === entry.hash);
    expect(row, `${what}: index row`).toBeDefined();
    const rows = await readClassifierRows(store, row!);
    const n = rows.seq.length;
    expect(n, `${what}: enough stored regime changes to be a real test`).toBeGreaterThanOrEqual(minChanges.regimes);
    for (let k = 0; k < n; k++) {
      const at = `${what} row ${k}`;
      expect(rows.seq[k], at).toBe(k);
      expect(rows.stream[k], at).toBe(input.id);
      expect(rows.oldRegime[k], `${at}: old_regime is the previous row's new_regime`).toBe(k === 0 ? null : rows.newRegime[k - 1]);
      expect(rows.newRegime[k], `${at}: a change`).not.toBe(rows.oldRegime[k]);
      if (k > 0) expect(rows.barIdx[k] >= rows.barIdx[k - 1], `${at}: bar_idx non-decreasing`).toBe(true);
      expect(rows.ts[k] >= input.start[rows.barIdx[k]] + input.timeframeMs, `${at}: stored at or after the bar's close`).toBe(true);
    }
    const calls = recording.classifiers.get(c.id)!;
    const dense = carryForward(calls.map((call) => ({ barIdx: call.barIdx, value: call.regime })), input.length, null as string | null);
    const sparse = carryForward(Array.from(rows.barIdx, (barIdx, k) => ({ barIdx, value: rows.newRegime[k] as string | null })), input.length, null);
    expect(firstDifference(dense, sparse), `${what}: dense regime vs reconstructed from changes`).toBeNull();
  }
}

describe('reconstruction of dense states from the sparse store', () => {
  it('synthetic data: every strategy type, pairs in both orders, three classifier types', async () => {
    const config = configOf(synthetic, syntheticStrategies, syntheticClassifiers);
    const series = await loadSeries(config);
    await checkReconstruction('synthetic', config, series, { signals: 3, regimes: 3 });
  });

  it('synthetic data with missing_bars: ffill', async () => {
    const config = configOf(synthetic, syntheticStrategies.filter((s) => s.type === 'pairs_zscore' || s.id.startsWith('sma')), syntheticClassifiers.slice(0, 3), 'ffill');
    const series = await loadSeries(config);
    await checkReconstruction('synthetic-ffill', config, series, { signals: 3, regimes: 3 });
  });

  describe.skipIf(!hasShared)('real data: SPY_1m + QQQ_1m, first 5000 bars', () => {
    for (const policy of ['skip', 'ffill'] as const) {
      it(`missing_bars: ${policy}`, async () => {
        const data = {
          timezone: 'America/New_York',
          streams: [
            { symbol: 'SPY', timeframe: '1m', file: `${SHARED}/SPY_1m.csv` },
            { symbol: 'QQQ', timeframe: '1m', file: `${SHARED}/QQQ_1m.csv` },
          ],
        };
        const config = configOf(data, realStrategies, realClassifiers, policy);
        const series = (await loadSeries(config)).map((s) => sliceSeries(s, 5000));
        expect(series.map((s) => s.length)).toEqual([5000, 5000]);
        await checkReconstruction(`real-${policy}`, config, series, { signals: 3, regimes: 3 });
      });
    }
  });
});

/**
 * A signal generation group loads only the streams its instances need (src/sweep/group-streams.ts).
 * That must not change a single stored signal: each group's rows, generated with every declared
 * stream and with the group's streams only, are compared field by field, under both
 * missing-bar policies, over streams that start at different times (ticks where only some
 * streams have a bar), a resampled input and a pairs strategy.
 */
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { readSignalRows, readStoreState } from '../../src/signals/store-reader.ts';
import { streamsForGroup } from '../../src/sweep/group-streams.ts';
import { validateTopology } from '../../src/topology/load.ts';
import type { TopologyConfig } from '../../src/topology/schema.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import { generate, planFor, tempStore } from '../signals/helpers.ts';

const streams = [
  { symbol: 'DDD', timeframe: '1h', synthetic: { seed: 7, bars: 900, start_price: 30, start: '2020-01-06' } },
  { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 101, bars: 1500, start_price: 80 } },
  { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 202, bars: 1200, start_price: 60, start: '2020-01-20' } },
  { symbol: 'AAA', timeframe: '4h', resample_from: 'AAA_1h' },
];
const strategies = [
  { id: 'sma_bbb', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['BBB_1h'] },
  { id: 'rsi_aaa_4h', type: 'rsi_mean_reversion', params: { period: 7 }, inputs: ['AAA_4h'] },
  { id: 'pairs', type: 'pairs_zscore', params: { period: 30 }, inputs: ['BBB_1h', 'AAA_1h'] },
  { id: 'ema_ddd', type: 'ema_crossover', params: { fast_period: 5, slow_period: 30 }, inputs: ['DDD_1h'] },
];
const classifiers = [{ id: 'trend_aaa', type: 'trend', params: { fast_period: 10, slow_period: 30 }, inputs: ['AAA_1h'] }];

const config = (missing: 'skip' | 'ffill', window?: { start_bar: number; end_bar: number }) =>
  validateTopology({ name: 'group-streams', mode: 'signal_generation', signals: { store: 'unused' }, data: { timezone: 'UTC', missing_bars: missing, streams, ...(window ? { window } : {}) }, strategies, classifiers, portfolios: [] });

const ids = (xs: readonly { symbol: string; timeframe: string }[]) => xs.map((s) => `${s.symbol}_${s.timeframe}`);

describe('streamsForGroup', () => {
  const c = config('skip');
  it('keeps the inputs of the group and the streams they are resampled from, in declared order', () => {
    expect(ids(streamsForGroup(c, new Set(['sma_bbb', 'rsi_aaa_4h']), new Set()))).toEqual(['AAA_1h', 'BBB_1h', 'AAA_4h']);
    expect(ids(streamsForGroup(c, new Set(['sma_bbb']), new Set()))).toEqual(['BBB_1h']);
    expect(ids(streamsForGroup(c, new Set(['ema_ddd']), new Set(['trend_aaa'])))).toEqual(['DDD_1h', 'AAA_1h']);
  });
  it('keeps the first stream when the run has a window (the window counts its bars)', () => {
    expect(ids(streamsForGroup(config('skip', { start_bar: 100, end_bar: 700 }), new Set(['sma_bbb']), new Set()))).toEqual(['DDD_1h', 'BBB_1h']);
  });
});

async function storedRows(store: string) {
  const state = await readStoreState(store);
  const out: Record<string, unknown> = {};
  for (const row of state.strategies) {
    const r = await readSignalRows(store, row);
    out[row.id] = { hash: row.hash, ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v as ArrayLike<unknown>)])) };
  }
  return out;
}

describe('a generation group with only its streams stores the same signals', () => {
  for (const missing of ['skip', 'ffill'] as const) {
    for (const window of [undefined, { start_bar: 150, end_bar: 800 }]) {
      it(`missing_bars ${missing}${window ? ', with a window' : ''}`, async () => {
        const full = config(missing, window);
        const all: BarSeries[] = (await loadStreams(planFor(full, 'signal_generation', tempStore('group-load')))).series;
        const byId = new Map(all.map((s) => [s.id, s]));
        for (const group of [['sma_bbb', 'rsi_aaa_4h'], ['pairs'], ['sma_bbb'], ['rsi_aaa_4h', 'ema_ddd']]) {
          const only = (c: TopologyConfig) => ({ ...c, strategies: c.strategies.filter((s) => group.includes(s.id)), classifiers: [] });
          const pruned = streamsForGroup(full, new Set(group), new Set());
          expect(pruned.length).toBeLessThan(streams.length + (window ? 1 : 0));
          const a = tempStore('group-all');
          const b = tempStore('group-pruned');
          const prunedConfig = { ...only(full), data: { ...full.data, streams: pruned } };
          await generate(only(full), all, a);
          const expected = await storedRows(a);
          expect(Object.keys(expected).sort()).toEqual([...group].sort());
          // the sweep hands the group the series it loaded for the whole grid...
          await generate(prunedConfig, ids(pruned).map((id) => byId.get(id)!), b);
          expect(await storedRows(b)).toEqual(expected);
          // ...or a worker without them loads the group's streams itself (the window cut included)
          const c = tempStore('group-loaded');
          await generate(prunedConfig, (await loadStreams(planFor(prunedConfig, 'signal_generation', c))).series, c);
          expect(await storedRows(c)).toEqual(expected);
        }
      });
    }
  }
});

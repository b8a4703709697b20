/**
 * Every indicator against the naive batch reference (test/features/reference.ts), bar by
 * bar, over several seeded OHLCV data sets (including flat, zero-volume and equal-close
 * stretches and high/low price levels), for several param sets each.
 */
import { describe, expect, it } from 'vitest';
import { getIndicator, resolveIndicatorParams } from '../../src/features/registry.ts';
import type { BarIndicatorSpec, PairIndicatorSpec } from '../../src/features/indicator.ts';
import { byBar, firstMismatch, firstValid, makeBars, makePair, runBars, runPair, type Bars } from './helpers.ts';
import * as ref from './reference.ts';

const DATASETS: Record<string, Bars> = {
  'random walk @100 with flat/zero-volume and equal-close segments': makeBars(600, 1, { flat: [200, 35], sameClose: [400, 30] }),
  'volatile @60000': makeBars(400, 7, { start: 60000, vol: 0.02 }),
  'penny @0.5': makeBars(300, 42, { start: 0.5, vol: 0.03 }),
};

type P = Record<string, number>;
interface BarCase {
  name: string;
  params: P[];
  ref: (b: Bars, p: P) => number[][];
  /** Expected index of the first non-NaN bar for each output. */
  warm: (p: P) => number[];
}

const fill = (name: string, p: P) => resolveIndicatorParams(name, p) as P;

const BAR_CASES: BarCase[] = [
  { name: 'sma', params: [{}, { period: 1 }, { period: 2 }, { period: 7 }, { period: 50 }], ref: (b, p) => [ref.smaRef(b.close, p.period)], warm: (p) => [p.period - 1] },
  { name: 'ema', params: [{}, { period: 1 }, { period: 3 }, { period: 50 }], ref: (b, p) => [ref.emaRef(b.close, p.period)], warm: (p) => [p.period - 1] },
  { name: 'wma', params: [{}, { period: 1 }, { period: 2 }, { period: 9 }, { period: 60 }], ref: (b, p) => [ref.wmaRef(b.close, p.period)], warm: (p) => [p.period - 1] },
  { name: 'rsi', params: [{}, { period: 1 }, { period: 2 }, { period: 30 }], ref: (b, p) => [ref.rsiRef(b.close, p.period)], warm: (p) => [p.period] },
  { name: 'atr', params: [{}, { period: 1 }, { period: 5 }, { period: 30 }], ref: (b, p) => [ref.atrRef(b, p.period)], warm: (p) => [p.period - 1] },
  {
    name: 'bollinger',
    params: [{}, { period: 1 }, { period: 5, std_dev: 1.5 }, { period: 40, std_dev: 3 }],
    ref: (b, p) => ref.bollingerRef(b.close, p.period, p.std_dev),
    warm: (p) => [p.period - 1, p.period - 1, p.period - 1],
  },
  {
    name: 'macd',
    params: [{}, { fast_period: 1, slow_period: 2, signal_period: 1 }, { fast_period: 3, slow_period: 10, signal_period: 4 }],
    ref: (b, p) => ref.macdRef(b.close, p.fast_period, p.slow_period, p.signal_period),
    warm: (p) => [p.slow_period - 1, p.slow_period + p.signal_period - 2, p.slow_period + p.signal_period - 2],
  },
  { name: 'stddev', params: [{}, { period: 1 }, { period: 2 }, { period: 33 }], ref: (b, p) => [ref.stddevRef(b.close, p.period)], warm: (p) => [p.period - 1] },
  { name: 'zscore', params: [{}, { period: 1 }, { period: 3 }, { period: 33 }], ref: (b, p) => [ref.zscoreRef(b.close, p.period)], warm: (p) => [p.period - 1] },
  {
    name: 'donchian',
    params: [{}, { period: 1 }, { period: 2 }, { period: 55 }],
    ref: (b, p) => ref.donchianRef(b, p.period),
    warm: (p) => [p.period, p.period, p.period],
  },
  { name: 'momentum', params: [{}, { period: 1 }, { period: 25 }], ref: (b, p) => [ref.momentumRef(b.close, p.period)], warm: (p) => [p.period] },
  { name: 'roc', params: [{}, { period: 1 }, { period: 25 }], ref: (b, p) => [ref.rocRef(b.close, p.period)], warm: (p) => [p.period] },
  { name: 'vwap', params: [{}, { period: 1 }, { period: 5 }, { period: 30 }], ref: (b, p) => [ref.vwapRef(b, p.period)], warm: (p) => [p.period - 1] },
  {
    name: 'adx',
    params: [{}, { period: 1 }, { period: 2 }, { period: 25 }],
    ref: (b, p) => ref.adxRef(b, p.period),
    warm: (p) => [2 * p.period - 1, p.period, p.period],
  },
  {
    name: 'stochastic',
    params: [{}, { k_period: 1, d_period: 1 }, { k_period: 5, d_period: 1 }, { k_period: 30, d_period: 7 }],
    ref: (b, p) => ref.stochasticRef(b, p.k_period, p.d_period),
    warm: (p) => [p.k_period - 1, p.k_period + p.d_period - 2],
  },
  { name: 'obv', params: [{}], ref: (b) => [ref.obvRef(b)], warm: () => [0] },
];

describe.each(BAR_CASES)('$name matches the naive reference', (c) => {
  const spec = getIndicator(c.name) as BarIndicatorSpec;
  it.each(c.params.map((p) => [JSON.stringify(p), p] as const))('params %s', (_label, raw) => {
    const p = fill(c.name, raw);
    for (const [dsName, bars] of Object.entries(DATASETS)) {
      const actual = runBars(spec.create(p), bars);
      const expected = byBar(...c.ref(bars, p));
      expect(firstMismatch(actual, expected), `${c.name} ${JSON.stringify(p)} on ${dsName}`).toBeNull();
      const warm = c.warm(p);
      expect(warm.length).toBe(spec.outputs.length);
      warm.forEach((w, k) => {
        expect(firstValid(actual, k), `${c.name} output ${spec.outputs[k]} first valid bar`).toBe(w);
        // and stays valid from then on
        expect(actual.slice(w).every((r) => Number.isFinite(r[k])), `${c.name} output ${spec.outputs[k]} finite once warm`).toBe(true);
      });
    }
  });
});

describe('pair indicators match the naive reference', () => {
  const pairs = {
    correlated: makePair(500, 3),
    'b constant for a while': makePair(500, 5, { constantB: [100, 40] }),
    'both constant for a while': makePair(500, 9, { constantBoth: [250, 30] }),
  };

  it.each([[{}], [{ period: 1 }], [{ period: 2 }], [{ period: 45 }]])('correlation %j', (raw) => {
    const spec = getIndicator('correlation') as PairIndicatorSpec;
    const p = fill('correlation', raw);
    for (const [name, { a, b }] of Object.entries(pairs)) {
      const actual = runPair(spec.create(p), a, b);
      expect(firstMismatch(actual, byBar(ref.correlationRef(a, b, p.period))), name).toBeNull();
      expect(firstValid(actual)).toBe(p.period - 1);
      expect(actual.slice(p.period - 1).every((r) => r[0] >= -1 && r[0] <= 1)).toBe(true);
    }
  });

  it.each([[{}], [{ period: 1 }], [{ period: 5, hedge_ratio: 0.7 }], [{ period: 30, hedge_ratio: -1.25 }]])('spread_zscore %j', (raw) => {
    const spec = getIndicator('spread_zscore') as PairIndicatorSpec;
    const p = fill('spread_zscore', raw);
    for (const [name, { a, b }] of Object.entries(pairs)) {
      const actual = runPair(spec.create(p), a, b);
      expect(firstMismatch(actual, byBar(...ref.spreadZscoreRef(a, b, p.period, p.hedge_ratio))), name).toBeNull();
      expect(firstValid(actual, 0)).toBe(p.period - 1);
      expect(firstValid(actual, 1)).toBe(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { generateSyntheticBars, REGIME_NAMES, type RegimeName } from '../../src/data/synthetic.ts';
import { mulberry32 } from '../../src/data/prng.ts';
import { BarRowSchema } from '../../src/data/validation.ts';
import type { BarSeries } from '../../src/data/bar-series.ts';

const COLS = ['start', 'open', 'high', 'low', 'close', 'volume'] as const;
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectValid(s: BarSeries) {
  for (let i = 0; i < s.length; i++) {
    const row = { start: s.start[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] };
    const r = BarRowSchema.safeParse(row);
    if (!r.success) throw new Error(`bar ${i} invalid: ${r.error.issues[0].message}`);
    if (!(s.low[i] <= s.open[i] && s.open[i] <= s.high[i] && s.low[i] <= s.close[i] && s.close[i] <= s.high[i])) throw new Error(`bar ${i} OHLC`);
    if (!(s.low[i] > 0) || !Number.isInteger(s.volume[i]) || s.volume[i] < 0) throw new Error(`bar ${i} price/volume`);
    if (i > 0 && !(s.start[i] > s.start[i - 1])) throw new Error(`bar ${i} not after ${i - 1}`);
  }
}

describe('mulberry32', () => {
  it('is deterministic, in [0,1), and seed-dependent', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    // a known value pins the algorithm (mulberry32, seed 42: first output 2581720956 / 2^32)
    expect(mulberry32(42).next()).toBe(2581720956 / 4294967296);
  });

  it('normal() has mean ~0 and variance ~1', () => {
    const r = mulberry32(7);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('generateSyntheticBars', () => {
  it('same seed -> byte-identical output; different seeds differ', () => {
    const a = generateSyntheticBars({ symbol: 'SYN', timeframe: '1m', bars: 2000, seed: 42 });
    const b = generateSyntheticBars({ symbol: 'SYN', timeframe: '1m', bars: 2000, seed: 42 });
    const c = generateSyntheticBars({ symbol: 'SYN', timeframe: '1m', bars: 2000, seed: 43 });
    for (const col of COLS) expect(bytes(b[col]).equals(bytes(a[col]))).toBe(true);
    expect(b.hash).toBe(a.hash);
    expect(b.regimes).toEqual(a.regimes);
    expect(c.hash).not.toBe(a.hash);
    expect(bytes(c.close).equals(bytes(a.close))).toBe(false);
    expect(a.source).toBe('synthetic:42');
    expect(a.id).toBe('SYN_1m');
    expect(a.timeframeMs).toBe(60_000);
    expect(a.length).toBe(2000);
    expect(a.regimes).toHaveLength(2000);
  });

  it('every bar is valid for several seeds and timeframes', () => {
    for (const seed of [1, 2, 3, 99, 123456789]) {
      for (const timeframe of ['1m', '1h', '1d']) {
        expectValid(generateSyntheticBars({ symbol: 'V', timeframe, bars: 2000, seed }));
      }
    }
    // a very volatile, long series stays valid (positive prices, clamped OHLC)
    expectValid(generateSyntheticBars({ symbol: 'V', timeframe: '1d', bars: 5000, seed: 5, startPrice: 0.05, regimes: { volatile: { volatility: 0.2 } } }));
  });

  it('all three regimes occur in a 2000-bar series, and they behave differently', () => {
    for (const seed of [1, 2, 3, 4, 5, 42]) {
      const s = generateSyntheticBars({ symbol: 'R', timeframe: '1d', bars: 2000, seed });
      const counts = new Map<RegimeName, number>();
      for (const r of s.regimes) counts.set(r, (counts.get(r) ?? 0) + 1);
      for (const name of REGIME_NAMES) expect(counts.get(name) ?? 0, `seed ${seed} ${name}`).toBeGreaterThan(50);
      // regimes persist: far fewer switches than bars (default switch probability 2%)
      let switches = 0;
      for (let i = 1; i < s.length; i++) if (s.regimes[i] !== s.regimes[i - 1]) switches++;
      expect(switches).toBeGreaterThan(10);
      expect(switches).toBeLessThan(100);
    }
    // volatile bars move more than the others
    const s = generateSyntheticBars({ symbol: 'R', timeframe: '1d', bars: 20000, seed: 8 });
    const absRet = new Map<RegimeName, number[]>();
    for (let i = 1; i < s.length; i++) {
      const list = absRet.get(s.regimes[i]) ?? [];
      list.push(Math.abs(Math.log(s.close[i] / s.close[i - 1])));
      absRet.set(s.regimes[i], list);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(absRet.get('volatile')!)).toBeGreaterThan(2 * mean(absRet.get('trending')!));
    expect(mean(absRet.get('volatile')!)).toBeGreaterThan(2 * mean(absRet.get('mean-reverting')!));
  });

  it('switchProbability 0 with an initial regime stays in that regime', () => {
    const s = generateSyntheticBars({ symbol: 'R', timeframe: '1h', bars: 500, seed: 1, regimes: { switchProbability: 0, initial: 'mean-reverting' } });
    expect(new Set(s.regimes)).toEqual(new Set(['mean-reverting']));
  });

  it('1d bars skip weekends: consecutive weekdays only, starting 2020-01-02 by default', () => {
    const s = generateSyntheticBars({ symbol: 'D', timeframe: '1d', bars: 1000, seed: 9 });
    expect(new Date(s.start[0]).toISOString()).toBe('2020-01-02T00:00:00.000Z');
    for (let i = 0; i < s.length; i++) {
      const day = new Date(s.start[i]).getUTCDay();
      expect(day === 0 || day === 6, `bar ${i} on a weekend`).toBe(false);
      if (i > 0) {
        const gap = (s.start[i] - s.start[i - 1]) / 86_400_000;
        expect(gap === 1 || (gap === 3 && day === 1)).toBe(true); // Fri -> Mon
      }
    }
    // a weekend start moves to Monday
    const w = generateSyntheticBars({ symbol: 'D', timeframe: '1d', bars: 3, seed: 9, start: '2024-06-01' });
    expect(Array.from(w.start, (t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2024-06-03', '2024-06-04', '2024-06-05']);
  });

  it('intraday bars are consecutive at the timeframe spacing; startPrice sets the first open', () => {
    const s = generateSyntheticBars({ symbol: 'M', timeframe: '5m', bars: 300, seed: 4, start: '2021-06-05', startPrice: 250 });
    expect(s.start[0]).toBe(Date.UTC(2021, 5, 5));
    for (let i = 1; i < s.length; i++) expect(s.start[i] - s.start[i - 1]).toBe(300_000);
    expect(s.open[0]).toBe(250);
  });

  it('rejects bad options', () => {
    expect(() => generateSyntheticBars({ symbol: 'X', timeframe: '1m', bars: -1, seed: 1 })).toThrow(/bars must be/);
    expect(() => generateSyntheticBars({ symbol: 'X', timeframe: 'x', bars: 1, seed: 1 })).toThrow(/invalid timeframe/);
    expect(() => generateSyntheticBars({ symbol: 'X', timeframe: '1m', bars: 1, seed: 1, start: '2020-02-30' })).toThrow(/start must be/);
    expect(() => generateSyntheticBars({ symbol: 'X', timeframe: '1m', bars: 1, seed: 1, startPrice: 0 })).toThrow(/startPrice/);
  });
});

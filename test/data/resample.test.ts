import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load-bars.ts';
import { resampleBars } from '../../src/data/resample.ts';
import { createBarSeries } from '../../src/data/series.ts';
import { generateSyntheticBars } from '../../src/data/synthetic.ts';
import { formatLocal, noteSharedData, rawRows, sharedFile } from './helpers.ts';

const exists = noteSharedData('resample');
const ET = 'America/New_York';

interface RawBucket {
  key: string;
  rows: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** 5-minute buckets computed directly from the raw text rows with plain loops (local stamps; ET has whole-hour offsets). */
function rawFiveMinuteBuckets(rows: string[][]): RawBucket[] {
  const out: RawBucket[] = [];
  for (const r of rows) {
    const stamp = r[0]; // YYYY-MM-DD HH:MM:SS
    const minute = Number(stamp.slice(14, 16));
    const key = `${stamp.slice(0, 14)}${String(minute - (minute % 5)).padStart(2, '0')}:00`;
    const [o, h, l, c, v] = r.slice(1, 6).map(Number);
    const last = out[out.length - 1];
    if (last && last.key === key) {
      last.rows++;
      if (h > last.high) last.high = h;
      if (l < last.low) last.low = l;
      last.close = c;
      last.volume += v;
    } else {
      out.push({ key, rows: 1, open: o, high: h, low: l, close: c, volume: v });
    }
  }
  return out;
}

describe.skipIf(!exists)('resample real SPY_1m.csv to 5m', () => {
  it('matches buckets computed from the raw 1m rows, including buckets with missing minutes', async () => {
    const path = sharedFile('SPY_1m.csv');
    const rows = rawRows(readFileSync(path, 'utf8'));
    const { series } = await loadBars({ path, symbol: 'SPY', timeframe: '1m', timezone: ET });
    const r5 = resampleBars(series, '5m', { timezone: ET });
    expect(r5.id).toBe('SPY_5m');
    expect(r5.timeframe).toBe('5m');
    expect(r5.timeframeMs).toBe(300_000);
    expect(r5.source).toBe('resample:SPY_1m');
    expect(r5.hash).not.toBe(series.hash);

    const raw = rawFiveMinuteBuckets(rows);
    expect(r5.length).toBe(raw.length);

    const check = (i: number) => {
      const b = raw[i];
      expect(formatLocal(r5.start[i], ET), `bucket ${b.key}`).toBe(b.key);
      expect([r5.open[i], r5.high[i], r5.low[i], r5.close[i], r5.volume[i]], b.key).toEqual([b.open, b.high, b.low, b.close, b.volume]);
    };
    // spot checks: first, last, a winter day, the half day 2025-11-28 after its 13:00 close
    const spots = [0, raw.length - 1, raw.findIndex((b) => b.key === '2025-12-01 10:00:00'), raw.findIndex((b) => b.key === '2025-11-28 13:05:00')];
    // buckets with missing minutes (fewer than 5 rows), away from the session end
    const partial = raw.map((b, i) => [b, i] as const).filter(([b]) => b.rows < 5 && !b.key.endsWith('15:55:00'));
    expect(partial.length).toBeGreaterThan(10);
    spots.push(...partial.slice(0, 5).map(([, i]) => i), partial[partial.length - 1][1]);
    for (const i of spots) {
      expect(i).toBeGreaterThanOrEqual(0);
      check(i);
    }
    // and, cheaply, all of them
    for (let i = 0; i < raw.length; i++) check(i);
    // volume is conserved
    expect(r5.volume.reduce((a, b) => a + b, 0)).toBe(series.volume.reduce((a, b) => a + b, 0));
  });
});

describe.skipIf(!exists)('resample real minute bars to 1d (calendar day in New York)', () => {
  it('SPY 2013-10 RTH minutes reproduce the Lean daily bars (one documented low differs by 0.01)', async () => {
    const minute = (await loadBars({ path: sharedFile('SPY_1m_lean_201310.csv'), symbol: 'SPY', timeframe: '1m', timezone: ET })).series;
    const daily = (await loadBars({ path: sharedFile('SPY_1d_lean.csv'), symbol: 'SPY', timeframe: '1d', timezone: ET })).series;
    // keep 09:30-15:59 local (RTH)
    const keep: number[] = [];
    for (let i = 0; i < minute.length; i++) {
      const hm = formatLocal(minute.start[i], ET).slice(11, 16);
      if (hm >= '09:30' && hm <= '15:59') keep.push(i);
    }
    const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
    const rth = createBarSeries({
      symbol: 'SPY',
      timeframe: '1m',
      source: 'test',
      columns: { start: pick(minute.start), open: pick(minute.open), high: pick(minute.high), low: pick(minute.low), close: pick(minute.close), volume: pick(minute.volume) },
    });
    const d = resampleBars(rth, '1d', { timezone: ET });
    expect(d.length).toBe(6);
    let lowDiffs = 0;
    for (let k = 0; k < d.length; k++) {
      const j = daily.start.indexOf(d.start[k]); // same label: local midnight
      expect(j, formatLocal(d.start[k], ET)).toBeGreaterThanOrEqual(0);
      expect(formatLocal(d.start[k], ET).slice(11)).toBe('00:00:00');
      expect([d.open[k], d.high[k], d.close[k], d.volume[k]]).toEqual([daily.open[j], daily.high[j], daily.close[j], daily.volume[j]]);
      if (d.low[k] !== daily.low[j]) {
        lowDiffs++;
        expect(Math.abs(d.low[k] - daily.low[j])).toBeCloseTo(0.01, 9);
      }
    }
    expect(lowDiffs).toBe(1);
  });
});

describe('resampleBars on synthetic data', () => {
  const s = generateSyntheticBars({ symbol: 'SYN', timeframe: '1m', bars: 3000, seed: 21, start: '2025-03-08' });

  it('1m -> 1h: buckets on the UTC hour, OHLCV aggregated, gaps produce no bar', () => {
    // drop a whole hour (bars 120..179) to create an empty bucket
    const keep = Array.from({ length: s.length }, (_, i) => i).filter((i) => i < 120 || i >= 180);
    const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
    const gappy = createBarSeries({ symbol: 'SYN', timeframe: '1m', source: 'x', columns: { start: pick(s.start), open: pick(s.open), high: pick(s.high), low: pick(s.low), close: pick(s.close), volume: pick(s.volume) } });
    const h = resampleBars(gappy, '1h');
    expect(h.length).toBe(49); // 50 hours minus the emptied one
    expect(h.start[2] - h.start[1]).toBe(2 * 3_600_000);
    for (let k = 0; k < h.length; k++) {
      expect(h.start[k] % 3_600_000).toBe(0);
      const idx = keep.filter((i) => Math.floor(s.start[i] / 3_600_000) * 3_600_000 === h.start[k]);
      expect(h.open[k]).toBe(s.open[idx[0]]);
      expect(h.close[k]).toBe(s.close[idx[idx.length - 1]]);
      expect(h.high[k]).toBe(Math.max(...idx.map((i) => s.high[i])));
      expect(h.low[k]).toBe(Math.min(...idx.map((i) => s.low[i])));
      expect(h.volume[k]).toBe(idx.reduce((a, i) => a + s.volume[i], 0));
    }
  });

  it('1m -> 1d by New York calendar date, labelled at local midnight (across the 2025-03-09 DST change)', () => {
    const m = generateSyntheticBars({ symbol: 'SYN', timeframe: '1m', bars: 4000, seed: 22, start: '2025-03-08' });
    const d = resampleBars(m, '1d', { timezone: ET });
    // 4000 minutes from 2025-03-08 00:00Z (= 03-07 19:00 EST) to 03-10 18:39Z (= 14:39 EDT)
    expect(Array.from(d.start, (t) => new Date(t).toISOString())).toEqual([
      '2025-03-07T05:00:00.000Z',
      '2025-03-08T05:00:00.000Z',
      '2025-03-09T05:00:00.000Z',
      '2025-03-10T04:00:00.000Z',
    ]);
    expect(d.volume.reduce((a, b) => a + b, 0)).toBe(m.volume.reduce((a, b) => a + b, 0));
    // the 2025-03-09 bucket holds 23 hours of minutes (the DST day is short), the first one 5 hours
    const perDay = [0, 0, 0, 0];
    for (let i = 0; i < m.length; i++) perDay[d.start.findLastIndex((t) => t <= m.start[i])]++;
    expect(perDay).toEqual([300, 1440, 1380, 880]);
  });

  it('rejects a target that is not a whole multiple, a finer target, multi-day targets and 1d without a zone', () => {
    const five = resampleBars(s, '5m');
    expect(() => resampleBars(five, '7m')).toThrow(/whole multiple of 5m/);
    expect(() => resampleBars(five, '1m')).toThrow(/whole multiple/);
    expect(() => resampleBars(s, '2d', { timezone: ET })).toThrow(/only 1d/);
    expect(() => resampleBars(s, '1d')).toThrow(/timezone is required/);
    expect(resampleBars(s, '1m').hash).toBe(s.hash); // identity
  });
});

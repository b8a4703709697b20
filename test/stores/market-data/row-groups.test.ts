/**
 * Row-group pruning: part files are cut into row groups at UTC day boundaries (one per trading
 * day of 1m bars), and range queries decode only the groups whose time statistics meet the
 * range. Every result is compared with a reference computed from a whole-file read of the same
 * part file (readParquetFile) filtered in the test; the store's counters say how many row groups
 * were read and skipped.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParquetFile, readParquetRowGroups } from '../../../src/parquet/index.ts';
import { MIN_GROUP_ROWS, rowGroupSizes } from '../../../src/stores/market-data/codec.ts';
import { statsText } from '../../../src/stores/market-data/report-text.ts';
import type { MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bar, DAY, LINEAGE, MIN, tempStore, type TestBar } from './helpers.ts';

const COLS = ['start', 'open', 'high', 'low', 'close', 'volume'] as const;

/** October 2025, a regular session (13:30-20:00Z, 390 1m bars) every weekday: 23 days. */
const OCT = Date.UTC(2025, 9, 1);
const SESSIONS: number[] = [];
for (let d = 0; d < 31; d++) {
  const day = OCT + d * DAY;
  const wd = new Date(day).getUTCDay();
  if (wd !== 0 && wd !== 6) SESSIONS.push(day + 13.5 * 3_600_000);
}
const input: TestBar[] = SESSIONS.flatMap((open, d) => Array.from({ length: 390 }, (_, i) => bar(open + i * MIN, d * 390 + i)));

let store: MarketDataStore;
let root: string;
let cleanup: () => Promise<void>;
let reference: Record<(typeof COLS)[number], Float64Array>;
let partFile: string;

const counters = () => ({ ...store.metrics.counters });
function delta(before: ReturnType<typeof counters>) {
  const now = store.metrics.counters;
  return { files: now.filesRead - before.filesRead, read: now.rowGroupsRead - before.rowGroupsRead, skipped: now.rowGroupsSkipped - before.rowGroupsSkipped };
}

/** The reference: the rows of the whole part file with start in [start, end), column by column. */
function expected(start: number, end: number): Record<string, number[]> {
  const keep: number[] = [];
  reference.start.forEach((t, i) => {
    if (t >= start && t < end) keep.push(i);
  });
  return Object.fromEntries(COLS.map((c) => [c, keep.map((i) => reference[c][i])]));
}

async function got(start?: number, end?: number): Promise<Record<string, number[]>> {
  const s = await store.getBars('SPY', '1m', start, end);
  return Object.fromEntries(COLS.map((c) => [c, Array.from(s[c])]));
}

beforeAll(async () => {
  ({ store, root, cleanup } = await tempStore());
  await store.writeBars('SPY', '1m', input, LINEAGE);
  const dir = join(root, 'bars/SPY/1m/period=2025-10');
  const names = await readdir(dir);
  expect(names).toHaveLength(1);
  partFile = join(dir, names[0]);
  const table = await readParquetFile(partFile);
  reference = Object.fromEntries(COLS.map((c) => [c, table.columns[c] as Float64Array])) as typeof reference;
  expect(reference.start.length).toBe(input.length);
});
afterAll(() => cleanup());

describe('part file layout', () => {
  it('a month of 1m bars is one row group per trading day, with min/max statistics of start', async () => {
    const info = await readParquetRowGroups(partFile, { columns: ['start'] });
    expect(info.rowGroups).toHaveLength(SESSIONS.length);
    info.rowGroups.forEach((g, d) => {
      expect(g.rows).toBe(390);
      expect(g.statistics.start).toEqual({ min: SESSIONS[d], max: SESSIONS[d] + 389 * MIN, nullCount: 0 });
    });
  });

  it('row groups end at the first UTC day boundary after MIN_GROUP_ROWS rows, or at a new time after MAX_GROUP_ROWS', () => {
    const perDay = (days: number, n: number, step: number) => Array.from({ length: days * n }, (_, i) => Math.floor(i / n) * DAY + (i % n) * step);
    expect(rowGroupSizes(perDay(3, 390, MIN))).toEqual([390, 390, 390]);
    expect(rowGroupSizes(perDay(5, 78, 5 * MIN))).toEqual([156, 156, 78]); // 5m bars: two days a group
    expect(rowGroupSizes(perDay(300, 1, 0))).toEqual([MIN_GROUP_ROWS, MIN_GROUP_ROWS, 300 - 2 * MIN_GROUP_ROWS]); // daily bars
    expect(rowGroupSizes([])).toHaveLength(1);
    // ticks: 70,000 rows in one day split after 65,536, but never inside one millisecond
    const ticks = Array.from({ length: 70_000 }, (_, i) => Math.floor(i / 3));
    const sizes = rowGroupSizes(ticks);
    expect(sizes).toEqual([65_538, 70_000 - 65_538]); // rows 65,536 and 65,537 share the time of row 65,535
    expect(ticks[65_538]).not.toBe(ticks[65_537]);
    expect(ticks[65_537]).toBe(ticks[65_535]);
  });
});

describe('range queries decode only the row groups they need', () => {
  it('one New York day out of the month reads one file and only that day\'s row group, with the same bars as a full read', async () => {
    const day = Date.UTC(2025, 9, 15, 4); // 2025-10-15 00:00 New York (EDT)
    const before = counters();
    const bars = await got(day, day + DAY);
    expect(delta(before)).toEqual({ files: 1, read: 1, skipped: SESSIONS.length - 1 });
    expect(bars).toEqual(expected(day, day + DAY));
    expect(bars.start).toHaveLength(390);
  });

  it('a part of a day, several days, a weekend and the whole month: identical to the filtered full read', async () => {
    const d = (n: number, h = 0, m = 0) => OCT + n * DAY + h * 3_600_000 + m * MIN;
    const cases: [number, number, number][] = [
      // [start, end, row groups read]
      [d(1, 14, 0), d(1, 15, 30), 1], // part of Oct 2
      [d(1, 19, 59), d(2, 13, 31), 2], // last bar of Oct 2, first of Oct 3
      [d(6), d(9), 3], // Tue..Thu
      [d(3), d(5), 0], // Sat, Sun: the file meets the range, no row group does
      [d(1, 12), d(1, 13, 30), 0], // before the open on Oct 2
      [d(0), d(31), SESSIONS.length],
      [d(30, 19, 59), d(40), 1], // the last bar, and past the data
    ];
    for (const [start, end, groups] of cases) {
      const before = counters();
      expect(await got(start, end)).toEqual(expected(start, end));
      expect(delta(before)).toEqual({ files: 1, read: groups, skipped: SESSIONS.length - groups });
    }
    const before = counters();
    expect(await got()).toEqual(expected(-Infinity, Infinity));
    expect(delta(before)).toEqual({ files: 1, read: SESSIONS.length, skipped: 0 });
  });

  it('random minute-aligned ranges: same bars, and exactly the days with bars in the range are read', async () => {
    let seed = 17;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let k = 0; k < 30; k++) {
      const a = OCT - DAY + rnd(33 * 1440) * MIN;
      const b = a + rnd(4 * 1440) * MIN;
      const want = expected(a, b);
      const before = counters();
      expect(await got(a, b)).toEqual(want);
      const days = new Set(want.start.map((t) => Math.floor(t / DAY))).size;
      const { read, skipped } = delta(before);
      expect(read).toBe(days);
      if (read + skipped > 0) expect(read + skipped).toBe(SESSIONS.length);
    }
  });

  it('getLatestBar decodes only the last row group; stats() and the stats text report the counters', async () => {
    const before = counters();
    const latest = await store.getLatestBar('SPY', '1m');
    expect(latest?.start).toBe(reference.start[reference.start.length - 1]);
    expect(delta(before)).toEqual({ files: 1, read: 1, skipped: SESSIONS.length - 1 });
    const s = await store.stats();
    expect(s.process.rowGroupsRead).toBe(store.metrics.counters.rowGroupsRead);
    expect(s.process.rowGroupsSkipped).toBe(store.metrics.counters.rowGroupsSkipped);
    expect(s.process.rowGroupsSkipped).toBeGreaterThan(0);
    expect(statsText(s)).toMatch(/read: \d+ file\(s\), [\d,]+ row group\(s\) decoded, [\d,]+ skipped by their time statistics/);
  });
});

describe('other kinds and tiers', () => {
  it('quotes: a one-day query decodes that day\'s row group only', async () => {
    const { store: qs, cleanup: done } = await tempStore();
    try {
      const quotes = [];
      for (let d = 0; d < 10; d++) for (let i = 0; i < 200; i++) quotes.push({ ts: OCT + d * DAY + 14 * 3_600_000 + i * 1000, bid: 10 + i / 100, ask: 10.01 + i / 100, bid_size: 1, ask_size: 2, seq: i });
      await qs.writeQuotes('SPY', quotes, LINEAGE);
      const before = { ...qs.metrics.counters };
      const day = await qs.getQuotes('SPY', OCT + 4 * DAY, OCT + 5 * DAY);
      expect(day.map((q) => q.ts)).toEqual(quotes.filter((q) => q.ts >= OCT + 4 * DAY && q.ts < OCT + 5 * DAY).map((q) => q.ts));
      expect(qs.metrics.counters.rowGroupsRead - before.rowGroupsRead).toBe(1);
      expect(qs.metrics.counters.rowGroupsSkipped - before.rowGroupsSkipped).toBe(9);
    } finally {
      await done();
    }
  });

  it('cold (Brotli) files keep the row groups: a one-day read of an archived month decodes one group, same bars', async () => {
    const { store: cs, root: croot, cleanup: done } = await tempStore();
    try {
      await cs.writeBars('SPY', '1m', input, LINEAGE);
      await cs.applyRetention({ coldAfterDays: 0 }, { now: Date.UTC(2030, 0, 1) });
      const names = await readdir(join(croot, 'bars/SPY/1m/period=2025-10'));
      expect(names).toEqual([expect.stringMatching(/\.parquet\.br$/)]);
      const day = Date.UTC(2025, 9, 15, 4);
      const before = { ...cs.metrics.counters };
      const s = await cs.getBars('SPY', '1m', day, day + DAY);
      expect(cs.metrics.counters.rowGroupsRead - before.rowGroupsRead).toBe(1);
      expect(cs.metrics.counters.rowGroupsSkipped - before.rowGroupsSkipped).toBe(SESSIONS.length - 1);
      expect(Object.fromEntries(COLS.map((c) => [c, Array.from(s[c])]))).toEqual(expected(day, day + DAY));
      expect((await cs.getBars('SPY', '1m')).hash).toBe((await store.getBars('SPY', '1m')).hash);
    } finally {
      await done();
    }
  });
});

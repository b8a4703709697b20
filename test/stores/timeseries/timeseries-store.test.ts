/**
 * The time-series store: JSONL entries per symbol (a malformed line is skipped and counted,
 * never fatal; a torn last line does not swallow the next append) and Parquet bar frames by
 * symbol, timeframe and date range (merged on save, verified on load).
 */
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSyntheticBars } from '../../../src/data/synthetic.ts';
import { createBarSeries, allocateBarColumns } from '../../../src/data/series.ts';
import type { BarSeries } from '../../../src/data/bar-series.ts';
import { TimeSeriesStore, partitionOf } from '../../../src/stores/timeseries/index.ts';
import { CorruptFileError, StoreInputError } from '../../../src/stores/results/index.ts';

const base = mkdtempSync(join(tmpdir(), 'timeseries-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const next = () => join(base, `t${n++}`);
const T0 = Date.UTC(2024, 0, 31, 23, 0);
const MIN = 60_000;

/** Rows [from, to) of a series, as plain arrays (what a range load must return). */
function rows(s: BarSeries, from = -Infinity, to = Infinity) {
  const out: number[][] = [];
  for (let i = 0; i < s.length; i++) if (s.start[i] >= from && s.start[i] < to) out.push([s.start[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]]);
  return out;
}

describe('JSONL entries', () => {
  it('appends in order and reads back by time range', async () => {
    const store = await TimeSeriesStore.open(next());
    await store.appendEntries('SPY', [{ ts: T0, bid: 1.5, ask: 1.6 }, { ts: T0 + MIN, note: 'halt', tags: ['a'] }]);
    await Promise.all([store.appendEntries('SPY', [{ ts: T0 + 2 * MIN, bid: 2 }]), store.appendEntries('SPY', [{ ts: T0 + 3 * MIN, bid: 3 }])]);
    const all = await store.readEntries('SPY');
    expect(all).toEqual({
      entries: [{ ts: T0, bid: 1.5, ask: 1.6 }, { ts: T0 + MIN, note: 'halt', tags: ['a'] }, { ts: T0 + 2 * MIN, bid: 2 }, { ts: T0 + 3 * MIN, bid: 3 }],
      skipped: 0, problems: [],
    });
    expect((await store.readEntries('SPY', { from: T0 + MIN, to: T0 + 3 * MIN })).entries.map((e) => e.ts)).toEqual([T0 + MIN, T0 + 2 * MIN]);
    expect(await store.readEntries('QQQ')).toEqual({ entries: [], skipped: 0, problems: [] });
  });

  it('malformed lines are skipped and counted with their line numbers; a torn last line does not swallow the next append', async () => {
    const root = next();
    const store = await TimeSeriesStore.open(root);
    await store.appendEntries('X', [{ ts: T0, v: 1 }]);
    const file = join(root, 'entries', 'X.jsonl');
    await fsp.appendFile(file, 'not json\n{"v":2}\n[1,2]\n{"ts":"yesterday"}\n\n{"ts":');
    await store.appendEntries('X', [{ ts: T0 + MIN, v: 3 }]);
    const read = await store.readEntries('X');
    expect(read.entries).toEqual([{ ts: T0, v: 1 }, { ts: T0 + MIN, v: 3 }]);
    expect(read.skipped).toBe(6);
    expect(read.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(read.problems[0].reason).toMatch(/^not JSON/);
    expect(read.problems[1].reason).toMatch(/ts: Invalid input: expected number, received undefined/);
    expect(read.problems[4].reason).toBe('empty line');
  });

  it('bad entries and unsafe symbols are refused with the field named', async () => {
    const store = await TimeSeriesStore.open(next());
    expect(() => store.appendEntries('SPY', [{ ts: T0 }, { ts: 1.5 } as never])).toThrow(/appendEntries\(SPY\) entries\[1\]: ts: ts must be an integer epoch ms/);
    expect(() => store.appendEntries('SPY', [{ ts: T0, price: Number.NaN }])).toThrow(/entries\[0\]: price: NaN is not a finite number/);
    expect(() => store.appendEntries('../SPY', [{ ts: T0 }])).toThrow(StoreInputError);
    expect(() => store.appendEntries('a/b', [{ ts: T0 }])).toThrow(/symbol "a\/b" is not a safe file name/);
    await expect(store.readEntries('..')).rejects.toThrow(/not a safe file name/);
    expect((await store.readEntries('SPY')).entries).toEqual([]);
  });
});

describe('Parquet bar frames', () => {
  it('saves minute bars into monthly partitions and loads any date range exactly', async () => {
    const root = next();
    const store = await TimeSeriesStore.open(root);
    const bars = generateSyntheticBars({ symbol: 'SYN', timeframe: '1m', bars: 3000, seed: 4, start: '2024-01-31' });
    const files = await store.saveBars(bars);
    expect(files.map((f) => f.split('/').slice(-3).join('/'))).toEqual(['SYN/1m/2024-01.parquet', 'SYN/1m/2024-02.parquet']);
    const all = await store.loadBars('SYN', '1m');
    expect(all!.hash).toBe(bars.hash);
    const from = Date.UTC(2024, 0, 31, 23, 30);
    const to = Date.UTC(2024, 1, 1, 2, 0);
    const range = await store.loadBars('SYN', '1m', { from, to });
    expect(rows(range!)).toEqual(rows(bars, from, to));
    expect(rows(range!).length).toBe(150);
    expect(await store.loadBars('SYN', '5m')).toBeNull();
    expect((await store.loadBars('SYN', '1m', { from: Date.UTC(2030, 0, 1) }))!.length).toBe(0);
  });

  it('saving merges: a bar with the same start replaces the stored one, others are kept; daily bars go by year', async () => {
    const store = await TimeSeriesStore.open(next());
    const daily = generateSyntheticBars({ symbol: 'D', timeframe: '1d', bars: 600, seed: 9, start: '2022-06-01' });
    await store.saveBars(daily);
    expect(partitionOf(daily.start[0], 86_400_000)).toBe('2022');
    // Overwrite 10 bars in the middle with new values.
    const columns = allocateBarColumns(10);
    for (let i = 0; i < 10; i++) {
      columns.start[i] = daily.start[300 + i];
      columns.open[i] = columns.high[i] = columns.low[i] = columns.close[i] = 1000 + i;
      columns.volume[i] = 1;
    }
    await store.saveBars(createBarSeries({ symbol: 'D', timeframe: '1d', source: 'patch', columns }));
    const loaded = (await store.loadBars('D', '1d'))!;
    expect(loaded.length).toBe(600);
    const expected = rows(daily).map((r, i) => (i >= 300 && i < 310 ? [r[0], 1000 + i - 300, 1000 + i - 300, 1000 + i - 300, 1000 + i - 300, 1] : r));
    expect(rows(loaded)).toEqual(expected);
  });

  it('a damaged or misplaced partition is reported, not used; bad input is refused', async () => {
    const root = next();
    const store = await TimeSeriesStore.open(root);
    const bars = generateSyntheticBars({ symbol: 'Z', timeframe: '1h', bars: 100, seed: 1, start: '2024-03-01' });
    const [file] = await store.saveBars(bars);
    const bytes = await fsp.readFile(file);
    await fsp.writeFile(file, bytes.subarray(0, bytes.length - 20));
    await expect(store.loadBars('Z', '1h')).rejects.toThrow(CorruptFileError);
    await expect(store.loadBars('Z', '1h')).rejects.toThrow(file);
    // A valid file of another symbol copied into Z's folder.
    const other = generateSyntheticBars({ symbol: 'W', timeframe: '1h', bars: 10, seed: 2, start: '2024-03-01' });
    const [wrong] = await store.saveBars(other);
    await fsp.copyFile(wrong, file);
    await expect(store.loadBars('Z', '1h')).rejects.toThrow(/holds W 1h, expected Z 1h/);

    await expect(store.loadBars('Z', '1x')).rejects.toThrow(/timeframe "1x" is not <n>m, <n>h or <n>d/);
    await expect(store.loadBars('../Z', '1h')).rejects.toThrow(/not a safe file name/);
    const unsorted = allocateBarColumns(2);
    unsorted.start.set([T0 + MIN, T0]);
    await expect(store.saveBars(createBarSeries({ symbol: 'U', timeframe: '1m', source: 'x', columns: unsorted }))).rejects.toThrow(/row 1: starts must increase/);
    await expect(store.loadBars('Z', '1h', { from: 1.5 })).rejects.toThrow(/from must be an integer epoch ms/);
  });
});

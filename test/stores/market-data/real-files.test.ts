/**
 * The integration contract on the real files of ../shared/data (read in place): after
 * importing a file, getBars over the file's range, or over any sub-range, returns exactly the
 * bars (and so the content hash) that loadBars gives for the same file and range. Also:
 * importing every file of the folder works, the factor file included, with nothing rejected.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../../src/data/load-bars.ts';
import { readParquetFile, readParquetRowGroups } from '../../../src/parquet/index.ts';
import { createBarSeries, type BarColumns } from '../../../src/data/series.ts';
import type { BarSeries } from '../../../src/data/bar-series.ts';
import { importBarFile, importRecordCsv, loadBarsViaStore, type MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { noteSharedData, SHARED_DATA_DIR, tempStore } from './helpers.ts';

const present = noteSharedData('market-data real files');
const BAR_FILES = present ? readdirSync(SHARED_DATA_DIR).filter((f) => /_(1d|1h|1m).*\.csv$/.test(f)).sort() : [];

/** SYMBOL_TF[_more].csv; EURUSD stamps are UTC, every US file is naive New York time (data README). */
function describeFile(name: string): { symbol: string; timeframe: string; timezone: string } {
  const [symbol, timeframe] = name.replace(/\.csv$/, '').split('_');
  return { symbol, timeframe, timezone: symbol === 'EURUSD' ? 'UTC' : 'America/New_York' };
}

/** Rows [lo, hi) of a loaded series, as its own series (same symbol and timeframe). */
function slice(s: BarSeries, lo: number, hi: number): BarSeries {
  const columns = Object.fromEntries((['start', 'open', 'high', 'low', 'close', 'volume'] as const).map((k) => [k, s[k].slice(lo, hi)])) as unknown as BarColumns;
  return createBarSeries({ symbol: s.symbol, timeframe: s.timeframe, source: 'slice', columns });
}

describe.skipIf(!present)('real files: store reads equal direct loads', () => {
  let store: MarketDataStore;
  let cleanup: () => Promise<void>;
  const loaded = new Map<string, BarSeries>();

  beforeAll(async () => {
    ({ store, cleanup } = await tempStore());
    for (const name of BAR_FILES) {
      const { symbol, timeframe, timezone } = describeFile(name);
      const report = await importBarFile(store, { file: join(SHARED_DATA_DIR, name), symbol, timeframe, timezone });
      expect(report.batches[0].batch.rejected, `${name}: ${report.batches[0].rejections[0]?.reason}`).toBe(0);
      loaded.set(name, (await loadBars({ path: join(SHARED_DATA_DIR, name), symbol, timeframe, timezone })).series);
    }
  }, 120_000);
  afterAll(() => cleanup?.());

  it('finds the 17 bar files', () => {
    expect(BAR_FILES).toHaveLength(17);
  });

  for (const name of BAR_FILES) {
    it(`${name}: whole file range and a sub-range give the loader's bars and hash`, async () => {
      const direct = loaded.get(name)!;
      const n = direct.length;
      const whole = await store.getBars(direct.symbol, direct.timeframe, direct.start[0], direct.start[n - 1] + 1);
      expect(whole.length).toBe(n);
      expect(whole.hash).toBe(direct.hash);
      // a range cut at arbitrary instants inside bars: [start of row lo + 1 ms, start of row hi + 1 ms)
      const lo = Math.floor(n / 3);
      const hi = Math.floor((2 * n) / 3);
      const part = await store.getBars(direct.symbol, direct.timeframe, direct.start[lo] + 1, direct.start[hi] + 1);
      expect(part.hash).toBe(slice(direct, lo + 1, hi + 1).hash);
      expect(Array.from(part.close)).toEqual(Array.from(direct.close.slice(lo + 1, hi + 1)));
    });
  }

  it('getBars for one trading day of SPY_1m out of six months reads one partition file, and in it one row group', async () => {
    const spy = loaded.get('SPY_1m.csv')!;
    const day = Date.UTC(2025, 11, 3, 5); // 2025-12-03 00:00 New York
    const before = { ...store.metrics.counters };
    const s = await store.getBars('SPY', '1m', day, day + 86_400_000);
    expect(store.metrics.counters.filesRead - before.filesRead).toBe(1);
    const lo = spy.start.findIndex((t) => t >= day);
    const hi = spy.start.findIndex((t) => t >= day + 86_400_000);
    expect(hi - lo).toBeGreaterThan(380);
    expect(s.hash).toBe(slice(spy, lo, hi).hash);
    // the December file has one row group per trading day; only that day's is decoded
    const dir = join(store.root, 'bars/SPY/1m/period=2025-12');
    const [part] = readdirSync(dir);
    const groups = (await readParquetRowGroups(join(dir, part))).rowGroups.length;
    expect(groups).toBeGreaterThanOrEqual(20);
    expect(store.metrics.counters.rowGroupsRead - before.rowGroupsRead).toBe(1);
    expect(store.metrics.counters.rowGroupsSkipped - before.rowGroupsSkipped).toBe(groups - 1);
    // the same bars as the whole part file read and filtered here
    const whole = await readParquetFile(join(dir, part));
    const t = whole.columns.start as Float64Array;
    const keep = Array.from(t.keys()).filter((i) => t[i] >= day && t[i] < day + 86_400_000);
    for (const c of ['start', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(Array.from(s[c])).toEqual(keep.map((i) => (whole.columns[c] as Float64Array)[i]));
    }
  });

  it('loadBarsViaStore gives the loader\'s series (same hash) and imports nothing twice', async () => {
    for (const name of ['SPY_1m.csv', 'EURUSD_1h.csv', 'GOOG_1d.csv']) {
      const { symbol, timeframe, timezone } = describeFile(name);
      const r = await loadBarsViaStore(store, { path: join(SHARED_DATA_DIR, name), symbol, timeframe, timezone, onInvalid: 'skip' });
      expect(r.series.hash).toBe(loaded.get(name)!.hash);
      expect(r.skipped).toEqual([]);
      expect(r.batch).toMatchObject({ stored: 0, duplicates: loaded.get(name)!.length });
    }
  });

  it('the Lean factor file imports as fundamentals, one batch per symbol, nothing rejected', async () => {
    const report = await importRecordCsv(store, { file: join(SHARED_DATA_DIR, 'lean_factor_files.csv'), kind: 'fundamentals', type: 'factor', timezone: 'America/New_York' });
    expect(report.batches.map((b) => b.symbol)).toEqual(['AAPL', 'AIG', 'BAC', 'IBM', 'IWM', 'SPY']);
    expect(report.batches.reduce((n, b) => n + b.batch.stored, 0)).toBe(499);
    expect(report.batches.every((b) => b.batch.rejected === 0)).toBe(true);
    const aapl = await store.getFundamentals('AAPL');
    expect(aapl.factors).toHaveLength(41);
    // the sentinel row: 2050-12-31,1,1,0
    expect(aapl.factors.at(-1)).toEqual({ type: 'factor', ts: Date.UTC(2050, 11, 31, 5), price_factor: 1, split_factor: 1, reference_price: 0 });
  });
});

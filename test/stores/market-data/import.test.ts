/**
 * Importing files: bad rows of a bar file are quarantined with their file line, reason and raw
 * text while the good rows are stored; re-importing a changed file reports conflicts by line;
 * Parquet bar files; record CSVs of other kinds with their own header errors.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBars, writeBarsParquet } from '../../../src/data/load-bars.ts';
import { importBarFile, importRecordCsv, loadBarsViaStore, type MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { tempDir, tempStore } from './helpers.ts';

let store: MarketDataStore;
let dir: string;
let cleanups: (() => Promise<void>)[] = [];
beforeEach(async () => {
  const s = await tempStore();
  const d = await tempDir();
  store = s.store;
  dir = d.dir;
  cleanups = [s.cleanup, d.cleanup];
});
afterEach(() => Promise.all(cleanups.map((c) => c())));

const ET = 'America/New_York';
// A BOM, CRLF endings, a blank line and four bad rows among six good ones.
const MESSY = [
  '\ufeffdatetime,open,high,low,close,volume',
  '2025-09-15 09:30:00,10,11,9,10.5,100', // line 2
  '2025-09-15 09:31:00,10,11,9,10.5,100',
  '',
  '2025-09-15 09:32:00,10,9,11,10.5,100', // line 5: high < low
  '2025-09-15 09:31:00,10,11,9,10.5,100', // line 6: duplicate of line 3
  'not a date,10,11,9,10.5,100', // line 7
  '2025-09-15 09:33:00,10,11,9,10.5', // line 8: short row
  '2025-09-15 09:34:00,10,11,9,10.5,100',
  '2025-09-15 09:35:00,10,11,9,10.5,100',
  '2025-09-15 09:36:00,10,11,9,10.5,100', // line 11
].join('\r\n');

describe('bar file import', () => {
  it('quarantines bad rows with line, reason and raw text; stores the rest', async () => {
    const file = join(dir, 'messy.csv');
    await writeFile(file, MESSY);
    const report = await importBarFile(store, { file, symbol: 'SPY', timeframe: '1m', timezone: ET });
    const { batch, rejections } = report.batches[0];
    expect(batch).toMatchObject({ received: 9, stored: 5, rejected: 4, source: file, timezone: ET });
    expect(rejections.map((r) => [r.line, r.record])).toEqual([
      [5, '2025-09-15 09:32:00,10,9,11,10.5,100'],
      [6, '2025-09-15 09:31:00,10,11,9,10.5,100'],
      [7, 'not a date,10,11,9,10.5,100'],
      [8, '2025-09-15 09:33:00,10,11,9,10.5'],
    ]);
    expect(rejections.map((r) => r.reason)).toEqual([
      'high (9) < low (11)',
      'duplicate stamp 2025-09-15T13:31:00Z (same as 2025-09-15T13:31:00Z at line 3)',
      'unparsable date "not a date"',
      'expected 6 cells, got 5',
    ]);
    expect((await store.quarantined()).map((q) => q.line)).toEqual([5, 6, 7, 8]);
    const direct = await loadBars({ path: file, symbol: 'SPY', timeframe: '1m', timezone: ET, onInvalid: 'skip' });
    expect((await store.getBars('SPY', '1m')).hash).toBe(direct.series.hash);
  });

  it('strict mode stores nothing and names the first bad line', async () => {
    const file = join(dir, 'messy.csv');
    await writeFile(file, MESSY);
    await expect(importBarFile(store, { file, symbol: 'SPY', timeframe: '1m', timezone: ET, strict: true })).rejects.toThrow(/^messy.csv line 5: high \(9\) < low \(11\)$/);
    expect(await store.listSeries()).toEqual([]);
  });

  it('re-importing the same file is idempotent; a corrected row is reported as a conflict at its line', async () => {
    const file = join(dir, 'a.csv');
    const rows = ['datetime,open,high,low,close,volume', '2025-09-15 09:30:00,10,11,9,10.5,100', '2025-09-15 09:31:00,10,11,9,10.5,100', '2025-09-15 09:32:00,10,11,9,10.5,100'];
    await writeFile(file, rows.join('\n') + '\n');
    await importBarFile(store, { file, symbol: 'SPY', timeframe: '1m', timezone: ET });
    const again = await importBarFile(store, { file, symbol: 'SPY', timeframe: '1m', timezone: ET });
    expect(again.batches[0].batch).toMatchObject({ stored: 0, duplicates: 3 });
    rows[3] = '2025-09-15 09:32:00,10,11,9,10.6,100';
    await writeFile(file, rows.join('\n') + '\n');
    const changed = await importBarFile(store, { file, symbol: 'SPY', timeframe: '1m', timezone: ET });
    expect(changed.batches[0].rejections).toEqual([
      { line: 4, reason: 'conflicts with the stored record at 2025-09-15T13:32:00.000Z (batch 1): close is 10.6, stored 10.5', record: { start: Date.UTC(2025, 8, 15, 13, 32), open: 10, high: 11, low: 9, close: 10.6, volume: 100 } },
    ]);
  });

  it('Parquet bar files import like CSV ones', async () => {
    const csv = join(dir, 'a.csv');
    await writeFile(csv, MESSY);
    const { series } = await loadBars({ path: csv, symbol: 'SPY', timeframe: '1m', timezone: ET, onInvalid: 'skip' });
    const pq = join(dir, 'a.parquet');
    await writeBarsParquet(pq, series);
    const report = await importBarFile(store, { file: pq, symbol: 'QQQ', timeframe: '1m', timezone: ET });
    expect(report.batches[0].batch.stored).toBe(5);
    expect(Array.from((await store.getBars('QQQ', '1m')).close)).toEqual(Array.from(series.close));
  });

  it('a missing file, a bad header and a bad time zone are errors naming them', async () => {
    await expect(importBarFile(store, { file: join(dir, 'none.csv'), symbol: 'SPY', timeframe: '1m', timezone: ET })).rejects.toThrow(/bar file not found: .*none.csv/);
    await writeFile(join(dir, 'h.csv'), 'datetime,open,high,low,close\n2025-01-02,1,1,1,1\n');
    await expect(importBarFile(store, { file: join(dir, 'h.csv'), symbol: 'SPY', timeframe: '1m', timezone: ET })).rejects.toThrow(/h.csv line 1: missing required column "volume"/);
    await expect(importBarFile(store, { file: join(dir, 'h.csv'), symbol: 'SPY', timeframe: '1m', timezone: 'Mars/Base' })).rejects.toThrow(/unknown time zone "Mars\/Base"/);
  });
});

describe('loadBarsViaStore', () => {
  const header = 'datetime,open,high,low,close,volume';
  const row = (minute: number, close = 10.5) => `2025-09-15 09:${String(30 + minute).padStart(2, '0')}:00,10,11,9,${close},100`;

  it('returns what loadBars returns, skipped rows included, and stores the file once', async () => {
    const file = join(dir, 'messy.csv');
    await writeFile(file, MESSY);
    const direct = await loadBars({ path: file, symbol: 'SPY', timeframe: '1m', timezone: ET, onInvalid: 'skip' });
    const first = await loadBarsViaStore(store, { path: file, symbol: 'SPY', timeframe: '1m', timezone: ET, onInvalid: 'skip' });
    expect(first.series.hash).toBe(direct.series.hash);
    expect(first.skipped).toEqual(direct.skipped);
    expect(first.series.source).toMatch(/^market-data-store:/);
    const second = await loadBarsViaStore(store, { path: file, symbol: 'SPY', timeframe: '1m', timezone: ET, onInvalid: 'skip' });
    expect(second.batch).toMatchObject({ stored: 0, duplicates: 5 });
    await expect(loadBarsViaStore(store, { path: file, symbol: 'SPY', timeframe: '1m', timezone: ET })).rejects.toThrow(/^messy.csv line 5: high \(9\) < low \(11\)$/);
  });

  it('refuses when the store holds other bars in the file\'s range', async () => {
    const a = join(dir, 'a.csv');
    await writeFile(a, [header, row(0), row(1), row(2)].join('\n'));
    await loadBarsViaStore(store, { path: a, symbol: 'SPY', timeframe: '1m', timezone: ET });
    const changed = join(dir, 'changed.csv');
    await writeFile(changed, [header, row(0), row(1, 10.6), row(2)].join('\n'));
    await expect(loadBarsViaStore(store, { path: changed, symbol: 'SPY', timeframe: '1m', timezone: ET })).rejects.toThrow(
      /bars of SPY 1m in .* differ from .*changed.csv: 1 bar\(s\) of the file differ from bars stored earlier \(first: line 3: conflicts with the stored record/,
    );
    const gappy = join(dir, 'gappy.csv');
    await writeFile(gappy, [header, row(0), row(2)].join('\n'));
    await expect(loadBarsViaStore(store, { path: gappy, symbol: 'SPY', timeframe: '1m', timezone: ET })).rejects.toThrow(/the store holds 3 bars in the file's range, the file 2/);
  });
});

describe('record CSV import', () => {
  it('imports calendar events and quarantines bad rows by line', async () => {
    const file = join(dir, 'cal.csv');
    await writeFile(file, ['date,id,type,name,importance,forecast', '2025-09-17 14:00,fomc-sep,FOMC,FOMC decision,high,4.25', '2025-09-11 08:30,cpi-aug,CPI,CPI,medium,', '2025-13-01,x,CPI,bad,low,1', '2025-10-01,y,CPI,y,urgent,1', '2025-10-02,z,CPI,z,low,abc'].join('\n'));
    const report = await importRecordCsv(store, { file, kind: 'calendar', timezone: ET });
    const { batch, rejections } = report.batches[0];
    expect(batch).toMatchObject({ stored: 2, rejected: 3 });
    expect(rejections.map((r) => `${r.line}: ${r.reason}`)).toEqual(['4: unparsable date "2025-13-01"', '5: importance must be one of low, medium, high ("urgent")', '6: forecast is not a number ("abc")']);
    const events = await store.getEvents();
    expect(events.map((e) => e.id)).toEqual(['cpi-aug', 'fomc-sep']);
    expect(events[0]).toEqual({ ts: Date.UTC(2025, 8, 11, 12, 30), id: 'cpi-aug', type: 'CPI', name: 'CPI', importance: 'medium' });
  });

  it('header errors name the column', async () => {
    const file = join(dir, 'q.csv');
    await writeFile(file, 'ts,bid,ask,bid_size,ask_size,mid\n2025-09-15 09:30,1,2,1,1,1.5\n');
    await expect(importRecordCsv(store, { file, kind: 'quotes', symbol: 'SPY', timezone: ET })).rejects.toThrow(/q.csv line 1: column "mid" is not a field of quotes records \(fields: bid, ask, bid_size, ask_size, seq, exchange\)/);
    await writeFile(file, 'bid,ask\n1,2\n');
    await expect(importRecordCsv(store, { file, kind: 'quotes', symbol: 'SPY', timezone: ET })).rejects.toThrow(/q.csv line 1: no time column/);
    await writeFile(file, 'ts,bid,ask,bid_size,ask_size\n2025-09-15 09:30,1,2,1,1\n');
    await expect(importRecordCsv(store, { file, kind: 'quotes', timezone: ET })).rejects.toThrow(/q.csv: no symbol column; give the symbol of its rows/);
    await writeFile(file, 'ts,symbol,id,type,name\n2025-09-15 09:30,SPY,a,CPI,CPI\n');
    await expect(importRecordCsv(store, { file, kind: 'calendar', timezone: ET })).rejects.toThrow(/q.csv line 1: calendar records have no symbol, but the file has a symbol column/);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load-bars.ts';
import { SHARED_DATA_DIR, dataLineCount, formatLocal, noteSharedData, rawRows, sharedFile } from './helpers.ts';

const exists = noteSharedData('real-files');
const ET = 'America/New_York';

/** EURUSD stamps are UTC (see the data README); every US file is naive New York time. */
function zoneFor(name: string): string {
  return name.startsWith('EURUSD') ? 'UTC' : ET;
}

function describeFile(name: string): { symbol: string; timeframe: string } {
  const [symbol, timeframe] = name.replace(/\.csv$/, '').split('_');
  return { symbol, timeframe };
}

const files = exists
  ? readdirSync(SHARED_DATA_DIR)
      .filter((f) => /_(1d|1h|1m).*\.csv$/.test(f))
      .sort()
  : [];

describe.skipIf(!exists)('real CSV files in ../shared/data', () => {
  it('finds the expected files', () => {
    expect(files.length).toBe(17); // all 18 CSVs except lean_factor_files.csv
    expect(files).not.toContain('lean_factor_files.csv');
  });

  for (const name of files) {
    it(`${name}: every row loads, in order, with its stamp converted exactly`, async () => {
      const path = sharedFile(name);
      const text = readFileSync(path, 'utf8');
      const { symbol, timeframe } = describeFile(name);
      const zone = zoneFor(name);
      const { series, skipped } = await loadBars({ path, symbol, timeframe, timezone: zone });
      expect(skipped).toEqual([]);
      expect(series.length).toBe(dataLineCount(text));
      expect(series.id).toBe(`${symbol}_${timeframe}`);
      expect(series.hash).toMatch(/^[0-9a-f]{64}$/);

      // Independent check of every row: format the loaded UTC instant back into the zone with Intl
      // and compare with the raw stamp; compare the five numbers with Number() of the raw cells.
      const rows = rawRows(text);
      const header = text.slice(0, text.indexOf('\n')).replace(/\r$/, '').toLowerCase().split(',');
      const col = (n: string) => header.indexOf(n);
      const [io, ih, il, ic, iv] = ['open', 'high', 'low', 'close', 'volume'].map(col);
      let mismatches = 0;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        const stamp = r[0].length === 10 ? `${r[0]} 00:00:00` : r[0];
        if (
          formatLocal(series.start[i], zone) !== stamp ||
          series.open[i] !== Number(r[io]) ||
          series.high[i] !== Number(r[ih]) ||
          series.low[i] !== Number(r[il]) ||
          series.close[i] !== Number(r[ic]) ||
          series.volume[i] !== Number(r[iv])
        ) {
          if (mismatches++ < 3) console.error(name, 'row', i + 2, r.join(','), formatLocal(series.start[i], zone));
        }
      }
      expect(mismatches).toBe(0);
      for (let i = 1; i < series.length; i++) if (!(series.start[i] > series.start[i - 1])) throw new Error(`not increasing at ${i}`);
    });
  }

  // Hand-written expectations (UTC) for first/last stamps.
  const expected: [string, string, string][] = [
    ['GOOG_1d.csv', '2004-08-19T04:00:00.000Z', '2013-03-01T05:00:00.000Z'], // date-only: local midnight, EDT then EST
    ['NVDA_1m.csv', '2025-09-15T13:30:00.000Z', '2026-03-19T19:59:00.000Z'], // 09:30 EDT; 15:59 EDT (DST began 2026-03-08)
    ['EURUSD_1h.csv', '2017-04-19T09:00:00.000Z', '2018-02-07T15:00:00.000Z'], // UTC stays as is
    ['SPY_1h_lean.csv', '1998-01-02T14:00:00.000Z', '2021-03-31T19:00:00.000Z'], // 09:00 EST; 15:00 EDT
    ['NVDA_1d.csv', '1999-01-22T05:00:00.000Z', '2014-12-31T05:00:00.000Z'],
    ['SPY_1m_lean_201310.csv', '2013-10-04T08:06:00.000Z', '2013-10-11T23:59:00.000Z'], // 04:06 and 19:59 EDT
  ];
  for (const [name, first, last] of expected) {
    it(`${name}: first ${first}, last ${last}`, async () => {
      const { symbol, timeframe } = describeFile(name);
      const { series } = await loadBars({ path: sharedFile(name), symbol, timeframe, timezone: zoneFor(name) });
      expect(new Date(series.start[0]).toISOString()).toBe(first);
      expect(new Date(series.start[series.length - 1]).toISOString()).toBe(last);
    });
  }

  it('NVDA_1m.csv: a winter row (2025-12-01 09:30 ET) is 14:30Z, a summer row 13:30Z', async () => {
    const path = sharedFile('NVDA_1m.csv');
    const text = readFileSync(path, 'utf8');
    const rows = rawRows(text);
    const { series } = await loadBars({ path, symbol: 'NVDA', timeframe: '1m', timezone: ET });
    const winter = rows.findIndex((r) => r[0] === '2025-12-01 09:30:00');
    const summer = rows.findIndex((r) => r[0] === '2025-10-31 09:30:00');
    expect(winter).toBeGreaterThan(0);
    expect(summer).toBeGreaterThan(0);
    expect(new Date(series.start[winter]).toISOString()).toBe('2025-12-01T14:30:00.000Z');
    expect(new Date(series.start[summer]).toISOString()).toBe('2025-10-31T13:30:00.000Z');
    // float-written volume (829753.0 style) in the last week of the file
    expect(rows[rows.length - 1][5]).toBe('1597127.0');
    expect(series.volume[series.length - 1]).toBe(1597127);
  });

  it('GOOG_1d.csv and EURUSD_1h.csv have an empty first header cell', () => {
    expect(readFileSync(sharedFile('GOOG_1d.csv'), 'utf8').startsWith(',Open,')).toBe(true);
    expect(readFileSync(sharedFile('EURUSD_1h.csv'), 'utf8').startsWith(',Open,')).toBe(true);
  });
});

import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashBars } from '../../src/data/content-hash.ts';
import { loadBars, writeBarsParquet } from '../../src/data/load-bars.ts';
import { generateSyntheticBars } from '../../src/data/synthetic.ts';
import { BarDataError } from '../../src/data/validation.ts';
import { ParquetFileError, readParquetFile, readParquetSchema, writeParquetFile } from '../../src/parquet/index.ts';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { makeTempDir, noteSharedData, sharedFile } from './helpers.ts';

const exists = noteSharedData('parquet');
const COLS = ['start', 'open', 'high', 'low', 'close', 'volume'] as const;

function expectSameBars(a: BarSeries, b: BarSeries) {
  expect(b.length).toBe(a.length);
  for (const c of COLS) expect(Buffer.from(b[c].buffer, b[c].byteOffset, b[c].byteLength).equals(Buffer.from(a[c].buffer, a[c].byteOffset, a[c].byteLength))).toBe(true);
  expect(b.hash).toBe(a.hash);
  expect(b.id).toBe(a.id);
}

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

describe('src/parquet', () => {
  it('round-trips every supported column type', async () => {
    const path = join(dir, 'types.parquet');
    await writeParquetFile(
      path,
      [
        { name: 'd', type: 'DOUBLE', data: new Float64Array([1.5, -0.1, 1e300]) },
        { name: 'i64', type: 'INT64', data: [1, -2, 2 ** 53 - 1] },
        { name: 'i32', type: 'INT32', data: [7, -8, 2 ** 31 - 1] },
        { name: 's', type: 'STRING', data: ['a', 'ü', ''] },
        { name: 'b', type: 'BOOLEAN', data: [true, false, true] },
        { name: 't', type: 'TIMESTAMP_MILLIS', data: new Float64Array([0, 1_700_000_000_123, -1000]) },
      ],
      { metadata: { k: 'v' } },
    );
    const table = await readParquetFile(path);
    expect(table.rowCount).toBe(3);
    expect(table.metadata).toEqual({ k: 'v' });
    expect(table.schema.map((c) => [c.name, c.type])).toEqual([
      ['d', 'DOUBLE'],
      ['i64', 'INT64'],
      ['i32', 'INT32'],
      ['s', 'STRING'],
      ['b', 'BOOLEAN'],
      ['t', 'TIMESTAMP'],
    ]);
    expect(Array.from(table.columns.d as Float64Array)).toEqual([1.5, -0.1, 1e300]);
    expect(Array.from(table.columns.i64 as BigInt64Array)).toEqual([1n, -2n, 2n ** 53n - 1n]);
    expect(Array.from(table.columns.i32 as Int32Array)).toEqual([7, -8, 2 ** 31 - 1]);
    expect(Array.from(table.columns.s)).toEqual(['a', 'ü', '']);
    expect(Array.from(table.columns.b)).toEqual([true, false, true]);
    expect(table.columns.t).toBeInstanceOf(Float64Array);
    expect(Array.from(table.columns.t as Float64Array)).toEqual([0, 1_700_000_000_123, -1000]);

    const some = await readParquetFile(path, { columns: ['s', 'd'] });
    expect(Object.keys(some.columns).sort()).toEqual(['d', 's']);
    await expect(readParquetFile(path, { columns: ['nope'] })).rejects.toThrow(/has no column "nope"/);
  });

  it('writes atomically: overwrites in place, leaves no temp files, rejects bad input without touching the target', async () => {
    const sub = join(dir, 'atomic');
    await (await import('node:fs/promises')).mkdir(sub);
    const path = join(sub, 'x.parquet');
    await writeParquetFile(path, [{ name: 'a', type: 'DOUBLE', data: [1, 2, 3] }]);
    await writeParquetFile(path, [{ name: 'a', type: 'DOUBLE', data: [4, 5] }]);
    expect(Array.from((await readParquetFile(path)).columns.a as Float64Array)).toEqual([4, 5]);
    const before = await readFile(path);
    await expect(
      writeParquetFile(path, [
        { name: 'a', type: 'DOUBLE', data: [1] },
        { name: 'b', type: 'DOUBLE', data: [1, 2] },
      ]),
    ).rejects.toThrow(/column "b" has 2 rows, column "a" has 1/);
    await expect(writeParquetFile(path, [{ name: 'a', type: 'INT64', data: [1.5] }])).rejects.toThrow(/expected an integer, got 1\.5/);
    await expect(writeParquetFile(join(sub, 'missing-dir', 'y.parquet'), [{ name: 'a', type: 'DOUBLE', data: [1] }])).rejects.toThrow(
      ParquetFileError,
    );
    expect((await readFile(path)).equals(before)).toBe(true);
    expect(await readdir(sub)).toEqual(['x.parquet']);
  });

  it('reads a small file (synchronously) and one over 1 MiB (through the thread pool) alike; a directory is an error naming it', async () => {
    for (const rows of [1_000, 200_000]) {
      const path = join(dir, `sized-${rows}.parquet`);
      const d = Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 1e3 + i / 7);
      await writeParquetFile(path, [{ name: 'd', type: 'DOUBLE', data: d }, { name: 'i', type: 'INT32', data: Int32Array.from({ length: rows }, (_, i) => i * 3 - 5) }]);
      expect((await stat(path)).size > 1 << 20).toBe(rows === 200_000);
      for (const typedNumbers of [false, true]) {
        const table = await readParquetFile(path, { typedNumbers });
        expect(table.rowCount).toBe(rows);
        expect(Array.from(table.columns.d as ArrayLike<number>)).toEqual(Array.from(d));
        expect((table.columns.i as ArrayLike<number>)[rows - 1]).toBe((rows - 1) * 3 - 5);
      }
    }
    await expect(readParquetFile(dir)).rejects.toThrow(`cannot read parquet file ${dir}`);
  });

  it('missing, truncated and corrupt files give errors naming the path', async () => {
    const missing = join(dir, 'missing.parquet');
    await expect(readParquetFile(missing)).rejects.toThrow(`parquet file not found: ${missing}`);

    const path = join(dir, 'trunc.parquet');
    const s = generateSyntheticBars({ symbol: 'SYN', timeframe: '1m', bars: 5000, seed: 3 });
    await writeBarsParquet(path, s);
    const size = (await stat(path)).size;
    await truncate(path, Math.floor(size / 2));
    const err = await readParquetFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParquetFileError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(/not a valid parquet file \(truncated or corrupt\)/);
    await expect(loadBars({ path, symbol: 'SYN', timeframe: '1m', timezone: 'UTC' })).rejects.toThrow(path);

    const tiny = join(dir, 'tiny.parquet');
    await writeFile(tiny, 'PAR1');
    await expect(readParquetSchema(tiny)).rejects.toThrow(/not a valid parquet file \(truncated or corrupt, only 4 bytes\).*tiny\.parquet/);

    const garbage = join(dir, 'garbage.parquet');
    await writeFile(garbage, Buffer.alloc(4096, 7));
    await expect(loadBars({ path: garbage, symbol: 'X', timeframe: '1m', timezone: 'UTC' })).rejects.toThrow(garbage);

    await expect(loadBars({ path: missing, symbol: 'X', timeframe: '1m', timezone: 'UTC' })).rejects.toThrow(`bar file not found: ${missing}`);

    // footer intact, column data overwritten
    const corrupt = join(dir, 'corrupt.parquet');
    await writeBarsParquet(corrupt, s);
    const bytes = await readFile(corrupt);
    bytes.fill(0xff, 100, 20_000);
    await writeFile(corrupt, bytes);
    await expect(readParquetFile(corrupt)).rejects.toThrow(`cannot decode parquet file ${corrupt}`);
  });
});

describe('bars via Parquet', () => {
  it('synthetic series -> Parquet -> loadBars: same arrays, same hash', async () => {
    const s = generateSyntheticBars({ symbol: 'SYN', timeframe: '1h', bars: 3000, seed: 11 });
    const path = join(dir, 'syn.parquet');
    await writeBarsParquet(path, s);
    const { series, skipped } = await loadBars({ path, symbol: 'SYN', timeframe: '1h', timezone: 'UTC' });
    expect(skipped).toEqual([]);
    expectSameBars(s, series);
    const schema = await readParquetSchema(path);
    expect(schema.metadata['tradeflow.hash']).toBe(s.hash);
    expect(schema.schema.find((c) => c.name === 'start')?.type).toBe('TIMESTAMP');
  });

  it('string time column (naive ET) and INT64 epoch-ms time column load like the CSV', async () => {
    const csv = join(dir, 'small.csv');
    const rows = ['2025-03-07 15:59:00,10,11,9,10,100', '2025-03-10 09:30:00,10,12,9.5,11,200.0', '2025-11-03 09:30:00,11,11,11,11,0'];
    await writeFile(csv, `datetime,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const fromCsv = (await loadBars({ path: csv, symbol: 'T', timeframe: '1m', timezone: 'America/New_York' })).series;

    const cells = rows.map((r) => r.split(','));
    const num = (k: number) => cells.map((c) => Number(c[k]));
    const values = [
      { name: 'Open', type: 'DOUBLE' as const, data: num(1) },
      { name: 'High', type: 'DOUBLE' as const, data: num(2) },
      { name: 'Low', type: 'DOUBLE' as const, data: num(3) },
      { name: 'Close', type: 'DOUBLE' as const, data: num(4) },
      { name: 'Volume', type: 'INT64' as const, data: num(5) },
    ];
    const strPath = join(dir, 'string-time.parquet');
    await writeParquetFile(strPath, [{ name: 'Datetime', type: 'STRING', data: cells.map((c) => c[0]) }, ...values]);
    const fromStr = (await loadBars({ path: strPath, symbol: 'T', timeframe: '1m', timezone: 'America/New_York' })).series;
    expectSameBars(fromCsv, fromStr);

    const intPath = join(dir, 'int-time.parquet');
    await writeParquetFile(intPath, [{ name: 'timestamp', type: 'INT64', data: Array.from(fromCsv.start) }, ...values]);
    const fromInt = (await loadBars({ path: intPath, symbol: 'T', timeframe: '1m', timezone: 'Asia/Tokyo' /* ignored for epoch */ })).series;
    expectSameBars(fromCsv, fromInt);
  });

  it('validates Parquet rows like CSV rows (line = 1-based row number) under both policies', async () => {
    const path = join(dir, 'bad.parquet');
    await writeParquetFile(path, [
      { name: 'start', type: 'TIMESTAMP_MILLIS', data: [60_000, 120_000, 120_000, 180_000, 240_000] },
      { name: 'open', type: 'DOUBLE', data: [1, 1, 1, 1, 1] },
      { name: 'high', type: 'DOUBLE', data: [2, 2, 2, 0.5, 2] },
      { name: 'low', type: 'DOUBLE', data: [0.5, 0.5, 0.5, 0.9, 0.5] },
      { name: 'close', type: 'DOUBLE', data: [1, 1, 1, 1, Number.NaN] },
      { name: 'volume', type: 'DOUBLE', data: [1, 1, 1, 1, 1] },
    ]);
    const opts = { path, symbol: 'B', timeframe: '1m', timezone: 'UTC' };
    const err = await loadBars(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BarDataError);
    expect((err as Error).message).toBe('bad.parquet line 3: duplicate stamp 1970-01-01T00:02:00Z (same as 1970-01-01T00:02:00Z at line 2)');
    const { series, skipped } = await loadBars({ ...opts, onInvalid: 'skip' });
    expect(series.length).toBe(2);
    expect(skipped).toEqual([
      { line: 3, reason: 'duplicate stamp 1970-01-01T00:02:00Z (same as 1970-01-01T00:02:00Z at line 2)' },
      { line: 4, reason: 'high (0.5) < low (0.9)' },
      { line: 5, reason: 'close is not a finite number (NaN)' },
    ]);

    const noVol = join(dir, 'novol.parquet');
    await writeParquetFile(noVol, [
      { name: 'start', type: 'TIMESTAMP_MILLIS', data: [0] },
      { name: 'open', type: 'DOUBLE', data: [1] },
      { name: 'high', type: 'DOUBLE', data: [1] },
      { name: 'low', type: 'DOUBLE', data: [1] },
      { name: 'close', type: 'DOUBLE', data: [1] },
    ]);
    await expect(loadBars({ ...opts, path: noVol })).rejects.toThrow(/novol\.parquet line 1: missing required column "volume"/);
  });
});

describe.skipIf(!exists)('real CSV -> Parquet -> load', () => {
  for (const [name, timeframe, zone] of [
    ['GOOG_1d.csv', '1d', 'America/New_York'],
    ['NVDA_1m.csv', '1m', 'America/New_York'],
    ['EURUSD_1h.csv', '1h', 'UTC'],
    ['IBM_1h_lean.csv', '1h', 'America/New_York'],
  ] as const) {
    it(`${name}: same arrays and same hash`, async () => {
      const symbol = name.split('_')[0];
      const csv = await loadBars({ path: sharedFile(name), symbol, timeframe, timezone: zone });
      const path = join(dir, name.replace('.csv', '.parquet'));
      await writeBarsParquet(path, csv.series);
      const pq = await loadBars({ path, symbol, timeframe, timezone: zone });
      expectSameBars(csv.series, pq.series);
      expect(pq.series.source).toBe(path);
      expect(csv.series.source).toBe(sharedFile(name));
    });
  }
});

describe('hashBars', () => {
  const s = generateSyntheticBars({ symbol: 'H', timeframe: '1m', bars: 100, seed: 5 });
  const cols = () => ({ start: s.start.slice(), open: s.open.slice(), high: s.high.slice(), low: s.low.slice(), close: s.close.slice(), volume: s.volume.slice() });

  it('is the series hash, and is stable for copies of the same bars', () => {
    expect(hashBars('H', '1m', cols())).toBe(s.hash);
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with the symbol, the timeframe, any single value (even one bit), and the row count', () => {
    const seen = new Set([s.hash]);
    const add = (h: string) => {
      expect(seen.has(h)).toBe(false);
      seen.add(h);
    };
    add(hashBars('H2', '1m', cols()));
    add(hashBars('H', '5m', cols()));
    for (const c of COLS) {
      const x = cols();
      const bytes = new Uint8Array(x[c].buffer);
      bytes[8 * 37] ^= 1; // lowest mantissa bit of row 37
      add(hashBars('H', '1m', x));
    }
    const y = cols();
    add(hashBars('H', '1m', { start: y.start.subarray(0, 99), open: y.open.subarray(0, 99), high: y.high.subarray(0, 99), low: y.low.subarray(0, 99), close: y.close.subarray(0, 99), volume: y.volume.subarray(0, 99) }));
    // field boundaries are unambiguous: ("AB","1m") vs ("A","B1m")
    expect(hashBars('AB', '1m', cols())).not.toBe(hashBars('A', 'B1m', cols()));
  });

  it('rejects columns of different lengths', () => {
    const x = cols();
    expect(() => hashBars('H', '1m', { ...x, volume: x.volume.subarray(1) })).toThrow(/column volume has 99 rows/);
  });
});

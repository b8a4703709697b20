/**
 * The flat decoder (src/parquet/flat-decode.ts) against hyparquet: every layout it claims
 * (encodings, codecs, nulls, several row groups and pages, DuckDB's V1 pages) decodes to the
 * same values as hyparquet's general path, and `readParquetFile(..., { typedNumbers: true })`
 * falls back to hyparquet for what it does not cover, corrupt files included.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { readParquetFile, writeParquetFile, type ParquetColumnInput, type ParquetWriteFileOptions } from '../../src/parquet/index.ts';
import { decodeFlat, planFlatRead } from '../../src/parquet/flat-decode.ts';

const dir = mkdtempSync(join(tmpdir(), 'flat-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Values as plain numbers/strings/nulls (NaN timestamps as null), for comparing both readers. */
const plain = (c: ArrayLike<unknown>) => Array.from(c, (v) => (typeof v === 'number' && Number.isNaN(v) ? null : typeof v === 'bigint' ? Number(v) : v));

/** Decodes `path` with the flat decoder (failing if it refuses the file) and with hyparquet; both must agree. */
async function sameAsHyparquet(path: string): Promise<Record<string, ArrayLike<unknown>>> {
  const bytes = readFileSync(path);
  const meta = parquetMetadata(bytes);
  const reference = await readParquetFile(path);
  const names = reference.schema.map((c) => c.name);
  const plan = planFlatRead(meta, names);
  expect(plan, 'the flat decoder covers this file').toBeDefined();
  const fast = decodeFlat(bytes, meta, plan!);
  for (const name of names) expect(plain(fast[name]), name).toEqual(plain(reference.columns[name]));
  const typed = await readParquetFile(path, { typedNumbers: true });
  for (const name of names) expect(plain(typed.columns[name]), name).toEqual(plain(reference.columns[name]));
  expect(typed.rowCount).toBe(reference.rowCount);
  expect(typed.rowGroupsRead).toEqual(reference.rowGroupsRead);
  expect(typed.rowRanges).toEqual(reference.rowRanges);
  expect(typed.metadata).toEqual(reference.metadata);
  return fast;
}

/** A deterministic pseudo-random sequence (no flaky data). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function columns(n: number, seed: number): ParquetColumnInput[] {
  const r = random(seed);
  const day = 86_400_000;
  let ts = 1_600_000_000_000;
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((ts += Math.floor(r() * 10) * 60_000 + (i % 97 === 0 ? 40 * day : 0)));
  return [
    { name: 'seq', type: 'INT32', data: Array.from({ length: n }, (_, i) => i >> 1), encoding: 'DELTA_BINARY_PACKED' },
    { name: 'jumpy', type: 'INT32', data: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 2_000_000_000 : -2_000_000_000) + i), encoding: 'DELTA_BINARY_PACKED' },
    { name: 'plain_int', type: 'INT32', data: Array.from({ length: n }, () => Math.floor(r() * 1e9) - 5e8), encoding: 'PLAIN' },
    { name: 'dict_int', type: 'INT32', data: Array.from({ length: n }, () => Math.floor(r() * 3) - 1) },
    { name: 'ts', type: 'TIMESTAMP_MILLIS', data: times, encoding: 'DELTA_BINARY_PACKED' },
    { name: 'ts_back', type: 'TIMESTAMP_MILLIS', data: times.map((t, i) => (i % 5 === 0 ? -t : t)), encoding: 'DELTA_BINARY_PACKED' },
    { name: 'ts_plain', type: 'TIMESTAMP_MILLIS', data: times.map((t) => t - 2e12), encoding: 'PLAIN' },
    { name: 'ts_null', type: 'TIMESTAMP_MILLIS', data: times.map((t, i) => (i % 7 === 0 ? null : t)), nullable: true },
    { name: 'price', type: 'DOUBLE', data: Array.from({ length: n }, () => r() * 1000) },
    { name: 'dict_double', type: 'DOUBLE', data: Array.from({ length: n }, () => [0.5, -1, 1e-300][Math.floor(r() * 3)]) },
    { name: 'stream', type: 'STRING', data: Array.from({ length: n }, () => ['BTC_1m', 'ETH_5m', 'ünïcødé_1h'][Math.floor(r() * 3)]) },
    { name: 'unique', type: 'STRING', data: Array.from({ length: n }, (_, i) => `id-${i}-${Math.floor(r() * 1e6)}`) },
    { name: 'maybe', type: 'STRING', data: Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : ['up', 'down'][i % 2])), nullable: true },
  ];
}

describe('flat Parquet decoder', () => {
  const layouts: [string, ParquetWriteFileOptions][] = [
    ['snappy, one group', {}],
    ['uncompressed, one group', { codec: 'UNCOMPRESSED' }],
    ['several row groups', { rowGroupSize: [700, 1, 1299] }],
    ['several pages per chunk', { pageSize: 4096, rowGroupSize: 1500 }],
  ];
  for (const [label, options] of layouts) {
    it(`decodes our writer's files like hyparquet: ${label}`, async () => {
      const path = join(dir, `${label.replace(/\W+/g, '-')}.parquet`);
      await writeParquetFile(path, columns(2000, label.length), { ...options, metadata: { k: 'v' } });
      const fast = await sameAsHyparquet(path);
      expect(fast.seq).toBeInstanceOf(Int32Array);
      expect(fast.dict_int).toBeInstanceOf(Int32Array);
      expect(fast.ts).toBeInstanceOf(Float64Array);
      expect(fast.dict_double).toBeInstanceOf(Float64Array);
      expect(fast.ts_null[0]).toBeNaN();
      expect(fast.maybe[0]).toBeNull();
    });
  }

  it('decodes an empty file and a file of one row', async () => {
    for (const n of [0, 1]) {
      const path = join(dir, `rows-${n}.parquet`);
      await writeParquetFile(path, columns(n, 7));
      await sameAsHyparquet(path);
    }
  });

  it('decodes DuckDB-written files (V1 data pages of nullable dictionary strings) like hyparquet, and the rest through hyparquet', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      for (const version of ['V1', 'V2']) {
        const path = join(dir, `duckdb-${version}.parquet`);
        await connection.run(`copy (select i::integer as i, (i % 5)::integer as small, (i * 0.25)::double as d, (i % 3)::double as dd,
            epoch_ms(1600000000000 + i * 60000) as ts, case when i % 4 = 0 then null else epoch_ms(1600000000000 - i) end as tsn,
            'sym' || (i % 4) as s, case when i % 3 = 0 then null else 'v' || i end as sn
          from range(5000) t(i)) to '${path}' (format parquet, compression snappy, parquet_version ${version.toLowerCase()}, row_group_size 2048)`);
        // DuckDB marks every column OPTIONAL and writes TIMESTAMP as microseconds: the numbers
        // and timestamps are hyparquet's; its V1 pages of (nullable) strings are the decoder's.
        const bytes = readFileSync(path);
        const meta = parquetMetadata(bytes);
        const all = ['i', 'small', 'd', 'dd', 'ts', 'tsn', 's', 'sn'];
        for (const name of ['i', 'd', 'ts']) expect(planFlatRead(meta, [name]), name).toBeUndefined();
        const reference = await readParquetFile(path);
        const plan = planFlatRead(meta, ['s', 'sn']);
        if (version === 'V1') expect(plan).toBeDefined();
        if (plan) {
          const fast = decodeFlat(bytes, meta, plan);
          for (const name of ['s', 'sn']) expect(plain(fast[name]), `${version} ${name}`).toEqual(plain(reference.columns[name]));
        }
        const typed = await readParquetFile(path, { typedNumbers: true });
        for (const name of all) expect(plain(typed.columns[name]), `${version} ${name}`).toEqual(plain(reference.columns[name]));
      }
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  }, 30_000);

  it('leaves to hyparquet what it does not cover, and still gives typed numbers', async () => {
    const path = join(dir, 'other.parquet');
    await writeParquetFile(path, [
      { name: 'big', type: 'INT64', data: [1n, 2n ** 60n, -3n] },
      { name: 'flag', type: 'BOOLEAN', data: [true, false, true] },
      { name: 'n', type: 'INT32', data: [null, 2, 2], nullable: true },
      { name: 'x', type: 'DOUBLE', data: [2.5, 2.5, 2.5] },
    ]);
    const meta = parquetMetadata(readFileSync(path));
    expect(planFlatRead(meta, ['big'])).toBeUndefined();
    expect(planFlatRead(meta, ['flag'])).toBeUndefined();
    expect(planFlatRead(meta, ['n'])).toBeUndefined();
    expect(planFlatRead(meta, ['x'])).toBeDefined();
    const untyped = await readParquetFile(path);
    expect(Array.isArray(untyped.columns.x)).toBe(true); // dictionary-encoded: hyparquet gives an array
    const { columns: c } = await readParquetFile(path, { typedNumbers: true });
    expect(c.big).toEqual(new BigInt64Array([1n, 2n ** 60n, -3n]));
    expect(Array.from(c.flag)).toEqual([true, false, true]);
    expect(Array.from(c.n)).toEqual([null, 2, 2]);
    expect(c.x).toEqual(new Float64Array([2.5, 2.5, 2.5]));
    // the same file through hyparquet's path (a row range): typed numbers there too
    const ranged = await readParquetFile(path, { typedNumbers: true, rowStart: 1 });
    expect(ranged.columns.x).toEqual(new Float64Array([2.5, 2.5]));
  });

  it('refuses INT64 deltas past 2^53 (hyparquet then reads them exactly)', async () => {
    const path = join(dir, 'huge-ts.parquet');
    await writeParquetFile(path, [{ name: 'ts', type: 'TIMESTAMP_MILLIS', data: [0n, 2n ** 60n], encoding: 'DELTA_BINARY_PACKED' }]);
    const bytes = readFileSync(path);
    const meta = parquetMetadata(bytes);
    expect(() => decodeFlat(bytes, meta, planFlatRead(meta, ['ts'])!)).toThrow();
    const typed = await readParquetFile(path, { typedNumbers: true });
    expect(Array.from(typed.columns.ts as Float64Array)).toEqual([0, 2 ** 60]);
  });

  it('fails on corrupt pages as the hyparquet path does, naming the file', async () => {
    const path = join(dir, 'good.parquet');
    await writeParquetFile(path, columns(500, 3), { codec: 'SNAPPY' });
    const bytes = readFileSync(path);
    const meta = parquetMetadata(bytes);
    const md = meta.row_groups[0].columns[8].meta_data!; // price: one snappy page
    let corrupted = 0;
    for (let at = Number(md.data_page_offset) + 10; at < Number(md.data_page_offset) + Number(md.total_compressed_size); at += 97) {
      const bad = Uint8Array.from(bytes);
      bad[at] ^= 0xff;
      const badPath = join(dir, `bad-${at}.parquet`);
      writeFileSync(badPath, bad);
      const plainRead = await readParquetFile(badPath).then((t) => plain(t.columns.price), (e: Error) => e.message);
      const typedRead = await readParquetFile(badPath, { typedNumbers: true }).then((t) => plain(t.columns.price), (e: Error) => e.message);
      expect(typedRead).toEqual(plainRead);
      if (typeof plainRead === 'string') {
        expect(plainRead).toContain(badPath);
        corrupted++;
      }
    }
    expect(corrupted).toBeGreaterThan(0);
  });
});

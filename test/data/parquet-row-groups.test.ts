import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ParquetFileError,
  readParquetBuffer,
  readParquetBufferRowGroups,
  readParquetFile,
  readParquetRowGroups,
  readParquetSchema,
  writeParquetFile,
  type ParquetColumnInput,
  type ParquetTable,
} from '../../src/parquet/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'parquet-row-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 1000;
const T0 = Date.UTC(2025, 8, 15, 13, 30);
const MIN = 60_000;

/** Sorted times, doubles, int64, a nullable string, booleans: the types a row range must keep. */
function columns(): ParquetColumnInput[] {
  const t = new Float64Array(N);
  const v = new Float64Array(N);
  const i64: number[] = [];
  const s: (string | null)[] = [];
  const b: boolean[] = [];
  for (let i = 0; i < N; i++) {
    t[i] = T0 + i * MIN;
    v[i] = Math.sin(i) * 100;
    i64.push(i * 7 - 3000);
    s.push(i % 5 === 0 ? null : `s${i}`);
    b.push(i % 3 === 0);
  }
  return [
    { name: 't', type: 'TIMESTAMP_MILLIS', data: t, encoding: 'DELTA_BINARY_PACKED' },
    { name: 'v', type: 'DOUBLE', data: v },
    { name: 'i64', type: 'INT64', data: i64 },
    { name: 's', type: 'STRING', data: s, nullable: true },
    { name: 'b', type: 'BOOLEAN', data: b },
  ];
}

const NAMES = ['t', 'v', 'i64', 's', 'b'];
let path = '';
let full: ParquetTable;

beforeAll(async () => {
  path = join(dir, 'groups.parquet');
  await writeParquetFile(path, columns(), { rowGroupSize: [300, 300, 400] });
  full = await readParquetFile(path);
});

/** The rows [lo, hi) of the whole-file read, column by column, as plain arrays. */
function slice(lo: number, hi: number): Record<string, unknown[]> {
  return Object.fromEntries(NAMES.map((n) => [n, Array.from(full.columns[n]).slice(lo, hi)]));
}
const plain = (t: ParquetTable) => Object.fromEntries(Object.entries(t.columns).map(([n, c]) => [n, Array.from(c)]));

describe('row groups: layout and statistics', () => {
  it('lists each row group with its row range, byte range and min/max statistics (timestamps as epoch ms)', async () => {
    const info = await readParquetRowGroups(path);
    expect(info.rowCount).toBe(N);
    expect(info.rowGroups.map((g) => [g.index, g.rowStart, g.rowEnd, g.rows])).toEqual([
      [0, 0, 300, 300],
      [1, 300, 600, 300],
      [2, 600, 1000, 400],
    ]);
    for (const g of info.rowGroups) {
      expect(g.byteStart).toBeGreaterThanOrEqual(4);
      expect(g.byteEnd).toBeGreaterThan(g.byteStart);
      const t = g.statistics.t;
      expect(t).toEqual({ min: T0 + g.rowStart * MIN, max: T0 + (g.rowEnd - 1) * MIN, nullCount: 0 });
      const v = Array.from(full.columns.v as Float64Array).slice(g.rowStart, g.rowEnd);
      expect(g.statistics.v.min).toBe(Math.min(...v));
      expect(g.statistics.v.max).toBe(Math.max(...v));
      expect(g.statistics.i64).toMatchObject({ min: BigInt(g.rowStart * 7 - 3000), max: BigInt((g.rowEnd - 1) * 7 - 3000) });
      expect(g.statistics.s.nullCount).toBe(Array.from(full.columns.s).slice(g.rowStart, g.rowEnd).filter((x) => x === null).length);
    }
    expect(info.rowGroups[1].byteStart).toBeGreaterThanOrEqual(info.rowGroups[0].byteEnd);

    const onlyT = await readParquetRowGroups(path, { columns: ['t'] });
    expect(onlyT.rowGroups.every((g) => Object.keys(g.statistics).join() === 't')).toBe(true);
    await expect(readParquetRowGroups(path, { columns: ['nope'] })).rejects.toThrow(/has no column "nope"/);

    const bytes = await readFile(path);
    expect(readParquetBufferRowGroups(bytes)).toEqual(info);
  });

  it('a default write is one row group; rowGroupSize must be positive whole numbers', async () => {
    const one = join(dir, 'one.parquet');
    await writeParquetFile(one, columns());
    expect((await readParquetRowGroups(one)).rowGroups.map((g) => g.rows)).toEqual([N]);
    await expect(writeParquetFile(join(dir, 'bad.parquet'), columns(), { rowGroupSize: 0 })).rejects.toThrow(/rowGroupSize must be/);
    await expect(writeParquetFile(join(dir, 'bad.parquet'), columns(), { rowGroupSize: [] })).rejects.toThrow(/rowGroupSize must be/);
    await expect(writeParquetFile(join(dir, 'bad.parquet'), columns(), { rowGroupSize: [10, 2.5] })).rejects.toThrow(/rowGroupSize must be/);
  });

  it('a whole-file read reports every row group as read', () => {
    expect(full.rowCount).toBe(N);
    expect(full.rowGroupCount).toBe(3);
    expect(full.rowGroupsRead).toEqual([0, 1, 2]);
    expect(full.rowRanges).toEqual([{ rowStart: 0, rowEnd: N }]);
  });
});

describe('row ranges and chosen row groups', () => {
  it('rowStart/rowEnd returns exactly those rows of every column type, decoding only the overlapping groups', async () => {
    const cases: [number, number, number[]][] = [
      [0, N, [0, 1, 2]],
      [250, 650, [0, 1, 2]],
      [300, 600, [1]],
      [310, 320, [1]],
      [599, 601, [1, 2]],
      [900, 5000, [2]],
    ];
    for (const [lo, hi, groups] of cases) {
      const t = await readParquetFile(path, { rowStart: lo, rowEnd: hi });
      const end = Math.min(hi, N);
      expect(t.rowCount).toBe(end - lo);
      expect(t.rowGroupsRead).toEqual(groups);
      expect(t.rowRanges).toEqual([{ rowStart: lo, rowEnd: end }]);
      expect(plain(t)).toEqual(slice(lo, end));
      expect(t.columns.t).toBeInstanceOf(Float64Array);
      expect(t.columns.v).toBeInstanceOf(Float64Array);
      expect(t.columns.i64).toBeInstanceOf(BigInt64Array);
    }
    const some = await readParquetFile(path, { columns: ['v'], rowStart: 10, rowEnd: 20 });
    expect(Object.keys(some.columns)).toEqual(['v']);
    expect(Array.from(some.columns.v)).toEqual(slice(10, 20).v);
  });

  it('matches the whole-file read on random ranges', async () => {
    let seed = 42;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let k = 0; k < 40; k++) {
      const a = rnd(N + 1);
      const b = rnd(N + 1);
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(plain(await readParquetFile(path, { rowStart: lo, rowEnd: hi }))).toEqual(slice(lo, hi));
    }
  });

  it('rowGroups picks groups by index or by a predicate over their statistics; empty selections are empty tables', async () => {
    const picked = await readParquetFile(path, { rowGroups: [2, 0] });
    expect(picked.rowGroupsRead).toEqual([0, 2]);
    expect(picked.rowRanges).toEqual([
      { rowStart: 0, rowEnd: 300 },
      { rowStart: 600, rowEnd: 1000 },
    ]);
    const want = slice(0, 300);
    const tail = slice(600, 1000);
    for (const n of NAMES) want[n].push(...tail[n]);
    expect(plain(picked)).toEqual(want);

    // a day's worth of minutes: the groups whose time statistics meet [from, to)
    const from = T0 + 450 * MIN;
    const to = T0 + 700 * MIN;
    const byStats = await readParquetFile(path, {
      columns: ['t', 'v'],
      rowGroups: (g) => (g.statistics.t.max as number) >= from && (g.statistics.t.min as number) < to,
    });
    expect(byStats.rowGroupsRead).toEqual([1, 2]);
    expect(Array.from(byStats.columns.t)).toEqual(slice(300, 1000).t);

    const both = await readParquetFile(path, { rowGroups: [0, 1], rowStart: 290, rowEnd: 700 });
    expect(both.rowGroupsRead).toEqual([0, 1]);
    expect(plain(both)).toEqual(slice(290, 600));

    const none = await readParquetFile(path, { rowGroups: () => false });
    expect(none.rowCount).toBe(0);
    expect(none.rowGroupsRead).toEqual([]);
    expect(Array.from(none.columns.t)).toEqual([]);
    const empty = await readParquetFile(path, { rowStart: 500, rowEnd: 500 });
    expect(empty.rowCount).toBe(0);
    expect(empty.rowGroupsRead).toEqual([]);
  });

  it('refuses bad selections, naming the file', async () => {
    await expect(readParquetFile(path, { rowStart: -1 })).rejects.toThrow(`parquet read ${path}: rowStart must be a whole number >= 0, got -1`);
    await expect(readParquetFile(path, { rowStart: 5, rowEnd: 4 })).rejects.toThrow(/rowEnd must be a whole number >= rowStart \(5\), got 4/);
    await expect(readParquetFile(path, { rowStart: 1.5 })).rejects.toThrow(ParquetFileError);
    await expect(readParquetFile(path, { rowGroups: [3] })).rejects.toThrow(/row group 3 does not exist \(the file has 3\)/);
    await expect(readParquetFile(path, { rowStart: 0, columns: ['nope'] })).rejects.toThrow(/has no column "nope"/);
    const missing = join(dir, 'missing.parquet');
    await expect(readParquetFile(missing, { rowStart: 0, rowEnd: 1 })).rejects.toThrow(`parquet file not found: ${missing}`);
    await expect(readParquetRowGroups(missing)).rejects.toThrow(`parquet file not found: ${missing}`);
  });

  it('reads only the bytes of the chosen row groups: damaging the others does not matter, a whole read fails', async () => {
    const info = await readParquetRowGroups(path);
    const bytes = Buffer.from(await readFile(path));
    for (const g of [info.rowGroups[0], info.rowGroups[2]]) bytes.fill(0xff, g.byteStart, g.byteEnd);
    const damaged = join(dir, 'damaged.parquet');
    await writeFile(damaged, bytes);

    const middle = await readParquetFile(damaged, { rowGroups: [1] });
    expect(plain(middle)).toEqual(slice(300, 600));
    expect(plain(await readParquetFile(damaged, { rowStart: 350, rowEnd: 360 }))).toEqual(slice(350, 360));
    expect(plain(await readParquetBuffer(bytes, { rowGroups: [1] }))).toEqual(slice(300, 600));
    await expect(readParquetFile(damaged)).rejects.toThrow(`cannot decode parquet file ${damaged}`);
    await expect(readParquetFile(damaged, { rowGroups: [0] })).rejects.toThrow(`cannot decode parquet file ${damaged}`);
  });

  it('finds a footer longer than the first read from the end of the file', async () => {
    const many = join(dir, 'many.parquet');
    await writeParquetFile(many, columns(), { rowGroupSize: 2 }); // 500 groups: a footer of a few hundred KB
    const info = await readParquetRowGroups(many, { columns: ['t'] });
    expect(info.rowGroups.length).toBe(500);
    expect(info.rowGroups[499].statistics.t).toEqual({ min: T0 + 998 * MIN, max: T0 + 999 * MIN, nullCount: 0 });
    const t = await readParquetFile(many, { rowStart: 777, rowEnd: 781 });
    expect(t.rowGroupsRead).toEqual([388, 389, 390]);
    expect(plain(t)).toEqual(slice(777, 781));
    expect((await readParquetSchema(many)).rowCount).toBe(N);
  });
});

describe('footer reuse', () => {
  it('a file replaced, rewritten in place or truncated after a range read is read anew', async () => {
    const p = join(dir, 'changing.parquet');
    const write = (k: number) => writeParquetFile(p, [{ name: 'x', type: 'DOUBLE', data: Float64Array.from({ length: 100 }, (_, i) => i * k) }], { rowGroupSize: 10 });
    await write(1);
    expect(Array.from((await readParquetFile(p, { rowStart: 95, rowEnd: 97 })).columns.x)).toEqual([95, 96]);
    await write(2); // atomic replace: a new inode
    expect(Array.from((await readParquetFile(p, { rowStart: 95, rowEnd: 97 })).columns.x)).toEqual([190, 192]);
    const other = join(dir, 'other.parquet');
    await writeParquetFile(other, [{ name: 'x', type: 'DOUBLE', data: Float64Array.from({ length: 50 }, (_, i) => -i) }], { rowGroupSize: 25 });
    await writeFile(p, await readFile(other)); // same inode, other content
    const t = await readParquetFile(p, { rowStart: 48, rowEnd: 60 });
    expect(t.rowGroupCount).toBe(2);
    expect(Array.from(t.columns.x)).toEqual([-48, -49]);
    await truncate(p, 100);
    await expect(readParquetFile(p, { rowStart: 0, rowEnd: 1 })).rejects.toThrow(/not a valid parquet file \(truncated or corrupt\)/);
  });
});

describe('readParquetBuffer', () => {
  it('reads a file held in memory exactly like readParquetFile, whole, by range and by row groups', async () => {
    const bytes = await readFile(path);
    const whole = await readParquetBuffer(bytes);
    expect(plain(whole)).toEqual(plain(full));
    expect(whole.schema).toEqual(full.schema);
    expect(whole.metadata).toEqual(full.metadata);
    expect(whole.rowGroupsRead).toEqual([0, 1, 2]);

    // an ArrayBuffer, and a view into a larger buffer, work as well
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(plain(await readParquetBuffer(ab, { rowStart: 100, rowEnd: 700 }))).toEqual(plain(await readParquetFile(path, { rowStart: 100, rowEnd: 700 })));
    const padded = new Uint8Array(bytes.byteLength + 64);
    padded.set(bytes, 32);
    const view = padded.subarray(32, 32 + bytes.byteLength);
    const fromView = await readParquetBuffer(view, { columns: ['t', 's'], rowGroups: [1] });
    expect(fromView.rowGroupsRead).toEqual([1]);
    expect(plain(fromView)).toEqual({ t: slice(300, 600).t, s: slice(300, 600).s });
  });

  it('errors name the buffer (or the given name)', async () => {
    const bytes = await readFile(path);
    await expect(readParquetBuffer(bytes.subarray(0, bytes.byteLength >> 1), { name: 'x.parquet.br (decompressed)' })).rejects.toThrow(
      /not a valid parquet file \(truncated or corrupt\): x\.parquet\.br \(decompressed\)/,
    );
    await expect(readParquetBuffer(new Uint8Array([0x50, 0x41, 0x52, 0x31]))).rejects.toThrow(
      /not a valid parquet file \(truncated or corrupt, only 4 bytes\): parquet buffer \(4 bytes\)/,
    );
    await expect(readParquetBuffer(bytes, { columns: ['nope'], name: 'mem' })).rejects.toThrow(/parquet file mem has no column "nope"/);
    const err = await readParquetBuffer(bytes, { rowStart: -2, name: 'mem' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParquetFileError);
    expect((err as ParquetFileError).path).toBe('mem');
  });
});

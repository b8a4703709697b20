/**
 * Per-column `statistics: false` and `pageSize: 0` of writeParquetFile: what the footer holds
 * (read by DuckDB's parquet_metadata, an implementation other than ours) and that the values
 * read back the same, by our reader and by DuckDB.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { readParquetFile, readParquetRowGroups, writeParquetFile, type ParquetColumnInput } from '../../src/parquet/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'parquet-statistics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 900;
const T0 = Date.UTC(2024, 0, 2);

/** An id string, a time, a value, an INT64 and a nullable string; `off` names the columns written without statistics. */
function columns(off: readonly string[] = []): ParquetColumnInput[] {
  const id: string[] = [];
  const ts = new Float64Array(N);
  const v = new Float64Array(N);
  const n: number[] = [];
  const note: (string | null)[] = [];
  for (let i = 0; i < N; i++) {
    id.push(`bt-${(Math.floor(i / 100) * 7919) % 1000}`);
    ts[i] = T0 + i * 86_400_000;
    v[i] = 100_000 * (1 + Math.sin(i / 7) / 10);
    n.push(i * 3 - 50);
    note.push(i % 4 === 0 ? null : `n${i}`);
  }
  const spec: ParquetColumnInput[] = [
    { name: 'id', type: 'STRING', data: id },
    { name: 'ts', type: 'DOUBLE', data: ts },
    { name: 'v', type: 'DOUBLE', data: v },
    { name: 'n', type: 'INT64', data: n },
    { name: 'note', type: 'STRING', data: note, nullable: true },
  ];
  return spec.map((c) => (off.includes(c.name) ? { ...c, statistics: false } : c));
}

async function duckdb(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** DuckDB's view of the footer: per column, the row groups' min/max and null count. */
async function footerStats(path: string): Promise<Record<string, { min: unknown; max: unknown; nulls: unknown }[]>> {
  const rows = await duckdb(
    `SELECT path_in_schema AS col, row_group_id, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('${path}') ORDER BY row_group_id`,
  );
  const out: Record<string, { min: unknown; max: unknown; nulls: unknown }[]> = {};
  for (const r of rows) (out[r.col as string] ??= []).push({ min: r.stats_min_value, max: r.stats_max_value, nulls: r.stats_null_count });
  return out;
}

const plain = (cols: Record<string, ArrayLike<unknown>>) => Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, Array.from(c)]));

describe('statistics per column', () => {
  it('a column written with statistics: false has no min/max in the footer; the others and the default keep them', async () => {
    const withStats = join(dir, 'default.parquet');
    const without = join(dir, 'off.parquet');
    await writeParquetFile(withStats, columns(), { rowGroupSize: 300 });
    await writeParquetFile(without, columns(['id', 'v', 'n', 'note']), { rowGroupSize: 300 });

    const on = await footerStats(withStats);
    for (const col of ['id', 'ts', 'v', 'n', 'note']) {
      expect(on[col]).toHaveLength(3);
      for (const g of on[col]) {
        expect(g.min).not.toBeNull();
        expect(g.max).not.toBeNull();
      }
    }
    expect(on.note.map((g) => Number(g.nulls))).toEqual([75, 75, 75]);

    const off = await footerStats(without);
    for (const col of ['id', 'v', 'n', 'note']) {
      expect(off[col]).toHaveLength(3);
      for (const g of off[col]) expect(g).toEqual({ min: null, max: null, nulls: null });
    }
    // the column left at its default keeps exact statistics
    expect(off.ts.map((g) => [Number(g.min), Number(g.max)])).toEqual([0, 1, 2].map((k) => [T0 + k * 300 * 86_400_000, T0 + (k * 300 + 299) * 86_400_000]));

    // our footer reader: no statistics for those columns, the same as DuckDB for the others
    const groups = (await readParquetRowGroups(without)).rowGroups;
    for (const g of groups) {
      for (const col of ['id', 'v', 'n', 'note']) expect(g.statistics[col]).toEqual({});
      expect(g.statistics.ts).toEqual({ min: T0 + g.rowStart * 86_400_000, max: T0 + (g.rowEnd - 1) * 86_400_000, nullCount: 0 });
    }
  });

  it('reads back identically: whole, by row range, and through DuckDB', async () => {
    const withStats = join(dir, 'default.parquet');
    const without = join(dir, 'off.parquet');
    const expected = plain(Object.fromEntries(columns().map((c) => [c.name, c.data])));
    expected.n = (expected.n as number[]).map((x) => BigInt(x));
    expect(plain((await readParquetFile(without)).columns)).toEqual(expected);
    expect(plain((await readParquetFile(withStats)).columns)).toEqual(expected);
    expect(plain((await readParquetFile(without, { rowStart: 280, rowEnd: 620 })).columns)).toEqual(
      Object.fromEntries(Object.entries(expected).map(([k, c]) => [k, c.slice(280, 620)])),
    );

    const sql = (p: string) => `SELECT id, ts, v, n, note FROM read_parquet('${p}') ORDER BY ts`;
    const [a, b] = [await duckdb(sql(without)), await duckdb(sql(withStats))];
    expect(a).toHaveLength(N);
    expect(a).toEqual(b);
    expect(a[899]).toEqual({ id: expected.id[899], ts: expected.ts[899], v: expected.v[899], n: BigInt(899 * 3 - 50), note: 'n899' });
    // DuckDB filters a column without statistics correctly (it cannot skip by them, it must not skip wrongly)
    const [hit] = await duckdb(`SELECT count(*) AS c FROM read_parquet('${without}') WHERE v > 105000 AND id = 'bt-919'`);
    const want = (expected.v as number[]).filter((x, i) => x > 105_000 && expected.id[i] === 'bt-919').length;
    expect(want).toBeGreaterThan(0);
    expect(Number(hit.c)).toBe(want);
  });
});

describe('pageSize', () => {
  it('0 writes one page per column chunk (no offset index), the default several; the values are the same', async () => {
    const rows = 300_000; // 2.4 MB of doubles: three pages at the default 1 MiB
    const x = Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 1e6);
    const paged = join(dir, 'paged.parquet');
    const single = join(dir, 'single.parquet');
    await writeParquetFile(paged, [{ name: 'x', type: 'DOUBLE', data: x }]);
    await writeParquetFile(single, [{ name: 'x', type: 'DOUBLE', data: x }], { pageSize: 0 });
    // hyparquet-writer writes an offset index (page locations) only for a chunk of several pages
    const chunk = (p: string) => parquetMetadata(readFileSync(p).buffer as ArrayBuffer).row_groups[0].columns[0];
    expect(chunk(paged).offset_index_offset).toBeDefined();
    expect(chunk(single).offset_index_offset).toBeUndefined();
    expect(Array.from((await readParquetFile(single)).columns.x)).toEqual(Array.from(x));
    const [s] = await duckdb(`SELECT count(*) AS c, sum(x) AS s FROM read_parquet('${single}')`);
    expect(Number(s.c)).toBe(rows);
    expect(s.s).toBeCloseTo(x.reduce((a, b) => a + b, 0), 3);
    await expect(writeParquetFile(join(dir, 'bad.parquet'), [{ name: 'x', type: 'DOUBLE', data: x }], { pageSize: -1 })).rejects.toThrow(/pageSize must be/);
    await expect(writeParquetFile(join(dir, 'bad.parquet'), [{ name: 'x', type: 'DOUBLE', data: x }], { pageSize: 1.5 })).rejects.toThrow(/pageSize must be/);
  });
});

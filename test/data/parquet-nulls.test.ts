import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParquetFile, writeParquetFile } from '../../src/parquet/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'parquet-nulls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Parquet nulls', () => {
  it('keeps nulls in nullable numeric, boolean, string and timestamp columns', async () => {
    const path = join(dir, 'nulls.parquet');
    await writeParquetFile(path, [
      { name: 'd', type: 'DOUBLE', data: [1.5, null, 3], nullable: true },
      { name: 'i', type: 'INT32', data: [null, 2, 3], nullable: true },
      { name: 'b', type: 'BOOLEAN', data: [true, null, false], nullable: true },
      { name: 's', type: 'STRING', data: ['a', 'b', null], nullable: true },
      { name: 't', type: 'TIMESTAMP_MILLIS', data: [0, null, 86_400_000], nullable: true },
    ]);
    const { columns } = await readParquetFile(path);
    expect(Array.from(columns.d)).toEqual([1.5, null, 3]);
    expect(Array.from(columns.i)).toEqual([null, 2, 3]);
    expect(Array.from(columns.b)).toEqual([true, null, false]);
    expect(Array.from(columns.s)).toEqual(['a', 'b', null]);
    const t = Array.from(columns.t as ArrayLike<number>);
    expect([t[0], t[2]]).toEqual([0, 86_400_000]);
    expect(Number.isNaN(t[1]) || t[1] === null).toBe(true);
  });

  it('refuses a null in a column that is not nullable instead of writing 0', async () => {
    await expect(writeParquetFile(join(dir, 'bad.parquet'), [{ name: 'd', type: 'DOUBLE', data: [1, null] }])).rejects.toThrow(/column "d" \(DOUBLE\): row 1: null in a column that is not nullable/);
  });
});

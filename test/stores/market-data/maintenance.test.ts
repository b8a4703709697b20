/**
 * Compaction of small files (automatic past a file count, and on demand), lineage kept through
 * compaction, garbage collection of crash leftovers, atomicity (no temp files, no partial
 * state), the write lock, and manifest errors that refuse rather than lose data.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readParquetFile } from '../../../src/parquet/index.ts';
import { MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bars, LINEAGE, MIN, T0, tempStore } from './helpers.ts';

let store: MarketDataStore;
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ store, root, cleanup } = await tempStore({ maxFilesPerPartition: 4, lockTimeoutMs: 300 })));
afterEach(() => cleanup());

const partDir = () => join(root, 'bars/SPY/1m/period=2025-09');

describe('compaction', () => {
  it('a partition with more files than the limit is compacted after the write, lineage kept per row', async () => {
    const ids: number[] = [];
    for (let k = 0; k < 5; k++) {
      const r = await store.writeBars('SPY', '1m', bars(T0 + k * 10 * MIN, 10, MIN, 10 * k), LINEAGE);
      ids.push(r.batch.id);
      expect(r.compacted).toEqual(k < 4 ? [] : ['bars/SPY/1m/2025-09']);
    }
    const names = await readdir(partDir());
    expect(names).toHaveLength(1);
    const table = await readParquetFile(join(partDir(), names[0]));
    expect(Array.from(table.columns._batch as Int32Array)).toEqual(ids.flatMap((id) => Array<number>(10).fill(id)));
    expect(Array.from((await store.getBars('SPY', '1m')).start)).toEqual(bars(T0, 50).map((b) => b.start));
  });

  it('compact() merges overlapping out-of-order files into one sorted file', async () => {
    await store.writeBars('SPY', '1m', bars(T0 + 10 * MIN, 10, MIN, 10), LINEAGE);
    await store.writeBars('SPY', '1m', bars(T0, 10), LINEAGE);
    await store.writeBars('SPY', '1m', bars(T0 + 5 * MIN, 10, MIN, 5), LINEAGE); // all duplicates
    const before = await store.getBars('SPY', '1m');
    const report = await store.compact();
    expect(report.partitions).toEqual([expect.objectContaining({ partition: 'bars/SPY/1m/2025-09', filesBefore: 2 })]);
    const after = await store.getBars('SPY', '1m');
    expect(after.hash).toBe(before.hash);
    const table = await readParquetFile(join(partDir(), (await readdir(partDir()))[0]));
    const starts = Array.from(table.columns.start as Float64Array);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });
});

describe('crash safety and garbage', () => {
  it('a part file not listed in the manifest (crash before commit) is invisible and collected', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 5), LINEAGE);
    const good = await store.getBars('SPY', '1m');
    await writeFile(join(partDir(), 'part-999999.parquet'), 'partial');
    await writeFile(join(partDir(), '.part-000002.parquet.123.abc.tmp'), 'partial');
    expect((await store.getBars('SPY', '1m')).hash).toBe(good.hash);
    const removed = await store.gc();
    expect(removed.sort()).toEqual(['bars/SPY/1m/period=2025-09/.part-000002.parquet.123.abc.tmp', 'bars/SPY/1m/period=2025-09/part-999999.parquet']);
    expect(await readdir(partDir())).toEqual(['part-000001.parquet']);
  });

  it('writes leave no temp files behind', async () => {
    for (let k = 0; k < 6; k++) await store.writeBars('SPY', '1m', bars(T0 + k * 10 * MIN, 10, MIN, 10 * k), LINEAGE);
    await store.createSnapshot();
    const all = await readdir(root, { recursive: true });
    expect(all.filter((p) => /\.tmp|tmp-/.test(String(p)))).toEqual([]);
  });

  it('a write that fails before its commit leaves the store exactly as it was', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 5), LINEAGE);
    const manifest = await readFile(join(root, 'manifest.json'), 'utf8');
    // Another process holds the write lock: the write times out without touching anything.
    await writeFile(join(root, '.write-lock'), JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), since: 'test' }));
    await expect(store.writeBars('SPY', '1m', bars(T0 + 5 * MIN, 5), LINEAGE)).rejects.toThrow(/is locked by pid \d+ .*delete .*\.write-lock/);
    expect(await readFile(join(root, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(await readdir(partDir())).toEqual(['part-000001.parquet']);
  });

  it('a lock left by a process that no longer exists is taken over', async () => {
    await mkdir(root, { recursive: true });
    await writeFile(join(root, '.write-lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: 'test' }));
    await store.writeBars('SPY', '1m', bars(T0, 2), LINEAGE);
    expect((await store.getBars('SPY', '1m')).length).toBe(2);
  });

  it('concurrent writes in one process are serialized, none lost', async () => {
    await Promise.all([0, 1, 2, 3, 4, 5].map((k) => store.writeBars('SPY', '1m', bars(T0 + k * 10 * MIN, 10, MIN, 10 * k), LINEAGE)));
    expect(Array.from((await store.getBars('SPY', '1m')).start)).toEqual(bars(T0, 60).map((b) => b.start));
  });

  it('a second store object on the same root sees the first one\'s commits', async () => {
    const other = await MarketDataStore.open(root);
    await store.writeBars('SPY', '1m', bars(T0, 3), LINEAGE);
    expect((await other.getBars('SPY', '1m')).length).toBe(3);
    await other.writeBars('SPY', '1m', bars(T0 + 3 * MIN, 3, MIN, 3), LINEAGE);
    expect((await store.getBars('SPY', '1m')).length).toBe(6);
  });
});

describe('damaged files are errors naming the file', () => {
  it('a truncated part file', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 5), LINEAGE);
    const path = join(partDir(), 'part-000001.parquet');
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 20));
    await expect(store.getBars('SPY', '1m')).rejects.toThrow(/not a valid parquet file \(truncated or corrupt\): .*bars\/SPY\/1m\/period=2025-09\/part-000001.parquet/);
  });

  it('a damaged archived (cold) file', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 5), LINEAGE);
    await store.applyRetention({ coldAfterDays: 0 }, { now: Date.UTC(2030, 0, 1) });
    const [name] = await readdir(partDir());
    await writeFile(join(partDir(), name), 'not brotli');
    await expect(store.getBars('SPY', '1m')).rejects.toThrow(/cannot decompress archived file .*period=2025-09\/part-000002.parquet.br/);
  });
});

describe('manifest problems refuse, never guess', () => {
  it('a missing manifest next to data folders is an error, not an empty store', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 3), LINEAGE);
    await writeFile(join(root, 'manifest.json.bak'), await readFile(join(root, 'manifest.json')));
    await (await import('node:fs/promises')).rm(join(root, 'manifest.json'));
    await expect(MarketDataStore.open(root)).rejects.toThrow(/manifest.json is missing but .* holds data folders \(bars\): refusing to treat the store as empty/);
  });

  it('a corrupt manifest names the file and the field', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 3), LINEAGE);
    const path = join(root, 'manifest.json');
    const m = JSON.parse(await readFile(path, 'utf8')) as { partitions: Record<string, { files: { rows: unknown }[] }> };
    Object.values(m.partitions)[0].files[0].rows = -1;
    await writeFile(path, JSON.stringify(m));
    await expect(MarketDataStore.open(root)).rejects.toThrow(/manifest.json: invalid manifest at partitions.bars\/SPY\/1m\/2025-09.files.0.rows: /);
    await writeFile(path, '{ not json');
    await expect(MarketDataStore.open(root)).rejects.toThrow(/manifest.json: not valid JSON/);
  });

  it('a root that is a file is refused', async () => {
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'f'), '');
    await expect(MarketDataStore.open(join(root, 'f'))).rejects.toThrow(/market data store root is not a folder/);
  });
});

/**
 * Storage metrics: nearest-rank percentiles (hand-computed), query latency windows, write
 * throughput, disk usage (checked against a walk of the folder made here), cache hit rate;
 * and the store's files read by another Parquet reader (DuckDB), optional fields as NULL.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatencyWindow, percentile } from '../../../src/stores/market-data/metrics.ts';
import type { MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bars, LINEAGE, MIN, T0, tempStore } from './helpers.ts';

describe('percentiles', () => {
  it('nearest rank: p50 of 1..10 is 5, p99 is 10; p50 of one sample is that sample', () => {
    const ten = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentile(ten, 0.5)).toBe(5);
    expect(percentile(ten, 0.99)).toBe(10);
    expect(percentile(ten, 0.1)).toBe(1);
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('a latency window keeps the last `window` samples', () => {
    const w = new LatencyWindow(4);
    for (const ms of [100, 100, 1, 2, 3, 4]) w.record(ms);
    expect(w.summary()).toEqual({ count: 6, p50Ms: 2, p99Ms: 4, maxMs: 4 });
  });
});

describe('store stats', () => {
  let store: MarketDataStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await tempStore()));
  afterEach(() => cleanup());

  it('disk usage, counts, throughput, latency and hit rate', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 100), LINEAGE);
    await store.writeBars('SPY', '1m', [...bars(T0 + 100 * MIN, 10, MIN, 100), { ...bars(T0, 1)[0], low: -1 }], LINEAGE);
    await store.createSnapshot();
    for (let i = 0; i < 3; i++) await store.getBars('SPY', '1m');
    await store.getLatestBar('SPY', '1m');
    await store.getLatestBar('SPY', '1m');
    const s = await store.stats();

    // disk: every file under the root, each inode once (snapshot files are hard links)
    const seen = new Set<number>();
    let total = 0;
    for (const rel of await readdir(root, { recursive: true })) {
      const st = await stat(join(root, String(rel)));
      if (!st.isFile() || seen.has(st.ino)) continue;
      seen.add(st.ino);
      total += st.size;
    }
    expect(s.disk.totalBytes).toBe(total);
    expect(s.disk.quarantineBytes).toBeGreaterThan(0);
    expect(s).toMatchObject({ series: 1, rows: 110, files: 2, rowsByKind: { bars: 110 }, snapshots: 1, quarantine: { total: 1, byKind: { bars: 1 } } });
    expect(s.ingest).toMatchObject({ batches: 2, received: 111, stored: 110, rejected: 1 });
    expect(s.ingest.recordsPerSecond).toBeCloseTo((110 / s.ingest.writeMs) * 1000, 6);
    expect(s.process.queries.getBars.count).toBe(3);
    expect(s.process.queries.getBars.p50Ms).toBeGreaterThan(0);
    expect(s.process.queries.getBars.p99Ms).toBeGreaterThanOrEqual(s.process.queries.getBars.p50Ms);
    expect(s.process.cache).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5 });
  });

  it('part files are plain Parquet: DuckDB reads them, with absent optional fields as NULL', async () => {
    await store.writeQuotes('SPY', [{ ts: T0, bid: 1, ask: 2, bid_size: 3, ask_size: 4 }, { ts: T0 + 1, bid: 1, ask: 2, bid_size: 3, ask_size: 4, seq: 7, exchange: 'Q' }], LINEAGE);
    const [file] = await readdir(join(root, 'quotes/SPY/-/period=2025-09'));
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const path = join(root, 'quotes/SPY/-/period=2025-09', file).replaceAll("'", "''");
      const reader = await connection.runAndReadAll(`select epoch_ms(ts) as ts, bid, seq, exchange, _batch from read_parquet('${path}') order by ts`);
      const rows = reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
      expect(rows).toEqual([
        { ts: T0, bid: 1, seq: null, exchange: null, _batch: 1 },
        { ts: T0 + 1, bid: 1, seq: 7, exchange: 'Q', _batch: 1 },
      ]);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});

/**
 * Topologies read their bars through the market data store: a file stream with data.store is
 * imported and read back (same bars, same hash, same trades as reading the file directly), a
 * store stream reads a range, and data.snapshot reads a verified snapshot, records it in the
 * manifest, and refuses to run when the snapshot no longer verifies.
 */
import { existsSync, mkdtempSync, promises as fsp, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MarketDataStore } from '../../src/stores/market-data/index.ts';
import { runTopology, type TopologyRun } from '../../src/topology/run-topology.ts';
import { hasSharedData, SHARED_DATA } from '../engine/helpers/run-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'data-store-topology-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const strategies = [{ id: 'x', type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 }, inputs: ['GOOG_1d'] }];
const portfolios = [{ id: 'p', strategies: ['x'] }];
const topology = (data: Record<string, unknown>) => ({ name: 'via-store', data: { timezone: 'America/New_York', ...data }, strategies, portfolios, execution: { commission: { type: 'percent', pct: 0.1 } } });
const portfolio = (run: TopologyRun) => {
  if (run.mode === 'signal_generation') throw new Error('expected a backtest');
  return run.outcome.portfolios[0].result;
};

describe.skipIf(!hasSharedData)('topologies reading through the market data store', () => {
  const csv = join(SHARED_DATA, 'GOOG_1d.csv');
  const store = join(dir, 'store');

  it('a file stream read through the store gives the same bars and trades as the file, and a second run imports nothing new', async () => {
    const direct = await runTopology(topology({ streams: [{ symbol: 'GOOG', timeframe: '1d', file: csv }] }), { outDir: null });
    const viaStore = await runTopology(topology({ store, streams: [{ symbol: 'GOOG', timeframe: '1d', file: csv }] }), { outDir: null });
    if (direct.mode === 'signal_generation' || viaStore.mode === 'signal_generation') throw new Error('expected backtests');
    expect(viaStore.record.series[0].hash).toBe(direct.record.series[0].hash);
    expect(portfolio(viaStore).trades).toEqual(portfolio(direct).trades);
    expect(portfolio(viaStore).trades.length).toBeGreaterThan(20);
    // GOOG_1d.csv has 2148 bars: stored once, then recognised as duplicates on the next run.
    const first = (await (await MarketDataStore.open(store)).stats()).ingest;
    expect([first.stored, first.duplicates]).toEqual([2148, 0]);
    await runTopology(topology({ store, streams: [{ symbol: 'GOOG', timeframe: '1d', file: csv }] }), { outDir: null });
    const second = (await (await MarketDataStore.open(store)).stats()).ingest;
    expect([second.stored, second.duplicates]).toEqual([2148, 2148]);
  });

  it('a store stream reads a date range: bars starting in [start, end), local dates', async () => {
    const run = await runTopology(topology({ store, streams: [{ symbol: 'GOOG', timeframe: '1d', store: { start: '2010-01-01', end: '2011-01-01' } }] }), { outDir: null });
    if (run.mode === 'signal_generation') throw new Error('expected a backtest');
    const s = run.record.series[0];
    // GOOG 2010: 252 sessions, from 2010-01-04 to 2010-12-31 (New York midnights).
    expect(s.length).toBe(252);
    expect(new Date(s.start[0]).toISOString()).toBe('2010-01-04T05:00:00.000Z');
    expect(new Date(s.start[s.length - 1]).toISOString()).toBe('2010-12-31T05:00:00.000Z');
  });

  it('reads a verified snapshot, records it in the manifest, and refuses a snapshot that no longer verifies', async () => {
    const snap = await (await MarketDataStore.open(store)).createSnapshot(undefined, 'for-topology');
    const data = { store, snapshot: snap.id, streams: [{ symbol: 'GOOG', timeframe: '1d', store: {} }] };
    const out = join(dir, 'snapshot-run');
    const run = await runTopology(topology(data), { outDir: out });
    const direct = await runTopology(topology({ streams: [{ symbol: 'GOOG', timeframe: '1d', file: csv }] }), { outDir: null });
    expect(portfolio(run).trades).toEqual(portfolio(direct).trades);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { data_snapshot: { id: string; root_hash: string } };
    expect(manifest.data_snapshot.id).toBe(snap.id);
    expect(manifest.data_snapshot.root_hash).toBe(snap.rootHash);

    // Tamper with one file of the snapshot: the backtest must refuse and write nothing.
    const snapDirs = (await fsp.readdir(join(store), { recursive: true })).map(String).filter((p) => p.includes(snap.id) && p.endsWith('.parquet'));
    expect(snapDirs.length).toBeGreaterThan(0);
    const victim = join(store, snapDirs[0]);
    const bytes = await fsp.readFile(victim);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    await fsp.rm(victim);
    await fsp.writeFile(victim, bytes);
    const refused = join(dir, 'refused-run');
    await expect(runTopology(topology(data), { outDir: refused })).rejects.toThrow(/snapshot/i);
    expect(existsSync(refused)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.refused-run'))).toEqual([]);
  });

  it('rejects a snapshot without a store, and file streams next to a snapshot', async () => {
    await expect(runTopology(topology({ snapshot: 'x', streams: [{ symbol: 'GOOG', timeframe: '1d', store: {} }] }), { outDir: null }))
      .rejects.toThrow(/data\.snapshot: a snapshot needs data\.store/);
    await expect(runTopology(topology({ store, snapshot: 'x', streams: [{ symbol: 'GOOG', timeframe: '1d', file: csv }] }), { outDir: null }))
      .rejects.toThrow(/data\.streams\[0\]\.file: with data\.snapshot every stream must come from the snapshot/);
  });
});

/**
 * The ResultsStore end to end: what the loop stores comes back from every format, in
 * order, with checksums that verify; every operation is reported as a RESULTS_STORED
 * payload; the status counts add up; a backtest's final results compact the run.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsStoredPayload } from '../../../src/core/events.ts';
import { ResultsStore, readRunRows, verifyRun } from '../../../src/stores/results/index.ts';
import { event, MIN, T0, trade } from './helpers/records.ts';
import { tempRoot } from './helpers/tmp.ts';

const next = tempRoot('results-store');

/** Equity and cash of portfolio `p` at tick `i`: a formula the test knows, not the store. */
const equityAt = (p: number, i: number) => 100_000 + p * 1000 + Math.sin(i) * 100;
const cashAt = (p: number, i: number) => 50_000 - i * 0.5 - p;

async function storeRun(store: ResultsStore, runId: string, ticks: number) {
  const rows = [{ portfolioId: 'p0', equity: 0, cash: 0 }, { portfolioId: 'p1', equity: 0, cash: 0 }];
  const results = { runId, portfolios: rows, trades: undefined as ReturnType<typeof trade>[] | undefined, events: undefined as ReturnType<typeof event>[] | undefined };
  for (let i = 0; i < ticks; i++) {
    for (let p = 0; p < 2; p++) {
      rows[p].equity = equityAt(p, i);
      rows[p].cash = cashAt(p, i);
    }
    results.trades = i % 10 === 9 ? [trade(i)] : undefined;
    results.events = i % 25 === 0 ? [event(i)] : undefined;
    expect(store.storeTimestepResults(T0 + i * MIN, results)).toBe(true);
  }
}

describe('ResultsStore', () => {
  it('stores timesteps, trades and events; every format reads back the same rows in order', async () => {
    const root = next();
    const emitted: ResultsStoredPayload[] = [];
    const store = await ResultsStore.open({ root, segment_records: 700, batch_size: 64 }, { emit: (p) => emitted.push(p) });
    await storeRun(store, 'run-a', 1000);
    await store.flush();

    const expectedPerf = Array.from({ length: 2000 }, (_, k) => {
      const i = Math.floor(k / 2);
      const p = k % 2;
      return { seq: k, ts: T0 + i * MIN, portfolioId: `p${p}`, equity: equityAt(p, i), cash: cashAt(p, i) };
    });
    const expectedTrades = Array.from({ length: 100 }, (_, k) => ({ seq: k, ...trade(k * 10 + 9) }));
    const expectedEvents = Array.from({ length: 40 }, (_, k) => ({ seq: k, ...event(k * 25) }));
    for (const format of ['csv', 'json', 'parquet'] as const) {
      expect(await store.readResults('run-a', 'performance', { format })).toEqual(expectedPerf);
      expect(await store.readResults('run-a', 'trades', { format })).toEqual(expectedTrades);
      expect(await store.readResults('run-a', 'events', { format })).toEqual(expectedEvents);
    }
    // Several incremental parts (segments of 700 records), every file listed with a checksum.
    const manifest = JSON.parse(await fsp.readFile(join(root, 'run-a', 'manifest.json'), 'utf8')).manifest;
    expect(manifest.kinds.performance.parts.length).toBeGreaterThan(1);
    expect(manifest.status).toBe('open');
    expect(await verifyRun(root, 'run-a')).toMatchObject({ records: { performance: 2000, trades: 100, events: 40 } });
    // The journal is empty once everything is in the files.
    expect(await fsp.readdir(join(root, 'run-a', 'journal'))).toEqual([]);

    const status = store.getStorageStatus();
    expect(status).toMatchObject({ healthy: true, queueDepth: 0, acknowledged: 2140, written: 2140, pending: 0, refused: 0, errors: 0, lastError: null });
    expect(status.bytes).toBeGreaterThan(0);
    expect(status.lastSuccessfulWrite).not.toBeNull();
    expect(status.runs).toEqual([expect.objectContaining({ runId: 'run-a', acknowledged: 2140, materialized: 2140, pending: 0 })]);

    // Events: journal appends acknowledging every record, a file event per part and format, manifests.
    expect(emitted.every((e) => e.runId === 'run-a' && e.error === undefined)).toBe(true);
    expect(emitted.filter((e) => e.kind === 'journal').reduce((n, e) => n + e.records, 0)).toBe(2140);
    const files = emitted.filter((e) => e.kind === 'performance');
    expect(files.reduce((n, e) => n + e.records, 0)).toBe(2000 * 3);
    expect(files.every((e) => e.file?.startsWith(join(root, 'run-a', 'parts')) && e.bytes > 0)).toBe(true);
    expect(emitted.some((e) => e.kind === 'manifest')).toBe(true);
    await store.close();
  });

  it('storeBacktestResults writes the summary, compacts each data type into one file per format and closes the run', async () => {
    const root = next();
    const store = await ResultsStore.open({ root, segment_records: 300, formats: ['json', 'parquet'] });
    await storeRun(store, 'bt', 500);
    await store.storeBacktestResults('bt', { summary: { sharpe: 1.25, trades: 50, note: 'ok' }, trades: [trade(9999)] });
    const names = (await fsp.readdir(join(root, 'bt'))).sort();
    expect(names.filter((n) => !n.startsWith('summary-'))).toEqual([
      'events.jsonl', 'events.parquet', 'journal', 'manifest.json', 'parts', 'performance.jsonl', 'performance.parquet', 'trades.jsonl', 'trades.parquet',
    ]);
    expect(names.filter((n) => /^summary-\d{8}\.json$/.test(n)).length).toBe(1);
    expect(await fsp.readdir(join(root, 'bt', 'parts'))).toEqual([]);
    expect(await store.readSummary('bt')).toMatchObject({ run_id: 'bt', final: true, mode: 'backtest', summary: { sharpe: 1.25, trades: 50, note: 'ok' } });
    const trades = await store.readResults('bt', 'trades');
    expect(trades.length).toBe(51);
    expect(trades[50]).toEqual({ seq: 50, ...trade(9999) });
    expect((await readRunRows(root, 'bt', 'performance', 'parquet')).length).toBe(1000);
    // The run is complete: it leaves the store's memory, and more records are refused, here and after a restart.
    expect(store.getStorageStatus().runs.map((r) => r.runId)).toEqual([]);
    expect(() => store.storeTimestepResults(T0, { runId: 'bt', portfolios: [] })).toThrow(/run bt is complete on disk/);
    await store.close();
    const again = await ResultsStore.open({ root });
    expect(() => again.storeTimestepResults(T0, { runId: 'bt', portfolios: [] })).toThrow(/run bt is complete on disk/);
    await again.close();
  });

  it('Parquet files are plain Parquet: DuckDB reads the same performance rows', async () => {
    const root = next();
    const store = await ResultsStore.open({ root, formats: ['parquet'] });
    await storeRun(store, 'duck', 200);
    await store.storeBacktestResults('duck', { summary: {} });
    await store.close();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const path = join(root, 'duck', 'performance.parquet').replaceAll("'", "''");
      const reader = await connection.runAndReadAll(`select seq, epoch_ms(ts) as ts, portfolio_id, equity, cash from read_parquet('${path}') order by seq`);
      const rows = reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
      expect(rows.length).toBe(400);
      expect(rows[3]).toEqual({ seq: 3, ts: T0 + MIN, portfolio_id: 'p1', equity: equityAt(1, 1), cash: cashAt(1, 1) });
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });

  it('live runs: storeLiveResults keeps the latest summary and the run open; a restarted store continues its numbering', async () => {
    const root = next();
    const store = await ResultsStore.open({ root });
    await storeRun(store, 'live-1', 10);
    await store.storeLiveResults('live-1', { summary: { pnl: 1 } });
    await store.storeLiveResults('live-1', { summary: { pnl: 2 } });
    expect(await store.readSummary('live-1')).toMatchObject({ final: false, mode: 'live', seq: 1, summary: { pnl: 2 } });
    await store.close();
    const reopened = await ResultsStore.open({ root });
    reopened.storeTimestepResults(T0 + 99 * MIN, { runId: 'live-1', portfolios: [{ portfolioId: 'p0', equity: 1, cash: 2 }] });
    await reopened.flush();
    const perf = await reopened.readResults('live-1', 'performance');
    expect(perf.length).toBe(21);
    expect(perf[20]).toEqual({ seq: 20, ts: T0 + 99 * MIN, portfolioId: 'p0', equity: 1, cash: 2 });
    const summaries = (await fsp.readdir(join(root, 'live-1'))).filter((n) => n.startsWith('summary-'));
    expect(summaries.length).toBe(1);
    await reopened.close();
  });

  it('a store call returns before anything is written (the loop never waits on I/O)', async () => {
    const root = next();
    const store = await ResultsStore.open({ root, writer_delay_ms: 50 });
    const started = performance.now();
    for (let i = 0; i < 100; i++) store.storeTimestepResults(T0 + i * MIN, { runId: 'fast', portfolios: [{ portfolioId: 'p', equity: i, cash: i }] });
    expect(performance.now() - started).toBeLessThan(50);
    expect(store.getStorageStatus()).toMatchObject({ queueDepth: 100, acknowledged: 0 });
    await store.close();
    expect(store.getStorageStatus()).toMatchObject({ queueDepth: 0, acknowledged: 100, written: 100 });
  });
});

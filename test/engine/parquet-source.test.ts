/**
 * A topology can read its bars from Parquet as well as CSV: the same bars give the same
 * dataset hash and exactly the same trades and equity, whichever file format they came from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars, writeBarsParquet } from '../../src/data/load-bars.ts';
import { hasSharedData, runConfig, SHARED_DATA } from './helpers/run-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'parquet-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const topology = (file: string) => ({
  name: 'goog-format',
  data: { timezone: 'America/New_York', streams: [{ symbol: 'GOOG', timeframe: '1d', file }] },
  strategies: [{ id: 'x', type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 }, inputs: ['GOOG_1d'] }],
  portfolios: [{ id: 'p', strategies: ['x'], risk: { stop_loss_pct: 4 } }],
  execution: { commission: { type: 'percent', pct: 0.1 }, slippage_bps: 2 },
});

describe.skipIf(!hasSharedData)('Parquet bar files as a topology source', () => {
  it('gives the same hash, trades and equity as the CSV it was converted from', async () => {
    const csv = join(SHARED_DATA, 'GOOG_1d.csv');
    const parquet = join(dir, 'GOOG_1d.parquet');
    const { series } = await loadBars({ path: csv, symbol: 'GOOG', timeframe: '1d', timezone: 'America/New_York' });
    await writeBarsParquet(parquet, series);
    const fromCsv = await runConfig(topology(csv));
    const fromParquet = await runConfig(topology(parquet));
    expect(fromParquet.graph.series[0].hash).toBe(fromCsv.graph.series[0].hash);
    const a = fromCsv.outcome.portfolios[0].result;
    const b = fromParquet.outcome.portfolios[0].result;
    expect(a.trades.length).toBeGreaterThan(20);
    expect(b.trades).toEqual(a.trades);
    expect(b.equity.equity).toEqual(a.equity.equity);
    expect(b.equity.ts).toEqual(a.equity.ts);
  });
});

/**
 * Every ```sql example of docs/backtest-store.md runs, in order, in one DuckDB session, on a
 * store filled by real runs (and the runs' own Parquet files): paths 'results/...' in the doc
 * point into a temp folder here. Each example must return rows; the drawdown example must
 * agree with the stored metric.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestStore } from '../../../src/stores/backtests/index.ts';
import { runTopology } from '../../../src/topology/run-topology.ts';
import { tempDir } from './helpers.ts';

const DOC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'backtest-store.md');
const temp = tempDir('bt-sql-');
afterAll(() => temp.cleanup());
const RESULTS = join(temp.dir, 'results');
const STORE = join(RESULTS, 'backtest-store');

function topology(fast: number, slow: number) {
  return {
    name: 'demo',
    data: { timezone: 'UTC', streams: [{ symbol: 'SYNA', timeframe: '1d', synthetic: { seed: 42, bars: 700, start_price: 100, start: '2015-01-02' } }, { symbol: 'SYNB', timeframe: '1d', synthetic: { seed: 7, bars: 700, start_price: 50, start: '2015-01-02' } }] },
    strategies: [
      { id: 'sma', type: 'sma_crossover', params: { fast_period: fast, slow_period: slow }, inputs: ['SYNA_1d'] },
      { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 14 }, inputs: ['SYNB_1d'] },
    ],
    portfolios: [
      { id: 'trend', strategies: ['sma'], risk: { stop_loss_pct: 6 } },
      { id: 'swing', strategies: ['rsi'], risk: { take_profit_pct: 10 } },
    ],
  };
}

/** The ```sql blocks of the doc, with 'results/ made to point into the temp folder. */
function examples(): string[] {
  const text = readFileSync(DOC, 'utf8');
  const blocks = [...text.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.map((sql) => sql.replaceAll("'results/", `'${RESULTS}/`));
}

describe('the SQL examples of docs/backtest-store.md', () => {
  beforeAll(async () => {
    for (const [i, [fast, slow]] of [[10, 30], [20, 50], [10, 50]].entries()) {
      await runTopology(topology(fast, slow), { outDir: join(RESULTS, 'demo', `run-${i + 1}`), backtestStore: STORE });
    }
    // a deleted backtest: its rows stay in the Parquet files, the examples must leave them out
    const store = await BacktestStore.open({ root: STORE });
    const all = await store.getAll();
    expect(all).toHaveLength(6);
    await store.delete(all[2].id);
    await store.close();
  });

  it('the doc has examples, and every one runs and returns rows', async () => {
    const blocks = examples();
    expect(blocks.length).toBeGreaterThanOrEqual(9);
    const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const c = await db.connect();
    try {
      for (const [i, sql] of blocks.entries()) {
        let rows: Record<string, unknown>[];
        try {
          rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
        } catch (error) {
          throw new Error(`example ${i + 1} failed: ${(error as Error).message}\n${sql}`);
        }
        if (/^\s*ATTACH/i.test(sql)) continue;
        expect(rows.length, `example ${i + 1} returned no rows:\n${sql}`).toBeGreaterThan(0);
        if (sql.includes('recomputed')) {
          expect(rows).toHaveLength(5);
          for (const r of rows) expect(Math.abs((r.recomputed as number) - (r.stored as number))).toBeLessThan(1e-12);
          expect(rows.some((r) => (r.stored as number) < 0)).toBe(true);
        }
        if (sql.includes("regexp_extract(filename")) {
          expect(new Set(rows.map((r) => r.run))).toEqual(new Set(['run-1', 'run-2', 'run-3']));
        }
        if (sql.includes('stored_backtests')) {
          expect(rows).toHaveLength(3);
          expect(rows.map((r) => Number(r.portfolios))).toEqual([2, 2, 2]);
          expect(rows.map((r) => Number(r.stored_backtests))).toEqual([2, 1, 2]);
        }
        if (sql.includes("value = '10'")) {
          expect(rows.length).toBe(2);
        }
      }
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});

/**
 * The backtest store hook: with `backtestStore`, every computed combination is stored once
 * (source sweep, the sweep's id, the same metrics as the result table), also when a chunk was
 * stored but not journaled before a crash; without it, nothing is stored.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BacktestStore } from '../../src/stores/backtests/index.ts';
import { runSweep } from '../../src/sweep/run-sweep.ts';
import { readSweepParquet } from '../../src/sweep/results.ts';
import { gridConfig, tempDir } from './helpers.ts';

describe('sweep into the backtest store', () => {
  const root = tempDir();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const config = () => gridConfig({ name: 'stored', bars: 400, chunkSize: 10, fast: [5, 10], stops: [null, 3] });

  it('stores each computed combination once, with its metrics, curve and trades', async () => {
    const storeDir = join(root, 'store');
    const out = join(root, 'sweep');
    const result = await runSweep(config(), { workers: 2, outDir: out, backtestStore: storeDir }).results;
    const sweepId = `stored/${result.configHash.slice(0, 16)}`;
    const { rows } = await readSweepParquet(result.parquet);

    // A crash after chunk 2 was stored but before it was journaled: the next run stores it again, replacing it.
    const journal = join(out, 'journal.jsonl');
    writeFileSync(journal, readFileSync(journal, 'utf8').split('\n').filter((l) => l && JSON.parse(l).chunk !== 2).join('\n') + '\n');
    const again = await runSweep(config(), { workers: 1, outDir: out, backtestStore: storeDir }).results;
    expect(again.computed).toBe(result.total - 20);

    const store = await BacktestStore.open({ root: storeDir });
    try {
      expect(await store.count({ sweepId })).toBe(result.total);
      expect(await store.sweeps()).toEqual([{ sweepId, count: result.total }]);
      const stored = await store.query({ sweepId, source: 'sweep' }, { by: 'sharpe', dir: 'desc' }, 3);
      const best = [...rows].filter((r) => r.metrics.sharpe !== null).sort((a, b) => b.metrics.sharpe! - a.metrics.sharpe!).slice(0, 3);
      expect(stored.map((s) => s.sharpe)).toEqual(best.map((r) => r.metrics.sharpe));
      expect(stored.map((s) => s.num_trades)).toEqual(best.map((r) => r.metrics.trades));
      const detail = await store.getDetailed(stored[0].id);
      expect(detail!.equity.ts.length).toBe(stored[0].equityPoints);
      expect(detail!.equity.ts.length).toBeGreaterThan(300);
      expect(detail!.trades.length).toBe(stored[0].num_trades);
    } finally {
      await store.close();
    }
  });
});

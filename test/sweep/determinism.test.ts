/**
 * A sweep's result table depends only on the grid: the same bytes with 1 or 2 workers and
 * from one run to the next, and the same rows (metrics to the bit) whether every combination
 * is fully backtested or its signals are generated once and replayed.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/run-sweep.ts';
import { readSweepParquet } from '../../src/sweep/results.ts';
import { computeMetrics } from '../../src/metrics/index.ts';
import { runTopology } from '../../src/topology/run-topology.ts';
import { expandSweep } from '../../src/sweep/expand.ts';
import { gridConfig, tempDir } from './helpers.ts';

describe('sweep determinism', () => {
  const root = tempDir();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives the same Parquet bytes with 1 and 2 workers, and on a second run', async () => {
    const config = gridConfig({ chunkSize: 7 });
    const one = await runSweep(config, { workers: 1, outDir: join(root, 'w1') }).results;
    const two = await runSweep(config, { workers: 2, outDir: join(root, 'w2') }).results;
    const again = await runSweep(config, { workers: 2, outDir: join(root, 'w2-again') }).results;
    expect(one.total).toBe(27 + 16);
    expect(one.chunks.total).toBe(Math.ceil(43 / 7));
    expect(one.stats.runner).toBe('in-process');
    expect(two.stats.workers).toBe(2);
    expect(one.computed).toBe(43);
    const bytes = readFileSync(one.parquet);
    expect(readFileSync(two.parquet).equals(bytes)).toBe(true);
    expect(readFileSync(again.parquet).equals(bytes)).toBe(true);
    const { rows, parameters } = await readSweepParquet(one.parquet);
    expect(rows).toHaveLength(43);
    expect(parameters).toEqual(expect.arrayContaining(['sma.fast_period', 'sma.slow_period', 'p.risk.stop_loss_pct', 'rsi.period', 'q.sizing.pct']));
    expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 43 }, (_, i) => i));
    // Some combinations trade, and the best rows are ranked by the objective.
    expect(rows.some((r) => r.metrics.trades > 0)).toBe(true);
    expect(one.best.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < one.best.length; i++) expect(one.best[i - 1].objective!).toBeGreaterThanOrEqual(one.best[i].objective!);
  });

  it('gives the same bytes when the threads load the TypeScript through tsx instead of the bundle', async () => {
    const config = gridConfig({ chunkSize: 7 });
    const bundled = await runSweep(config, { workers: 2, outDir: join(root, 'bundled') }).results;
    expect(bundled.stats).toMatchObject({ workers: 2, runner: 'bundle' });
    process.env.TRADEFLOW_SWEEP_BUNDLE = '0';
    try {
      const viaTsx = await runSweep(config, { workers: 2, outDir: join(root, 'tsx') }).results;
      expect(viaTsx.stats).toMatchObject({ workers: 2, runner: 'tsx' });
      expect(readFileSync(viaTsx.parquet).equals(readFileSync(bundled.parquet))).toBe(true);
    } finally {
      delete process.env.TRADEFLOW_SWEEP_BUNDLE;
    }
  });

  it('engine replay and engine backtest give the same rows, metrics equal exactly', async () => {
    const replay = await runSweep(gridConfig({ engine: 'replay' }), { workers: 2, outDir: join(root, 'replay') }).results;
    const backtest = await runSweep(gridConfig({ engine: 'backtest' }), { workers: 1, outDir: join(root, 'backtest') }).results;
    expect(replay.stats.instancesGenerated).toBe(9 + 8);
    const a = await readSweepParquet(replay.parquet);
    const b = await readSweepParquet(backtest.parquet);
    expect(b.rows).toEqual(a.rows);
    // The configs differ only in sweep.engine, so the folders differ.
    expect(replay.configHash).not.toBe(backtest.configHash);
  });

  it('each row equals a plain backtest of that one combination', async () => {
    const config = gridConfig({ fast: [10], stops: [null, 3] });
    const result = await runSweep(config, { workers: 1, outDir: join(root, 'single') }).results;
    const { rows } = await readSweepParquet(result.parquet);
    const expansion = expandSweep(config);
    for (const index of [0, 4, rows.length - 1]) {
      const combination = expansion.combinations[index];
      const portfolio = expansion.config.portfolios.find((p) => p.id === combination.portfolioId)!;
      const alone = await runTopology({
        ...expansion.config,
        sweep: undefined,
        strategies: expansion.config.strategies.filter((s) => combination.strategyIds.includes(s.id)),
        portfolios: [portfolio],
      }, { outDir: null, backtestStore: null });
      if (alone.mode === 'signal_generation') throw new Error('unexpected mode');
      const p = alone.outcome.portfolios[0];
      expect(rows[index].metrics).toEqual(p.metrics);
      expect(rows[index].metrics).toEqual(computeMetrics(p.result.equity, p.result.trades, { periodsPerYear: p.periodsPerYear }));
    }
  });
});

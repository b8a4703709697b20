/**
 * A topology with results_store persists the run through the ResultsStore: per-tick
 * performance rows (one per portfolio and tick) and trades identical to the run's own
 * outcome, every file verifying against its checksum, in both handoff modes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '../../src/stores/results/index.ts';
import { runTopology } from '../../src/topology/run-topology.ts';

const dir = mkdtempSync(join(tmpdir(), 'results-store-topology-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const topology = (performance: 'curve' | 'tick') => ({
  name: 'with-results-store',
  data: { timezone: 'UTC', streams: [{ symbol: 'SYN', timeframe: '1d', synthetic: { seed: 9, bars: 600 } }] },
  strategies: [
    { id: 'a', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['SYN_1d'] },
    { id: 'b', type: 'rsi_mean_reversion', inputs: ['SYN_1d'] },
  ],
  portfolios: [{ id: 'pa', strategies: ['a'] }, { id: 'pb', strategies: ['b'] }],
  results_store: { root: join(dir, performance), formats: ['csv', 'parquet'], performance },
});

describe('results_store in a topology', () => {
  for (const performance of ['curve', 'tick'] as const) {
    it(`stores every tick and trade of the run (${performance} handoff), verifiably`, async () => {
      const run = await runTopology(topology(performance), { outDir: null, runId: `run-${performance}` });
      if (run.mode === 'signal_generation') throw new Error('expected a backtest');
      const store = await ResultsStore.open({ root: join(dir, performance) });
      try {
        await store.verifyRun(`run-${performance}`);
        for (const format of ['csv', 'parquet'] as const) {
          const perf = await store.readResults(`run-${performance}`, 'performance', { format });
          const expected = run.outcome.portfolios.flatMap((p) => Array.from(p.result.equity.equity, (equity, i) => ({ portfolioId: p.result.id, ts: p.result.equity.ts[i], equity })));
          const got = (perf as Array<Record<string, unknown>>).map((r) => ({ portfolioId: r.portfolioId, ts: r.ts, equity: r.equity }));
          expect(got.length).toBe(600 * 2);
          expect(new Set(got.map((r) => JSON.stringify(r)))).toEqual(new Set(expected.map((r) => JSON.stringify(r))));
          const trades = await store.readResults(`run-${performance}`, 'trades', { format });
          expect(trades.length).toBe(run.outcome.portfolios.reduce((n, p) => n + p.result.trades.length, 0));
          expect(trades.length).toBeGreaterThan(10);
        }
      } finally {
        await store.close();
      }
    });
  }

  it('is refused where there is nothing to store or no bus to follow', async () => {
    await expect(runTopology({ ...topology('curve'), mode: 'signal_generation', signals: { store: join(dir, 'signals') } }, { outDir: null })).rejects.toThrow(/results_store: signal_generation has no portfolio results to store/);
  });
});

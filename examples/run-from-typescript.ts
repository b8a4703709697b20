/**
 * Running a backtest from your own TypeScript code: a topology given as an object, run
 * in-process, results read from the returned outcome (nothing written: outDir null).
 *   npx tsx examples/run-from-typescript.ts
 */
import { runTopology } from 'tradeflow';

const run = await runTopology(
  {
    name: 'from-typescript',
    data: { timezone: 'UTC', streams: [{ symbol: 'SYN', timeframe: '1d', synthetic: { seed: 11, bars: 1000 } }] },
    strategies: [
      { id: 'fast', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['SYN_1d'] },
      { id: 'slow', type: 'sma_crossover', params: { fast_period: 20, slow_period: 100 }, inputs: ['SYN_1d'] },
    ],
    portfolios: [
      { id: 'fast', strategies: ['fast'] },
      { id: 'slow', strategies: ['slow'] },
    ],
    execution: { commission: { type: 'percent', pct: 0.05 } },
  },
  { outDir: null },
);

if (run.mode === 'signal_generation') throw new Error('this example runs a backtest');
for (const p of run.outcome.portfolios) {
  console.log(`${p.result.id}: total return ${(p.metrics.total_return * 100).toFixed(2)}%, Sharpe ${p.metrics.sharpe?.toFixed(3)}, ${p.metrics.trades} trades`);
}

/**
 * A parameter sweep from your own TypeScript code: a topology object with lists and ranges
 * in it, run on two worker threads, progress read as an async stream, the best combinations
 * read from the typed result (every combination is in the Parquet file it names).
 *   npx tsx examples/sweep-from-typescript.ts [folder]
 * Run it twice with the same folder: the second run finds every chunk finished and computes nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep } from 'tradeflow';

const outDir = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), 'tradeflow-sweep-')), 'sweep');

const run = runSweep(
  {
    name: 'sweep-from-typescript',
    data: { timezone: 'UTC', streams: [{ symbol: 'SYN', timeframe: '1d', synthetic: { seed: 11, bars: 1500 } }] },
    strategies: [
      // 3 x 4 = 12 instances; each distinct indicator (sma_5, sma_30, ...) is computed once.
      { id: 'sma', type: 'sma_crossover', params: { fast_period: [5, 10, 20], slow_period: 'range(30, 110, 20)' }, inputs: ['SYN_1d'] },
    ],
    // One portfolio per (instance, stop): 24 combinations; null = no stop.
    portfolios: [{ id: 'p', strategies: ['sma'], risk: { stop_loss_pct: [null, 5] } }],
    execution: { commission: { type: 'percent', pct: 0.05 } },
    sweep: { objective: 'sharpe', top: 3, chunk_size: 8 },
  },
  { workers: 2, outDir },
);

let updates = 0;
let last = '';
for await (const p of run.progress) {
  updates++;
  last = `${p.done}/${p.total}`;
}
const result = await run.results;

console.log(`sweep ${result.name}: ${result.total} combinations, ${result.computed} computed, ${result.resumed} resumed`);
console.log(`best ${result.best.length} by sharpe:`);
for (const row of result.best) {
  const params = result.parameters.map((name) => `${name}=${row.params[name] ?? 'none'}`).join(' ');
  console.log(`  ${row.rank}. ${params}: sharpe ${row.metrics.sharpe?.toFixed(3)}, total return ${(row.metrics.total_return * 100).toFixed(2)}%, ${row.metrics.trades} trades`);
}
console.log(`progress: ${updates > 0 ? `last ${last}` : 'none'}`);
console.log(`results: ${result.parquet}`);

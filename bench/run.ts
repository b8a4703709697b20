/**
 * `npm run bench`: prints the figures and saves them as JSON under results/bench/.
 * Needs ../shared/data (real minute bars); skips with a message when it is absent.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchPipeline, type PipelineFigure } from './pipeline.ts';

const DATA = new URL('../../shared/data/', import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 7);

const execution = { fill: 'next_open', commission: { type: 'percent', pct: 0.01 }, slippage_bps: 1 };

const singleSymbol = {
  name: 'bench-nvda-sma',
  data: { timezone: 'America/New_York', streams: [{ symbol: 'NVDA', timeframe: '1m', file: join(DATA, 'NVDA_1m.csv') }] },
  strategies: [{ id: 'sma_10_30', type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 }, inputs: ['NVDA_1m'] }],
  portfolios: [{ id: 'p', strategies: ['sma_10_30'], initial_cash: 100_000 }],
  execution,
  engine: { trace: { retention: 'none' } },
};

const multiSymbol = {
  name: 'bench-3x1m-pairs',
  data: {
    timezone: 'America/New_York',
    missing_bars: 'ffill',
    streams: ['SPY', 'QQQ', 'NVDA'].map((symbol) => ({ symbol, timeframe: '1m', file: join(DATA, `${symbol}_1m.csv`) })),
  },
  strategies: [
    { id: 'pairs_spy_qqq', type: 'pairs_zscore', params: { period: 60, entry: 2, exit: 0.5 }, inputs: ['SPY_1m', 'QQQ_1m'] },
    { id: 'pairs_qqq_nvda', type: 'pairs_zscore', params: { period: 60, entry: 2, exit: 0.5 }, inputs: ['QQQ_1m', 'NVDA_1m'] },
  ],
  portfolios: [{ id: 'p', strategies: ['pairs_spy_qqq', 'pairs_qqq_nvda'], initial_cash: 100_000, sizing: { type: 'percent_equity', pct: 45 } }],
  execution,
  engine: { trace: { retention: 'none' } },
};

async function main(): Promise<void> {
  if (!existsSync(join(DATA, 'NVDA_1m.csv'))) {
    console.log(`bench skipped: ${DATA} is absent (the benchmarks read the real minute bars in ../shared/data)`);
    return;
  }
  const figures: PipelineFigure[] = [];
  for (const topology of [singleSymbol, multiSymbol]) {
    const figure = await benchPipeline(topology.name, topology, DATA, runs);
    figures.push(figure);
    console.log(
      `${figure.name.padEnd(20)} ${figure.bars.toLocaleString('en-US').padStart(9)} bars  median ${figure.medianLoopMs.toFixed(1)} ms` +
        `  ${Math.round(figure.barsPerSecond).toLocaleString('en-US').padStart(11)} bars/s  (best ${figure.bestLoopMs.toFixed(1)} ms, ${figure.runs} runs)` +
        `  signals ${figure.signals} fills ${figure.fills}  peak RSS ${figure.peakRssMb.toFixed(0)} MB`,
    );
  }
  const report = { date: new Date().toISOString(), node: process.version, runs, figures };
  const dir = new URL('../results/bench/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `pipeline-${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'pipeline-latest.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(`saved ${file}`);
}

await main();

/**
 * `npm run bench`: the pipeline benchmarks, each case in its own Node process so that its
 * peak memory (max RSS) is its own. Prints the figures and saves them as JSON under
 * results/bench/. Needs ../shared/data (real minute bars); skips with a message without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPipeline, type PipelineFigure } from './pipeline.ts';
import { BENCH_CASES, DATA } from './cases.ts';

const runs = Number(process.env.BENCH_RUNS ?? 7);

async function runCase(name: string): Promise<void> {
  const topology = BENCH_CASES[name];
  if (!topology) throw new Error(`unknown bench case ${name} (known: ${Object.keys(BENCH_CASES).join(', ')})`);
  const figure = await benchPipeline(name, topology, DATA, runs);
  process.stdout.write(JSON.stringify(figure) + '\n');
}

function format(f: PipelineFigure): string {
  return `${f.name.padEnd(18)} ${f.bars.toLocaleString('en-US').padStart(9)} bars  median ${f.medianLoopMs.toFixed(1).padStart(6)} ms` +
    `  ${Math.round(f.barsPerSecond).toLocaleString('en-US').padStart(10)} bars/s  (best ${f.bestLoopMs.toFixed(1)} ms of ${f.runs})` +
    `  signals ${f.signals}  fills ${f.fills}  trades ${f.trades}  peak RSS ${f.peakRssMb.toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--case');
  if (at >= 0) return runCase(process.argv[at + 1]);
  if (!existsSync(join(DATA, 'NVDA_1m.csv'))) {
    console.log(`bench skipped: ${DATA} is absent (the benchmarks read the real minute bars in ../shared/data)`);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const figures: PipelineFigure[] = [];
  for (const name of Object.keys(BENCH_CASES)) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--case', name], { encoding: 'utf8', env: process.env });
    if (child.status !== 0) throw new Error(`bench case ${name} failed:\n${child.stderr}`);
    const figure = JSON.parse(child.stdout.trim().split('\n').pop()!) as PipelineFigure;
    figures.push(figure);
    console.log(format(figure));
  }
  const report = { date: new Date().toISOString(), node: process.version, runsPerCase: runs, figures };
  const dir = fileURLToPath(new URL('../results/bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `pipeline-${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'pipeline-latest.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(`saved ${file}`);
}

await main();

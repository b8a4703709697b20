/** Full event-driven pipeline throughput (issue: runtime core). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSuite } from '../suite.ts';
import { benchPipeline } from './pipeline-core.ts';
import { BENCH_CASES, DATA } from './pipeline-cases.ts';

const runs = Number(process.env.BENCH_RUNS ?? 7);

export const suite: BenchSuite = {
  name: 'pipeline',
  cases: () => Object.keys(BENCH_CASES),
  skip: () => (existsSync(join(DATA, 'NVDA_1m.csv')) ? null : `${DATA} is absent (the pipeline benchmarks read real minute bars)`),
  runCase: async (name) => {
    const topology = BENCH_CASES[name];
    if (!topology) throw new Error(`unknown pipeline case ${name}`);
    const f = await benchPipeline(name, topology, DATA, runs);
    const line = `${f.name.padEnd(18)} ${f.bars.toLocaleString('en-US').padStart(9)} bars  median ${f.medianLoopMs.toFixed(1).padStart(6)} ms` +
      `  ${Math.round(f.barsPerSecond).toLocaleString('en-US').padStart(10)} bars/s  (best ${f.bestLoopMs.toFixed(1)} ms of ${f.runs})` +
      `  signals ${f.signals}  fills ${f.fills}  trades ${f.trades}  peak RSS ${f.peakRssMb.toFixed(0)} MB`;
    return { figure: f, line };
  },
};

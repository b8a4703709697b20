/**
 * Results store figures (issue: results store), each case in its own process:
 *   - loop-overhead: the backtest loop of sma_crossover(10, 30) on NVDA_1m with the store
 *     attached (every format) versus without, same run: in 'curve' mode (the default: the
 *     engine's per-tick P&L is handed over after the loop, where the engine computes it) and
 *     in 'tick' mode (rows computed and handed over inside the loop). Each mode runs in its
 *     own worker processes (warm-up, then measured runs, after each of which the store's
 *     finish() writes the run: its garbage is collected during the next loops, as in a
 *     sweep), interleaved in rounds; medians compared. finish() is timed on its own.
 *   - throughput-<format>: sustained rows/s of performance rows through the whole store
 *     (queue, journal with fsync, part files, manifest, compaction) for one format, from an
 *     asynchronous producer that awaits when the queue is full.
 *   - memory-slow-disk-<capacity>: a producer storing 500 k timesteps (a row and a trade each)
 *     as fast as it can onto a simulated slow disk (50 ms per journal append): the queue's
 *     high-water mark and the peak memory while producing, for two bounds and for a bound as
 *     large as the data (what memory would be without one): memory follows the bound, not
 *     the number of records.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResultsStore, attachResultsStore, type ResultFormat, type TradeRecord } from '../../src/stores/results/index.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import { validateTopology } from '../../src/topology/load.ts';
import { planTopology } from '../../src/topology/plan.ts';
import { runGraph } from '../../src/topology/run.ts';
import type { BenchSuite } from '../suite.ts';
import { collector } from '../collector.ts';
import { BENCH_CASES, DATA } from './pipeline-cases.ts';

const ROUNDS = Number(process.env.BENCH_RUNS ?? 7);
const WARMUP = 5;
const LOOP_RUNS = 9;
const SELF = fileURLToPath(import.meta.url);
const THROUGHPUT_ROWS = 1_000_000;
const MEMORY_ROWS = 500_000;
const SLOW_DISK_MS = 50;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

async function withRoot<T>(fn: (root: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'results-bench-'));
  try {
    return await fn(join(dir, 'results'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type LoopMode = 'off' | 'curve' | 'tick';
const LOOP_MODES: readonly LoopMode[] = ['off', 'curve', 'tick'];

/**
 * One worker process: NVDA_1m loaded once, WARMUP runs, then LOOP_RUNS measured runs in one
 * mode; prints the median loop time (and, with the store on, the median finish time).
 */
async function loopWorker(mode: LoopMode): Promise<void> {
  const plan = planTopology(validateTopology(BENCH_CASES['nvda-1m-sma'], 'nvda-1m-sma'), DATA);
  const { series } = await loadStreams(plan);
  await withRoot(async (root) => {
    const store = await ResultsStore.open({ root });
    let n = 0;
    const loop: number[] = [];
    const finish: number[] = [];
    for (let i = 0; i < WARMUP + LOOP_RUNS; i++) {
      const graph = buildGraph(plan, series);
      let loopMs: number;
      if (mode === 'off') loopMs = runGraph(graph, { runId: 'off' }).stats.loopMs;
      else {
        const attached = attachResultsStore(store, graph, { runId: `run-${n++}`, performance: mode });
        const outcome = runGraph(graph, { runId: 'on', onTickEnd: attached.onTickEnd });
        loopMs = outcome.stats.loopMs;
        const t0 = performance.now();
        await attached.finish(outcome);
        if (i >= WARMUP) finish.push(performance.now() - t0);
      }
      if (i >= WARMUP) loop.push(loopMs);
    }
    await store.close();
    process.stdout.write(JSON.stringify({ mode, ticks: series[0].length, loopMs: median(loop), finishMs: finish.length ? median(finish) : null }) + '\n');
  });
}

/**
 * Store off / 'curve' (the default: rows handed over after the loop) / 'tick' (rows handed
 * over inside the loop), each in its own worker processes, interleaved in rounds so that a
 * busy stretch of the machine hits all three; medians of the workers' medians compared.
 * Separate processes keep each mode's JIT profile and heap its own (alternating modes in one
 * process deoptimised the loop at every switch).
 */
async function loopOverhead() {
  const results: Record<LoopMode, { loopMs: number; finishMs: number | null; ticks: number }[]> = { off: [], curve: [], tick: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? LOOP_MODES : [...LOOP_MODES].reverse();
    for (const mode of order) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--loop-worker', mode], { encoding: 'utf8', env: process.env });
      if (child.status !== 0) throw new Error(`loop worker ${mode} failed:\n${child.stderr}`);
      results[mode].push(JSON.parse(child.stdout.trim().split('\n').pop()!) as { loopMs: number; finishMs: number | null; ticks: number });
    }
  }
  const ticks = results.off[0].ticks;
  const med = (mode: LoopMode) => median(results[mode].map((r) => r.loopMs));
  const off = med('off');
  const slowdown = (mode: LoopMode) => round((med(mode) / off - 1) * 100);
  /** Per round: each mode against the off worker of the same round. */
  const paired = (mode: LoopMode) => round((median(results[mode].map((r, i) => r.loopMs / results.off[i].loopMs)) - 1) * 100);
  return {
    name: 'loop-overhead',
    topology: 'nvda-1m-sma',
    ticks,
    rounds: ROUNDS,
    runsPerWorker: LOOP_RUNS,
    medianLoopMsOff: round(off),
    medianLoopMsCurve: round(med('curve')),
    medianLoopMsTick: round(med('tick')),
    slowdownPctCurve: slowdown('curve'),
    slowdownPctTick: slowdown('tick'),
    pairedSlowdownPctCurve: paired('curve'),
    pairedSlowdownPctTick: paired('tick'),
    nsPerTickTick: round(((med('tick') - off) * 1e6) / ticks, 1),
    medianFinishMsCurve: round(median(results.curve.map((r) => r.finishMs ?? 0))),
    medianFinishMsTick: round(median(results.tick.map((r) => r.finishMs ?? 0))),
    workers: results,
  };
}

async function throughput(format: ResultFormat) {
  return withRoot(async (root) => {
    const store = await ResultsStore.open({ root, formats: [format], queue: { policy: 'wait' } });
    const row = { portfolioId: 'p', equity: 0, cash: 0 };
    const results = { runId: 'tp', portfolios: [row] };
    const t0 = performance.now();
    for (let i = 0; i < THROUGHPUT_ROWS; i++) {
      row.equity = 100_000 + Math.sin(i) * 1000;
      row.cash = 50_000 - i / 7;
      const accepted = store.storeTimestepResults(1_600_000_000_000 + i * 60_000, results);
      if (accepted !== true) await accepted;
    }
    const produced = performance.now() - t0;
    await store.storeBacktestResults('tp', { summary: { rows: THROUGHPUT_ROWS } });
    const total = performance.now() - t0;
    const status = store.getStorageStatus();
    await store.close();
    return {
      name: `throughput-${format}`,
      rows: THROUGHPUT_ROWS,
      seconds: round(total / 1000, 3),
      rowsPerSecond: Math.round(THROUGHPUT_ROWS / (total / 1000)),
      producerSeconds: round(produced / 1000, 3),
      bytesWritten: status.bytes,
      highWater: status.highWater,
    };
  });
}

/**
 * A producer storing MEMORY_ROWS timesteps (a performance row and a fresh trade object each)
 * as fast as it can, onto a disk made slow (50 ms per journal append, batches of 500): the
 * queue fills and the producer waits (policy wait). Live memory (heap and buffers, after a
 * collection) is sampled every 50 ms while it produces and once at the end of it (the final
 * flush is not part of the figure). With the bound set to the number of records, the
 * store holds everything: what memory would be without a bound.
 */
async function memorySlowDisk(capacity: number) {
  return withRoot(async (root) => {
    const store = await ResultsStore.open({
      root, formats: ['json'], writer_delay_ms: SLOW_DISK_MS, batch_size: 500, queue: { capacity, policy: 'wait' },
    });
    const gc = collector();
    gc();
    const base = process.memoryUsage();
    const live = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;
    let peak = { rss: base.rss, live: live(base) };
    let maxDepth = 0;
    // Live memory: collected first, so garbage of the background writer does not count.
    const sample = () => {
      gc();
      const m = process.memoryUsage();
      peak = { rss: Math.max(peak.rss, m.rss), live: Math.max(peak.live, live(m)) };
      maxDepth = Math.max(maxDepth, store.getStorageStatus().queueDepth);
    };
    const sampler = setInterval(sample, 50);
    const row = { portfolioId: 'p', equity: 0, cash: 0 };
    const results = { runId: 'slow', portfolios: [row], trades: [] as TradeRecord[] };
    const t0 = performance.now();
    for (let i = 0; i < MEMORY_ROWS; i++) {
      row.equity = i;
      row.cash = -i;
      results.trades = [benchTrade(i)];
      const accepted = store.storeTimestepResults(1_600_000_000_000 + i * 60_000, results);
      if (accepted !== true) await accepted;
    }
    const produceMs = performance.now() - t0;
    sample();
    clearInterval(sampler);
    await store.flush();
    const status = store.getStorageStatus();
    await store.close();
    return {
      name: `memory-slow-disk-${capacity === MEMORY_ROWS * 2 ? 'unbounded' : capacity}`,
      timesteps: MEMORY_ROWS,
      records: MEMORY_ROWS * 2,
      capacity,
      writerDelayMs: SLOW_DISK_MS,
      highWater: status.highWater,
      maxQueueDepthSampled: maxDepth,
      boundHeld: status.highWater <= capacity,
      baselineRssMb: mb(base.rss),
      peakRssAboveBaselineMb: mb(peak.rss - base.rss),
      peakLiveAboveBaselineMb: mb(peak.live - live(base)),
      producerSeconds: round(produceMs / 1000, 2),
      timestepsPerSecond: Math.round(MEMORY_ROWS / (produceMs / 1000)),
    };
  });
}

function benchTrade(i: number): TradeRecord {
  return {
    portfolioId: 'p', strategyId: 'sma_10_30', symbol: 'NVDA', stream: 'NVDA_1m', direction: i % 2 ? 'short' : 'long', quantity: 100,
    entryTime: 1_600_000_000_000 + i * 60_000, entryBarIdx: i, entryPrice: 100 + i / 1000, exitTime: 1_600_000_060_000 + i * 60_000,
    exitBarIdx: i + 1, exitPrice: 101, commission: 0.5, pnl: 99.5, returnPct: 0.00995, bars: 1, exitReason: 'signal',
  };
}

const CASES: Record<string, () => Promise<Record<string, unknown>>> = {
  'loop-overhead': loopOverhead,
  'throughput-csv': () => throughput('csv'),
  'throughput-json': () => throughput('json'),
  'throughput-parquet': () => throughput('parquet'),
  'memory-slow-disk-16384': () => memorySlowDisk(16_384),
  'memory-slow-disk-131072': () => memorySlowDisk(131_072),
  'memory-slow-disk-unbounded': () => memorySlowDisk(MEMORY_ROWS * 2),
};

function line(f: Record<string, unknown>): string {
  const name = String(f.name).padEnd(24);
  if (f.name === 'loop-overhead') {
    return `${name} ${String(f.ticks)} ticks  loop off ${String(f.medianLoopMsOff)} ms | store on (curve, default) ${String(f.medianLoopMsCurve)} ms: ` +
      `${String(f.slowdownPctCurve)}% (paired ${String(f.pairedSlowdownPctCurve)}%) | store on (tick) ${String(f.medianLoopMsTick)} ms: ` +
      `${String(f.slowdownPctTick)}% (paired ${String(f.pairedSlowdownPctTick)}%, ${String(f.nsPerTickTick)} ns/tick) | ` +
      `finish ${String(f.medianFinishMsCurve)} / ${String(f.medianFinishMsTick)} ms  (${String(f.rounds)} rounds x ${String(f.runsPerWorker)} runs)`;
  }
  if (String(f.name).startsWith('throughput')) {
    return `${name} ${Number(f.rowsPerSecond).toLocaleString('en-US').padStart(10)} rows/s  (${String(f.rows)} rows in ${String(f.seconds)} s, ${mb(Number(f.bytesWritten))} MB written)`;
  }
  return `${name} ${String(f.timesteps)} timesteps (${String(f.records)} records), ${String(f.writerDelayMs)} ms/append: ` +
    `queue high-water ${String(f.highWater)} (bound ${String(f.capacity)}: ${f.boundHeld ? 'held' : 'EXCEEDED'})  ` +
    `peak while producing: live heap + buffers +${String(f.peakLiveAboveBaselineMb)} MB, RSS +${String(f.peakRssAboveBaselineMb)} MB  ` +
    `${Number(f.timestepsPerSecond).toLocaleString('en-US')} timesteps/s`;
}

// A worker process of the loop-overhead case (started by loopOverhead with this file).
if (process.argv[2] === '--loop-worker') await loopWorker(process.argv[3] as LoopMode);

export const suite: BenchSuite = {
  name: 'results-store',
  cases: () => Object.keys(CASES).filter((c) => c !== 'loop-overhead' || existsSync(join(DATA, 'NVDA_1m.csv'))),
  runCase: async (name) => {
    const run = CASES[name];
    if (!run) throw new Error(`unknown results-store case ${name}`);
    const figure = await run();
    return { figure, line: line(figure) };
  },
};

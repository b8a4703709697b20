/**
 * Sweep figures (issue: parameter sweeps), over SPY_1m, QQQ_1m and NVDA_1m:
 * - grid-replay: a 504-combination grid (sma_crossover and ema_crossover fast x slow,
 *   rsi_mean_reversion period x bands, each on each symbol, x two stop-loss settings), engine
 *   replay (every instance generated once, portfolios batch-replayed), 2 workers: total time,
 *   combinations/s, strategy-bars/s, peak RSS;
 * - grid-backtest: the same grid with a full backtest of every combination (engine backtest);
 * - speedup, speedup-2000: the 504 (and 2,016) grid on 1 worker then 2 workers, interleaved in
 *   one process (fresh folders, data cache cleared): the speed-up of 2 workers over 1 (best of
 *   each), and the CPU time each used;
 * - memory-2000: a 2,016-combination grid (the same instances x 8 stop settings), engine
 *   replay, 2 workers, RSS sampled over the run, to show that memory does not grow with
 *   finished combinations;
 * - grid-2000-backtest: that grid with full backtests (where replay pays off: 8 portfolio
 *   variants per instance instead of 2).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BenchSuite } from '../suite.ts';
import { DATA } from './pipeline-cases.ts';
import { runSweep, type SweepResult } from '../../src/sweep/run-sweep.ts';
import { clearSweepWorkerCache } from '../../src/sweep/worker.ts';

const SYMBOLS = ['SPY', 'QQQ', 'NVDA'];

/** 3 symbols x (30 sma + 30 ema + 24 rsi instances) x stops: 252 instances, 252 x stops.length combinations. */
export function benchGrid(engine: 'replay' | 'backtest', stops: readonly (number | null)[], chunkSize = 28) {
  const strategies = SYMBOLS.flatMap((symbol) => {
    const inputs = [`${symbol}_1m`];
    return [
      { id: `sma_${symbol}`, type: 'sma_crossover', params: { fast_period: [5, 10, 15, 20, 30], slow_period: [40, 60, 80, 100, 150, 200] }, inputs },
      { id: `ema_${symbol}`, type: 'ema_crossover', params: { fast_period: [5, 10, 15, 20, 30], slow_period: [40, 60, 80, 100, 150, 200] }, inputs },
      { id: `rsi_${symbol}`, type: 'rsi_mean_reversion', params: { period: [7, 14, 21], oversold: [20, 25, 30, 35], overbought: [70, 75] }, inputs },
    ];
  });
  return {
    name: `bench-sweep-${engine}`,
    data: { timezone: 'America/New_York', missing_bars: 'ffill', streams: SYMBOLS.map((symbol) => ({ symbol, timeframe: '1m', file: join(DATA, `${symbol}_1m.csv`) })) },
    strategies,
    portfolios: strategies.map((s) => ({ id: `p_${s.id}`, strategies: [s.id], risk: { stop_loss_pct: [...stops] } })),
    execution: { commission: { type: 'percent', pct: 0.01 }, slippage_bps: 1 },
    sweep: { engine, chunk_size: chunkSize, objective: 'sharpe', top: 10 },
  };
}

const TWO_STOPS = [null, 2];
const EIGHT_STOPS = [null, 0.5, 1, 2, 3, 4, 6, 8];
const peakRssMb = () => (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const freshDir = () => join(mkdtempSync(join(tmpdir(), 'bench-sweep-')), 'sweep');

/**
 * The machine is shared: the 1-minute load average before and after, and the CPU time of the
 * process (all threads), say how much of two cores the run actually had.
 */
interface Measured { result: SweepResult; cpuMs: number; loadBefore: number; loadAfter: number }

function figures(m: Measured) {
  const r = m.result;
  const s = r.stats;
  return {
    cpuMs: m.cpuMs, coresUsed: m.cpuMs / s.durationMs, loadAvgBefore: m.loadBefore, loadAvgAfter: m.loadAfter,
    combinations: r.total, computed: r.computed, workers: s.workers, engine: r.settings.engine, chunks: r.chunks.total,
    totalMs: s.durationMs, signalsMs: s.signalsMs, combinationsMs: s.combinationsMs, assembleMs: s.assembleMs,
    instancesGenerated: s.instancesGenerated, strategyBars: s.strategyBars,
    combinationsPerSecond: s.combinationsPerSecond, strategyBarsPerSecond: s.strategyBarsPerSecond,
    best: r.best.slice(0, 3).map((b) => ({ index: b.index, params: b.params, sharpe: b.metrics.sharpe })),
  };
}

async function once(engine: 'replay' | 'backtest', workers: number, stops: readonly (number | null)[], sample?: (done: number) => void): Promise<Measured> {
  const loadBefore = loadavg()[0];
  const cpu = process.cpuUsage();
  const outDir = freshDir();
  const run = runSweep(benchGrid(engine, stops), { workers, outDir, baseDir: DATA });
  const watching = (async () => {
    for await (const p of run.progress) sample?.(p.done);
  })();
  const result = await run.results;
  await watching;
  rmSync(dirname(outDir), { recursive: true, force: true });
  const used = process.cpuUsage(cpu);
  return { result, cpuMs: (used.user + used.system) / 1000, loadBefore, loadAfter: loadavg()[0] };
}

async function grid(engine: 'replay' | 'backtest', stops: readonly (number | null)[]) {
  return { ...figures(await once(engine, 2, stops)), peakRssMb: peakRssMb() };
}

async function speedup(stops: readonly (number | null)[], rounds: number) {
  const runs: { workers: number; ms: number; cpuMs: number; loadBefore: number; loadAfter: number }[] = [];
  let rows: string | null = null;
  for (let round = 0; round < rounds; round++) {
    for (const workers of [1, 2]) {
      clearSweepWorkerCache();
      const m = await once('replay', workers, stops);
      runs.push({ workers, ms: m.result.stats.durationMs, cpuMs: m.cpuMs, loadBefore: m.loadBefore, loadAfter: m.loadAfter });
      const fingerprint = JSON.stringify(m.result.best);
      if (rows !== null && rows !== fingerprint) throw new Error('the best rows differ between worker counts');
      rows = fingerprint;
    }
  }
  const best = (w: number) => Math.min(...runs.filter((r) => r.workers === w).map((r) => r.ms));
  const cpu = (w: number) => Math.min(...runs.filter((r) => r.workers === w).map((r) => r.cpuMs));
  return { combinations: stops === TWO_STOPS ? 504 : 2016, runs, oneWorkerMs: best(1), twoWorkersMs: best(2), speedup: best(1) / best(2), oneWorkerCpuMs: cpu(1), twoWorkersCpuMs: cpu(2), sameResults: true };
}

async function memory2000() {
  const samples: { ms: number; done: number; rssMb: number }[] = [];
  const started = performance.now();
  let done = 0;
  const timer = setInterval(() => samples.push({ ms: Math.round(performance.now() - started), done, rssMb: Math.round(rssMb()) }), 250);
  const m = await once('replay', 2, EIGHT_STOPS, (d) => (done = d));
  const r = m.result;
  clearInterval(timer);
  samples.push({ ms: Math.round(performance.now() - started), done: r.total, rssMb: Math.round(rssMb()) });
  // RSS while the combinations run, at a quarter, half, three quarters of them and at the end.
  const at = (share: number) => samples.find((s) => s.done >= share * r.total)?.rssMb ?? null;
  const running = samples.filter((s) => s.done > 0);
  return {
    ...figures(m), peakRssMb: peakRssMb(), rssAtQuarterMb: at(0.25), rssAtHalfMb: at(0.5), rssAtThreeQuartersMb: at(0.75), rssAtEndMb: at(1),
    maxRssWhileRunningMb: Math.max(...running.map((s) => s.rssMb)), samples,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export const suite: BenchSuite = {
  name: 'sweep',
  cases: () => ['grid-replay', 'grid-backtest', 'speedup', 'speedup-2000', 'memory-2000', 'grid-2000-backtest'],
  skip: () => (SYMBOLS.every((s) => existsSync(join(DATA, `${s}_1m.csv`))) ? null : `${DATA} is absent`),
  runCase: async (name) => {
    if (name === 'grid-replay' || name === 'grid-backtest' || name === 'grid-2000-backtest') {
      const f = await grid(name === 'grid-replay' ? 'replay' : 'backtest', name === 'grid-2000-backtest' ? EIGHT_STOPS : TWO_STOPS);
      return {
        figure: f,
        line: `${name}: ${f.combinations} combinations (${f.instancesGenerated || '-'} instances generated) on ${f.workers} workers in ${(f.totalMs / 1000).toFixed(1)} s ` +
          `(signals ${(f.signalsMs / 1000).toFixed(1)} s, combinations ${(f.combinationsMs / 1000).toFixed(1)} s): ${f.combinationsPerSecond.toFixed(1)} combinations/s, ` +
          `${fmt(f.strategyBarsPerSecond)} strategy-bars/s, peak RSS ${f.peakRssMb.toFixed(0)} MB; ${f.coresUsed.toFixed(2)} cores used, load ${f.loadAvgBefore.toFixed(1)}`,
      };
    }
    if (name === 'speedup' || name === 'speedup-2000') {
      const rounds = name === 'speedup' ? 3 : 2;
      const f = await speedup(name === 'speedup' ? TWO_STOPS : EIGHT_STOPS, rounds);
      const list = (w: number) => f.runs.filter((r) => r.workers === w).map((r) => `${(r.ms / 1000).toFixed(1)}`).join('/');
      return {
        figure: f,
        line: `${name}: ${f.combinations} combinations, 1 worker ${list(1)} s, 2 workers ${list(2)} s: ${f.speedup.toFixed(2)}x (best of ${rounds} each, interleaved), same results; ` +
          `CPU ${(f.oneWorkerCpuMs / 1000).toFixed(1)} vs ${(f.twoWorkersCpuMs / 1000).toFixed(1)} s; load ${f.runs.map((r) => r.loadBefore.toFixed(1)).join('/')}`,
      };
    }
    const f = await memory2000();
    return {
      figure: f,
      line: `memory-2000: ${f.combinations} combinations in ${(f.totalMs / 1000).toFixed(1)} s, peak RSS ${f.peakRssMb.toFixed(0)} MB; RSS at 25/50/75/100% ${f.rssAtQuarterMb}/${f.rssAtHalfMb}/${f.rssAtThreeQuartersMb}/${f.rssAtEndMb} MB`,
    };
  },
};

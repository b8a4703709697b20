/**
 * Market data store figures (issue: market data store), each case in its own process:
 *   - import throughput (bars/s) of the minute files of ../shared/data into a fresh store:
 *     loadBars (parse, validate, zones) + store validation + Parquet part files + fsyncs +
 *     manifest commit, median of BENCH_RUNS runs;
 *   - getBars for one trading day of 1m bars out of six months (SPY_1m.csv): p50 / p99 over
 *     every trading day of the file, several shuffled passes (first pass excluded as warm-up),
 *     with the part files and row groups each query read (the store's counters);
 *   - getBars for the whole six months (the cost of full scans over day-sized row groups);
 *   - getLatestBar served from the cache: p50 / p99 per call (hrtime around each call).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zoneConverter } from '../../src/data/timezone.ts';
import { importBarFile, MarketDataStore } from '../../src/stores/market-data/index.ts';
import { percentile } from '../../src/stores/market-data/metrics.ts';
import type { BenchSuite } from '../suite.ts';

const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const ET = 'America/New_York';
const DAY = 86_400_000;

const minuteFiles = () => readdirSync(DATA).filter((f) => /_1m(_.*)?\.csv$/.test(f)).sort();
const symbolOf = (file: string) => file.split('_')[0];

async function withStore<T>(fn: (store: MarketDataStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mds-bench-'));
  try {
    return await fn(await MarketDataStore.open(join(dir, 'store')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function importThroughput() {
  const files = minuteFiles();
  const times: number[] = [];
  let bars = 0;
  for (let r = 0; r < runs; r++) {
    await withStore(async (store) => {
      bars = 0;
      const t0 = performance.now();
      for (const f of files) {
        const report = await importBarFile(store, { file: join(DATA, f), symbol: symbolOf(f), timeframe: '1m', timezone: ET });
        bars += report.batches[0].batch.stored;
      }
      times.push(performance.now() - t0);
    });
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const figure = { case: 'import-minute-files', files, bars, runs, medianMs: round(median, 1), bestMs: round(times[0], 1), barsPerSecond: Math.round((bars / median) * 1000) };
  const line = `import ${files.length} minute files  ${bars.toLocaleString('en-US')} bars  median ${figure.medianMs} ms  ${figure.barsPerSecond.toLocaleString('en-US')} bars/s  (best ${figure.bestMs} ms of ${runs})`;
  return { figure, line };
}

/** [local midnight, next local midnight) of every New York date with bars. */
function tradingDays(starts: Float64Array): [number, number][] {
  const zone = zoneConverter(ET);
  const days = new Map<number, [number, number]>();
  for (const t of starts) {
    const wallDay = Math.floor((t + zone.offsetAt(t)) / DAY) * DAY;
    if (!days.has(wallDay)) days.set(wallDay, [zone.wallToUtc(wallDay), zone.wallToUtc(wallDay + DAY)]);
  }
  return [...days.values()];
}

async function oneDayLatency() {
  return withStore(async (store) => {
    await importBarFile(store, { file: join(DATA, 'SPY_1m.csv'), symbol: 'SPY', timeframe: '1m', timezone: ET });
    const all = await store.getBars('SPY', '1m');
    const days = tradingDays(all.start);
    const c0 = { ...store.metrics.counters } as Record<string, number | undefined>;
    const passes = 6;
    const samples: number[] = [];
    let bars = 0;
    let seed = 7;
    for (let p = 0; p < passes; p++) {
      const order = days.map((d) => ({ d, k: (seed = (seed * 1103515245 + 12345) % 2 ** 31) })).sort((a, b) => a.k - b.k).map((x) => x.d);
      for (const [start, end] of order) {
        const t0 = performance.now();
        const s = await store.getBars('SPY', '1m', start, end);
        const ms = performance.now() - t0;
        if (p > 0) samples.push(ms);
        bars += s.length;
      }
    }
    samples.sort((a, b) => a - b);
    const queries = passes * days.length;
    const c = { ...store.metrics.counters } as Record<string, number | undefined>;
    const per = (k: string) => (c[k] === undefined ? null : round((c[k]! - (c0[k] ?? 0)) / queries, 2));
    const figure = { case: 'getbars-one-day', file: 'SPY_1m.csv', seriesBars: all.length, tradingDays: days.length, samples: samples.length, avgBarsPerDay: round(bars / queries, 1), p50Ms: round(percentile(samples, 0.5)), p99Ms: round(percentile(samples, 0.99)), maxMs: round(samples[samples.length - 1]), filesPerQuery: per('filesRead'), rowGroupsReadPerQuery: per('rowGroupsRead'), rowGroupsSkippedPerQuery: per('rowGroupsSkipped') };
    const groups = figure.rowGroupsReadPerQuery === null ? '' : `, ${figure.rowGroupsReadPerQuery} row group(s) decoded and ${figure.rowGroupsSkippedPerQuery} skipped`;
    const line = `getBars one day of SPY 1m (of ${days.length} days)  p50 ${figure.p50Ms} ms  p99 ${figure.p99Ms} ms  (${figure.samples} queries, ~${figure.avgBarsPerDay} bars each; per query ${figure.filesPerQuery} file(s)${groups})`;
    return { figure, line };
  });
}

async function sixMonthsLatency() {
  return withStore(async (store) => {
    await importBarFile(store, { file: join(DATA, 'SPY_1m.csv'), symbol: 'SPY', timeframe: '1m', timezone: ET });
    const samples: number[] = [];
    let bars = 0;
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const s = await store.getBars('SPY', '1m');
      const ms = performance.now() - t0;
      if (i >= 10) samples.push(ms);
      bars = s.length;
    }
    samples.sort((a, b) => a - b);
    const figure = { case: 'getbars-six-months', file: 'SPY_1m.csv', bars, samples: samples.length, p50Ms: round(percentile(samples, 0.5)), p99Ms: round(percentile(samples, 0.99)) };
    const line = `getBars all six months of SPY 1m (${bars.toLocaleString('en-US')} bars)  p50 ${figure.p50Ms} ms  p99 ${figure.p99Ms} ms  (${figure.samples} queries)`;
    return { figure, line };
  });
}

async function latestFromCache() {
  return withStore(async (store) => {
    await importBarFile(store, { file: join(DATA, 'SPY_1m.csv'), symbol: 'SPY', timeframe: '1m', timezone: ET });
    const m0 = process.hrtime.bigint();
    await store.getLatestBar('SPY', '1m'); // the miss: reads the last partition file
    const missUs = Number(process.hrtime.bigint() - m0) / 1000;
    const n = 100_000;
    const samples = new Float64Array(n);
    for (let i = 0; i < 1000; i++) await store.getLatestBar('SPY', '1m'); // warm-up
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      await store.getLatestBar('SPY', '1m');
      samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    samples.sort();
    const cache = store.cacheStats();
    const figure = { case: 'latest-bar-cache', calls: n, p50Us: round(percentile(samples, 0.5), 2), p99Us: round(percentile(samples, 0.99), 2), missUs: round(missUs, 1), hitRate: round(cache.hitRate, 6) };
    const line = `getLatestBar from cache  p50 ${figure.p50Us} µs  p99 ${figure.p99Us} µs  (${n.toLocaleString('en-US')} calls; the first, a miss, ${figure.missUs} µs; hit rate ${figure.hitRate})`;
    return { figure, line };
  });
}

const CASES: Record<string, () => Promise<{ figure: unknown; line: string }>> = {
  'import-minute-files': importThroughput,
  'getbars-one-day': oneDayLatency,
  'getbars-six-months': sixMonthsLatency,
  'latest-bar-cache': latestFromCache,
};

export const suite: BenchSuite = {
  name: 'market-data',
  cases: () => Object.keys(CASES),
  skip: () => (existsSync(join(DATA, 'SPY_1m.csv')) ? null : `${DATA} is absent (the market data store benchmarks import real minute bars)`),
  runCase: async (name) => {
    const run = CASES[name];
    if (!run) throw new Error(`unknown market-data case ${name}`);
    return run();
  },
};

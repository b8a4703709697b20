/**
 * Backtest store figures (issue: backtest store), each case in its own process, on a store of
 * 10,000 backtests that each have a daily 10-year equity curve (2,520 points) and 30 trades:
 * 20 symbols x 5 strategies x 100 parameter sets, random metrics.
 *   - bulk-store: storeMany in 10 batches of 1,000 (backtests/s, per batch and overall), then
 *     the store's size per backtest (DuckDB file + Parquet files) and that of one backtest
 *     stored alone; leaves the store for the next cases;
 *   - bulk-store-1y: the same with one-year curves (252 points, 10 trades), 5 batches of 1,000:
 *     how the rate scales with curve length (the Parquet encoding of the points dominates);
 *   - lookups: open (index load), `get` point lookups, the filtered query (symbol and strategy
 *     and sharpe > x), the same query after the file was let go (idle close), getDetailed,
 *     p50/p95 over many calls with varying keys; then the temp folder is removed.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BacktestStore, type BacktestInput, type TradeRow } from '../../src/stores/backtests/index.ts';
import type { BenchSuite } from '../suite.ts';
import { collector } from '../collector.ts';
import { mulberry32 } from '../../src/data/prng.ts';

const ROOT = join(tmpdir(), `tradeflow-bench-backtest-store-${process.env.USER ?? 'user'}`);
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `SYM${String(i).padStart(2, '0')}`);
const STRATEGIES = ['sma_crossover', 'ema_crossover', 'rsi_mean_reversion', 'bollinger_mean_reversion', 'donchian_breakout'];
const TOTAL = 10_000;
const BATCH = 1_000;
const POINTS = 2_520;
const TRADES = 30;
const DAY = 86_400_000;

/** Uniform [0, 1) from the project's seeded mulberry32. */
const rng = (seed: number): (() => number) => mulberry32(seed).next;

/** One trading calendar for every curve (as daily bars of one market share it). */
const CALENDAR = (() => {
  const ts = new Float64Array(POINTS);
  let t = Date.UTC(2011, 0, 3);
  for (let i = 0; i < POINTS; i++) {
    while ([0, 6].includes(new Date(t).getUTCDay())) t += DAY;
    ts[i] = t;
    t += DAY;
  }
  return ts;
})();

export function benchBacktest(k: number, points = POINTS, tradeCount = TRADES): BacktestInput {
  const r = rng(k + 1);
  const symbol = SYMBOLS[k % SYMBOLS.length];
  const strategy = STRATEGIES[Math.floor(k / SYMBOLS.length) % STRATEGIES.length];
  const set = Math.floor(k / (SYMBOLS.length * STRATEGIES.length));
  const equity = new Float64Array(points);
  let v = 100_000;
  for (let i = 0; i < points; i++) {
    equity[i] = v;
    v *= 1 + (r() - 0.5) * 0.03;
  }
  const trades: TradeRow[] = Array.from({ length: tradeCount }, (_, i) => {
    const entryBarIdx = i * Math.floor(points / tradeCount);
    const entryPrice = 50 + r() * 100;
    const exitPrice = entryPrice * (1 + (r() - 0.5) * 0.2);
    const quantity = 1 + Math.floor(r() * 500);
    const pnl = (exitPrice - entryPrice) * quantity - 2;
    return {
      portfolioId: 'p', strategyId: strategy, symbol, stream: `${symbol}_1d`, direction: 'long', quantity,
      entryTime: CALENDAR[entryBarIdx], entryBarIdx, entryPrice, exitTime: CALENDAR[entryBarIdx + 10], exitBarIdx: entryBarIdx + 10, exitPrice,
      commission: 2, pnl, returnPct: pnl / (quantity * entryPrice), bars: 10, exitReason: 'signal',
    };
  });
  return {
    symbols: [symbol], timeframe: '1d', strategy,
    params: { fast_period: 5 + (set % 10), slow_period: 30 + 10 * Math.floor(set / 10), long_only: false },
    exitRule: set % 3 === 0 ? { type: 'signal' } : { type: 'fixed_stop', stop_pct: 5 + (set % 3) },
    start: CALENDAR[0], end: CALENDAR[points - 1], source: 'sweep', sweepId: `bench-${strategy}`,
    metrics: {
      win_rate: r(), num_trades: tradeCount, total_return: r() * 2 - 0.5, cagr: r() * 0.3 - 0.05, sharpe: r() * 3 - 1, sortino: r() * 4 - 1,
      max_drawdown: -r() * 0.6, expectancy: r() * 100 - 20, profit_factor: r() * 3, exposure: r(),
    },
    equity: { ts: points === POINTS ? CALENDAR : CALENDAR.subarray(0, points), equity },
    trades,
  };
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

function folderBytes(dir: string): { total: number; byPart: Record<string, number> } {
  const byPart: Record<string, number> = {};
  let total = 0;
  const walk = (path: string, part: string) => {
    for (const name of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, name.name);
      if (name.isDirectory()) walk(full, name.name);
      else {
        const size = statSync(full).size;
        const key = part === '' ? (name.name.startsWith('backtests.duckdb') ? 'duckdb' : 'other') : part;
        byPart[key] = (byPart[key] ?? 0) + size;
        total += size;
      }
    }
  };
  walk(dir, '');
  return { total, byPart };
}

async function bulkStore() {
  rmSync(ROOT, { recursive: true, force: true });
  const store = await BacktestStore.open({ root: ROOT });
  const perBatch: number[] = [];
  let storing = 0;
  for (let b = 0; b < TOTAL / BATCH; b++) {
    const batch = Array.from({ length: BATCH }, (_, i) => benchBacktest(b * BATCH + i));
    const started = performance.now();
    await store.storeMany(batch);
    const ms = performance.now() - started;
    storing += ms;
    perBatch.push(BATCH / (ms / 1000));
  }
  await store.close();
  const size = folderBytes(ROOT);
  // one backtest stored alone (a topology run's portfolio): its own files and rows
  const alone = join(ROOT, '..', `${ROOT.split('/').pop()}-alone`);
  rmSync(alone, { recursive: true, force: true });
  const single = await BacktestStore.open({ root: alone });
  await single.store(benchBacktest(0));
  await single.close();
  const aloneSize = folderBytes(alone);
  rmSync(alone, { recursive: true, force: true });
  const perKb = (bytes: number) => round(bytes / TOTAL / 1024, 1);
  const figure = {
    backtests: TOTAL, batch: BATCH, equityPoints: POINTS, tradesEach: TRADES,
    backtestsPerSecond: round(TOTAL / (storing / 1000), 0),
    backtestsPerSecondPerBatch: { min: round(Math.min(...perBatch), 0), median: round(pct(perBatch, 50), 0), max: round(Math.max(...perBatch), 0) },
    bytesPerBacktestKb: { total: perKb(size.total), equity: perKb(size.byPart.equity ?? 0), trades: perKb(size.byPart.trades ?? 0), duckdb: perKb(size.byPart.duckdb ?? 0) },
    aloneKb: { total: round(aloneSize.total / 1024, 1), ...Object.fromEntries(Object.entries(aloneSize.byPart).map(([k, v]) => [k, round(v / 1024, 1)])) },
  };
  return {
    figure,
    line: `bulk store ${TOTAL} x ${POINTS}-point curves + ${TRADES} trades in batches of ${BATCH}: ${figure.backtestsPerSecond} backtests/s ` +
      `(per batch ${figure.backtestsPerSecondPerBatch.min}-${figure.backtestsPerSecondPerBatch.max}); size per backtest ${figure.bytesPerBacktestKb.total} KB ` +
      `(equity ${figure.bytesPerBacktestKb.equity}, trades ${figure.bytesPerBacktestKb.trades}, duckdb ${figure.bytesPerBacktestKb.duckdb}); ` +
      `one backtest stored alone: ${figure.aloneKb.total} KB on disk (DuckDB file blocks included)`,
  };
}

/** One-year curves: the same store path, 5 batches of 1,000 into a fresh folder. */
async function bulkStoreOneYear() {
  const root = `${ROOT}-1y`;
  rmSync(root, { recursive: true, force: true });
  const store = await BacktestStore.open({ root });
  let storing = 0;
  const n = 5;
  try {
    for (let b = 0; b < n; b++) {
      const batch = Array.from({ length: BATCH }, (_, i) => benchBacktest(b * BATCH + i, 252, 10));
      const started = performance.now();
      await store.storeMany(batch);
      storing += performance.now() - started;
    }
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
  const figure = { backtests: n * BATCH, equityPoints: 252, tradesEach: 10, backtestsPerSecond: round((n * BATCH) / (storing / 1000), 0) };
  return { figure, line: `bulk store ${figure.backtests} x 252-point curves + 10 trades in batches of ${BATCH}: ${figure.backtestsPerSecond} backtests/s` };
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const out = await fn();
  return [performance.now() - t, out];
}

async function lookups() {
  if (!existsSync(join(ROOT, 'backtests.duckdb'))) await bulkStore();
  const gc = collector();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const [openMs, store] = await time(() => BacktestStore.open({ root: ROOT }));
  gc();
  const heapIndexMb = round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20, 1);
  try {
    if ((await store.size()) !== TOTAL) throw new Error(`expected ${TOTAL} backtests in ${ROOT}`);
    const r = rng(99);
    const pick = () => benchBacktest(Math.floor(r() * TOTAL));
    // point lookups
    const getMs: number[] = [];
    let found = 0;
    for (let i = 0; i < 2_000; i++) {
      const b = pick();
      const [ms, s] = await time(() => store.get(b.symbols[0], b.strategy, b.params, b.exitRule));
      getMs.push(ms);
      if (s) found++;
    }
    if (found !== 2_000) throw new Error(`get found ${found} of 2000`);
    // the filtered query: symbol and strategy and sharpe > x (about 100 candidates, a third kept)
    const queryMs: number[] = [];
    let rows = 0;
    for (let i = 0; i < 300; i++) {
      const b = pick();
      const [ms, out] = await time(() => store.query({ symbol: b.symbols[0], strategy: b.strategy, metrics: { sharpe: { min: 1 } } }, { by: 'sharpe', dir: 'desc' }));
      queryMs.push(ms);
      rows += out.length;
    }
    // the same after the database file was let go (idle close): the file is opened again
    const coldMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      await new Promise((res) => setTimeout(res, 300));
      const b = pick();
      coldMs.push((await time(() => store.query({ symbol: b.symbols[0], strategy: b.strategy, metrics: { sharpe: { min: 1 } } })))[0]);
    }
    const detailMs: number[] = [];
    const all = await store.getAll();
    for (let i = 0; i < 100; i++) {
      const id = all[Math.floor(r() * all.length)].id;
      detailMs.push((await time(() => store.getDetailed(id)))[0]);
    }
    const figure = {
      backtests: TOTAL,
      openMs: round(openMs, 1),
      indexHeapMb: heapIndexMb,
      getMs: { p50: round(pct(getMs, 50)), p95: round(pct(getMs, 95)) },
      queryMs: { p50: round(pct(queryMs, 50), 2), p95: round(pct(queryMs, 95), 2), rowsAvg: round(rows / queryMs.length, 1) },
      queryAfterIdleCloseMs: { p50: round(pct(coldMs, 50), 1), p95: round(pct(coldMs, 95), 1) },
      getDetailedMs: { p50: round(pct(detailMs, 50), 1), p95: round(pct(detailMs, 95), 1) },
    };
    return {
      figure,
      line: `${TOTAL} stored: open ${figure.openMs} ms (index ${heapIndexMb} MB of heap after GC); get p50 ${figure.getMs.p50} ms p95 ${figure.getMs.p95}; ` +
        `query symbol+strategy+sharpe>1 p50 ${figure.queryMs.p50} ms p95 ${figure.queryMs.p95} (${figure.queryMs.rowsAvg} rows), ` +
        `after idle close p50 ${figure.queryAfterIdleCloseMs.p50} ms; getDetailed (2520 points, 30 trades) p50 ${figure.getDetailedMs.p50} ms`,
    };
  } finally {
    await store.close();
    rmSync(ROOT, { recursive: true, force: true });
  }
}

const CASES: Record<string, () => Promise<{ figure: unknown; line: string }>> = { 'bulk-store': bulkStore, 'bulk-store-1y': bulkStoreOneYear, lookups };

export const suite: BenchSuite = {
  name: 'backtest-store',
  cases: () => Object.keys(CASES),
  runCase: async (name) => {
    const run = CASES[name];
    if (!run) throw new Error(`unknown case ${name}`);
    return run();
  },
};

/**
 * The scanner: current signals of a universe of symbols, enriched with stored stats. Expected
 * signals are computed here from the CSV rows (SMA of closes by plain sums), not by the engine.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BacktestStore } from '../../../src/stores/backtests/index.ts';
import { findBarFile, scan } from '../../../src/stores/backtests/scanner.ts';
import { importBarFile, MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { makeBacktest, rng, tempDir } from './helpers.ts';

const SHARED = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
const hasShared = existsSync(SHARED);
if (!hasShared) console.warn(`[tests] ${SHARED} is absent: the scanner test on real daily bars is skipped`);

const temp = tempDir('bt-scan-');
afterAll(() => temp.cleanup());
const DAY = 86_400_000;
const SMA_PARAMS = { fast_period: 10, slow_period: 30, long_only: false };

/** Dates (UTC midnight) and closes of a daily CSV whose first column is a date and whose close is the column named close. */
function readDaily(path: string): { start: number[]; close: number[] } {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const closeAt = header.toLowerCase().split(',').indexOf('close');
  const start: number[] = [];
  const close: number[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const [y, m, d] = cells[0].split('-').map(Number);
    start.push(Date.UTC(y, m - 1, d));
    close.push(Number(cells[closeAt]));
  }
  return { start, close };
}

/** sma_crossover by hand: sign(SMA_fast - SMA_slow) per bar once both exist; the current value and when it last changed. */
function expectedSma(close: number[], start: number[], fast: number, slow: number): { signal: number; since: number | null } {
  const sma = (i: number, n: number) => close.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0) / n;
  let signal = 0;
  let since: number | null = null;
  for (let i = slow - 1; i < close.length; i++) {
    const diff = sma(i, fast) - sma(i, slow);
    const value = Math.abs(diff) < 1e-9 * close[i] ? 0 : Math.sign(diff);
    if (value !== signal) {
      signal = value;
      since = start[i] + DAY; // published at the bar's close
    }
  }
  return { signal, since };
}

function writeCsv(path: string, closes: number[]): { start: number[]; close: number[] } {
  const start = closes.map((_, i) => Date.UTC(2020, 0, 1) + i * DAY);
  const rows = closes.map((c, i) => `${new Date(start[i]).toISOString().slice(0, 10)},${c},${c * 1.01},${c * 0.99},${c},1000`);
  writeFileSync(path, ['date,open,high,low,close,volume', ...rows].join('\n') + '\n');
  return { start, close: closes };
}

describe('scanner on generated files', () => {
  const dir = join(temp.dir, 'data');
  const r = rng(5);
  const up = Array.from({ length: 120 }, (_, i) => 100 + i + r());
  const down = Array.from({ length: 120 }, (_, i) => 300 - i * 1.5 + r());
  const zigzag = Array.from({ length: 200 }, (_, i) => 100 + 20 * Math.sin(i / 9) + r());

  it('lists the current signal per (symbol, strategy, params), with when it appeared', async () => {
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    const files = { UPP: writeCsv(join(dir, 'UPP_1d.csv'), up), DWN: writeCsv(join(dir, 'DWN_1d.csv'), down), ZIG: writeCsv(join(dir, 'ZIG_1d_extra.csv'), zigzag) };
    const rows = await scan({
      symbols: ['UPP', 'DWN', 'ZIG'], timeframe: '1d', dataDir: dir, timezone: 'UTC',
      strategies: [{ type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 } }, { type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 } }],
    });
    expect(rows.map((x) => [x.symbol, x.params.fast_period])).toEqual([['UPP', 10], ['UPP', 5], ['DWN', 10], ['DWN', 5], ['ZIG', 10], ['ZIG', 5]]);
    for (const row of rows) {
      const f = files[row.symbol as keyof typeof files];
      const want = expectedSma(f.close, f.start, row.params.fast_period as number, row.params.slow_period as number);
      expect([row.symbol, row.signal, row.since]).toEqual([row.symbol, want.signal, want.since]);
      expect(row.lastBar).toBe(f.start[f.start.length - 1]);
      expect(row.close).toBe(f.close[f.close.length - 1]);
      expect(row.params).toEqual({ ...SMA_PARAMS, fast_period: row.params.fast_period, slow_period: row.params.slow_period });
      expect(row.stats).toBeNull();
    }
    expect(rows[0].signal).toBe(1);
    expect(rows[2].signal).toBe(-1);
    // the zigzag changed sign several times: `since` is the last change, not the first
    expect(rows[4].since).toBeGreaterThan(files.ZIG.start[100]);
  });

  it('enriches from the store: the latest backtest of that (symbol, strategy, params); null when none', async () => {
    const root = join(temp.dir, 'store');
    const store = await BacktestStore.open({ root });
    const older = makeBacktest({ symbol: 'UPP', strategy: 'sma_crossover', params: { ...SMA_PARAMS }, exitRule: { type: 'fixed_stop', stop_pct: 5 } });
    older.metrics = { win_rate: 0.1, num_trades: 3, sharpe: 0.2, cagr: 0.01 };
    const newer = makeBacktest({ symbol: 'UPP', strategy: 'sma_crossover', params: { long_only: false, slow_period: 30, fast_period: 10 } });
    newer.metrics = { win_rate: 0.625, num_trades: 16, sharpe: 1.25, cagr: 0.0875 };
    const other = makeBacktest({ symbol: 'DWN', strategy: 'sma_crossover', params: { ...SMA_PARAMS, fast_period: 11 } });
    await store.store(older);
    const stored = await store.store(newer);
    await store.store(other);
    await store.close();

    const rows = await scan({ symbols: ['UPP', 'DWN'], dataDir: dir, timezone: 'UTC', backtestStore: root, strategies: [{ type: 'sma_crossover', params: { fast_period: 10 } }] });
    expect(rows[0].stats).toEqual({ backtestId: stored.id, win_rate: 0.625, num_trades: 16, sharpe: 1.25, cagr: 0.0875 });
    expect(rows[1].stats).toBeNull();
    // only backtests of one exit rule
    const fixed = await scan({ symbols: ['UPP'], dataDir: dir, timezone: 'UTC', backtestStore: root, exitRule: { type: 'fixed_stop', stop_pct: 5 }, strategies: [{ type: 'sma_crossover' }] });
    expect(fixed[0].stats).toMatchObject({ win_rate: 0.1, num_trades: 3, sharpe: 0.2, cagr: 0.01 });
    // a store folder that does not exist enriches nothing and is not created
    const none = await scan({ symbols: ['UPP'], dataDir: dir, timezone: 'UTC', backtestStore: join(temp.dir, 'nope'), strategies: [{ type: 'sma_crossover' }] });
    expect(none[0].stats).toBeNull();
    expect(existsSync(join(temp.dir, 'nope'))).toBe(false);
  });

  it('evaluates only the last N bars when asked (same current signal once warm)', async () => {
    const all = await scan({ symbols: ['UPP'], dataDir: dir, timezone: 'UTC', strategies: [{ type: 'sma_crossover' }] });
    const last = await scan({ symbols: ['UPP'], dataDir: dir, timezone: 'UTC', bars: 40, strategies: [{ type: 'sma_crossover' }] });
    expect(last[0].signal).toBe(all[0].signal);
    expect(last[0].lastBar).toBe(all[0].lastBar);
    // warm-up inside the window: the signal appeared at the first bar with both SMAs (bar 30 of the last 40)
    expect(last[0].since).toBe(Date.UTC(2020, 0, 1) + (120 - 40 + 29) * DAY + DAY);
  });

  it('reads bars from the market data store', async () => {
    const root = join(temp.dir, 'market');
    const md = await MarketDataStore.open(root);
    await importBarFile(md, { file: join(dir, 'DWN_1d.csv'), symbol: 'DWN', timeframe: '1d', timezone: 'UTC' });
    const rows = await scan({ symbols: ['DWN'], marketData: root, timezone: 'UTC', strategies: [{ type: 'sma_crossover' }] });
    const f = readDaily(join(dir, 'DWN_1d.csv'));
    expect(rows[0].signal).toBe(expectedSma(f.close, f.start, 10, 30).signal);
    expect(rows[0].lastBar).toBe(f.start[f.start.length - 1]);
  });

  it('clear errors for a bad universe, strategy, params or data', async () => {
    const base = { symbols: ['UPP'], dataDir: dir, strategies: [{ type: 'sma_crossover' }] };
    await expect(scan({ ...base, strategies: [{ type: 'nope' }] })).rejects.toThrow(/strategies\[0\]: unknown strategy type "nope" \(known: .*sma_crossover/);
    await expect(scan({ ...base, strategies: [{ type: 'sma_crossover', params: { fast_period: 50, slow_period: 30 } }] })).rejects.toThrow(/strategies\[0\] \(sma_crossover\): [\s\S]*fast_period \(50\) must be less than slow_period/);
    await expect(scan({ ...base, strategies: [{ type: 'sma_crossover', params: { fast: 5 } }] })).rejects.toThrow(/fast/);
    await expect(scan({ ...base, strategies: [{ type: 'pairs_zscore' }] })).rejects.toThrow(/pairs_zscore needs 2 input streams/);
    await expect(scan({ ...base, symbols: ['NOPE'] })).rejects.toThrow(/no NOPE 1d bars in/);
    await expect(scan({ ...base, symbols: [] })).rejects.toThrow(/scan\(options\): symbols/);
    await expect(scan({ ...base, timeframe: 'daily' })).rejects.toThrow(/timeframe/);
    await expect(scan({ symbols: ['UPP'], strategies: [{ type: 'sma_crossover' }] })).rejects.toThrow(/exactly one of dataDir and marketData/);
    await expect(scan({ ...base, dataDir: join(temp.dir, 'missing') })).rejects.toThrow(/does not exist/);
    expect(() => findBarFile(dir, 'UPP', '1h')).toThrow(/no UPP 1h bars/);
  });
});

describe.skipIf(!hasShared)('scanner on real daily bars (../shared/data)', () => {
  it('SPY, NVDA, GOOG with sma_crossover: the signal of the last bar and when it appeared', async () => {
    const rows = await scan({ symbols: ['SPY', 'NVDA', 'GOOG'], dataDir: SHARED, timezone: 'UTC', strategies: [{ type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 } }] });
    const files = { SPY: 'SPY_1d_lean.csv', NVDA: 'NVDA_1d.csv', GOOG: 'GOOG_1d.csv' };
    for (const row of rows) {
      const f = readDaily(join(SHARED, files[row.symbol as keyof typeof files]));
      const want = expectedSma(f.close, f.start, 10, 30);
      expect([row.symbol, row.signal, row.since, row.lastBar, row.close]).toEqual([row.symbol, want.signal, want.since, f.start.at(-1), f.close.at(-1)]);
    }
  });
});

/**
 * Backtests for the store tests, built by hand (seeded, no engine): every expected value in the
 * tests comes from these inputs, never from the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestInput, TradeRow } from '../../../src/stores/backtests/index.ts';
import { mulberry32 } from '../../../src/data/prng.ts';

/** Uniform [0, 1) from the project's seeded mulberry32 (src/data/prng.ts). */
export const rng = (seed: number): (() => number) => mulberry32(seed).next;

const DAY = 86_400_000;
export const START = Date.UTC(2015, 0, 2);

/** Daily points skipping weekends, a random walk from 100,000. */
export function equityCurve(points: number, seed: number, start = START): { ts: Float64Array; equity: Float64Array } {
  const r = rng(seed);
  const ts = new Float64Array(points);
  const equity = new Float64Array(points);
  let t = start;
  let v = 100_000;
  for (let i = 0; i < points; i++) {
    while ([0, 6].includes(new Date(t).getUTCDay())) t += DAY;
    ts[i] = t;
    equity[i] = v;
    v *= 1 + (r() - 0.5) * 0.02;
    t += DAY;
  }
  return { ts, equity };
}

export function trades(n: number, seed: number, symbol = 'SPY'): TradeRow[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const entryPrice = 100 + r() * 10;
    const exitPrice = entryPrice * (1 + (r() - 0.5) * 0.1);
    const quantity = 1 + Math.floor(r() * 100);
    const commission = Math.round(r() * 500) / 100;
    const pnl = (exitPrice - entryPrice) * quantity - commission;
    return {
      portfolioId: 'p1', strategyId: 's1', symbol, stream: `${symbol}_1d`, direction: i % 3 === 2 ? 'short' : 'long',
      quantity, entryTime: START + i * 10 * DAY, entryBarIdx: i * 10, entryPrice,
      exitTime: START + (i * 10 + 5) * DAY, exitBarIdx: i * 10 + 5, exitPrice, commission, pnl,
      returnPct: pnl / (quantity * entryPrice), bars: 5, exitReason: i % 4 === 3 ? 'stop_loss' : 'signal',
    } satisfies TradeRow;
  });
}

export interface MakeOptions {
  symbol?: string;
  symbols?: string[];
  strategy?: string;
  params?: Record<string, unknown>;
  exitRule?: BacktestInput['exitRule'];
  sharpe?: number | null;
  points?: number;
  trades?: number;
  seed?: number;
  sweepId?: string | null;
  timeframe?: string;
  source?: string;
}

export function makeBacktest(o: MakeOptions = {}): BacktestInput {
  const seed = o.seed ?? 1;
  const curve = equityCurve(o.points ?? 50, seed);
  const symbols = o.symbols ?? [o.symbol ?? 'SPY'];
  return {
    symbols,
    timeframe: o.timeframe ?? '1d',
    strategy: o.strategy ?? 'sma_crossover',
    params: o.params ?? { fast_period: 10, slow_period: 30 },
    exitRule: o.exitRule ?? { type: 'signal' },
    start: curve.ts[0] ?? START,
    end: curve.ts[curve.ts.length - 1] ?? START,
    runManifest: null,
    source: o.source ?? 'api',
    sweepId: o.sweepId ?? null,
    metrics: {
      win_rate: 0.5, num_trades: o.trades ?? 3, total_return: 0.1, cagr: 0.05, sharpe: o.sharpe === undefined ? 1 : o.sharpe,
      sortino: 1.5, max_drawdown: -0.2, expectancy: 12.5, profit_factor: 1.3, exposure: 0.6,
    },
    equity: curve,
    trades: trades(o.trades ?? 3, seed + 1000, symbols[0]),
  };
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The benchmark topologies (as config objects; bar paths are absolute into ../shared/data). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

const execution = { fill: 'next_open', commission: { type: 'percent', pct: 0.01 }, slippage_bps: 1 };

export const BENCH_CASES: Record<string, unknown> = {
  /** sma_crossover(10, 30) on NVDA_1m, one portfolio: the headline figure. */
  'nvda-1m-sma': {
    name: 'bench-nvda-sma',
    data: { timezone: 'America/New_York', streams: [{ symbol: 'NVDA', timeframe: '1m', file: join(DATA, 'NVDA_1m.csv') }] },
    strategies: [{ id: 'sma_10_30', type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 }, inputs: ['NVDA_1m'] }],
    portfolios: [{ id: 'p', strategies: ['sma_10_30'], initial_cash: 100_000 }],
    execution,
    engine: { trace: { retention: 'none' } },
  },
  /** SPY, QQQ, NVDA minutes with two-symbol pairs strategies (ffill over missing minutes). */
  '3x1m-pairs': {
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
  },
};

import type { BarView } from '../../src/strategies/types.ts';

/** A bar view with the given close (other fields fixed); for stateless decide/classify calls. */
export function bar(close: number, symbol = 'SPY'): BarView {
  return { symbol, timeframe: '1m', barIdx: 0, start: 0, open: close, high: close, low: close, close, volume: 1000 };
}

/**
 * The indicator registry's names, params and outputs as agreed for this project (written
 * down here so a typo in a feature request fails a test even before that registry exists).
 */
export const INDICATOR_CATALOG: Record<string, { kind: 'bar' | 'pair'; params: readonly string[]; outputs: readonly string[] }> = {
  sma: { kind: 'bar', params: ['period'], outputs: ['value'] },
  ema: { kind: 'bar', params: ['period'], outputs: ['value'] },
  wma: { kind: 'bar', params: ['period'], outputs: ['value'] },
  rsi: { kind: 'bar', params: ['period'], outputs: ['value'] },
  atr: { kind: 'bar', params: ['period'], outputs: ['value'] },
  stddev: { kind: 'bar', params: ['period'], outputs: ['value'] },
  zscore: { kind: 'bar', params: ['period'], outputs: ['value'] },
  momentum: { kind: 'bar', params: ['period'], outputs: ['value'] },
  roc: { kind: 'bar', params: ['period'], outputs: ['value'] },
  vwap: { kind: 'bar', params: ['period'], outputs: ['value'] },
  obv: { kind: 'bar', params: [], outputs: ['value'] },
  bollinger: { kind: 'bar', params: ['period', 'std_dev'], outputs: ['upper', 'middle', 'lower'] },
  macd: { kind: 'bar', params: ['fast_period', 'slow_period', 'signal_period'], outputs: ['macd', 'signal', 'histogram'] },
  donchian: { kind: 'bar', params: ['period'], outputs: ['upper', 'lower', 'middle'] },
  adx: { kind: 'bar', params: ['period'], outputs: ['adx', 'plus_di', 'minus_di'] },
  stochastic: { kind: 'bar', params: ['k_period', 'd_period'], outputs: ['k', 'd'] },
  correlation: { kind: 'pair', params: ['period'], outputs: ['value'] },
  spread_zscore: { kind: 'pair', params: ['period', 'hedge_ratio'], outputs: ['zscore', 'spread'] },
};

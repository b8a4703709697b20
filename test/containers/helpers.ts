import type { BarSeries } from '../../src/data/bar-series.ts';
import { allocateBarColumns, createBarSeries } from '../../src/data/series.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

/**
 * A 1m (or `timeframe`) series with a bar at each of the given minute offsets, and prices in
 * which every field differs from every other (open, high, low, close, volume, start), so a
 * view reading the wrong field or the wrong bar cannot pass by accident.
 */
export function seriesAt(symbol: string, minutes: readonly number[], options: { timeframe?: string; step?: number; seed?: number } = {}): BarSeries {
  const timeframe = options.timeframe ?? '1m';
  const step = options.step ?? 1;
  const cols = allocateBarColumns(minutes.length);
  let price = 100 + (options.seed ?? 0);
  minutes.forEach((m, i) => {
    // A deterministic wobble, so moving averages of different lengths differ.
    price += Math.sin(i * 0.7 + (options.seed ?? 0)) * 0.8 + (i % 5 === 0 ? 0.3 : -0.1);
    cols.start[i] = T0 + m * step * MIN;
    cols.open[i] = price - 0.25;
    cols.high[i] = price + 1.5;
    cols.low[i] = price - 1.75;
    cols.close[i] = price;
    cols.volume[i] = 1000 + i * 7;
  });
  return createBarSeries({ symbol, timeframe, source: 'test', columns: cols });
}

/** 0..n-1 without the given offsets (missing minutes). */
export function minutesWithout(n: number, missing: readonly number[]): number[] {
  const gone = new Set(missing);
  return Array.from({ length: n }, (_, i) => i).filter((i) => !gone.has(i));
}

/** What the eager bar view held for bar `b` of `s`: the plain object the lazy view must read as. */
export function eagerView(s: BarSeries, b: number) {
  return { symbol: s.symbol, timeframe: s.timeframe, barIdx: b, start: s.start[b], open: s.open[b], high: s.high[b], low: s.low[b], close: s.close[b], volume: s.volume[b] };
}

/**
 * Building {@link BarSeries} values: the one place where the six columns, the id, the timeframe
 * duration and the content hash are put together, so every producer (CSV, Parquet, synthetic,
 * resample) yields identical series for identical bars.
 */
import type { BarSeries } from './bar-series.ts';
import { hashBars } from './content-hash.ts';
import { streamId, timeframeMs } from '../core/timeframe.ts';

/** The six columns of a bar series, all of the same length; `start` is epoch ms UTC. */
export interface BarColumns {
  readonly start: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export const BAR_COLUMN_NAMES = ['start', 'open', 'high', 'low', 'close', 'volume'] as const;
export type BarColumnName = (typeof BAR_COLUMN_NAMES)[number];

/** Fresh zero-filled columns of `length` rows. */
export function allocateBarColumns(length: number): BarColumns {
  return {
    start: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** The first `length` rows of `columns`, copied into exact-size arrays when shorter. */
export function truncateBarColumns(columns: BarColumns, length: number): BarColumns {
  if (columns.start.length === length) return columns;
  return {
    start: columns.start.slice(0, length),
    open: columns.open.slice(0, length),
    high: columns.high.slice(0, length),
    low: columns.low.slice(0, length),
    close: columns.close.slice(0, length),
    volume: columns.volume.slice(0, length),
  };
}

/**
 * Assemble a frozen BarSeries (id, timeframeMs and hash derived). Throws on an invalid
 * timeframe or columns of different lengths. The arrays are used as given (not copied).
 */
export function createBarSeries(args: {
  symbol: string;
  timeframe: string;
  source: string;
  columns: BarColumns;
}): BarSeries {
  const { symbol, timeframe, source, columns } = args;
  const tfMs = timeframeMs(timeframe);
  if (symbol.length === 0) throw new Error('bar series: empty symbol');
  const length = columns.start.length;
  for (const name of BAR_COLUMN_NAMES) {
    if (!(columns[name] instanceof Float64Array)) throw new Error(`bar series ${symbol}: column ${name} is not a Float64Array`);
    if (columns[name].length !== length) {
      throw new Error(`bar series ${symbol}: column ${name} has ${columns[name].length} rows, start has ${length}`);
    }
  }
  return Object.freeze({
    id: streamId(symbol, timeframe),
    symbol,
    timeframe,
    timeframeMs: tfMs,
    length,
    start: columns.start,
    open: columns.open,
    high: columns.high,
    low: columns.low,
    close: columns.close,
    volume: columns.volume,
    hash: hashBars(symbol, timeframe, columns),
    source,
  });
}

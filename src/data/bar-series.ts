/**
 * An immutable, columnar base dataset: one symbol at one timeframe.
 * `bar_idx` everywhere in the runtime is the row index into these arrays.
 * Times are epoch milliseconds UTC; `start[i]` labels bar i, which becomes visible at
 * `start[i] + timeframeMs` (its close time).
 */
export interface BarSeries {
  /** `${symbol}_${timeframe}`, see core/timeframe.streamId */
  readonly id: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly timeframeMs: number;
  readonly length: number;
  readonly start: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** SHA-256 hex over symbol, timeframe and the six columns' bytes: same bars => same hash, whatever the file format. */
  readonly hash: string;
  /** Where the bars came from: a file path, `synthetic:<seed>`, or `resample:<source id>`. */
  readonly source: string;
}

/**
 * Aggregate a finer bar series into coarser bars.
 *
 * Buckets: for minute and hour targets, floor(start / target duration) in UTC epoch ms (so 5m
 * buckets start at :00, :05, ... and 1h buckets on the UTC hour, which is also the local hour
 * in every zone with whole-hour offsets); for `1d`, the local calendar date of the bar start in
 * `timezone`, labelled with that date's local midnight (as a date-only CSV stamp would be).
 * Each bucket: open = first open, high = max high, low = min low, close = last close,
 * volume = sum; a bucket with no input bars produces no bar (no filling). The target must be a
 * whole multiple of the source timeframe (5m from 1m, 1h from 1m or 5m, 1d from 1h, ...).
 * Multi-day targets (2d, 1w-like) are not supported: trading calendars make them ambiguous.
 */
import type { BarSeries } from './bar-series.ts';
import { allocateBarColumns, createBarSeries, truncateBarColumns } from './series.ts';
import { zoneConverter } from './timezone.ts';
import { timeframeMs } from '../core/timeframe.ts';

export interface ResampleOptions {
  /** IANA zone defining calendar days; required for a `1d` target, unused for minute/hour targets. */
  readonly timezone?: string;
}

const DAY_MS = 86_400_000;

/** Resample `series` to `targetTimeframe`; the result has id `${symbol}_${target}` and source `resample:<source id>`. */
export function resampleBars(series: BarSeries, targetTimeframe: string, options: ResampleOptions = {}): BarSeries {
  const targetMs = timeframeMs(targetTimeframe);
  const sourceMs = series.timeframeMs;
  if (targetMs < sourceMs || targetMs % sourceMs !== 0) {
    throw new Error(
      `cannot resample ${series.id} to ${targetTimeframe}: the target must be a whole multiple of ${series.timeframe}`,
    );
  }
  const daily = targetTimeframe.endsWith('d');
  if (daily && targetMs !== DAY_MS) {
    throw new Error(`cannot resample ${series.id} to ${targetTimeframe}: only 1d is supported among day timeframes`);
  }
  if (daily && !options.timezone) {
    throw new Error(`cannot resample ${series.id} to ${targetTimeframe}: a timezone is required to define calendar days`);
  }
  const zone = zoneConverter(options.timezone ?? 'UTC');

  const n = series.length;
  const out = allocateBarColumns(n);
  const { start, open, high, low, close, volume } = series;
  let m = -1;
  let currentKey = Number.NaN;
  for (let i = 0; i < n; i++) {
    const t = start[i];
    const key = daily ? Math.floor(zone.utcToWall(t) / DAY_MS) : Math.floor(t / targetMs);
    if (key !== currentKey) {
      if (key < currentKey) {
        throw new Error(`cannot resample ${series.id}: bars are not in time order at index ${i}`);
      }
      currentKey = key;
      m++;
      out.start[m] = daily ? zone.wallToUtc(key * DAY_MS, 'compatible') : key * targetMs;
      out.open[m] = open[i];
      out.high[m] = high[i];
      out.low[m] = low[i];
      out.close[m] = close[i];
      out.volume[m] = volume[i];
    } else {
      if (high[i] > out.high[m]) out.high[m] = high[i];
      if (low[i] < out.low[m]) out.low[m] = low[i];
      out.close[m] = close[i];
      out.volume[m] += volume[i];
    }
  }
  return createBarSeries({
    symbol: series.symbol,
    timeframe: targetTimeframe,
    source: `resample:${series.id}`,
    columns: truncateBarColumns(out, m + 1),
  });
}

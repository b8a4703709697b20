/**
 * Where records live on disk. One series is (kind, symbol, timeframe); it is cut into
 * partitions by period (UTC month or year of the record time; reference data, i.e.
 * fundamentals and calendar events, is one partition per series), and a partition holds one or
 * more immutable Parquet part files:
 *
 *   <root>/<kind>/<symbol>/<timeframe>/period=<YYYY-MM | YYYY | all>/part-<seq>.parquet
 *
 * Kinds without a symbol (calendar events) or a timeframe (quotes, trades, ...) use `-` in that
 * slot; `-` can never be a symbol or a timeframe, so the two never collide. Paths in the
 * manifest are relative to the root and always use `/`.
 */
import { isTimeframe } from '../../core/timeframe.ts';
import { MarketDataError } from './errors.ts';

export const RECORD_KINDS = ['bars', 'quotes', 'trades', 'options', 'flow', 'fundamentals', 'calendar', 'features'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Placeholder for the symbol or timeframe slot of kinds that have none. */
export const NO_SLOT = '-';

/** Symbols become folder names: letters, digits, `.`, `_`, `-`, starting with a letter or digit (BRK.B, ES_F). */
const SYMBOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export function checkSymbol(symbol: string, where: string): string {
  if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
    throw new MarketDataError(
      `${where}: invalid symbol ${JSON.stringify(symbol)}: use letters, digits, '.', '_' or '-' (max 32), starting with a letter or digit`,
    );
  }
  return symbol;
}

export function checkTimeframe(timeframe: string, where: string): string {
  if (typeof timeframe !== 'string' || !isTimeframe(timeframe)) {
    throw new MarketDataError(`${where}: invalid timeframe ${JSON.stringify(timeframe)}: expected <n>m, <n>h or <n>d, e.g. 1m, 5m, 1h, 1d`);
  }
  return timeframe;
}

/** Record times are whole epoch milliseconds between the years 1000 and 9999 (four-digit periods). */
export const MIN_TS = Date.UTC(1000, 0, 1);
export const MAX_TS = Date.UTC(10000, 0, 1) - 1;

/** Partition size: a UTC month, a UTC year, or one partition for the whole series (reference data). */
export type Granularity = 'month' | 'year' | 'all';
export const WHOLE_SERIES = 'all';

/** `YYYY-MM`, `YYYY` or `all` for the record time `ts`. */
export function periodOf(ts: number, granularity: Granularity): string {
  if (granularity === 'all') return WHOLE_SERIES;
  const d = new Date(ts);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  return granularity === 'year' ? year : `${year}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** [start, end) in epoch ms of a period written by {@link periodOf}. */
export function periodBounds(period: string): [number, number] {
  if (period === WHOLE_SERIES) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const year = Number(period.slice(0, 4));
  if (period.length === 4) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
  const month = Number(period.slice(5, 7)) - 1;
  return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
}

export interface SeriesId {
  readonly kind: RecordKind;
  readonly symbol: string;
  readonly timeframe: string;
}

/** `bars/SPY/1m`: the manifest key of a series. */
export function seriesKey(s: SeriesId): string {
  return `${s.kind}/${s.symbol}/${s.timeframe}`;
}

/** `bars/SPY/1m/2025-09`: the manifest key of a partition. */
export function partitionKey(s: SeriesId, period: string): string {
  return `${seriesKey(s)}/${period}`;
}

/** Folder of a partition, relative to the root. */
export function partitionDir(s: SeriesId, period: string): string {
  return `${s.kind}/${s.symbol}/${s.timeframe}/period=${period}`;
}

/** Name of a new part file (sequence numbers are never reused within a store). */
export function partFileName(s: SeriesId, period: string, seq: number, suffix = ''): string {
  return `${partitionDir(s, period)}/part-${String(seq).padStart(6, '0')}${suffix}.parquet`;
}

/** Folders and files at the root that are not data (everything else under a kind folder is). */
export const MANIFEST_FILE = 'manifest.json';
export const LOCK_FILE = '.write-lock';
export const QUARANTINE_DIR = '_quarantine';
export const SNAPSHOT_DIR = '_snapshots';

/**
 * Entry point for loading bar files: `loadBars` dispatches on the extension (.csv / .parquet),
 * validates every row (see validation.ts) and returns a BarSeries plus the rows skipped under
 * `onInvalid: 'skip'`. `writeBarsParquet` converts a series (e.g. loaded from CSV) to Parquet.
 */
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { writeParquetFile } from '../parquet/index.ts';
import type { BarSeries } from './bar-series.ts';
import { readCsvBars, type ParsedBars } from './csv-bars.ts';
import { readParquetBars } from './parquet-bars.ts';
import { createBarSeries } from './series.ts';
import type { InvalidRowPolicy, SkippedRow } from './validation.ts';
import { timeframeMs } from '../core/timeframe.ts';
import { zoneConverter } from './timezone.ts';

export interface LoadBarsOptions {
  /** A .csv or .parquet file. */
  readonly path: string;
  readonly symbol: string;
  /** `<n>m`, `<n>h` or `<n>d`, e.g. '1m', '1h', '1d'. */
  readonly timeframe: string;
  /** IANA zone of naive stamps in the file, e.g. 'America/New_York' (US equities) or 'UTC'. */
  readonly timezone: string;
  /** 'error' (default): throw BarDataError at the first bad row; 'skip': drop and report bad rows. */
  readonly onInvalid?: InvalidRowPolicy;
}

export interface LoadBarsResult {
  readonly series: BarSeries;
  readonly skipped: SkippedRow[];
}

/** Load, validate and hash a bar file. Missing file -> `bar file not found: <path>`. */
export async function loadBars(options: LoadBarsOptions): Promise<LoadBarsResult> {
  const { path, symbol, timeframe, timezone } = options;
  timeframeMs(timeframe); // fail fast on a malformed timeframe
  zoneConverter(timezone); // ... and on an unknown zone
  if (!symbol) throw new Error(`loadBars ${path}: symbol is required`);
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error(`bar file is not a regular file: ${path}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`bar file not found: ${path}`, { cause: error });
    throw error;
  }
  const ext = extname(path).toLowerCase();
  const reader: { timezone: string; onInvalid?: InvalidRowPolicy } = { timezone, onInvalid: options.onInvalid };
  let parsed: ParsedBars;
  if (ext === '.csv') parsed = await readCsvBars(path, reader);
  else if (ext === '.parquet') parsed = await readParquetBars(path, reader);
  else throw new Error(`unsupported bar file extension "${ext}" (expected .csv or .parquet): ${path}`);
  const series = createBarSeries({ symbol, timeframe, source: resolve(path), columns: parsed.columns });
  return { series, skipped: parsed.skipped };
}

/**
 * Write a series to Parquet (atomically): `start` as TIMESTAMP_MILLIS (UTC, delta-encoded), open/high/low/
 * close/volume as DOUBLE, and symbol/timeframe/hash/source in the footer metadata. Loading the
 * file back with `loadBars` gives the same arrays and the same hash.
 */
export async function writeBarsParquet(path: string, series: BarSeries): Promise<void> {
  await writeParquetFile(
    path,
    [
      { name: 'start', type: 'TIMESTAMP_MILLIS', data: series.start, encoding: 'DELTA_BINARY_PACKED' },
      { name: 'open', type: 'DOUBLE', data: series.open },
      { name: 'high', type: 'DOUBLE', data: series.high },
      { name: 'low', type: 'DOUBLE', data: series.low },
      { name: 'close', type: 'DOUBLE', data: series.close },
      { name: 'volume', type: 'DOUBLE', data: series.volume },
    ],
    {
      metadata: {
        'tradeflow.symbol': series.symbol,
        'tradeflow.timeframe': series.timeframe,
        'tradeflow.hash': series.hash,
        'tradeflow.source': series.source,
      },
    },
  );
}

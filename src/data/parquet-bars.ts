/**
 * Parquet bar loader, reading through the project's Parquet module (src/parquet).
 *
 * Columns are matched case-insensitively: time = the first of `start`, `datetime`, `timestamp`,
 * `date`, `time`, or else a column named `` or `__index_level_0__` (pandas index); plus
 * `open`, `high`, `low`, `close`, `volume` (numeric: DOUBLE, FLOAT, INT32 or INT64).
 * The time column may be:
 *   - TIMESTAMP (millis/micros/nanos): epoch UTC; if the file marks it as local wall-clock
 *     (isAdjustedToUTC = false, e.g. a naive pandas datetime) it is interpreted in `timezone`;
 *   - INT64 or DOUBLE: epoch milliseconds UTC;
 *   - DATE: a calendar date, local midnight in `timezone` (like a date-only CSV stamp);
 *   - STRING: parsed exactly like a CSV stamp.
 * Rows are validated like CSV rows; the "line" of a rejection is the 1-based row number.
 */
import { readParquetFile, readParquetSchema, type ParquetColumnInfo } from '../parquet/index.ts';
import type { ParsedBars } from './csv-bars.ts';
import { allocateBarColumns, truncateBarColumns } from './series.ts';
import { parseStamp } from './stamp.ts';
import { NonexistentLocalTimeError, zoneConverter } from './timezone.ts';
import { BarDataError, BarRowValidator, type BarRow, type InvalidRowPolicy } from './validation.ts';

export interface ParquetBarOptions {
  /** IANA zone for naive (string, DATE, or local-TIMESTAMP) stamps. */
  readonly timezone: string;
  readonly onInvalid?: InvalidRowPolicy;
}

const TIME_NAMES = ['start', 'datetime', 'timestamp', 'date', 'time', '', '__index_level_0__'];
const VALUE_NAMES = ['open', 'high', 'low', 'close', 'volume'] as const;
const NUMERIC = new Set(['DOUBLE', 'FLOAT', 'INT32', 'INT64']);
const TIME_TYPES = new Set(['TIMESTAMP', 'INT64', 'DOUBLE', 'DATE', 'STRING']);

/** Read and validate bars from a Parquet file. */
export async function readParquetBars(path: string, options: ParquetBarOptions): Promise<ParsedBars> {
  const zone = zoneConverter(options.timezone);
  const validator = new BarRowValidator(path, options.onInvalid ?? 'error');
  const { schema } = await readParquetSchema(path);
  const byLower = new Map<string, ParquetColumnInfo>();
  for (const c of schema) if (!byLower.has(c.name.toLowerCase())) byLower.set(c.name.toLowerCase(), c);
  const names = schema.map((c) => c.name).join(', ');

  const timeInfo = TIME_NAMES.map((n) => byLower.get(n)).find((c) => c !== undefined);
  if (!timeInfo) throw new BarDataError(path, 1, `missing required column "start" (or datetime/timestamp/date/time); columns: ${names}`);
  if (!TIME_TYPES.has(timeInfo.type)) {
    throw new BarDataError(path, 1, `time column "${timeInfo.name}" has unsupported type ${timeInfo.type}`);
  }
  const valueInfo = VALUE_NAMES.map((name) => {
    const info = byLower.get(name);
    if (!info) throw new BarDataError(path, 1, `missing required column "${name}"; columns: ${names}`);
    if (!NUMERIC.has(info.type)) throw new BarDataError(path, 1, `column "${info.name}" has non-numeric type ${info.type}`);
    return info;
  });

  const table = await readParquetFile(path, { columns: [timeInfo.name, ...valueInfo.map((c) => c.name)] });
  const rows = table.rowCount;
  const time = table.columns[timeInfo.name];
  const values = valueInfo.map((c) => table.columns[c.name]);
  const out = allocateBarColumns(rows);
  let n = 0;

  for (let i = 0; i < rows; i++) {
    const line = i + 1;
    const raw = time[i];
    let t: number;
    try {
      t = toEpochMs(raw, timeInfo, zone);
    } catch (error) {
      if (error instanceof NonexistentLocalTimeError) {
        validator.reject(line, error.message);
        continue;
      }
      throw error;
    }
    if (Number.isNaN(t)) {
      validator.reject(line, `unparsable date ${JSON.stringify(raw === undefined ? null : typeof raw === 'bigint' ? String(raw) : raw)}`);
      continue;
    }
    const row = {
      start: t,
      open: num(values[0][i]),
      high: num(values[1][i]),
      low: num(values[2][i]),
      close: num(values[3][i]),
      volume: num(values[4][i]),
    } as BarRow;
    if (!validator.accept(line, row)) continue;
    out.start[n] = t;
    out.open[n] = row.open;
    out.high[n] = row.high;
    out.low[n] = row.low;
    out.close[n] = row.close;
    out.volume[n] = row.volume;
    n++;
  }
  return { columns: truncateBarColumns(out, n), skipped: validator.skipped };
}

function num(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function toEpochMs(raw: unknown, info: ParquetColumnInfo, zone: ReturnType<typeof zoneConverter>): number {
  switch (info.type) {
    case 'TIMESTAMP':
      if (typeof raw !== 'number' || Number.isNaN(raw)) return Number.NaN;
      return info.adjustedToUtc ? raw : zone.wallToUtc(raw);
    case 'DATE':
      if (typeof raw !== 'number' || Number.isNaN(raw)) return Number.NaN;
      return zone.wallToUtc(raw);
    case 'INT64':
      return typeof raw === 'bigint' ? Number(raw) : Number.NaN;
    case 'DOUBLE':
      return typeof raw === 'number' ? raw : Number.NaN;
    case 'STRING':
      return typeof raw === 'string' ? parseStamp(raw, 0, raw.length, zone) : Number.NaN;
    default:
      return Number.NaN;
  }
}

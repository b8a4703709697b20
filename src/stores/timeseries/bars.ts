/**
 * Bar frames in Parquet, by symbol, timeframe and date range:
 * `bars/<symbol>/<timeframe>/<partition>.parquet`, one file per calendar month (UTC) for
 * intraday timeframes and per year for daily and longer ones, so a range loads only the
 * files it overlaps and a save rewrites only the partitions it touches.
 *
 * Saving merges into what is stored: a bar with the same start replaces the stored one.
 * Each partition is written atomically through the project's Parquet module, with the
 * symbol, timeframe and content hash of its bars in the footer; loading recomputes the hash
 * and checks the footer, so a damaged or misplaced file is reported, never silently used.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { timeframeMs } from '../../core/timeframe.ts';
import type { BarSeries } from '../../data/bar-series.ts';
import { writeBarsParquet } from '../../data/load-bars.ts';
import { allocateBarColumns, BAR_COLUMN_NAMES, createBarSeries, type BarColumns } from '../../data/series.ts';
import { readParquetFile } from '../../parquet/index.ts';
import { CorruptFileError, errnoCode, StoreInputError } from '../results/errors.ts';

const DAY_MS = 86_400_000;
const PARTITION = /^(\d{4})(?:-(\d{2}))?\.parquet$/;

/** Partition name of a bar start: `YYYY-MM` for intraday timeframes, `YYYY` for daily and longer. */
export function partitionOf(start: number, tfMs: number): string {
  const iso = new Date(start).toISOString();
  return tfMs >= DAY_MS ? iso.slice(0, 4) : iso.slice(0, 7);
}

/** [first ms, end ms) covered by a partition name. */
function partitionRange(name: string): [number, number] {
  const m = PARTITION.exec(name)!;
  const year = Number(m[1]);
  if (m[2] === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
  const month = Number(m[2]) - 1;
  return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
}

export function checkSeries(series: BarSeries, where: string): void {
  for (const name of BAR_COLUMN_NAMES) {
    if (!(series[name] instanceof Float64Array) || series[name].length !== series.length) throw new StoreInputError(where, `column ${name} is not a Float64Array of ${series.length} rows`);
  }
  for (let i = 0; i < series.length; i++) {
    const s = series.start[i];
    if (!Number.isSafeInteger(s)) throw new StoreInputError(where, `row ${i}: start ${s} is not an integer epoch ms`);
    if (i > 0 && s <= series.start[i - 1]) throw new StoreInputError(where, `row ${i}: starts must increase (${s} after ${series.start[i - 1]})`);
    for (const name of ['open', 'high', 'low', 'close', 'volume'] as const) {
      if (!Number.isFinite(series[name][i])) throw new StoreInputError(where, `row ${i}: ${name} is ${series[name][i]}`);
    }
  }
}

/** Writes `series` into its partitions under `dir`, merging with stored bars; returns the files written. */
export async function saveBarPartitions(dir: string, series: BarSeries): Promise<string[]> {
  await fsp.mkdir(dir, { recursive: true });
  const tf = timeframeMs(series.timeframe);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < series.length; i++) {
    const p = partitionOf(series.start[i], tf);
    let rows = groups.get(p);
    if (!rows) groups.set(p, (rows = []));
    rows.push(i);
  }
  const written: string[] = [];
  for (const [partition, rows] of groups) {
    const file = join(dir, `${partition}.parquet`);
    const merged = new Map<number, number[]>();
    const stored = await readPartition(file, series.symbol, series.timeframe);
    if (stored) for (let i = 0; i < stored.length; i++) merged.set(stored.start[i], BAR_COLUMN_NAMES.map((c) => stored[c][i]));
    for (const i of rows) merged.set(series.start[i], BAR_COLUMN_NAMES.map((c) => series[c][i]));
    const starts = [...merged.keys()].sort((a, b) => a - b);
    const columns = allocateBarColumns(starts.length);
    starts.forEach((s, r) => BAR_COLUMN_NAMES.forEach((c, k) => (columns[c][r] = merged.get(s)![k])));
    await writeBarsParquet(file, createBarSeries({ symbol: series.symbol, timeframe: series.timeframe, source: series.source, columns }));
    written.push(file);
  }
  return written;
}

/** Bars with from <= start < to from the partitions under `dir`; null if none are stored. */
export async function loadBarPartitions(dir: string, symbol: string, timeframe: string, range: { from?: number; to?: number }): Promise<BarSeries | null> {
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).filter((n) => PARTITION.test(n)).sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
  if (names.length === 0) return null;
  const from = range.from ?? -Infinity;
  const to = range.to ?? Infinity;
  const parts: BarSeries[] = [];
  for (const name of names) {
    const [lo, hi] = partitionRange(name);
    if (hi <= from || lo >= to) continue;
    const part = await readPartition(join(dir, name), symbol, timeframe);
    if (part) parts.push(part);
  }
  let n = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) if (p.start[i] >= from && p.start[i] < to) n++;
  const columns: BarColumns = allocateBarColumns(n);
  let r = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (p.start[i] < from || p.start[i] >= to) continue;
      for (const c of BAR_COLUMN_NAMES) columns[c][r] = p[c][i];
      r++;
    }
  }
  return createBarSeries({ symbol, timeframe, source: `timeseries-store:${dir}`, columns });
}

/** A stored partition, verified (footer symbol, timeframe and content hash); null if absent. */
async function readPartition(file: string, symbol: string, timeframe: string): Promise<BarSeries | null> {
  let table;
  try {
    table = await readParquetFile(file, { columns: BAR_COLUMN_NAMES });
  } catch (error) {
    if (errnoCode((error as Error).cause) === 'ENOENT') return null;
    throw new CorruptFileError(file, (error as Error).message, { cause: error });
  }
  const meta = table.metadata;
  if (meta['tradeflow.symbol'] !== symbol || meta['tradeflow.timeframe'] !== timeframe) {
    throw new CorruptFileError(file, `holds ${meta['tradeflow.symbol']} ${meta['tradeflow.timeframe']}, expected ${symbol} ${timeframe}`);
  }
  const columns = allocateBarColumns(table.rowCount);
  for (const c of BAR_COLUMN_NAMES) columns[c].set(table.columns[c] as ArrayLike<number>);
  const series = createBarSeries({ symbol, timeframe, source: file, columns });
  if (series.hash !== meta['tradeflow.hash']) throw new CorruptFileError(file, `content hash ${series.hash} does not match the footer's ${meta['tradeflow.hash']}`);
  return series;
}

/**
 * The columnar files of the store: one Parquet file of equity points and one of trades per
 * stored batch (a `store` call is a batch of one, `storeMany` one batch for all), with a
 * `backtest_id` column, written through src/parquet (atomic: temp file, fsync, rename, fsync
 * of the folder). The database row of a backtest records its file and row range; a read of
 * one backtest reads only the footer and the row groups holding its rows, and row groups are
 * cut at backtest boundaries (about ROW_GROUP_TARGET rows each), so one backtest's rows are
 * in one row group unless it alone is larger.
 *
 *   equity/<batch>.parquet   backtest_id STRING, ts DOUBLE (epoch ms), equity DOUBLE
 *   trades/<batch>.parquet   backtest_id STRING, then the columns of a run's trades.parquet
 *
 * `ts` is a DOUBLE of epoch milliseconds (exact: integers below 2^53), not an INT64 or
 * TIMESTAMP column: the writer turns every 64-bit integer into a BigInt (range check, min/max
 * statistics, encoding), which made the time column the most expensive part of a bulk store
 * and its garbage the rest (profiled: 1,000 curves of 2,520 points, about half the store's
 * time). In SQL, `epoch_ms(ts::BIGINT)` is the timestamp.
 *
 * Min/max statistics are written only where a reader can skip row groups by them: `ts` (a SQL
 * time filter over the files) and the trade columns. Not for `equity` (nobody filters curves by
 * value), nor `backtest_id`: the store reads a backtest by its row range, and ids start with
 * random hex, so a row group's id range spans most ids (a SQL `backtest_id = ...` filter would
 * skip few groups). Those statistics were about a third of the equity file's encoding time
 * (the writer compares every value, and the id strings code point by code point).
 *
 * One page per column chunk (`pageSize: 0`): row groups are cut at ~32 k rows (~8 k for trades),
 * so a chunk is one page of 1 MiB or less anyway, unless one backtest alone is larger; a reader
 * decodes its whole row group either way. It spares the writer a size estimate of every value.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readParquetFile, writeParquetFile, type ParquetColumnInput } from '../../parquet/index.ts';
import type { TradeRow } from './schema.ts';

export const EQUITY_DIR = 'equity';
export const TRADES_DIR = 'trades';
const ROW_GROUP_TARGET = 32_768;

/** Where one backtest's rows are: a file relative to the store root (null when it has none). */
export interface FileRange {
  readonly file: string | null;
  readonly row: number;
  readonly rows: number;
}

export function newBatchId(): string {
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Row group sizes cut at item boundaries, each at least `target` rows (the last may be smaller). */
function rowGroups(counts: readonly number[], target = ROW_GROUP_TARGET): number[] {
  const groups: number[] = [];
  let current = 0;
  for (const n of counts) {
    current += n;
    if (current >= target) {
      groups.push(current);
      current = 0;
    }
  }
  if (current > 0) groups.push(current);
  return groups;
}

function ranges(file: string | null, counts: readonly number[]): FileRange[] {
  let row = 0;
  return counts.map((rows) => {
    const range = { file: rows > 0 ? file : null, row, rows };
    row += rows;
    return range;
  });
}

export interface EquityItem {
  readonly id: string;
  readonly ts: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
}

export async function writeEquityBatch(root: string, batch: string, items: readonly EquityItem[]): Promise<FileRange[]> {
  const counts = items.map((b) => b.ts.length);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return ranges(null, counts);
  const ids = new Array<string>(total);
  const ts = new Float64Array(total);
  const equity = new Float64Array(total);
  let k = 0;
  for (const item of items) {
    const n = item.ts.length;
    ids.fill(item.id, k, k + n);
    if (item.ts instanceof Float64Array) ts.set(item.ts, k);
    else for (let i = 0; i < n; i++) ts[k + i] = item.ts[i];
    if (item.equity instanceof Float64Array) equity.set(item.equity, k);
    else for (let i = 0; i < n; i++) equity[k + i] = item.equity[i];
    k += n;
  }
  const file = `${EQUITY_DIR}/${batch}.parquet`;
  await mkdir(join(root, EQUITY_DIR), { recursive: true });
  await writeParquetFile(join(root, file), [
    { name: 'backtest_id', type: 'STRING', data: ids, statistics: false },
    { name: 'ts', type: 'DOUBLE', data: ts },
    { name: 'equity', type: 'DOUBLE', data: equity, statistics: false },
  ], { rowGroupSize: rowGroups(counts), pageSize: 0 });
  return ranges(file, counts);
}

export interface TradesItem {
  readonly id: string;
  readonly trades: readonly TradeRow[];
}

/** Trade columns in the store's files: the names and types of a run's trades.parquet. */
const TRADE_COLUMNS: readonly { name: string; type: ParquetColumnInput['type']; get: (t: TradeRow) => unknown; set: (t: Record<string, unknown>, v: unknown) => void }[] = [
  { name: 'portfolio_id', type: 'STRING', get: (t) => t.portfolioId, set: (t, v) => (t.portfolioId = v) },
  { name: 'strategy_id', type: 'STRING', get: (t) => t.strategyId, set: (t, v) => (t.strategyId = v) },
  { name: 'symbol', type: 'STRING', get: (t) => t.symbol, set: (t, v) => (t.symbol = v) },
  { name: 'stream', type: 'STRING', get: (t) => t.stream, set: (t, v) => (t.stream = v) },
  { name: 'direction', type: 'STRING', get: (t) => t.direction, set: (t, v) => (t.direction = v) },
  { name: 'quantity', type: 'DOUBLE', get: (t) => t.quantity, set: (t, v) => (t.quantity = v) },
  { name: 'entry_time', type: 'TIMESTAMP_MILLIS', get: (t) => t.entryTime, set: (t, v) => (t.entryTime = v) },
  { name: 'entry_bar_idx', type: 'INT64', get: (t) => t.entryBarIdx, set: (t, v) => (t.entryBarIdx = Number(v)) },
  { name: 'entry_price', type: 'DOUBLE', get: (t) => t.entryPrice, set: (t, v) => (t.entryPrice = v) },
  { name: 'exit_time', type: 'TIMESTAMP_MILLIS', get: (t) => t.exitTime, set: (t, v) => (t.exitTime = v) },
  { name: 'exit_bar_idx', type: 'INT64', get: (t) => t.exitBarIdx, set: (t, v) => (t.exitBarIdx = Number(v)) },
  { name: 'exit_price', type: 'DOUBLE', get: (t) => t.exitPrice, set: (t, v) => (t.exitPrice = v) },
  { name: 'commission', type: 'DOUBLE', get: (t) => t.commission, set: (t, v) => (t.commission = v) },
  { name: 'pnl', type: 'DOUBLE', get: (t) => t.pnl, set: (t, v) => (t.pnl = v) },
  { name: 'return', type: 'DOUBLE', get: (t) => t.returnPct, set: (t, v) => (t.returnPct = v) },
  { name: 'bars', type: 'INT64', get: (t) => t.bars, set: (t, v) => (t.bars = Number(v)) },
  { name: 'exit_reason', type: 'STRING', get: (t) => t.exitReason, set: (t, v) => (t.exitReason = v) },
];

export async function writeTradesBatch(root: string, batch: string, items: readonly TradesItem[]): Promise<FileRange[]> {
  const counts = items.map((b) => b.trades.length);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return ranges(null, counts);
  const ids: string[] = [];
  const all: TradeRow[] = [];
  for (const item of items) for (const t of item.trades) {
    ids.push(item.id);
    all.push(t);
  }
  const file = `${TRADES_DIR}/${batch}.parquet`;
  await mkdir(join(root, TRADES_DIR), { recursive: true });
  await writeParquetFile(join(root, file), [
    { name: 'backtest_id', type: 'STRING', data: ids, statistics: false },
    ...TRADE_COLUMNS.map((c) => ({ name: c.name, type: c.type, data: all.map(c.get) })),
  ], { rowGroupSize: rowGroups(counts, 8_192), pageSize: 0 });
  return ranges(file, counts);
}

export async function removeBatchFiles(root: string, files: readonly (string | null)[]): Promise<void> {
  for (const f of files) if (f) await rm(join(root, f), { force: true });
}

function checkId(path: string, ids: ArrayLike<unknown>, id: string): void {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== id) throw new Error(`backtest store file ${path}: row ${i} of backtest ${id}'s range belongs to ${String(ids[i])}`);
  }
}

export async function readEquity(root: string, id: string, range: FileRange): Promise<{ ts: number[]; equity: number[] }> {
  if (!range.file || range.rows === 0) return { ts: [], equity: [] };
  const path = join(root, range.file);
  const table = await readParquetFile(path, { rowStart: range.row, rowEnd: range.row + range.rows });
  checkId(path, table.columns.backtest_id, id);
  return {
    ts: Array.from(table.columns.ts as Float64Array),
    equity: Array.from(table.columns.equity as Float64Array),
  };
}

export async function readTrades(root: string, id: string, range: FileRange): Promise<TradeRow[]> {
  if (!range.file || range.rows === 0) return [];
  const path = join(root, range.file);
  const table = await readParquetFile(path, { rowStart: range.row, rowEnd: range.row + range.rows });
  checkId(path, table.columns.backtest_id, id);
  const out: TradeRow[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const row: Record<string, unknown> = {};
    for (const c of TRADE_COLUMNS) c.set(row, (table.columns[c.name] as ArrayLike<unknown>)[i]);
    out.push(row as TradeRow);
  }
  return out;
}

/** drawdown[i] = equity[i] / running max - 1 (0 while the running max is not positive). */
export function drawdownOf(equity: readonly number[]): number[] {
  const out = new Array<number>(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    if (equity[i] > peak) peak = equity[i];
    out[i] = peak > 0 ? equity[i] / peak - 1 : 0;
  }
  return out;
}

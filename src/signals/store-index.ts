/**
 * The strategy and classifier indexes: one row per instance (canonical hash, id, type, every
 * parameter with defaults as its own column plus the exact params as JSON, inputs, symbols,
 * timeframes, dataset hashes, file path, row counts), as Parquet so other tools can query them.
 */
import { join } from 'node:path';
import { readParquetFile, writeParquetFile, type ParquetColumnInput } from '../parquet/index.ts';
import { CLASSIFIER_INDEX_FILE, STRATEGY_INDEX_FILE } from './format.ts';

export interface IndexRow {
  readonly hash: string;
  readonly id: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly inputs: readonly string[];
  readonly symbols: readonly string[];
  readonly timeframes: readonly string[];
  readonly legWeights: readonly number[];
  /** Content hash of each input stream's dataset at generation. */
  readonly datasets: Record<string, string>;
  readonly path: string;
  /** Sparse rows stored (signal legs or classifier changes). */
  readonly rows: number;
  /** Signals (changes) stored: rows / legs for strategies, rows for classifiers. */
  readonly changes: number;
  /** Rows a dense per-bar store would hold: bars of the first input x legs. */
  readonly dense_rows: number;
}

export type IndexKind = 'strategy' | 'classifier';

const fileOf = (kind: IndexKind) => (kind === 'strategy' ? STRATEGY_INDEX_FILE : CLASSIFIER_INDEX_FILE);

export async function writeIndex(dir: string, kind: IndexKind, rows: readonly IndexRow[]): Promise<void> {
  const prefix = kind === 'strategy' ? 'strategy' : 'classifier';
  const columns: ParquetColumnInput[] = [
    { name: `${prefix}_hash`, type: 'STRING', data: rows.map((r) => r.hash) },
    { name: `${prefix}_id`, type: 'STRING', data: rows.map((r) => r.id) },
    { name: 'type', type: 'STRING', data: rows.map((r) => r.type) },
    { name: 'symbols', type: 'STRING', data: rows.map((r) => r.symbols.join(',')) },
    { name: 'timeframes', type: 'STRING', data: rows.map((r) => r.timeframes.join(',')) },
    { name: 'inputs', type: 'STRING', data: rows.map((r) => JSON.stringify(r.inputs)) },
    { name: 'leg_weights', type: 'STRING', data: rows.map((r) => JSON.stringify(r.legWeights)) },
    { name: 'datasets', type: 'STRING', data: rows.map((r) => JSON.stringify(r.datasets)) },
    { name: 'path', type: 'STRING', data: rows.map((r) => r.path) },
    { name: 'rows', type: 'INT32', data: rows.map((r) => r.rows) },
    { name: 'changes', type: 'INT32', data: rows.map((r) => r.changes) },
    { name: 'dense_rows', type: 'INT32', data: rows.map((r) => r.dense_rows) },
    { name: 'params_json', type: 'STRING', data: rows.map((r) => JSON.stringify(r.params)) },
  ];
  // Every parameter as its own column (null where an instance's type has no such param).
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  for (const key of keys) {
    const values = rows.map((r) => r.params[key]);
    const boolean = values.every((v) => v === undefined || typeof v === 'boolean');
    columns.push({ name: `param_${key}`, type: boolean ? 'BOOLEAN' : 'DOUBLE', data: values.map((v) => (v === undefined ? null : v)), nullable: true });
  }
  await writeParquetFile(join(dir, fileOf(kind)), columns);
}

export async function readIndex(dir: string, kind: IndexKind): Promise<IndexRow[]> {
  const prefix = kind === 'strategy' ? 'strategy' : 'classifier';
  // Only the columns read below (not the per-parameter ones, which are for other tools), typed:
  // the flat decoder then reads them, where hyparquet's general reader of every column was
  // ~1.5 ms of each replay's ~20 ms store read.
  const wanted = [`${prefix}_hash`, `${prefix}_id`, 'type', 'params_json', 'inputs', 'symbols', 'timeframes', 'leg_weights', 'datasets', 'path', 'rows', 'changes', 'dense_rows'];
  const table = await readParquetFile(join(dir, fileOf(kind)), { columns: wanted, typedNumbers: true });
  // (a missing column is readParquetFile's error, naming the file and the column)
  const col = (name: string) => table.columns[name]!;
  const rows: IndexRow[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const text = (name: string) => String(col(name)[i]);
    rows.push({
      hash: text(`${prefix}_hash`),
      id: text(`${prefix}_id`),
      type: text('type'),
      params: JSON.parse(text('params_json')) as Record<string, unknown>,
      inputs: JSON.parse(text('inputs')) as string[],
      symbols: text('symbols').split(','),
      timeframes: text('timeframes').split(','),
      legWeights: JSON.parse(text('leg_weights')) as number[],
      datasets: JSON.parse(text('datasets')) as Record<string, string>,
      path: text('path'),
      rows: Number(col('rows')[i]),
      changes: Number(col('changes')[i]),
      dense_rows: Number(col('dense_rows')[i]),
    });
  }
  return rows;
}

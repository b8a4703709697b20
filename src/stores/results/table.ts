/**
 * Rows of one data type in columns, the shape every file format is written from and read
 * into. Column names (snake_case) are the same in CSV headers, JSON keys and Parquet
 * columns; `field` is the record property each column holds.
 */
import type { PerfColumns } from './perf-buffer.ts';
import type { EventRecord, StoredRows, TableKind, TradeRecord } from './records.ts';

/** int: safe integer; float: finite double; time: epoch ms (ISO text in CSV); json: any JSON value. */
export type ColumnType = 'int' | 'float' | 'string' | 'time' | 'json';

export interface ColumnSpec {
  readonly name: string;
  readonly field: string;
  readonly type: ColumnType;
}

const col = (name: string, field: string, type: ColumnType): ColumnSpec => ({ name, field, type });

export const COLUMNS: Readonly<Record<TableKind, readonly ColumnSpec[]>> = {
  performance: [
    col('seq', 'seq', 'int'), col('ts', 'ts', 'time'), col('portfolio_id', 'portfolioId', 'string'),
    col('equity', 'equity', 'float'), col('cash', 'cash', 'float'),
  ],
  trades: [
    col('seq', 'seq', 'int'), col('portfolio_id', 'portfolioId', 'string'), col('strategy_id', 'strategyId', 'string'),
    col('symbol', 'symbol', 'string'), col('stream', 'stream', 'string'), col('direction', 'direction', 'string'),
    col('quantity', 'quantity', 'float'), col('entry_time', 'entryTime', 'time'), col('entry_bar_idx', 'entryBarIdx', 'int'),
    col('entry_price', 'entryPrice', 'float'), col('exit_time', 'exitTime', 'time'), col('exit_bar_idx', 'exitBarIdx', 'int'),
    col('exit_price', 'exitPrice', 'float'), col('commission', 'commission', 'float'), col('pnl', 'pnl', 'float'),
    col('return_pct', 'returnPct', 'float'), col('bars', 'bars', 'int'), col('exit_reason', 'exitReason', 'string'),
  ],
  events: [
    col('seq', 'seq', 'int'), col('ts', 'ts', 'time'), col('type', 'type', 'string'),
    col('source', 'source', 'string'), col('payload', 'payload', 'json'),
  ],
};

export interface Table {
  readonly kind: TableKind;
  readonly length: number;
  /** One array per column of COLUMNS[kind], by column name. */
  readonly columns: Readonly<Record<string, ArrayLike<unknown>>>;
}

export function perfTable(firstSeq: number, c: PerfColumns): Table {
  const n = c.ts.length;
  const seq = new Float64Array(n);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    seq[i] = firstSeq + i;
    ids[i] = c.ids[c.portfolio[i]];
    // -0 becomes 0: JSON and CSV cannot tell them apart, and every format must read back alike.
    c.equity[i] += 0;
    c.cash[i] += 0;
  }
  return { kind: 'performance', length: n, columns: { seq, ts: c.ts, portfolio_id: ids, equity: c.equity, cash: c.cash } };
}

/** Columns from records (trades or events), numbered from firstSeq. */
export function recordTable(kind: 'trades' | 'events', firstSeq: number, records: readonly (TradeRecord | EventRecord)[]): Table {
  const specs = COLUMNS[kind];
  const columns: Record<string, unknown[]> = {};
  for (const spec of specs) columns[spec.name] = new Array<unknown>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as unknown as Record<string, unknown>;
    for (const spec of specs) {
      const v = spec.field === 'seq' ? firstSeq + i : r[spec.field];
      columns[spec.name][i] = spec.type === 'float' ? (v as number) + 0 : v; // -0 -> 0, as above
    }
  }
  return { kind, length: records.length, columns };
}

/** Rows (records with their seq) from a table. */
export function tableRows<K extends TableKind>(table: Table & { kind: K }): StoredRows[K][] {
  const specs = COLUMNS[table.kind];
  const rows = new Array<StoredRows[K]>(table.length);
  for (let i = 0; i < table.length; i++) {
    const row: Record<string, unknown> = {};
    for (const spec of specs) row[spec.field] = table.columns[spec.name][i];
    rows[i] = row as StoredRows[K];
  }
  return rows;
}

/**
 * Concatenates tables of one kind. Columns that are Float64Arrays in every table stay one
 * (numbers unboxed: a 50,000-row part held as JavaScript arrays was 150,000 heap numbers of
 * garbage, collected later during someone else's loop).
 */
export function concatTables(kind: TableKind, tables: readonly Table[]): Table {
  if (tables.length === 1) return tables[0];
  const length = tables.reduce((n, t) => n + t.length, 0);
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const spec of COLUMNS[kind]) {
    if (tables.every((t) => t.columns[spec.name] instanceof Float64Array)) {
      const out = new Float64Array(length);
      let at = 0;
      for (const t of tables) {
        out.set((t.columns[spec.name] as Float64Array).subarray(0, t.length), at);
        at += t.length;
      }
      columns[spec.name] = out;
      continue;
    }
    const out = new Array<unknown>(length);
    let at = 0;
    for (const t of tables) {
      const src = t.columns[spec.name];
      for (let i = 0; i < t.length; i++) out[at++] = src[i];
    }
    columns[spec.name] = out;
  }
  return { kind, length, columns };
}

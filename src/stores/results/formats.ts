/**
 * Tables to files and back, in the three formats:
 *   csv     human-readable: times as ISO-8601 UTC, JSON cells as JSON text (src/results/csv.ts's dialect)
 *   json    JSON Lines (`.jsonl`): one object per row, times as epoch ms, JSON cells nested
 *   parquet through the project's one Parquet module: int -> INT64, float -> DOUBLE,
 *           time -> TIMESTAMP_MILLIS, string and JSON -> STRING
 * Every write is atomic (temp file, fsync, rename, fsync of the folder) and returns the
 * file's SHA-256 and size for the manifest. Reads verify both before decoding, and check
 * every cell's type: a damaged file is reported with its name, never half-read.
 */
import { promises as fsp } from 'node:fs';
import { readParquetFile, writeParquetFile, type ParquetColumnInput, type ParquetWriteType } from '../../parquet/index.ts';
import { sha256File, sha256Hex, writeFileAtomic } from '../../storage/atomic.ts';
import type { ResultFormat } from './config.ts';
import { parseCsv } from './csv-read.ts';
import { CorruptFileError } from './errors.ts';
import type { TableKind } from './records.ts';
import { COLUMNS, type ColumnSpec, type ColumnType, type Table } from './table.ts';
import { isoTime } from './iso-time.ts';
import { TextSink } from './text-sink.ts';

export const EXTENSION: Readonly<Record<ResultFormat, string>> = { csv: 'csv', json: 'jsonl', parquet: 'parquet' };

export interface WrittenFile {
  readonly sha256: string;
  readonly bytes: number;
}

export async function writeTable(path: string, table: Table, format: ResultFormat): Promise<WrittenFile> {
  if (format === 'parquet') {
    await writeParquetFile(path, parquetColumns(table));
    const [sha256, stat] = await Promise.all([sha256File(path), fsp.stat(path)]);
    return { sha256, bytes: stat.size };
  }
  const bytes = format === 'csv' ? csvBytes(table) : jsonlBytes(table);
  await writeFileAtomic(path, bytes);
  return { sha256: sha256Hex(bytes), bytes: bytes.length };
}

/** Reads a table file after checking its size and SHA-256 against the manifest's. */
export async function readTable(path: string, kind: TableKind, format: ResultFormat, expected: WrittenFile): Promise<Table> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(path);
  } catch (error) {
    throw new CorruptFileError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  if (bytes.length !== expected.bytes) throw new CorruptFileError(path, `size ${bytes.length} bytes, the manifest says ${expected.bytes} (truncated or replaced)`);
  const sha = sha256Hex(bytes);
  if (sha !== expected.sha256) throw new CorruptFileError(path, `SHA-256 ${sha} does not match the manifest's ${expected.sha256}`);
  if (format === 'parquet') return parquetTable(path, kind);
  return format === 'csv' ? csvTable(bytes.toString('utf8'), kind, path) : jsonlTable(bytes.toString('utf8'), kind, path);
}

// ---- CSV ----

/**
 * The dialect of src/results/csv.ts (toCsv): a cell with `"`, `,`, CR or LF is quoted with
 * `""` escapes; numbers as JavaScript prints them (they round-trip). Written value by value
 * into a TextSink instead of toCsv's row arrays and one big string (see text-sink.ts).
 */
function csvBytes(table: Table): Buffer {
  const specs = COLUMNS[table.kind];
  const sink = new TextSink();
  sink.write(specs.map((s) => csvCell(s.name)).join(',') + '\n');
  const columns = specs.map((s) => table.columns[s.name]);
  const last = specs.length - 1;
  const quoted = new Map<string, string>();
  for (let i = 0; i < table.length; i++) {
    let line = '';
    for (let c = 0; c <= last; c++) {
      const v = columns[c][i];
      const type = specs[c].type;
      let text: string;
      if (type === 'string') {
        text = quoted.get(v as string) ?? csvCell(v as string);
        if (quoted.size < 10_000) quoted.set(v as string, text);
      } else text = type === 'time' ? isoTime(v as number) : type === 'json' ? csvCell(JSON.stringify(v)) : String(v);
      line += c === last ? `${text}\n` : `${text},`;
    }
    sink.write(line);
  }
  return sink.bytes();
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvTable(text: string, kind: TableKind, file: string): Table {
  const specs = COLUMNS[kind];
  const rows = parseCsv(text, file);
  const header = rows[0]?.join(',');
  const expected = specs.map((s) => s.name).join(',');
  if (header !== expected) throw new CorruptFileError(file, `header "${header ?? ''}" is not "${expected}"`);
  const length = rows.length - 1;
  const columns = emptyColumns(specs, length);
  for (let r = 0; r < length; r++) {
    const cells = rows[r + 1];
    if (cells.length !== specs.length) throw new CorruptFileError(file, `line ${r + 2}: ${cells.length} cells, expected ${specs.length}`);
    for (let c = 0; c < specs.length; c++) columns[specs[c].name][r] = fromText(cells[c], specs[c], file, r + 2);
  }
  return { kind, length, columns };
}

function fromText(text: string, spec: ColumnSpec, file: string, line: number): unknown {
  const bad = (): never => {
    throw new CorruptFileError(file, `line ${line}, column ${spec.name}: ${JSON.stringify(text)} is not a valid ${spec.type}`);
  };
  switch (spec.type) {
    case 'string':
      return text;
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return bad();
      }
    case 'time': {
      const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(text) ? Date.parse(text) : NaN;
      return Number.isFinite(ms) ? ms : bad();
    }
    default: {
      const v = text.trim() === '' ? NaN : Number(text);
      return checkNumber(v, spec.type) ? v : bad();
    }
  }
}

// ---- JSON Lines ----

/** One JSON object per line, keys in column order; strings escaped once per distinct value. */
function jsonlBytes(table: Table): Buffer {
  const specs = COLUMNS[table.kind];
  const sink = new TextSink();
  const keys = specs.map((s, c) => `${c === 0 ? '{' : ','}${JSON.stringify(s.name)}:`);
  const columns = specs.map((s) => table.columns[s.name]);
  const quoted = new Map<string, string>();
  for (let i = 0; i < table.length; i++) {
    let line = '';
    for (let c = 0; c < specs.length; c++) {
      const v = columns[c][i];
      const type = specs[c].type;
      let text: string;
      if (type === 'string') {
        text = quoted.get(v as string) ?? JSON.stringify(v);
        if (quoted.size < 10_000) quoted.set(v as string, text);
      } else text = type === 'json' ? JSON.stringify(v) : String(v);
      line += keys[c] + text;
    }
    sink.write(line + '}\n');
  }
  return sink.bytes();
}

function jsonlTable(text: string, kind: TableKind, file: string): Table {
  const specs = COLUMNS[kind];
  if (text.length > 0 && !text.endsWith('\n')) throw new CorruptFileError(file, 'the file does not end with a newline (truncated?)');
  const lines = text.length === 0 ? [] : text.slice(0, -1).split('\n');
  const columns = emptyColumns(specs, lines.length);
  for (let r = 0; r < lines.length; r++) {
    let row: unknown;
    try {
      row = JSON.parse(lines[r]);
    } catch (error) {
      throw new CorruptFileError(file, `line ${r + 1}: ${(error as Error).message}`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new CorruptFileError(file, `line ${r + 1}: not an object`);
    for (const spec of specs) {
      const v = (row as Record<string, unknown>)[spec.name];
      const ok = spec.type === 'json' ? v !== undefined : spec.type === 'string' ? typeof v === 'string' : checkNumber(v, spec.type);
      if (!ok) throw new CorruptFileError(file, `line ${r + 1}, field ${spec.name}: ${JSON.stringify(v) ?? 'missing'} is not a valid ${spec.type}`);
      columns[spec.name][r] = v;
    }
  }
  return { kind, length: lines.length, columns };
}

// ---- Parquet ----

const PARQUET_TYPE: Readonly<Record<ColumnType, ParquetWriteType>> = {
  int: 'INT64', float: 'DOUBLE', time: 'TIMESTAMP_MILLIS', string: 'STRING', json: 'STRING',
};

function parquetColumns(table: Table): ParquetColumnInput[] {
  return COLUMNS[table.kind].map((spec) => {
    const src = table.columns[spec.name];
    const data = spec.type === 'json' ? Array.from(src, (v) => JSON.stringify(v)) : src;
    return { name: spec.name, type: PARQUET_TYPE[spec.type], data };
  });
}

async function parquetTable(path: string, kind: TableKind): Promise<Table> {
  const specs = COLUMNS[kind];
  let read;
  try {
    read = await readParquetFile(path, { columns: specs.map((s) => s.name) });
  } catch (error) {
    throw new CorruptFileError(path, (error as Error).message, { cause: error });
  }
  const columns = emptyColumns(specs, read.rowCount);
  for (const spec of specs) {
    const src = read.columns[spec.name];
    const out = columns[spec.name];
    for (let i = 0; i < read.rowCount; i++) {
      const v = src[i];
      let value: unknown = v;
      if (spec.type === 'json') {
        try {
          value = JSON.parse(v as string) as unknown;
        } catch {
          throw new CorruptFileError(path, `row ${i}, column ${spec.name}: not JSON`);
        }
      } else if (spec.type === 'int') value = typeof v === 'bigint' ? Number(v) : v;
      const ok = spec.type === 'json' || (spec.type === 'string' ? typeof value === 'string' : checkNumber(value, spec.type));
      if (!ok) throw new CorruptFileError(path, `row ${i}, column ${spec.name}: ${String(value)} is not a valid ${spec.type}`);
      out[i] = value;
    }
  }
  return { kind, length: read.rowCount, columns };
}

// ---- shared ----

function emptyColumns(specs: readonly ColumnSpec[], length: number): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = {};
  for (const spec of specs) columns[spec.name] = new Array<unknown>(length);
  return columns;
}

function checkNumber(v: unknown, type: ColumnType): boolean {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  return type === 'float' || Number.isSafeInteger(v);
}

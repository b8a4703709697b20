/**
 * Importing files into the store.
 *   - Bar files (CSV or Parquet) go through the data layer's loadBars, so the store accepts
 *     exactly what a topology would load, with the same quirks handled (empty first header
 *     cell, Adj Close, float volumes, date-only stamps, time zones). Rows it rejects are
 *     quarantined with their line, reason and raw text; the rest is one write batch.
 *   - Other kinds come from a CSV whose header names the kind's fields (see records/), plus a
 *     time column (ts, datetime, timestamp, date or time, read in `timezone`), optionally a
 *     `symbol` column (one batch per symbol) and, for fundamentals, a `type` column or option.
 */
import { promises as fsp } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { loadBars, type LoadBarsResult } from '../../data/load-bars.ts';
import { parseStamp } from '../../data/stamp.ts';
import { NonexistentLocalTimeError, zoneConverter } from '../../data/timezone.ts';
import { MarketDataError, messageOf } from './errors.ts';
import { NO_SLOT, type RecordKind } from './layout.ts';
import type { Batch } from './manifest.ts';
import type { Rejection } from './quarantine.ts';
import { KIND_SPECS } from './records/index.ts';
import type { MarketDataStore } from './store.ts';

export interface ImportReport {
  readonly file: string;
  readonly kind: RecordKind;
  readonly timezone: string;
  readonly durationMs: number;
  readonly batches: readonly { readonly symbol: string; readonly timeframe: string; readonly batch: Batch; readonly rejections: readonly Rejection[] }[];
}

export interface BarImportOptions {
  readonly file: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly timezone: string;
  /** Abort (nothing stored) at the first bad row instead of quarantining bad rows. */
  readonly strict?: boolean;
  readonly provider?: string;
  readonly quality?: number;
}

/** 1-based line of each data row the CSV loader accepted, given the lines it skipped. */
function acceptedCsvLines(text: string, skipped: ReadonlySet<number>): number[] {
  const lines: number[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  while (pos <= text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    lineNo++;
    const line = text.slice(pos, eol).replace(/\r$/, '');
    pos = eol + 1;
    if (lineNo === 1) continue;
    if (line === '' || (!line.includes(',') && line.trim() === '')) continue; // blank: the loader ignores it
    if (!skipped.has(lineNo)) lines.push(lineNo);
    if (eol === text.length) break;
  }
  return lines;
}

export async function importBarFile(store: MarketDataStore, options: BarImportOptions): Promise<ImportReport> {
  const t0 = performance.now();
  const path = resolve(options.file);
  const loaded = await loadBars({ path, symbol: options.symbol, timeframe: options.timeframe, timezone: options.timezone, onInvalid: options.strict ? 'error' : 'skip' });
  return importLoadedBars(store, path, loaded, options, t0);
}

/** Store bars already loaded from `path` by loadBars (skipped rows become quarantine entries). */
export async function importLoadedBars(store: MarketDataStore, path: string, loaded: LoadBarsResult, options: BarImportOptions, t0 = performance.now()): Promise<ImportReport> {
  const { series, skipped } = loaded;
  const isCsv = extname(path).toLowerCase() === '.csv';
  const skippedLines = new Set(skipped.map((s) => s.line));
  let lines: number[] | undefined;
  let rawLines: string[] | undefined;
  if (isCsv) {
    const text = await fsp.readFile(path, 'utf8');
    lines = acceptedCsvLines(text, skippedLines);
    if (skipped.length > 0) rawLines = text.split('\n');
  } else {
    lines = [];
    for (let row = 1; lines.length < series.length; row++) if (!skippedLines.has(row)) lines.push(row);
  }
  if (lines.length !== series.length) lines = undefined; // cannot map rows to lines: quarantine by record index
  const preRejected: Rejection[] = skipped.map((s) => ({ line: s.line, reason: s.reason, record: rawLines ? rawLines[s.line - 1]?.replace(/\r$/, '') ?? null : `row ${s.line}` }));
  const result = await store.writeBars(options.symbol, options.timeframe, series, { source: path, provider: options.provider, quality: options.quality, timezone: options.timezone }, { preRejected, lines });
  return {
    file: path,
    kind: 'bars',
    timezone: options.timezone,
    durationMs: performance.now() - t0,
    batches: [{ symbol: options.symbol, timeframe: options.timeframe, batch: result.batch, rejections: result.rejections }],
  };
}

export interface RecordImportOptions {
  readonly file: string;
  readonly kind: Exclude<RecordKind, 'bars'>;
  /** Symbol of every row (when the file has no `symbol` column). */
  readonly symbol?: string;
  /** Timeframe of feature rows. */
  readonly timeframe?: string;
  readonly timezone: string;
  /** Fundamentals: the record type of every row (when the file has no `type` column). */
  readonly type?: string;
  readonly provider?: string;
  readonly quality?: number;
}

const TIME_NAMES = ['ts', 'datetime', 'timestamp', 'date', 'time'];

export async function importRecordCsv(store: MarketDataStore, options: RecordImportOptions): Promise<ImportReport> {
  const t0 = performance.now();
  const path = resolve(options.file);
  const name = basename(path);
  const spec = KIND_SPECS[options.kind];
  if (!spec || options.kind === ('bars' as RecordKind)) throw new MarketDataError(`importRecordCsv: kind must be one of quotes, trades, options, flow, fundamentals, calendar, features (got ${JSON.stringify(options.kind)})`);
  if (extname(path).toLowerCase() !== '.csv') throw new MarketDataError(`${name}: ${options.kind} records are imported from .csv files only`);
  const zone = zoneConverter(options.timezone);
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MarketDataError(`file not found: ${path}`, { cause: error });
    throw new MarketDataError(`cannot read ${path}: ${messageOf(error)}`, { cause: error });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = (rows[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  if (header.length === 0 || header.every((h) => h === '')) throw new MarketDataError(`${name} line 1: empty header`);
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new MarketDataError(`${name} line 1: duplicate column "${h}"`);
    seen.add(h);
  }
  const timeCol = TIME_NAMES.map((n) => header.indexOf(n)).find((i) => i >= 0);
  if (timeCol === undefined) throw new MarketDataError(`${name} line 1: no time column (one of ${TIME_NAMES.join(', ')}); header: ${rows[0]}`);
  const symbolCol = header.indexOf('symbol');
  const fields = new Map(spec.columns.map((c) => [c.name, c]));
  const used = new Map<number, { name: string; type: 'number' | 'string' }>();
  header.forEach((h, i) => {
    if (i === timeCol || i === symbolCol) return;
    const c = fields.get(h);
    if (!c || c.type === 'time') throw new MarketDataError(`${name} line 1: column "${h}" is not a field of ${options.kind} records (fields: ${spec.columns.filter((x) => x.type !== 'time').map((x) => x.name).join(', ')})`);
    used.set(i, { name: h, type: c.type });
  });
  if (options.type !== undefined && header.includes('type')) throw new MarketDataError(`${name}: --type given but the file has a type column`);
  if (symbolCol >= 0 && !spec.hasSymbol) throw new MarketDataError(`${name} line 1: ${options.kind} records have no symbol, but the file has a symbol column`);
  if (symbolCol < 0 && spec.hasSymbol && !options.symbol) throw new MarketDataError(`${name}: no symbol column; give the symbol of its rows`);

  const groups = new Map<string, { records: Record<string, unknown>[]; lines: number[]; rejected: Rejection[] }>();
  const group = (symbol: string) => {
    let g = groups.get(symbol);
    if (!g) groups.set(symbol, (g = { records: [], lines: [], rejected: [] }));
    return g;
  };
  const fallback = spec.hasSymbol ? options.symbol : NO_SLOT;
  const orphans: Rejection[] = [];
  for (let i = 1; i < rows.length; i++) {
    const line = rows[i];
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const symbol = !spec.hasSymbol ? NO_SLOT : symbolCol >= 0 ? cells[symbolCol] || undefined : options.symbol;
    const reject = (reason: string) => (symbol ?? fallback) !== undefined ? group((symbol ?? fallback)!).rejected.push({ line: lineNo, reason, record: line }) : orphans.push({ line: lineNo, reason, record: line });
    if (cells.length !== header.length) {
      reject(`expected ${header.length} cells, got ${cells.length}`);
      continue;
    }
    if (symbol === undefined) {
      reject('symbol is empty');
      continue;
    }
    let ts: number;
    try {
      ts = parseStamp(cells[timeCol], 0, cells[timeCol].length, zone);
    } catch (error) {
      if (!(error instanceof NonexistentLocalTimeError)) throw error;
      reject(error.message);
      continue;
    }
    if (Number.isNaN(ts)) {
      reject(`unparsable date ${JSON.stringify(cells[timeCol])}`);
      continue;
    }
    const record: Record<string, unknown> = { [spec.timeField]: ts };
    if (options.type !== undefined) record.type = options.type;
    let bad: string | undefined;
    for (const [col, f] of used) {
      const cell = cells[col];
      if (cell === '') continue; // absent (optional fields); a required one is then reported by the schema
      if (f.type === 'string') record[f.name] = cell;
      else {
        const v = Number(cell);
        if (Number.isNaN(v)) {
          bad = `${f.name} is not a number (${JSON.stringify(cell)})`;
          break;
        }
        record[f.name] = v;
      }
    }
    if (bad) {
      reject(bad);
      continue;
    }
    const g = group(symbol);
    g.records.push(record);
    g.lines.push(lineNo);
  }
  if (orphans.length > 0) {
    const first = [...groups.keys()][0];
    if (first === undefined) throw new MarketDataError(`${name}: nothing to import; ${orphans.slice(0, 3).map((r) => `line ${r.line}: ${r.reason}`).join('; ')}`);
    groups.get(first)!.rejected.push(...orphans);
  }
  const batches: ImportReport['batches'][number][] = [];
  for (const [symbol, g] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const result = await store.writeRecords(
      options.kind,
      { symbol, timeframe: options.timeframe },
      g.records,
      { source: path, provider: options.provider, quality: options.quality, timezone: options.timezone },
      { preRejected: g.rejected, lines: g.lines },
    );
    batches.push({ symbol, timeframe: options.timeframe ?? NO_SLOT, batch: result.batch, rejections: result.rejections });
  }
  return { file: path, kind: options.kind, timezone: options.timezone, durationMs: performance.now() - t0, batches };
}

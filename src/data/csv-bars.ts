/**
 * Fast CSV bar loader: a hand-written single pass over the file text (indexOf for line and
 * field boundaries, a char-code stamp parser, `Number()` on the numeric cells), no regex and no
 * per-row string splitting.
 *
 * Header (first line, case-insensitive, blanks and surrounding quotes trimmed):
 *   - time column: the first of `datetime`, `timestamp`, `date`, `time`; failing those, an EMPTY
 *     first header cell (a pandas index, e.g. `,Open,High,Low,Close,Volume`);
 *   - required: `open`, `high`, `low`, `close`, `volume`; other columns (`Adj Close`, ...) are
 *     ignored. A missing required column -> BarDataError naming the file and the column.
 * Rows: LF or CRLF line ends, blank lines ignored, surrounding quotes of a cell stripped (quoted
 * cells containing commas are not supported). Every row must have as many cells as the header.
 * Stamps: see `stamp.ts` (date-only or date-time, naive = local time in `timezone`, an explicit
 * `Z`/offset is honoured). Volume may be written as a float (`829753.0`).
 * Each row is then validated (see `validation.ts`); line numbers are 1-based file lines.
 */
import { readFile } from 'node:fs/promises';
import { allocateBarColumns, truncateBarColumns, type BarColumns } from './series.ts';
import { parseStamp } from './stamp.ts';
import { NonexistentLocalTimeError, zoneConverter } from './timezone.ts';
import { BarDataError, BarRowValidator, type InvalidRowPolicy, type SkippedRow } from './validation.ts';

export interface CsvBarOptions {
  /** IANA zone of naive stamps, e.g. 'America/New_York' or 'UTC'. */
  readonly timezone: string;
  /** 'error' (default): throw at the first bad row; 'skip': drop bad rows and report them. */
  readonly onInvalid?: InvalidRowPolicy;
}

export interface ParsedBars {
  readonly columns: BarColumns;
  /** Rows dropped under onInvalid 'skip' (always empty under 'error'). */
  readonly skipped: SkippedRow[];
}

const TIME_NAMES = ['datetime', 'timestamp', 'date', 'time'] as const;
const VALUE_NAMES = ['open', 'high', 'low', 'close', 'volume'] as const;

function cleanHeaderCell(cell: string): string {
  let s = cell.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).trim();
  return s.toLowerCase();
}

/** Column indexes of the time column and the five value columns. */
function resolveHeader(file: string, headerLine: string): { time: number; values: number[]; count: number } {
  const names = headerLine.split(',').map(cleanHeaderCell);
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name !== '' && seen.has(name)) throw new BarDataError(file, 1, `duplicate column "${name}" in header`);
    seen.set(name, i);
  });
  const shown = `header: ${headerLine.trim()}`;
  let time = -1;
  for (const candidate of TIME_NAMES) {
    const i = seen.get(candidate);
    if (i !== undefined) {
      time = i;
      break;
    }
  }
  if (time < 0 && names[0] === '') time = 0;
  if (time < 0) {
    throw new BarDataError(
      file,
      1,
      `missing required column "datetime" (or date/timestamp/time, or an empty first header cell); ${shown}`,
    );
  }
  const values = VALUE_NAMES.map((name) => {
    const i = seen.get(name);
    if (i === undefined) throw new BarDataError(file, 1, `missing required column "${name}"; ${shown}`);
    return i;
  });
  return { time, values, count: names.length };
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Plain decimal `ddd[.ddd]` in text[a, b) without allocating, or NaN when the text is anything
 * else (sign, exponent, too many digits, ...), in which case the caller falls back to Number().
 * Exact: the digits form an integer m < 2^53 and the fraction has k <= 22 digits, so m and 10^k
 * are exact doubles and the IEEE division m / 10^k is the correctly rounded value of the
 * decimal, i.e. bit-identical to Number(text) (Clinger's fast path).
 */
function parsePlainDecimal(text: string, a: number, b: number): number {
  let m = 0;
  let k = -1;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (k >= 0) return Number.NaN;
      k = 0;
      continue;
    }
    const d = c - 48;
    if (!(d >= 0 && d <= 9)) return Number.NaN;
    m = m * 10 + d;
    if (k >= 0) k++;
  }
  if (m > 9007199254740991 || k > 22 || (k === 0 && b - a === 1)) return Number.NaN;
  return k > 0 ? m / POW10[k] : m;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 34; // space, tab, quote
}

/**
 * Parse CSV bar text. `file` is only used in messages. Throws BarDataError for a bad header,
 * and for the first bad row under onInvalid 'error'.
 */
export function parseCsvBars(text: string, file: string, options: CsvBarOptions): ParsedBars {
  const zone = zoneConverter(options.timezone);
  const validator = new BarRowValidator(file, options.onInvalid ?? 'error');
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  // header
  let eol = text.indexOf('\n', pos);
  if (eol < 0) eol = length;
  const headerLine = text.slice(pos, eol).replace(/\r$/, '');
  if (headerLine.trim() === '') throw new BarDataError(file, 1, 'empty file or empty header line');
  const header = resolveHeader(file, headerLine);
  pos = eol + 1;

  // capacity: number of remaining lines
  let capacity = 0;
  for (let p = pos; p < length; ) {
    const n = text.indexOf('\n', p);
    capacity++;
    if (n < 0) break;
    p = n + 1;
  }
  const out = allocateBarColumns(capacity);
  const { start, open, high, low, close, volume } = out;
  let n = 0;

  const cellStart = new Int32Array(header.count);
  const cellEnd = new Int32Array(header.count);
  const iTime = header.time;
  const valueIndex = header.values;
  const parsed = new Float64Array(5);
  let lineNo = 1;

  while (pos < length) {
    lineNo++;
    eol = text.indexOf('\n', pos);
    if (eol < 0) eol = length;
    let end = eol;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    const lineStart = pos;
    pos = eol + 1;
    if (end === lineStart) continue; // blank line

    // cell boundaries
    let cells = 0;
    let p = lineStart;
    let tooMany = false;
    for (;;) {
      let comma = text.indexOf(',', p);
      if (comma < 0 || comma > end) comma = end;
      if (cells === header.count) {
        tooMany = true;
        break;
      }
      cellStart[cells] = p;
      cellEnd[cells] = comma;
      cells++;
      if (comma === end) break;
      p = comma + 1;
    }
    if (tooMany || cells !== header.count) {
      if (!tooMany && cells === 1 && text.slice(lineStart, end).trim() === '') continue; // whitespace-only line
      let total = 1;
      for (let q = text.indexOf(',', lineStart); q >= 0 && q < end; q = text.indexOf(',', q + 1)) total++;
      validator.reject(lineNo, `expected ${header.count} cells, got ${total}`);
      continue;
    }

    // stamp
    let t: number;
    try {
      t = parseStamp(text, cellStart[iTime], cellEnd[iTime], zone);
    } catch (error) {
      if (error instanceof NonexistentLocalTimeError) {
        validator.reject(lineNo, error.message);
        continue;
      }
      throw error;
    }
    if (Number.isNaN(t)) {
      validator.reject(lineNo, `unparsable date ${JSON.stringify(text.slice(cellStart[iTime], cellEnd[iTime]))}`);
      continue;
    }

    // numbers
    let bad: string | undefined;
    for (let k = 0; k < 5; k++) {
      const ci = valueIndex[k];
      let a = cellStart[ci];
      let b = cellEnd[ci];
      while (a < b && isBlank(text.charCodeAt(a))) a++;
      while (b > a && isBlank(text.charCodeAt(b - 1))) b--;
      if (a === b) {
        bad = `${VALUE_NAMES[k]} is empty`;
        break;
      }
      let v = parsePlainDecimal(text, a, b);
      if (Number.isNaN(v)) {
        const raw = text.slice(a, b);
        v = Number(raw);
        if (Number.isNaN(v) && raw.toLowerCase() !== 'nan') {
          bad = `${VALUE_NAMES[k]} is not a number (${JSON.stringify(raw)})`;
          break;
        }
      }
      parsed[k] = v;
    }
    if (bad !== undefined) {
      validator.reject(lineNo, bad);
      continue;
    }

    const row = { start: t, open: parsed[0], high: parsed[1], low: parsed[2], close: parsed[3], volume: parsed[4] };
    if (!validator.accept(lineNo, row)) continue;
    start[n] = t;
    open[n] = row.open;
    high[n] = row.high;
    low[n] = row.low;
    close[n] = row.close;
    volume[n] = row.volume;
    n++;
  }
  return { columns: truncateBarColumns(out, n), skipped: validator.skipped };
}

/** Read and parse a CSV bar file (see {@link parseCsvBars}). Missing file -> `bar file not found: <path>`. */
export async function readCsvBars(path: string, options: CsvBarOptions): Promise<ParsedBars> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`bar file not found: ${path}`, { cause: error });
    throw new Error(`cannot read bar file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseCsvBars(text, path, options);
}

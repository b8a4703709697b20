import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvBars } from '../../src/data/csv-bars.ts';
import { loadBars } from '../../src/data/load-bars.ts';
import { BarDataError, BarRowSchema } from '../../src/data/validation.ts';
import { makeTempDir } from './helpers.ts';

const HEADER = 'datetime,open,high,low,close,volume';
const GOOD = [
  '2025-09-15 09:30:00,10,11,9,10.5,100',
  '2025-09-15 09:31:00,10.5,11,10,10.8,200',
  '2025-09-15 09:32:00,10.8,11.2,10.7,11,300',
  '2025-09-15 09:33:00,11,11.5,10.9,11.4,400',
];

/** A file with GOOD rows and `bad` inserted as data row `at` (0-based), i.e. file line at + 2. */
function withBadRow(bad: string, at = 2): string {
  const rows = [...GOOD];
  rows.splice(at, 0, bad);
  return [HEADER, ...rows].join('\n') + '\n';
}

interface Case {
  name: string;
  text: string;
  line: number;
  reason: RegExp;
  /** rows expected to survive under 'skip' */
  kept: number;
}

const cases: Case[] = [
  { name: 'nan', text: withBadRow('2025-09-15 09:31:30,10,11,9,NaN,100'), line: 4, reason: /^close is not a finite number \(NaN\)$/, kept: 4 },
  { name: 'negative-price', text: withBadRow('2025-09-15 09:31:30,-10.5,11,9,10,100'), line: 4, reason: /^open must be > 0 \(-10\.5\)$/, kept: 4 },
  { name: 'high-below-low', text: withBadRow('2025-09-15 09:31:30,10.3,10.2,10.5,10.4,100'), line: 4, reason: /^high \(10\.2\) < low \(10\.5\)$/, kept: 4 },
  { name: 'high-below-close', text: withBadRow('2025-09-15 09:31:30,10.3,10.4,10.1,10.6,100'), line: 4, reason: /^high \(10\.4\) < close \(10\.6\)$/, kept: 4 },
  { name: 'low-above-open', text: withBadRow('2025-09-15 09:31:30,10.0,10.4,10.1,10.2,100'), line: 4, reason: /^low \(10\.1\) > open \(10\)$/, kept: 4 },
  { name: 'negative-volume', text: withBadRow('2025-09-15 09:31:30,10,11,9,10,-1'), line: 4, reason: /^volume must be >= 0 \(-1\)$/, kept: 4 },
  { name: 'infinite', text: withBadRow('2025-09-15 09:31:30,10,Infinity,9,10,1'), line: 4, reason: /^high is not a finite number \(Infinity\)$/, kept: 4 },
  { name: 'text-number', text: withBadRow('2025-09-15 09:31:30,10,abc,9,10,1'), line: 4, reason: /^high is not a number \("abc"\)$/, kept: 4 },
  { name: 'empty-cell', text: withBadRow('2025-09-15 09:31:30,10,11,9,,1'), line: 4, reason: /^close is empty$/, kept: 4 },
  { name: 'unparsable-date', text: withBadRow('2025-13-01 09:31:30,10,11,9,10,1'), line: 4, reason: /^unparsable date "2025-13-01 09:31:30"$/, kept: 4 },
  { name: 'unparsable-date-text', text: withBadRow('yesterday,10,11,9,10,1'), line: 4, reason: /^unparsable date "yesterday"$/, kept: 4 },
  { name: 'feb-30', text: withBadRow('2025-02-30,10,11,9,10,1', 0), line: 2, reason: /^unparsable date "2025-02-30"$/, kept: 4 },
  {
    name: 'duplicate',
    text: withBadRow('2025-09-15 09:31:00,10,11,9,10,1'),
    line: 4,
    reason: /^duplicate stamp 2025-09-15T13:31:00Z \(same as 2025-09-15T13:31:00Z at line 3\)$/,
    kept: 4,
  },
  {
    name: 'out-of-order',
    text: withBadRow('2025-09-15 09:29:00,10,11,9,10,1'),
    line: 4,
    reason: /^out-of-order stamp 2025-09-15T13:29:00Z \(before 2025-09-15T13:31:00Z at line 3\)$/,
    kept: 4,
  },
  { name: 'too-few-cells', text: withBadRow('2025-09-15 09:31:30,10,11,9,10'), line: 4, reason: /^expected 6 cells, got 5$/, kept: 4 },
  { name: 'too-many-cells', text: withBadRow('2025-09-15 09:31:30,10,11,9,10,1,7'), line: 4, reason: /^expected 6 cells, got 7$/, kept: 4 },
  {
    name: 'dst-gap',
    text: [HEADER, '2025-03-09 01:59:00,10,11,9,10,1', '2025-03-09 02:30:00,10,11,9,10,1', '2025-03-09 03:00:00,10,11,9,10,1'].join('\n'),
    line: 3,
    reason: /^nonexistent local time 2025-03-09 02:30:00 in America\/New_York/,
    kept: 2,
  },
];

describe('malformed CSV rows', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterAll(() => cleanup());

  for (const c of cases) {
    it(`${c.name}: 'error' throws naming file, line and reason; 'skip' drops and reports it`, async () => {
      const path = join(dir, `${c.name}.csv`);
      await writeFile(path, c.text);
      const opts = { path, symbol: 'TEST', timeframe: '1m', timezone: 'America/New_York' };
      const error = await loadBars(opts).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BarDataError);
      const e = error as BarDataError;
      expect(e.file).toBe(path);
      expect(e.line).toBe(c.line);
      expect(e.reason).toMatch(c.reason);
      expect(e.message).toBe(`${c.name}.csv line ${c.line}: ${e.reason}`);

      const { series, skipped } = await loadBars({ ...opts, onInvalid: 'skip' });
      expect(skipped).toHaveLength(1);
      expect(skipped[0].line).toBe(c.line);
      expect(skipped[0].reason).toMatch(c.reason);
      expect(series.length).toBe(c.kept);
      for (let i = 1; i < series.length; i++) expect(series.start[i]).toBeGreaterThan(series.start[i - 1]);
    });
  }

  it('skip reports every bad row, and later rows are ordered against the last ACCEPTED row', () => {
    const text = [
      HEADER,
      '2025-09-15 09:30:00,10,11,9,10,1', // 2 ok
      '2025-09-15 09:35:00,10,9,11,10,1', // 3 high < low
      '2025-09-15 09:31:00,10,11,9,10,1', // 4 ok: compared with line 2, not with rejected line 3
      '2025-09-15 09:31:00,10,11,9,10,1', // 5 duplicate of line 4
      'bad,10,11,9,10,1', // 6 bad date
      '2025-09-15 09:32:00,10,11,9,10,1', // 7 ok
    ].join('\r\n');
    const { columns, skipped } = parseCsvBars(text, 'mixed.csv', { timezone: 'UTC', onInvalid: 'skip' });
    expect(columns.start.length).toBe(3);
    expect(skipped.map((s) => s.line)).toEqual([3, 5, 6]);
    expect(skipped[0].reason).toBe('high (9) < low (11)');
    expect(skipped[1].reason).toMatch(/^duplicate stamp/);
    expect(skipped[2].reason).toBe('unparsable date "bad"');
  });

  it('missing column: error naming the file and the column (under either policy)', async () => {
    const path = join(dir, 'no-volume.csv');
    await writeFile(path, 'Date,Open,High,Low,Close\n2020-01-02,1,2,0.5,1.5\n');
    for (const onInvalid of ['error', 'skip'] as const) {
      await expect(loadBars({ path, symbol: 'X', timeframe: '1d', timezone: 'UTC', onInvalid })).rejects.toThrow(
        /^no-volume\.csv line 1: missing required column "volume"/,
      );
    }
    expect(() => parseCsvBars('open,high,low,close,volume\n1,2,0.5,1,1\n', 'f.csv', { timezone: 'UTC' })).toThrow(
      /f\.csv line 1: missing required column "datetime"/,
    );
  });

  it('missing file and unknown extension', async () => {
    const path = join(dir, 'nope.csv');
    await expect(loadBars({ path, symbol: 'X', timeframe: '1d', timezone: 'UTC' })).rejects.toThrow(`bar file not found: ${path}`);
    const txt = join(dir, 'bars.txt');
    await writeFile(txt, 'x');
    await expect(loadBars({ path: txt, symbol: 'X', timeframe: '1d', timezone: 'UTC' })).rejects.toThrow(
      /unsupported bar file extension "\.txt"/,
    );
    await expect(loadBars({ path: txt, symbol: 'X', timeframe: '1x', timezone: 'UTC' })).rejects.toThrow(/invalid timeframe/);
    await expect(loadBars({ path: txt, symbol: 'X', timeframe: '1d', timezone: 'Mars/Olympus' })).rejects.toThrow(/unknown time zone/);
  });
});

describe('CSV header and stamp formats', () => {
  const parse = (text: string, timezone = 'America/New_York') => parseCsvBars(text, 't.csv', { timezone }).columns;
  const iso = (t: number) => new Date(t).toISOString();

  it('empty first header cell, extra Adj Close column, mixed case, BOM, CRLF, blank lines', () => {
    const c = parse('\uFEFF,Open,High,Low,Close,Adj Close,Volume\r\n2004-08-19,100,104.06,95.96,100.34,99,22351900\r\n\r\n2004-08-20,101.01,109.08,100.5,108.31,107,11428600\r\n');
    expect(c.start.length).toBe(2);
    expect(iso(c.start[0])).toBe('2004-08-19T04:00:00.000Z');
    expect(Array.from(c.close)).toEqual([100.34, 108.31]);
    expect(Array.from(c.volume)).toEqual([22351900, 11428600]);
  });

  it('time column names: datetime, date, timestamp, time (case-insensitive); columns in any order', () => {
    for (const name of ['DateTime', 'date', 'Timestamp', 'TIME']) {
      const c = parse(`volume,close,${name},low,high,open\n5,1.5,2025-01-02 09:30,1,2,1.2\n`);
      expect(iso(c.start[0])).toBe('2025-01-02T14:30:00.000Z');
      expect([c.open[0], c.high[0], c.low[0], c.close[0], c.volume[0]]).toEqual([1.2, 2, 1, 1.5, 5]);
    }
  });

  it('stamp forms: date-only, HH:MM, HH:MM:SS, T separator, fractions, explicit Z/offsets honoured', () => {
    const rows = [
      '2025-01-02', // local midnight EST
      '2025-01-02 09:30', // EST
      '2025-01-02T09:31:05', // EST
      '2025-01-02 09:31:05.250',
      '2025-01-02T15:00:00Z', // explicit UTC, zone ignored
      '2025-01-02T10:30:00-05:00',
      '2025-01-02 17:00:00+0100',
      '2025-01-02T18:00+01',
    ];
    const text = ['date,open,high,low,close,volume', ...rows.map((r) => `${r},1,1,1,1,1`)].join('\n');
    const c = parse(text);
    expect(Array.from(c.start, iso)).toEqual([
      '2025-01-02T05:00:00.000Z',
      '2025-01-02T14:30:00.000Z',
      '2025-01-02T14:31:05.000Z',
      '2025-01-02T14:31:05.250Z',
      '2025-01-02T15:00:00.000Z',
      '2025-01-02T15:30:00.000Z',
      '2025-01-02T16:00:00.000Z',
      '2025-01-02T17:00:00.000Z',
    ]);
  });

  it('rejects malformed stamps', () => {
    for (const bad of ['2025-1-02', '2025/01/02', '2025-01-02 9:30', '2025-01-02 24:00', '2025-01-02 09:60', '2025-01-02 09:30:61', '2025-01-02X', '2025-01-02T09:30+5', '2025-02-29', '20250102']) {
      const { skipped } = parseCsvBars(`date,open,high,low,close,volume\n${bad},1,1,1,1,1\n`, 't.csv', { timezone: 'UTC', onInvalid: 'skip' });
      expect(skipped, bad).toHaveLength(1);
      expect(skipped[0].reason).toBe(`unparsable date ${JSON.stringify(bad)}`);
    }
    // 2024 is a leap year
    expect(parse('date,open,high,low,close,volume\n2024-02-29,1,1,1,1,1\n', 'UTC').start.length).toBe(1);
  });

  it('numbers are parsed bit-identically to Number(): decimals, float volumes, exponents', () => {
    const values = ['0.1', '0.3', '175.6900', '1.0716', '829753.0', '123456789.123456789', '1e3', '2.5E-1', '.5', '5.', '00012.50', '9007199254740993', '0.000000000000000000000001'];
    const text = ['date,open,high,low,close,volume', ...values.map((v, i) => `2025-01-${String(i + 1).padStart(2, '0')},${v},${v},${v},${v},${v}`)].join('\n');
    const c = parse(text, 'UTC');
    expect(Array.from(c.open)).toEqual(values.map(Number));
    expect(Array.from(c.volume)).toEqual(values.map(Number));
  });

  it('property: random decimal strings parse exactly like Number()', () => {
    const decimal = fc
      .tuple(fc.stringMatching(/^[0-9]{1,17}$/), fc.option(fc.stringMatching(/^[0-9]{0,24}$/), { nil: undefined }))
      .map(([i, f]) => (f === undefined ? i : `${i}.${f}`))
      .filter((t) => Number(t) > 0);
    fc.assert(
      fc.property(fc.array(decimal, { minLength: 1, maxLength: 50 }), (values) => {
        const text = ['datetime,open,high,low,close,volume', ...values.map((v, i) => `2025-01-01 00:${String(i).padStart(2, '0')},${v},${v},${v},${v},${v}`)].join('\n');
        const c = parse(text, 'UTC');
        expect(Array.from(c.close)).toEqual(values.map(Number));
      }),
      { numRuns: 300 },
    );
  });

  it('empty input and header-only input', () => {
    expect(() => parse('')).toThrow(/t\.csv line 1: empty file/);
    expect(parse('datetime,open,high,low,close,volume\n').start.length).toBe(0);
  });
});

describe('BarRowSchema (zod)', () => {
  const ok = { start: 0, open: 10, high: 11, low: 9, close: 10, volume: 0 };
  it('accepts a valid row, including zero volume and flat bars', () => {
    expect(BarRowSchema.safeParse(ok).success).toBe(true);
    expect(BarRowSchema.safeParse({ ...ok, open: 5, high: 5, low: 5, close: 5 }).success).toBe(true);
  });
  it('rejects each rule with a readable first message', () => {
    const first = (row: object) => {
      const r = BarRowSchema.safeParse(row);
      return r.success ? 'ok' : r.error.issues[0].message;
    };
    expect(first({ ...ok, start: Number.NaN })).toBe('start is not a finite number (NaN)');
    expect(first({ ...ok, low: 0 })).toBe('low must be > 0 (0)');
    expect(first({ ...ok, volume: -0.5 })).toBe('volume must be >= 0 (-0.5)');
    expect(first({ ...ok, high: 9.5 })).toBe('high (9.5) < open (10)');
    expect(first({ ...ok, close: 12 })).toBe('high (11) < close (12)');
    expect(first({ ...ok, close: 8 })).toBe('low (9) > close (8)');
    expect(first({ ...ok, high: 8, low: 9 })).toBe('high (8) < low (9)');
  });
});

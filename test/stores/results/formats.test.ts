/**
 * The three file formats round-trip every value exactly (random tables, fast-check), and a
 * damaged file is reported with its name, never half-read.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTable, writeTable } from '../../../src/stores/results/formats.ts';
import { parseCsv } from '../../../src/stores/results/csv-read.ts';
import { CorruptFileError } from '../../../src/stores/results/errors.ts';
import { RESULT_FORMATS } from '../../../src/stores/results/config.ts';
import { recordTable, tableRows, type Table } from '../../../src/stores/results/table.ts';
import { isoTime } from '../../../src/stores/results/iso-time.ts';
import { toCsv } from '../../../src/results/csv.ts';
import { tempRoot } from './helpers/tmp.ts';

const next = tempRoot('results-formats');

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const time = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2199, 0, 1) });
const tradeArb = fc.record({
  portfolioId: text, strategyId: text, symbol: text, stream: text, direction: fc.constantFrom('long' as const, 'short' as const),
  quantity: finite, entryTime: time, entryBarIdx: fc.integer({ min: 0, max: 2 ** 40 }), entryPrice: finite,
  exitTime: time, exitBarIdx: fc.integer({ min: -5, max: 2 ** 40 }), exitPrice: finite, commission: finite, pnl: finite,
  returnPct: finite, bars: fc.integer(), exitReason: fc.constantFrom('signal' as const, 'stop_loss' as const, 'take_profit' as const, 'end_of_data' as const),
});
const json: fc.Arbitrary<unknown> = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const eventArb = fc.record({ ts: time, type: text.filter((t) => t.length > 0), source: text, payload: json });

describe('file formats', () => {
  for (const format of RESULT_FORMATS) {
    it(`${format}: trades and events round-trip exactly`, async () => {
      const dir = next();
      await fsp.mkdir(dir, { recursive: true });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(tradeArb, { maxLength: 20 }), fc.array(eventArb, { maxLength: 20 }), fc.nat(1000), async (trades, events, first) => {
          for (const [kind, records] of [['trades', trades], ['events', events]] as const) {
            const table = recordTable(kind, first, records as never[]);
            const path = join(dir, `${kind}-${n++}`);
            const written = await writeTable(path, table, format);
            const back = await readTable(path, kind, format, written);
            // Expected rows built here: seq numbered from `first`, -0 written as 0 (JSON and CSV have no negative zero).
            const zeroed = (r: object) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Object.is(v, -0) ? 0 : v]));
            expect(tableRows(back as Table & { kind: typeof kind })).toEqual(records.map((r, i) => ({ seq: first + i, ...zeroed(r) })));
          }
        }),
        { numRuns: 25 },
      );
    });
  }

  it('a flipped byte, a truncation or a size change is reported with the file name', async () => {
    const dir = next();
    await fsp.mkdir(dir, { recursive: true });
    const table = recordTable('events', 0, [{ ts: 0, type: 'X', source: 's', payload: { a: 1 } }]);
    for (const format of RESULT_FORMATS) {
      const path = join(dir, `e.${format}`);
      const written = await writeTable(path, table, format);
      const bytes = await fsp.readFile(path);
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(bytes.length / 2)] ^= 0x01;
      await fsp.writeFile(path, flipped);
      await expect(readTable(path, 'events', format, written)).rejects.toThrow(new RegExp(`${path}: SHA-256 .* does not match`));
      await fsp.writeFile(path, bytes.subarray(0, bytes.length - 3));
      await expect(readTable(path, 'events', format, written)).rejects.toThrow(/truncated or replaced/);
      await fsp.rm(path);
      await expect(readTable(path, 'events', format, written)).rejects.toBeInstanceOf(CorruptFileError);
    }
  });

  it('a file that matches its checksum but not its schema is still refused, naming line and column', async () => {
    const dir = next();
    await fsp.mkdir(dir, { recursive: true });
    const path = join(dir, 'bad.csv');
    const body = 'seq,ts,type,source,payload\n0,not-a-time,X,s,1\n';
    await fsp.writeFile(path, body);
    const { sha256Hex } = await import('../../../src/storage/atomic.ts');
    await expect(readTable(path, 'events', 'csv', { sha256: sha256Hex(body), bytes: body.length })).rejects.toThrow(/line 2, column ts: "not-a-time" is not a valid time/);
  });

  it('CSV reading handles quotes, commas and newlines in cells, and rejects malformed quoting', () => {
    expect(parseCsv('a,b\n"x,1","say ""hi""\nthere"\n,\n', 'f.csv')).toEqual([['a', 'b'], ['x,1', 'say "hi"\nthere'], ['', '']]);
    expect(() => parseCsv('a,"b\n', 'f.csv')).toThrow(/f.csv: line 1: unterminated quoted cell/);
    expect(() => parseCsv('a,b"c\n', 'f.csv')).toThrow(/quote inside an unquoted cell/);
    expect(() => parseCsv('a,b', 'f.csv')).toThrow(/does not end with a newline/);
  });

  it('ISO times are exactly Date#toISOString, without a Date per value', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => isoTime(ms) === new Date(ms).toISOString()), { numRuns: 20_000 });
    for (const ms of [0, 951_782_400_000, 4_107_542_400_000, 253_402_300_799_999]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('CSV files are in the dialect of src/results/csv.ts: byte for byte what toCsv writes', async () => {
    const dir = next();
    await fsp.mkdir(dir, { recursive: true });
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 30 }), async (events) => {
        const path = join(dir, 'events.csv');
        await writeTable(path, recordTable('events', 0, events as never[]), 'csv');
        const expected = toCsv(['seq', 'ts', 'type', 'source', 'payload'], events.map((e, i) => [i, new Date(e.ts).toISOString(), e.type, e.source, JSON.stringify(e.payload)]));
        expect(await fsp.readFile(path, 'utf8')).toBe(expected);
      }),
      { numRuns: 30 },
    );
  });
});

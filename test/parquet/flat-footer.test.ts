/**
 * The lean footer reader (src/parquet/flat-footer.ts) against hyparquet's `parquetMetadata`:
 * on files of our writer, of hyparquet-writer and of DuckDB, and on random tables, every field
 * it gives equals hyparquet's; `readParquetFile(..., { typedNumbers: true })` gives the table
 * (or the error) it gave before the lean reader existed, i.e. the same module loaded with the
 * lean reader switched off; on truncated, cut, flipped and extended footers the reader reads
 * what hyparquet reads or refuses, and the read's outcome is unchanged.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parquetMetadata } from 'hyparquet';
import type { KeyValue, SchemaElement } from 'hyparquet';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { ByteWriter, parquetWriteBuffer } from 'hyparquet-writer';
import { serializeTCompactProtocol } from 'hyparquet-writer/src/thrift.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../src/data/prng.ts';
import type { FlatFooter } from '../../src/parquet/flat-decode.ts';
import { readFlatFooter } from '../../src/parquet/flat-footer.ts';
import {
  readParquetBuffer,
  readParquetFile,
  writeParquetFile,
  type ParquetColumnInput,
  type ParquetTable,
  type ParquetWriteFileOptions,
  type ParquetWriteType,
} from '../../src/parquet/index.ts';

// hyparquet's parser, watched: a typed read of a file the lean reader reads must not call it
vi.mock('hyparquet', async (importOriginal) => {
  const real = await importOriginal<typeof import('hyparquet')>();
  return { ...real, parquetMetadata: vi.fn(real.parquetMetadata) };
});

const dir = mkdtempSync(join(tmpdir(), 'flat-footer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
const nextPath = (label: string) => join(dir, `${label}-${fileCount++}.parquet`);

type ParquetModule = typeof import('../../src/parquet/index.ts');

/** The Parquet module as it reads without the lean reader: today's path, the reference for every read. */
let before: ParquetModule;
beforeAll(async () => {
  vi.resetModules();
  vi.doMock('../../src/parquet/flat-footer.ts', () => ({ readFlatFooter: () => undefined }));
  before = await import('../../src/parquet/index.ts');
  vi.doUnmock('../../src/parquet/flat-footer.ts');
});

// ---------------------------------------------------------------------------------------------
// Comparisons

const num = (v: bigint | number | undefined) => (v === undefined ? undefined : Number(v));

/** Every field the lean reader gives, as the flat path uses it (bigints as numbers). */
function fields(meta: FlatFooter & { readonly key_value_metadata?: readonly KeyValue[] }) {
  return {
    schema: meta.schema.map((e) => ({
      name: e.name,
      type: e.type,
      repetition_type: e.repetition_type,
      num_children: e.num_children,
      converted_type: e.converted_type,
      logical_type: e.logical_type,
    })),
    num_rows: num(meta.num_rows),
    row_groups: meta.row_groups.map((g) => ({
      num_rows: num(g.num_rows),
      columns: g.columns.map(({ meta_data: md }) => ({
        path_in_schema: md?.path_in_schema,
        codec: md?.codec,
        encodings: md?.encodings,
        num_values: num(md?.num_values),
        data_page_offset: num(md?.data_page_offset),
        dictionary_page_offset: num(md?.dictionary_page_offset),
        total_compressed_size: num(md?.total_compressed_size),
      })),
    })),
    key_value_metadata: meta.key_value_metadata?.map((kv) => ({ key: kv.key, value: kv.value })),
  };
}

/** The lean reader reads `bytes`' footer, and every field equals hyparquet's. */
function sameFooter(bytes: Uint8Array): void {
  const lean = readFlatFooter(bytes);
  expect(lean, 'the lean reader reads this footer').toBeDefined();
  expect(typeof lean!.num_rows).toBe('number');
  expect(fields(lean!)).toStrictEqual(fields(parquetMetadata(bytes)));
}

/**
 * Whatever `bytes` hold: the lean reader refuses them (false), or hyparquet reads them too and
 * every field is the same (true).
 */
function readsAsHyparquetOrRefuses(bytes: Uint8Array): boolean {
  const lean = readFlatFooter(bytes);
  if (!lean) return false;
  let reference: ReturnType<typeof fields>;
  try {
    reference = fields(parquetMetadata(bytes));
  } catch (error) {
    throw new Error(`the lean reader read a footer hyparquet refuses (${(error as Error).message})`);
  }
  expect(fields(lean)).toStrictEqual(reference);
  return true;
}

type Outcome = { table: ParquetTable } | { error: string };

async function outcome(read: Promise<ParquetTable>): Promise<Outcome> {
  try {
    return { table: await read };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** A typed read of the file at `path` gives what it gave before (the table to the array type, or the error message). */
async function sameReadAsBefore(path: string, columns?: readonly string[]): Promise<Outcome> {
  const now = await outcome(readParquetFile(path, { typedNumbers: true, columns }));
  expect(now).toStrictEqual(await outcome(before.readParquetFile(path, { typedNumbers: true, columns })));
  return now;
}

/** {@link sameReadAsBefore} of bytes in memory (the same whole-file read, without a file per case). */
async function sameBufferReadAsBefore(bytes: Uint8Array): Promise<Outcome> {
  const now = await outcome(readParquetBuffer(bytes, { typedNumbers: true }));
  expect(now).toStrictEqual(await outcome(before.readParquetBuffer(bytes, { typedNumbers: true })));
  return now;
}

/** Whether a typed read of `path` (by `module`, by default the one tested) parsed the footer with hyparquet. */
async function hyparquetParsed(path: string, columns?: readonly string[], module?: ParquetModule): Promise<boolean> {
  vi.mocked(parquetMetadata).mockClear();
  await (module?.readParquetFile ?? readParquetFile)(path, { typedNumbers: true, columns }).catch(() => undefined);
  return vi.mocked(parquetMetadata).mock.calls.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Files

/** Columns the flat decoder reads: INT32, DOUBLE, STRING and TIMESTAMP_MILLIS, required and nullable. */
function flatColumns(n: number, seed: number, statistics: boolean, plain: boolean): ParquetColumnInput[] {
  const r = mulberry32(seed);
  const encoding = plain ? ({ encoding: 'PLAIN' } as const) : {};
  let ts = 1_600_000_000_000;
  const times = Array.from({ length: n }, () => (ts += 60_000 * (1 + r.int(5))));
  return [
    { name: 'seq', type: 'INT32', data: Int32Array.from({ length: n }, (_, i) => i), encoding: 'DELTA_BINARY_PACKED', statistics },
    { name: 'small', type: 'INT32', data: Array.from({ length: n }, () => r.int(3) - 1), statistics, ...encoding },
    { name: 'price', type: 'DOUBLE', data: Array.from({ length: n }, () => r.next() * 100), statistics, ...encoding },
    { name: 'symbol', type: 'STRING', data: Array.from({ length: n }, () => ['BTC', 'ETH', 'ünïcødé'][r.int(3)]), statistics, ...encoding },
    { name: 'note', type: 'STRING', data: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : `n${i}`)), nullable: true, statistics },
    { name: 'ts', type: 'TIMESTAMP_MILLIS', data: times, encoding: 'DELTA_BINARY_PACKED', statistics },
    { name: 'ts_null', type: 'TIMESTAMP_MILLIS', data: times.map((t, i) => (i % 4 === 1 ? null : t)), nullable: true, statistics },
  ];
}

/** Columns the flat decoder leaves to hyparquet: INT64, BOOLEAN, nullable INT32 and DOUBLE. */
function otherColumns(n: number, seed: number, statistics: boolean): ParquetColumnInput[] {
  const r = mulberry32(seed);
  return [
    { name: 'big', type: 'INT64', data: Array.from({ length: n }, (_, i) => BigInt(i) * 2n ** 40n), statistics },
    { name: 'flag', type: 'BOOLEAN', data: Array.from({ length: n }, () => r.next() < 0.5), statistics },
    { name: 'maybe_int', type: 'INT32', data: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i)), nullable: true, statistics },
    { name: 'maybe_double', type: 'DOUBLE', data: Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : i / 7)), nullable: true, statistics },
  ];
}

const METADATA = { format: 'tradeflow-test', kind: 'strategy', params: '{"fast":5,"slow":20}', 'ключ': 'значение', empty: '' };

describe('lean footer reader', () => {
  const layouts: [string, ParquetWriteFileOptions, { statistics: boolean; plain: boolean }][] = [
    ['snappy, one group, statistics, dictionaries, metadata', { metadata: METADATA }, { statistics: true, plain: false }],
    ['uncompressed, several groups, no statistics, plain', { codec: 'UNCOMPRESSED', rowGroupSize: [3, 1, 50] }, { statistics: false, plain: true }],
    ['several groups and pages, metadata', { rowGroupSize: 120, pageSize: 512, metadata: METADATA }, { statistics: true, plain: false }],
    ['hyparquet-writer', { encoder: 'hyparquet', rowGroupSize: [100, 200], metadata: METADATA }, { statistics: true, plain: false }],
  ];
  for (const [label, options, { statistics, plain }] of layouts) {
    it(`reads our writer's footers as hyparquet does, and typed reads give the same tables: ${label}`, async () => {
      for (const n of [0, 1, 400]) {
        const flat = nextPath('flat');
        await writeParquetFile(flat, flatColumns(n, n + 1, statistics, plain), options);
        sameFooter(readFileSync(flat));
        const read = await sameReadAsBefore(flat);
        expect('table' in read && read.table.rowCount).toBe(n);
        expect(await hyparquetParsed(flat), "hyparquet's parser is not called").toBe(false);
        expect(await hyparquetParsed(flat, undefined, before), 'the reference parses with hyparquet').toBe(true);

        // with columns the flat decoder leaves to hyparquet: the lean footer, then hyparquet's
        const all = nextPath('all');
        await writeParquetFile(all, [...flatColumns(n, n + 2, statistics, plain), ...otherColumns(n, n + 3, statistics)], options);
        sameFooter(readFileSync(all));
        await sameReadAsBefore(all);
        expect(await hyparquetParsed(all)).toBe(true);
        // ... unless only the flat decoder's columns are asked for
        await sameReadAsBefore(all, ['ts', 'symbol', 'price']);
        expect(await hyparquetParsed(all, ['ts', 'symbol', 'price'])).toBe(false);
        // a column the file does not have: the same error
        const missing = await sameReadAsBefore(all, ['nope']);
        expect('error' in missing && missing.error).toContain('has no column "nope"');
      }
    });
  }

  it('reads DuckDB footers (logical types, statistics, encoding stats) as hyparquet does, and leaves the rest to it', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const flatKinds = `select i::integer as i, i::bigint as b, i::smallint as si, (i % 200)::utinyint as ut, (i * 0.5)::double as d,
        (i * 0.25)::float as f, 'sym' || (i % 3) as s, case when i % 4 = 0 then null else 'v' || i end as sn, i % 2 = 0 as flag,
        epoch_ms(1600000000000 + i * 60000) as ts, epoch_ms(1600000000000 + i * 60000)::timestamp_ms as tms,
        epoch_ms(1600000000000 + i * 60000)::timestamptz as tstz, epoch_ms(1600000000000 + i * 60000)::timestamp_ns as tns
      from range(3000) t(i)`;
    const otherKinds = `select i::integer as i, date '2020-01-01' + i::integer as day, (i / 7)::decimal(10, 3) as dec, [i, i + 1] as list,
        {'a': i} as rec, uuid() as id from range(500) t(i)`;
    try {
      for (const [version, compression] of [['v1', 'snappy'], ['v2', 'uncompressed'], ['v1', 'zstd']]) {
        const path = nextPath(`duckdb-${version}-${compression}`);
        await connection.run(
          `copy (${flatKinds}) to '${path}' (format parquet, compression ${compression}, parquet_version ${version}, row_group_size 1000, kv_metadata {origin: 'duckdb', 'ключ': 'значение'})`,
        );
        const bytes = readFileSync(path);
        sameFooter(bytes);
        expect(parquetMetadata(bytes).key_value_metadata?.map((kv) => kv.key)).toContain('origin');
        await sameReadAsBefore(path);
        await sameReadAsBefore(path, ['s', 'sn']);
        if (version === 'v1' && compression === 'snappy') expect(await hyparquetParsed(path, ['s', 'sn']), 'flat strings, lean footer').toBe(false);
      }
      const path = nextPath('duckdb-other');
      await connection.run(`copy (${otherKinds}) to '${path}' (format parquet)`);
      expect(readFlatFooter(readFileSync(path)), 'DATE, DECIMAL, UUID and nested columns: left to hyparquet').toBeUndefined();
      await sameReadAsBefore(path);
      await sameReadAsBefore(path, ['i']);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  }, 30_000);

  it('reads the logical types the flat path looks at (STRING, INTEGER, TIMESTAMP in every unit), and refuses the others', async () => {
    // hyparquet-writer writes the schema it is given (our writer writes converted types only)
    const write = (label: string, schema: SchemaElement[], data: Record<string, ArrayLike<unknown>>): string => {
      const path = nextPath(label);
      const columnData = Object.entries(data).map(([name, values]) => ({ name, data: values as unknown[] }));
      writeFileSync(path, new Uint8Array(parquetWriteBuffer({ schema, columnData, kvMetadata: [{ key: 'k', value: 'v' }] })));
      return path;
    };
    const timestamp = (unit: 'MILLIS' | 'MICROS' | 'NANOS', isAdjustedToUTC: boolean) => ({ type: 'TIMESTAMP' as const, unit, isAdjustedToUTC });
    const read = write(
      'logical',
      [
        { name: 'root', num_children: 7 },
        { name: 'i', type: 'INT32', repetition_type: 'REQUIRED', logical_type: { type: 'INTEGER', bitWidth: 32, isSigned: true } },
        { name: 'u16', type: 'INT32', repetition_type: 'REQUIRED', logical_type: { type: 'INTEGER', bitWidth: 16, isSigned: false } },
        { name: 's', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', logical_type: { type: 'STRING' } },
        { name: 'local_ms', type: 'INT64', repetition_type: 'REQUIRED', logical_type: timestamp('MILLIS', false) },
        { name: 'utc_ms', type: 'INT64', repetition_type: 'OPTIONAL', logical_type: timestamp('MILLIS', true) },
        { name: 'us', type: 'INT64', repetition_type: 'REQUIRED', logical_type: timestamp('MICROS', true) },
        { name: 'ns', type: 'INT64', repetition_type: 'REQUIRED', logical_type: timestamp('NANOS', false) },
      ],
      {
        i: Int32Array.from([1, -2, 3]),
        u16: Int32Array.from([1, 2, 65535]),
        s: ['a', null, 'ç'],
        local_ms: BigInt64Array.from([1n, 2n, 3n]),
        utc_ms: [1n, null, 3n],
        us: BigInt64Array.from([1000n, 2000n, 3000n]),
        ns: BigInt64Array.from([1n, 2n, 3n]),
      },
    );
    sameFooter(readFileSync(read));
    await sameReadAsBefore(read);
    await sameReadAsBefore(read, ['i', 's', 'local_ms', 'utc_ms']);
    expect(await hyparquetParsed(read, ['i', 's', 'local_ms', 'utc_ms']), 'read with the lean footer and the flat decoder').toBe(false);

    const refused: [string, SchemaElement, ArrayLike<unknown>][] = [
      ['date', { name: 'x', type: 'INT32', repetition_type: 'REQUIRED', logical_type: { type: 'DATE' } }, Int32Array.from([1, 2])],
      ['decimal', { name: 'x', type: 'INT32', repetition_type: 'REQUIRED', logical_type: { type: 'DECIMAL', scale: 2, precision: 9 } }, Int32Array.from([1, 2])],
      ['time', { name: 'x', type: 'INT32', repetition_type: 'REQUIRED', logical_type: { type: 'TIME', unit: 'MILLIS', isAdjustedToUTC: true } }, Int32Array.from([1, 2])],
      ['json', { name: 'x', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED', logical_type: { type: 'JSON' } }, ['{}', '[1]']],
      ['enum', { name: 'x', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED', logical_type: { type: 'ENUM' } }, ['a', 'b']],
    ];
    for (const [label, element, data] of refused) {
      const path = write(label, [{ name: 'root', num_children: 2 }, { name: 'n', type: 'INT32', repetition_type: 'REQUIRED' }, element], { n: Int32Array.from([7, 8]), x: data });
      expect(readFlatFooter(readFileSync(path)), label).toBeUndefined();
      await sameReadAsBefore(path);
      await sameReadAsBefore(path, ['n']);
    }
  });

  it('reads the footers of random tables as hyparquet does, and typed reads give the same tables', async () => {
    const recipe = fc.record({
      type: fc.constantFrom<ParquetWriteType>('INT32', 'DOUBLE', 'STRING', 'TIMESTAMP_MILLIS', 'INT64', 'BOOLEAN'),
      nullable: fc.boolean(),
      statistics: fc.boolean(),
      plain: fc.boolean(),
      distinct: fc.integer({ min: 1, max: 50 }),
      seed: fc.integer(),
    });
    const table = fc.record({
      rows: fc.integer({ min: 0, max: 120 }),
      columns: fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), recipe), { minLength: 1, maxLength: 6, selector: ([name]) => name }),
      codec: fc.constantFrom('SNAPPY' as const, 'UNCOMPRESSED' as const),
      rowGroupSize: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 80 })),
      metadata: fc.option(fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== 'geo'), fc.string({ unit: 'grapheme', maxLength: 20 }), { maxKeys: 4 }), {
        nil: undefined,
      }),
      encoder: fc.constantFrom('auto' as const, 'hyparquet' as const),
      // only columns the flat decoder reads (the lean footer's whole path), or any
      flatOnly: fc.boolean(),
    });
    // in a flat-only table: INT64 as timestamps, BOOLEAN as strings, and nulls only where the flat decoder reads them
    const flatType: Record<ParquetWriteType, ParquetWriteType> = { INT32: 'INT32', DOUBLE: 'DOUBLE', STRING: 'STRING', TIMESTAMP_MILLIS: 'TIMESTAMP_MILLIS', INT64: 'TIMESTAMP_MILLIS', BOOLEAN: 'STRING' };
    let leanAndFlat = 0;
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const columns = t.columns.map(([name, recipeOf]): ParquetColumnInput => {
          const type = t.flatOnly ? flatType[recipeOf.type] : recipeOf.type;
          const nullable = recipeOf.nullable && (!t.flatOnly || type === 'STRING' || type === 'TIMESTAMP_MILLIS');
          const c = { ...recipeOf, type, nullable };
          const r = mulberry32(c.seed);
          const value = (i: number): unknown => {
            if (c.nullable && r.next() < 0.2) return null;
            const k = r.int(c.distinct);
            switch (c.type) {
              case 'INT32':
                return k * 1000 - i;
              case 'DOUBLE':
                return k / 3;
              case 'STRING':
                return `s${k}é`;
              case 'TIMESTAMP_MILLIS':
                return 1_600_000_000_000 + k * 60_000;
              case 'INT64':
                return BigInt(k) - 7n;
              default:
                return k % 2 === 0;
            }
          };
          const data = Array.from({ length: t.rows }, (_, i) => value(i));
          const encoding = c.plain && c.type !== 'BOOLEAN' ? ({ encoding: 'PLAIN' } as const) : {};
          return { name, type: c.type, data, nullable: c.nullable, statistics: c.statistics, ...encoding };
        });
        const path = nextPath('random');
        await writeParquetFile(path, columns, { codec: t.codec, rowGroupSize: t.rowGroupSize, metadata: t.metadata, encoder: t.encoder });
        sameFooter(readFileSync(path));
        await sameReadAsBefore(path);
        if (!(await hyparquetParsed(path))) leanAndFlat++;
      }),
      { numRuns: 60 },
    );
    expect(leanAndFlat, 'tables read with the lean footer and the flat decoder').toBeGreaterThan(10);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Corrupt and unusual footers

/** A small file of the flat decoder's columns, its bytes and where its footer starts. */
async function smallFile(): Promise<{ path: string; bytes: Buffer; footerStart: number }> {
  const path = nextPath('small');
  await writeParquetFile(path, flatColumns(12, 5, true, false), { metadata: { k: 'v', rows: '12' }, rowGroupSize: [5, 7] });
  const bytes = readFileSync(path);
  return { path, bytes, footerStart: bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8) };
}

/** `bytes` with its footer's bytes [at, at + remove) replaced by `insert`, and the footer length to match. */
function editFooter(bytes: Uint8Array, at: number, remove: number, insert: readonly number[]): Buffer {
  const out = Buffer.concat([bytes.subarray(0, at), Buffer.from(insert), bytes.subarray(at + remove)]);
  out.writeUInt32LE(out.readUInt32LE(out.length - 8) + insert.length - remove, out.length - 8);
  return out;
}

/** `bytes` with a field (a header in the long form: type, then the zigzag id; then `value`) added at the end of FileMetaData. */
function withField(bytes: Uint8Array, id: number, type: number, value: readonly number[]): Buffer {
  return withFieldBytes(bytes, [type, ...varint(2 * id)], value);
}

function withFieldBytes(bytes: Uint8Array, header: readonly number[], value: readonly number[]): Buffer {
  const stop = bytes.length - 9; // FileMetaData's closing STOP, just before the length and magic
  expect(bytes[stop]).toBe(0);
  return editFooter(bytes, stop, 0, [...header, ...value]);
}

/** A Thrift struct as hyparquet's reader gives it (field_1, field_2, ...) and hyparquet-writer's writer takes it. */
type Fields = { [key: `field_${number}`]: unknown };

/** `bytes` with the footer read by hyparquet's Thrift reader, changed by `edit`, and written back by hyparquet-writer's. */
function editThrift(bytes: Uint8Array, edit: (footer: Fields) => void): Buffer {
  const start = bytes.length - 8 - Buffer.from(bytes).readUInt32LE(bytes.length - 8);
  const footer: Fields = deserializeTCompactProtocol({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: start });
  edit(footer);
  const writer = new ByteWriter();
  serializeTCompactProtocol(writer, inFieldOrder(footer) as Fields);
  const written = writer.getBytes();
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(written.length);
  tail.write('PAR1', 4, 'latin1');
  return Buffer.concat([bytes.subarray(0, start), written, tail]);
}

/** Struct fields sorted by id, as the writer wants them (an edit may add one at the end). */
function inFieldOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inFieldOrder);
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const id = (key: string) => Number(key.slice('field_'.length));
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => id(a) - id(b)).map(([k, v]) => [k, inFieldOrder(v)]));
}

const fieldsAt = (value: unknown, key: `field_${number}`) => (value as Fields)[key] as Fields[];
const schemaOf = (footer: Fields) => fieldsAt(footer, 'field_2');
const chunkOf = (footer: Fields, group: number, column: number) => fieldsAt(fieldsAt(footer, 'field_4')[group], 'field_1')[column];
const columnMetaOf = (footer: Fields, group: number, column: number) => chunkOf(footer, group, column).field_3 as Fields;

function varint(v: number): number[] {
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 128)) out.push((v & 0x7f) | 0x80);
  out.push(v);
  return out;
}

/** Position of `needle` in `bytes` from `from` (-1 when absent). */
function find(bytes: Uint8Array, needle: readonly number[], from: number): number {
  return Buffer.from(bytes).indexOf(Buffer.from(needle), from);
}

describe('lean footer reader on corrupt and unusual footers', () => {
  it('truncated files: the same error as before', async () => {
    const { bytes, footerStart } = await smallFile();
    for (let size = bytes.length - 1; size >= footerStart - 16; size--) {
      const cut = bytes.subarray(0, size);
      expect(readsAsHyparquetOrRefuses(cut), `cut at ${size}`).toBe(false);
      const read = await sameBufferReadAsBefore(cut);
      expect('error' in read, `cut at ${size}`).toBe(true);
    }
    // as files, for a few cuts
    for (const keep of [0, 3, 7, 8, 11, 12, footerStart, bytes.length - 9, bytes.length - 4, bytes.length - 1]) {
      const path = nextPath(`cut-${keep}`);
      writeFileSync(path, bytes.subarray(0, keep));
      const read = await sameReadAsBefore(path);
      expect('error' in read && read.error).toContain(path);
    }
  });

  it('footers cut short inside a struct (length and magic intact): refused, the same error as before', async () => {
    const { bytes, footerStart } = await smallFile();
    const footer = bytes.subarray(footerStart, bytes.length - 8);
    let errors = 0;
    for (let keep = 0; keep < footer.length; keep++) {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(keep);
      const cut = Buffer.concat([bytes.subarray(0, footerStart), footer.subarray(0, keep), length, Buffer.from('PAR1')]);
      expect(readsAsHyparquetOrRefuses(cut), `footer cut at ${keep}`).toBe(false);
      if ('error' in (await sameBufferReadAsBefore(cut))) errors++;
    }
    expect(errors).toBeGreaterThan(footer.length / 2);
  });

  it('a wrong magic, a footer length past the file or off by a few bytes: the same outcome as before', async () => {
    const { path, bytes } = await smallFile();
    const length = bytes.readUInt32LE(bytes.length - 8);
    const cases: [string, Buffer][] = [];
    const endMagic = Buffer.from(bytes);
    endMagic.write('PAR2', bytes.length - 4, 'latin1');
    cases.push(['end magic', endMagic]);
    const startMagic = Buffer.from(bytes);
    startMagic.write('XAR1', 0, 'latin1'); // hyparquet does not look at it: the lean reader refuses, hyparquet reads on
    cases.push(['start magic', startMagic]);
    for (const wrong of [length - 20, length - 1, length + 1, length + 20, bytes.length - 12, bytes.length - 9, bytes.length - 8, bytes.length, 2 ** 32 - 1]) {
      const bad = Buffer.from(bytes);
      bad.writeUInt32LE(wrong, bytes.length - 8);
      cases.push([`footer length ${wrong}`, bad]);
    }
    for (const [label, bad] of cases) {
      expect(readsAsHyparquetOrRefuses(bad), label).toBe(false);
      const badPath = nextPath(label.replace(/\W+/g, '-'));
      writeFileSync(badPath, bad);
      await sameReadAsBefore(badPath);
    }
    expect(readFlatFooter(bytes)).toBeDefined(); // (the intact file is read)
    await sameReadAsBefore(path);
  });

  it('every byte of the footer flipped: read as hyparquet reads it or refused, and the same outcome as before', async () => {
    const { bytes, footerStart } = await smallFile();
    let read = 0;
    let refused = 0;
    for (let at = footerStart; at < bytes.length; at++) {
      for (const mask of [0x01, 0x04, 0x20, 0x80, 0xff]) {
        const bad = Buffer.from(bytes);
        bad[at] ^= mask;
        if (readsAsHyparquetOrRefuses(bad)) read++;
        else refused++;
        await sameBufferReadAsBefore(bad);
      }
    }
    // both kinds happen: flips in names, values and statistics are read, broken structure is refused
    expect(read).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  }, 60_000);

  it('steps over fields it does not know of every type hyparquet reads, and refuses MAP, SET and encryption', async () => {
    const { bytes } = await smallFile();
    const T = { TRUE: 1, BYTE: 3, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 };
    const skipped: [string, number, readonly number[]][] = [
      ['true', T.TRUE, []],
      ['byte', T.BYTE, [0x7f]],
      ['i32', T.I32, varint(123456)],
      ['i64', T.I64, varint(2 ** 50)],
      ['double', T.DOUBLE, [1, 2, 3, 4, 5, 6, 7, 8]],
      ['binary', T.BINARY, [3, 0x61, 0x62, 0x63]],
      ['list of i32', T.LIST, [0x35, 2, 4, 6]],
      ['list of booleans', T.LIST, [0x21, 1, 0]],
      ['long list of bytes', T.LIST, [0xf3, 16, ...new Array<number>(16).fill(9)]],
      ['nested struct', T.STRUCT, [0x15, 4, 0x1c, 0x18, 2, 0x68, 0x69, 0, 0]],
    ];
    for (const [label, type, value] of skipped) {
      const path = nextPath(`extra-${label.replace(/\W+/g, '-')}`);
      writeFileSync(path, withField(bytes, 100, type, value));
      sameFooter(readFileSync(path));
      const read = await sameReadAsBefore(path);
      expect('table' in read, label).toBe(true);
    }
    const refused: [string, number, number, readonly number[], boolean][] = [
      ['map', 100, T.MAP, [1, 0x55, 2, 4], true],
      ['set', 100, T.SET, [0x15, 2], true],
      ['encryption algorithm', 8, T.STRUCT, [0x1c, 0, 0], false], // hyparquet does not look at it: the table as before
    ];
    for (const [label, id, type, value, fails] of refused) {
      const path = nextPath(`extra-${label.replace(/\W+/g, '-')}`);
      writeFileSync(path, withField(bytes, id, type, value));
      expect(readFlatFooter(readFileSync(path)), label).toBeUndefined();
      const read = await sameReadAsBefore(path);
      expect('error' in read, label).toBe(fails);
    }
  });

  it('fields of a type hyparquet reads as something else or fails on: refused, the same outcome as before', async () => {
    const { bytes } = await smallFile();
    const same = editThrift(bytes, () => undefined);
    sameFooter(same); // (the round trip through hyparquet's reader and hyparquet-writer's writer keeps the footer)
    expect('table' in (await sameBufferReadAsBefore(same))).toBe(true);
    const cases: [string, (footer: Fields) => void][] = [
      // hyparquet takes the first member of a union with two: the lean reader must not take another
      ['two logical type members', (f) => void (schemaOf(f)[1].field_10 = { field_1: {}, field_10: { field_1: 32, field_2: true } })],
      ['encoding stats not a list', (f) => void (columnMetaOf(f, 0, 0).field_13 = 5)],
      ['sorting columns not a list', (f) => void (fieldsAt(f, 'field_4')[1].field_4 = 7)],
      ['file path not text', (f) => void (chunkOf(f, 0, 2).field_1 = 5)],
      ['column key/value not text', (f) => void (columnMetaOf(f, 1, 3).field_8 = [{ field_1: 5 }])],
      ['schema name not text', (f) => void (schemaOf(f)[2].field_4 = 3)],
      ['a negative i64 past 2^53', (f) => void (columnMetaOf(f, 0, 1).field_9 = -(2n ** 54n + 2n))],
      ['a statistic not binary', (f) => void ((columnMetaOf(f, 0, 5).field_12 as Fields).field_5 = 12)],
      ['a TIMESTAMP without a unit', (f) => void (schemaOf(f)[6].field_10 = { field_8: { field_1: true } })],
      ['an encoding past the known ones', (f) => void (columnMetaOf(f, 1, 1).field_2 = [0, 42])],
      ['a chunk too many', (f) => void fieldsAt(fieldsAt(f, 'field_4')[0], 'field_1').push(chunkOf(f, 0, 0))],
    ];
    for (const [label, edit] of cases) {
      const bad = editThrift(bytes, edit);
      expect(readsAsHyparquetOrRefuses(bad), label).toBe(false);
      await sameBufferReadAsBefore(bad);
    }
    // a field id past 32 bits, which hyparquet wraps to field 3 (num_rows): refused, not read as another field
    const wrapped = withFieldBytes(bytes, [6, 0x86, 0x80, 0x80, 0x80, 0x20], varint(2 * 999));
    expect(Number(parquetMetadata(wrapped).num_rows)).toBe(999);
    expect(readsAsHyparquetOrRefuses(wrapped)).toBe(false);
    await sameBufferReadAsBefore(wrapped);
  });

  it('statistics too short for a timestamp: refused (hyparquet fails on them), and short INT32 ones are read', async () => {
    const path = nextPath('stats');
    await writeParquetFile(path, [
      { name: 'ts', type: 'TIMESTAMP_MILLIS', data: [1_600_000_123_456, 1_600_000_654_321] },
      { name: 'n', type: 'INT32', data: [123_456_789, 5] },
    ]);
    const bytes = readFileSync(path);
    const footerStart = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
    const int64 = (v: number) => [...Buffer.from(new BigInt64Array([BigInt(v)]).buffer)];
    const tsMax = find(bytes, [8, ...int64(1_600_000_654_321)], footerStart);
    const intMax = find(bytes, [4, ...Buffer.from(new Int32Array([123_456_789]).buffer)], footerStart);
    expect(tsMax).toBeGreaterThan(0);
    expect(intMax).toBeGreaterThan(0);

    const shortTs = editFooter(bytes, tsMax, 9, [4, ...int64(1_600_000_654_321).slice(0, 4)]);
    expect(() => parquetMetadata(shortTs)).toThrow();
    expect(readFlatFooter(shortTs)).toBeUndefined();
    const shortTsPath = nextPath('short-ts-stat');
    writeFileSync(shortTsPath, shortTs);
    const failed = await sameReadAsBefore(shortTsPath);
    expect('error' in failed && failed.error).toContain('not a valid parquet file');

    const shortInt = editFooter(bytes, intMax, 5, [2, 0x15, 0xcd]);
    sameFooter(shortInt);
    const shortIntPath = nextPath('short-int-stat');
    writeFileSync(shortIntPath, shortInt);
    const read = await sameReadAsBefore(shortIntPath);
    expect('table' in read).toBe(true);
  });

  it('leaves GeoParquet metadata to hyparquet (which parses it, and fails on bad JSON)', async () => {
    for (const geo of ['not json', JSON.stringify({ columns: { symbol: { encoding: 'WKB' } } })]) {
      const path = nextPath('geo');
      await writeParquetFile(path, flatColumns(10, 3, true, false), { metadata: { geo } });
      expect(readFlatFooter(readFileSync(path))).toBeUndefined();
      await sameReadAsBefore(path);
    }
  });
});

/**
 * The flat Parquet encoder (src/parquet/flat-encode/) against hyparquet-writer, which it
 * replaces in `writeParquetFile` for flat tables: on random tables both write the same bytes
 * (but for `created_by`) and read back the same through every reader path; what it does not
 * cover goes to hyparquet-writer with the same result or the same error; the signal store's
 * files keep the layout its readers were measured with; DuckDB reads its files; row groups are
 * still skipped by their statistics; its Snappy compressor writes hyparquet-writer's bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parquetMetadata, snappyUncompress } from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import { snappyCompress as hyparquetSnappy } from 'hyparquet-writer/src/snappy.js';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32, type Prng } from '../../src/data/prng.ts';
import { decodeFlat, planFlatRead } from '../../src/parquet/flat-decode.ts';
import { Output, planFlatWrite, snappyCompress } from '../../src/parquet/flat-encode/index.ts';
import {
  readParquetFile,
  readParquetRowGroups,
  writeParquetFile,
  type ParquetColumnInput,
  type ParquetWriteFileOptions,
  type ParquetWriteType,
} from '../../src/parquet/index.ts';
import { classifierColumns, signalColumns, UNCOMPRESSED } from '../../src/signals/store-writer.ts';
import { readStoreState } from '../../src/signals/store-reader.ts';
import { generate, loadSeries, tempStore } from '../signals/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'flat-encode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FLAT = 'tradeflow (flat-encode)';
const HYPARQUET = 'tradeflow (hyparquet-writer)';

let fileCount = 0;
const nextPath = (label: string) => join(dir, `${label}-${fileCount++}.parquet`);

const createdBy = (bytes: Uint8Array) => parquetMetadata(bytes).created_by;

/**
 * `flat`'s bytes with hyparquet-writer's `created_by` (and the footer length that goes with
 * it): equal to hyparquet-writer's file when the two encoders wrote the same thing.
 */
function asIfHyparquet(flat: Uint8Array): Buffer {
  const text = Buffer.from(flat).toString('latin1');
  const ours = String.fromCharCode(FLAT.length) + FLAT;
  const theirs = String.fromCharCode(HYPARQUET.length) + HYPARQUET;
  const at = text.lastIndexOf(ours);
  expect(at, 'created_by in the footer').toBeGreaterThan(0);
  const out = Buffer.from(text.slice(0, at) + theirs + text.slice(at + ours.length), 'latin1');
  out.writeUInt32LE(out.readUInt32LE(out.length - 8) + theirs.length - ours.length, out.length - 8);
  return out;
}

/** Footer without the fields that differ by design (created_by, and the footer length with it). */
function footer(bytes: Uint8Array): Omit<FileMetaData, 'created_by' | 'metadata_length'> {
  const { created_by: _c, metadata_length: _m, ...rest } = parquetMetadata(bytes);
  return rest;
}

type Outcome = { path: string; bytes: Uint8Array } | { error: string };

/** Writes `columns` with the chosen encoder: the file, or the error (its path left out). */
async function write(columns: readonly ParquetColumnInput[], options: ParquetWriteFileOptions): Promise<Outcome> {
  const path = nextPath(options.encoder ?? 'auto');
  try {
    await writeParquetFile(path, columns, options);
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message.replaceAll(path, '<path>')}` };
  }
  return { path, bytes: readFileSync(path) };
}

/**
 * Writes `columns` through `writeParquetFile` (the flat encoder when it covers them) and through
 * hyparquet-writer; both must write the same file and read back the same through every read
 * path, or fail with the same error. Returns whether the flat encoder wrote it.
 */
async function sameAsHyparquet(columns: readonly ParquetColumnInput[], options: ParquetWriteFileOptions = {}): Promise<boolean> {
  const auto = await write(columns, options);
  const reference = await write(columns, { ...options, encoder: 'hyparquet' });
  if ('error' in reference || 'error' in auto) {
    expect(auto).toEqual(reference);
    return false;
  }
  expect(createdBy(reference.bytes)).toBe(HYPARQUET);
  const flat = createdBy(auto.bytes) === FLAT;
  if (flat) {
    expect(footer(auto.bytes)).toEqual(footer(reference.bytes));
    expect(asIfHyparquet(auto.bytes).equals(Buffer.from(reference.bytes)), 'same bytes but for created_by').toBe(true);
  } else {
    expect(Buffer.from(auto.bytes).equals(Buffer.from(reference.bytes)), 'fallback: hyparquet-writer wrote both').toBe(true);
  }
  const [a, b] = [auto.path, reference.path];
  expect(await readParquetFile(a)).toEqual(await readParquetFile(b));
  expect(await readParquetFile(a, { typedNumbers: true })).toEqual(await readParquetFile(b, { typedNumbers: true }));
  expect(await readParquetRowGroups(a)).toEqual(await readParquetRowGroups(b));
  return flat;
}

// ---------------------------------------------------------------------------------------------
// Random tables: fast-check picks each column's shape and a pool of edge-case values; a seeded
// generator fills the rows (fresh values for high cardinality, pool values for dictionaries).

const INT32_EDGES = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31)));
const INT64_EDGES = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, -(2 ** 32), 2 ** 31, 1_700_000_000_000),
);
const DOUBLE_EDGES = fc.oneof(fc.double(), fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 1.5, -1e-300, Number.MAX_VALUE, Number.MIN_VALUE));
const STRING_EDGES = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // around the 16-byte cut of string statistics: multi-byte characters, U+D7FF and U+10FFFF (no plain successor), lone surrogates
  fc.constantFrom('', 'a', 'é', '𝄞', '\uD800', 'x\uDC00y', '\uD7FF'.repeat(6), '\u{10FFFF}'.repeat(5), 'abcdefghijklmnopqrstu', 'ü'.repeat(9), '\uFFFF'.repeat(7)),
);

const EDGES: Record<ParquetWriteType, fc.Arbitrary<unknown>> = {
  INT32: INT32_EDGES,
  INT64: INT64_EDGES,
  TIMESTAMP_MILLIS: INT64_EDGES,
  DOUBLE: DOUBLE_EDGES,
  STRING: STRING_EDGES,
  BOOLEAN: fc.boolean(),
};

/**
 * Inputs the flat encoder must leave to hyparquet-writer (some of them errors, which must stay
 * the same): a null in a REQUIRED column, a value of the wrong kind, a bigint or a Date in an
 * INT64/TIMESTAMP column, BYTE_STREAM_SPLIT.
 */
type Odd = 'none' | 'null' | 'wrong-value' | 'bigint' | 'date' | 'byte-stream-split';

interface ColumnRecipe {
  readonly type: ParquetWriteType;
  readonly nullable: boolean;
  readonly nulls: 'none' | 'some' | 'all';
  readonly encoding: 'auto' | 'PLAIN' | 'DELTA_BINARY_PACKED';
  readonly statistics: boolean;
  /** Typed array input (numeric columns without nulls). */
  readonly typed: boolean;
  /** Share of rows with fresh random values (the rest from the pool). */
  readonly fresh: number;
  /** Integers as a running sum of small steps (timestamps, sequence numbers). */
  readonly steps: boolean;
  /** Each value repeated on this many rows (runs a spread-out sample mostly misses). */
  readonly repeat: number;
  readonly pool: readonly unknown[];
  readonly seed: number;
  readonly odd: Odd;
}

const INTEGER_TYPES: readonly ParquetWriteType[] = ['INT32', 'INT64', 'TIMESTAMP_MILLIS'];

const recipe: fc.Arbitrary<ColumnRecipe> = fc
  .constantFrom<ParquetWriteType>('INT32', 'INT64', 'TIMESTAMP_MILLIS', 'DOUBLE', 'STRING', 'BOOLEAN')
  .chain((type) =>
    fc.record({
      type: fc.constant(type),
      nullable: fc.boolean(),
      nulls: fc.constantFrom<ColumnRecipe['nulls']>('none', 'some', 'some', 'all'),
      encoding: INTEGER_TYPES.includes(type)
        ? fc.constantFrom<ColumnRecipe['encoding']>('auto', 'PLAIN', 'DELTA_BINARY_PACKED')
        : fc.constantFrom<ColumnRecipe['encoding']>('auto', 'PLAIN'),
      statistics: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      typed: fc.boolean(),
      fresh: fc.constantFrom(0, 0.05, 0.5, 0.8, 0.85, 0.9, 0.95, 1), // around the dictionary sample's 90% cut too
      steps: fc.boolean(),
      repeat: fc.constantFrom(1, 1, 2, 3, 4),
      pool: fc.array(EDGES[type], { minLength: 1, maxLength: 12 }),
      seed: fc.integer(),
      odd: fc.oneof(
        { weight: 15, arbitrary: fc.constant<Odd>('none') },
        { weight: 1, arbitrary: fc.constantFrom<Odd>('null', 'wrong-value', 'bigint', 'date', 'byte-stream-split') },
      ),
    }),
  );

const STEPS = [0, 1, 1, 60_000, 60_000, 3_600_000, 86_400_000, -7, 2 ** 31];

function freshValue(type: ParquetWriteType, rng: Prng): unknown {
  switch (type) {
    case 'INT32':
      return (rng.next() * 2 ** 32) | 0;
    case 'INT64':
    case 'TIMESTAMP_MILLIS':
      return rng.next() < 0.5 ? Math.floor((rng.next() * 2 - 1) * Number.MAX_SAFE_INTEGER) : 1_700_000_000_000 + rng.int(1e9);
    case 'DOUBLE':
      return rng.next() < 0.5 ? rng.normal() * 1e6 : rng.int(1000) / 8;
    case 'BOOLEAN':
      return rng.next() < 0.5;
    default: {
      const alphabet = ['a', 'b', 'Z', '0', '_', ' ', 'é', 'ß', '中', '𝄞', '\uD800', '😀'];
      let s = '';
      for (let i = rng.int(30); i > 0; i--) s += alphabet[rng.int(alphabet.length)];
      return s;
    }
  }
}

/** The column, and whether it holds something the flat encoder must leave to hyparquet-writer. */
function buildColumn(name: string, r: ColumnRecipe, rows: number): { column: ParquetColumnInput; odd: boolean } {
  const rng = mulberry32(r.seed);
  const integer = INTEGER_TYPES.includes(r.type);
  const values: unknown[] = [];
  let running = (r.pool.find((v) => typeof v === 'number') as number | undefined) ?? 0;
  for (let i = 0; i < rows; i++) {
    if (r.nullable && (r.nulls === 'all' || (r.nulls === 'some' && rng.next() < 0.3))) values.push(null);
    else if (i % r.repeat !== 0 && i > 0) values.push(values[i - 1]);
    else if (integer && r.steps) {
      running += STEPS[rng.int(STEPS.length)];
      if (r.type === 'INT32') running |= 0;
      else if (!Number.isSafeInteger(running)) running = 0;
      values.push(running);
    } else values.push(rng.next() < r.fresh ? freshValue(r.type, rng) : r.pool[rng.int(r.pool.length)]);
  }
  let odd = false;
  if (rows > 0) {
    const at = rng.int(rows);
    if (r.odd === 'null') {
      values[at] = null;
      odd = !r.nullable; // an error
    } else if (r.odd === 'wrong-value') {
      values[at] = r.type === 'STRING' ? 42 : r.type === 'BOOLEAN' ? 'yes' : integer ? 1.5 : 'x';
      // (a REQUIRED INT32 column's numbers go through Int32Array.from either way: 1.5 is written 1)
      odd = r.type !== 'INT32' || values.some((v) => v === null);
    } else if (r.odd === 'bigint' && (r.type === 'INT64' || r.type === 'TIMESTAMP_MILLIS')) {
      values[at] = 5n;
      odd = true;
    } else if (r.odd === 'date' && r.type === 'TIMESTAMP_MILLIS') {
      values[at] = new Date(0);
      odd = true;
    }
  }
  let data: ArrayLike<unknown> = values;
  if (r.typed && r.type !== 'STRING' && r.type !== 'BOOLEAN' && values.every((v) => typeof v === 'number')) {
    data = r.type === 'INT32' ? Int32Array.from(values as number[]) : Float64Array.from(values as number[]);
  }
  const column: ParquetColumnInput = { name, type: r.type, data, nullable: r.nullable, statistics: r.statistics };
  if (r.odd === 'byte-stream-split' && r.type === 'DOUBLE') return { column: { ...column, encoding: 'BYTE_STREAM_SPLIT' }, odd: true };
  // INT64 deltas are computed in doubles, so only over a span of 2^52 or less (a column holding
  // nulls reaches the writers without its encoding: writeParquetFile has always dropped it)
  const nulls = values.some((v) => v === null);
  if (r.encoding === 'DELTA_BINARY_PACKED' && r.type !== 'INT32' && !nulls && span(values) > 2 ** 52) odd = true;
  return { column: r.encoding === 'auto' ? column : { ...column, encoding: r.encoding }, odd };
}

/** max - min of the numbers among `values`. */
function span(values: readonly unknown[]): number {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number') continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return max - min;
}

const table = fc.record({
  rows: fc.oneof(fc.constantFrom(0, 1, 2, 7, 8, 9, 16, 17), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 900, max: 2600 })),
  columns: fc.array(recipe, { minLength: 1, maxLength: 5 }),
  codec: fc.constantFrom(undefined, 'SNAPPY' as const, 'UNCOMPRESSED' as const),
  rowGroupSize: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 3000 }), fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 4 })),
  pageSize: fc.oneof(fc.constant(undefined), fc.constant(0), fc.integer({ min: 1, max: 5000 })),
  metadata: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 3 }), { nil: undefined }),
});

describe('flat Parquet encoder', () => {
  it('writes what hyparquet-writer writes, byte for byte but for created_by, and reads back the same, on random tables', async () => {
    let flat = 0;
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const built = t.columns.map((r, i) => buildColumn(`c${i}`, r, t.rows));
        const columns = built.map((b) => b.column);
        // bounded group and page counts (a few hundred chunks and pages at most): the test's time
        const atLeast = (n: number, parts: number) => Math.max(n, Math.ceil(t.rows / parts));
        const options: ParquetWriteFileOptions = {
          codec: t.codec,
          rowGroupSize: typeof t.rowGroupSize === 'number' ? atLeast(t.rowGroupSize, 60) : t.rowGroupSize?.map((n) => atLeast(n, 60)),
          pageSize: t.pageSize ? atLeast(t.pageSize, 40) : t.pageSize,
          metadata: t.metadata,
        };
        const wrote = await sameAsHyparquet(columns, options);
        // it writes exactly the tables it is documented to cover
        const covered = !built.some((b) => b.odd);
        expect(wrote, 'written by the flat encoder').toBe(covered);
        expect(planFlatWrite(columns, t.codec ?? 'SNAPPY', t.metadata) !== undefined).toBe(covered);
        if (wrote) flat++;
      }),
      { numRuns: 150 },
    );
    expect(flat).toBeGreaterThan(50);
  }, 300_000);

  it("chooses dictionary encoding as hyparquet-writer does near both of its thresholds (the sample's 90% and the halved size)", async () => {
    // values drawn from `distinct` ids, each kept for `repeat` rows. Around the halved size: a
    // chunk near a dictionary's break-even. Around the sample's cut: runs longer than the
    // sample's stride (20,000 rows: one sampled row in 20), so the 1000 sampled rows are
    // 90-95% distinct where the whole chunk is not (and a dictionary would pay)
    const families = [
      ...[999, 1000, 1001, 2500].flatMap((rows) => [1, 2, 3].flatMap((repeat) => Array.from({ length: 13 }, (_, step) => ({ rows, repeat, share: 0.7 + step * 0.025 })))),
      ...Array.from({ length: 12 }, (_, step) => ({ rows: 20_000, repeat: 4, share: 0.7 + step * 0.1 })),
    ];
    let dictionaries = 0;
    let plain = 0;
    for (const [n, { rows, repeat, share }] of families.entries()) {
      const distinct = Math.max(1, Math.round((rows / repeat) * share));
      const rng = mulberry32(n + 1);
      const ids = Array.from({ length: rows }, (_, i) => i);
      for (let i = 0; i < rows; i++) ids[i] = i % repeat === 0 ? rng.int(distinct) : ids[i - 1];
      const columns: ParquetColumnInput[] = [
        { name: 'i', type: 'INT32', data: Int32Array.from(ids) },
        { name: 'd', type: 'DOUBLE', data: Float64Array.from(ids, (id) => id / 4) },
        { name: 's', type: 'STRING', data: ids.map((id) => `instrument-${id}-${'x'.repeat(id % 17)}`) },
      ];
      expect(await sameAsHyparquet(columns, { codec: 'UNCOMPRESSED', pageSize: 0 })).toBe(true);
      const path = nextPath('dictionary');
      await writeParquetFile(path, columns);
      for (const chunk of parquetMetadata(readFileSync(path)).row_groups[0].columns) {
        if (chunk.meta_data!.encodings.includes('RLE_DICTIONARY')) dictionaries++;
        else plain++;
      }
    }
    // both outcomes occur, in numbers (so the cut-offs are between the cases)
    expect(dictionaries).toBeGreaterThan(50);
    expect(plain).toBeGreaterThan(50);
  });

  it('encodes INT64 deltas of values near -2^53 exactly (zigzag varints past 2^53), and leaves deltas spanning more than 2^52 to hyparquet-writer', async () => {
    const low = Array.from({ length: 300 }, (_, i) => Number.MIN_SAFE_INTEGER + i * 1_000_003 + (i % 7) * 2 ** 40);
    expect(await sameAsHyparquet([{ name: 'x', type: 'INT64', data: low, encoding: 'DELTA_BINARY_PACKED' }])).toBe(true);
    expect(await sameAsHyparquet([{ name: 'x', type: 'TIMESTAMP_MILLIS', data: Float64Array.from(low), encoding: 'DELTA_BINARY_PACKED' }], { pageSize: 700 })).toBe(true);
    const wide = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0, -5];
    const columns: ParquetColumnInput[] = [{ name: 'x', type: 'INT64', data: wide, encoding: 'DELTA_BINARY_PACKED' }];
    expect(await sameAsHyparquet(columns)).toBe(false);
    const path = nextPath('wide');
    await writeParquetFile(path, columns);
    expect((await readParquetFile(path)).columns.x).toEqual(BigInt64Array.from(wide.map(BigInt)));
  });

  it('leaves to hyparquet-writer what it does not cover, with the same file', async () => {
    const ints = Array.from({ length: 50 }, (_, i) => i * 3);
    const fallbacks: [string, ParquetColumnInput[]][] = [
      ['bigint INT64', [{ name: 'x', type: 'INT64', data: ints.map(BigInt) }]],
      ['BigInt64Array', [{ name: 'x', type: 'INT64', data: BigInt64Array.from(ints.map(BigInt)) }]],
      ['Date timestamps', [{ name: 'x', type: 'TIMESTAMP_MILLIS', data: ints.map((i) => new Date(i)) }]],
      ['BYTE_STREAM_SPLIT', [{ name: 'x', type: 'DOUBLE', data: Float64Array.from(ints), encoding: 'BYTE_STREAM_SPLIT' }]],
      ['bytes in a STRING column', [{ name: 'x', type: 'STRING', data: ints.map((i) => Uint8Array.of(i)) }]],
    ];
    for (const [label, columns] of fallbacks) {
      expect(planFlatWrite(columns, 'SNAPPY', undefined), label).toBeUndefined();
      expect(await sameAsHyparquet(columns), label).toBe(false);
    }
  });

  it('keeps every validation error as it was', async () => {
    const x = Float64Array.from({ length: 10 }, (_, i) => i);
    const cases: [ParquetColumnInput[], ParquetWriteFileOptions, RegExp][] = [
      [[{ name: 'x', type: 'INT32', data: [1, null, 3] }], {}, /column "x" \(INT32\): row 1: null in a column that is not nullable/],
      [[{ name: 'x', type: 'INT64', data: [1, 2.5] }], {}, /column "x" \(INT64\): row 1: expected an integer, got 2.5/],
      [[{ name: 'x', type: 'TIMESTAMP_MILLIS', data: [1, Number.NaN] }], {}, /row 1: expected an integer, got NaN/],
      [[{ name: 'x', type: 'INT64', data: [1, null, 2.5], nullable: true }], {}, /row 2: expected an integer, got 2.5/],
      [[{ name: 'x', type: 'DOUBLE', data: x, encoding: 'DELTA_BINARY_PACKED' }], {}, /DELTA_BINARY_PACKED needs an integer column/],
      [[{ name: 'x', type: 'DOUBLE', data: x }, { name: 'x', type: 'DOUBLE', data: x }], {}, /duplicate column "x"/],
      [[{ name: 'x', type: 'DOUBLE', data: x }, { name: 'y', type: 'DOUBLE', data: x.subarray(1) }], {}, /column "y" has 9 rows, column "x" has 10/],
      [[{ name: 'x', type: 'DOUBLE', data: x }], { rowGroupSize: 0 }, /rowGroupSize must be/],
      [[{ name: 'x', type: 'DOUBLE', data: x }], { rowGroupSize: [] }, /rowGroupSize must be/],
      [[{ name: 'x', type: 'DOUBLE', data: x }], { pageSize: -1 }, /pageSize must be/],
      [[{ name: 'x', type: 'DOUBLE', data: x }], { codec: 'GZIP' as 'SNAPPY' }, /no compressor for codec GZIP/],
      [[{ name: 'x', type: 'INT32', data: [1, null, 2.5], nullable: true }], {}, /expected integer value/],
      [[{ name: 'x', type: 'STRING', data: ['a', 1] }], {}, /expected Uint8Array value/],
      [[{ name: 'x', type: 'BOOLEAN', data: [true, 1] }], {}, /expected boolean value/],
      [[], {}, /no columns/],
    ];
    for (const [columns, options, message] of cases) {
      const auto = await write(columns, options);
      const reference = await write(columns, { ...options, encoder: 'hyparquet' });
      expect(auto, String(message)).toEqual(reference);
      expect('error' in auto ? auto.error : '', String(message)).toMatch(message);
      expect('error' in auto ? auto.error : '').toMatch(/^ParquetFileError: parquet write <path>: /);
    }
  });

  it("compresses with Snappy exactly as hyparquet-writer's compressor, and hyparquet decompresses it", () => {
    const rng = mulberry32(7);
    const inputs: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(1), new Uint8Array(14), new Uint8Array(15), new Uint8Array(100_000)];
    // incompressible (literals past 60, 256 and 65,536 bytes), repetitive (long copies, far offsets), and mixed
    inputs.push(Uint8Array.from({ length: 70_000 }, () => rng.int(256)));
    inputs.push(Uint8Array.from({ length: 200_000 }, (_, i) => (i % 1000 < 500 ? i % 7 : rng.int(256))));
    inputs.push(Uint8Array.from({ length: 150_000 }, (_, i) => (Math.floor(i / 70_000) * 31 + (i % 3)) & 255));
    const doubles = Float64Array.from({ length: 20_000 }, (_, i) => Math.round(100 + Math.sin(i / 50) * 10) / 4);
    inputs.push(new Uint8Array(doubles.buffer));
    for (let n = 0; n < 200; n++) {
      const length = rng.int(3000);
      const alphabet = 1 + rng.int(rng.next() < 0.5 ? 4 : 256);
      inputs.push(Uint8Array.from({ length }, () => rng.int(alphabet)));
    }
    const out = new Output(16);
    for (const input of inputs) {
      snappyCompress(input, out.reset());
      const ours = out.bytes();
      expect(Buffer.from(ours).equals(Buffer.from(hyparquetSnappy(input))), `${input.length} bytes`).toBe(true);
      const back = new Uint8Array(input.length);
      snappyUncompress(ours, back);
      expect(Buffer.from(back).equals(Buffer.from(input))).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The signal store's files, DuckDB, and row-group skipping on files the flat encoder wrote

/** Signal-store-like rows: ~1,400 changes of a strategy over hourly bars. */
function signalRows(n: number, seed: number) {
  const rng = mulberry32(seed);
  const seq: number[] = [];
  const leg: number[] = [];
  const barIdx: number[] = [];
  const ts: number[] = [];
  const value: number[] = [];
  const weight: number[] = [];
  const price: number[] = [];
  let bar = 30;
  for (let i = 0; seq.length < n; i++) {
    bar += 1 + rng.int(9);
    const legs = rng.next() < 0.3 ? 2 : 1;
    for (let l = 0; l < legs && seq.length < n; l++) {
      seq.push(i);
      leg.push(l);
      barIdx.push(bar);
      ts.push(Date.UTC(2020, 0, 1) + bar * 3_600_000);
      value.push(rng.int(3) - 1);
      weight.push(l === 0 ? 1 : -0.5);
      price.push(Math.round(8000 + rng.normal() * 300) / 100);
    }
  }
  const symbol = seq.map((_, i) => (leg[i] === 0 ? 'AAA' : 'BBB'));
  return {
    signals: { seq, leg, barIdx, ts, stream: symbol.map((s) => `${s}_1h`), symbol, timeframe: symbol.map(() => '1h'), value, weight, price },
    classifier: {
      seq,
      barIdx,
      ts,
      stream: seq.map(() => 'AAA_1h'),
      oldRegime: seq.map((_, i) => (i === 0 ? null : ['up', 'down', 'flat'][i % 3])),
      newRegime: seq.map((_, i) => ['down', 'flat', 'up'][i % 3]),
      confidence: seq.map(() => rng.int(100) / 100),
    },
  };
}

const DELTA = ['seq', 'bar_idx', 'ts'];

describe('files the flat encoder writes', () => {
  it("keep the signal store's layout: delta-encoded seq, bar_idx and ts, no compression, the flat decoder's reach, hyparquet-writer's footer", async () => {
    const rows = signalRows(1400, 3);
    const metadata = { format: 'test', kind: 'strategy', params: JSON.stringify({ fast_period: 5 }) };
    for (const columns of [signalColumns(rows.signals), classifierColumns(rows.classifier)]) {
      expect(await sameAsHyparquet(columns, { metadata, ...UNCOMPRESSED })).toBe(true);
      const path = nextPath('store');
      await writeParquetFile(path, columns, { metadata, ...UNCOMPRESSED });
      const bytes = readFileSync(path);
      const meta = parquetMetadata(bytes);
      expect(meta.created_by).toBe(FLAT);
      expect(meta.row_groups).toHaveLength(1);
      expect(Number(meta.num_rows)).toBe(1400);
      for (const chunk of meta.row_groups[0].columns) {
        const md = chunk.meta_data!;
        const name = md.path_in_schema[0];
        expect(md.codec, name).toBe('UNCOMPRESSED');
        if (DELTA.includes(name)) expect(md.encodings, name).toEqual(['DELTA_BINARY_PACKED']);
        expect(md.statistics?.null_count, name).toBe(name === 'old_regime' ? 1n : 0n);
        expect(md.statistics?.min_value, name).toBeDefined();
      }
      expect(meta.schema.slice(1).map((e) => [e.name, e.type, e.repetition_type, e.converted_type])).toEqual(
        columns.map((c) => [
          c.name,
          { INT32: 'INT32', INT64: 'INT64', TIMESTAMP_MILLIS: 'INT64', DOUBLE: 'DOUBLE', STRING: 'BYTE_ARRAY', BOOLEAN: 'BOOLEAN' }[c.type],
          c.nullable ? 'OPTIONAL' : 'REQUIRED',
          c.type === 'TIMESTAMP_MILLIS' ? 'TIMESTAMP_MILLIS' : c.type === 'STRING' ? 'UTF8' : undefined,
        ]),
      );
      const names = meta.schema.slice(1).map((e) => e.name);
      const plan = planFlatRead(meta, names);
      expect(plan).toBeDefined();
      const decoded = decodeFlat(bytes, meta, plan!);
      for (const c of columns) expect(Array.from(decoded[c.name] as ArrayLike<unknown>), c.name).toEqual(Array.from(c.data));
    }
  });

  it('are what a signal generation writes into its store', async () => {
    const data = { timezone: 'UTC', streams: [{ symbol: 'AAA', timeframe: '1h', synthetic: { seed: 11, bars: 600, start_price: 80 } }] };
    const config = {
      name: 'flat-encode-store',
      data,
      classifiers: [{ id: 'trend', type: 'trend', params: { fast_period: 10, slow_period: 30 }, inputs: ['AAA_1h'] }],
      strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['AAA_1h'] }],
      portfolios: [{ id: 'p', strategies: ['sma'] }],
    };
    const store = tempStore('flat-encode');
    await generate(config, await loadSeries(config), store);
    const state = await readStoreState(store);
    for (const row of [...state.strategies, ...state.classifiers]) expect(createdBy(readFileSync(join(store, row.path))), row.path).toBe(FLAT);
  });

  it('are read by DuckDB with the same rows and types as the input, and as the same file from hyparquet-writer', async () => {
    const n = 2500;
    const rng = mulberry32(99);
    const columns: ParquetColumnInput[] = [
      { name: 'i', type: 'INT32', data: Int32Array.from({ length: n }, (_, k) => k * 7 - 9000), encoding: 'DELTA_BINARY_PACKED' },
      { name: 'small', type: 'INT32', data: Array.from({ length: n }, (_, k) => (k % 5 === 0 ? null : k % 3)), nullable: true },
      { name: 'big', type: 'INT64', data: Array.from({ length: n }, () => Math.floor((rng.next() - 0.5) * 2 ** 53)) },
      { name: 'ts', type: 'TIMESTAMP_MILLIS', data: Float64Array.from({ length: n }, (_, k) => Date.UTC(2024, 0, 1) + k * 60_000 + (k % 400 === 0 ? 86_400_000 : 0)), encoding: 'DELTA_BINARY_PACKED' },
      { name: 'tsn', type: 'TIMESTAMP_MILLIS', data: Array.from({ length: n }, (_, k) => (k % 4 === 0 ? null : -k * 1000)), nullable: true },
      { name: 'd', type: 'DOUBLE', data: Float64Array.from({ length: n }, (_, k) => [1.5, -0, 0, Infinity, -Infinity, rng.normal()][k % 6]) },
      { name: 'dd', type: 'DOUBLE', data: Array.from({ length: n }, (_, k) => (k % 9 === 0 ? null : [0.25, -1][k % 2])), nullable: true },
      { name: 's', type: 'STRING', data: Array.from({ length: n }, (_, k) => ['AAA_1h', 'BBB_1h', 'ünï_𝄞'][k % 3]) },
      { name: 'sn', type: 'STRING', data: Array.from({ length: n }, (_, k) => (k % 3 === 0 ? null : `id-${k}-${'é'.repeat(k % 20)}`)), nullable: true },
      { name: 'b', type: 'BOOLEAN', data: Array.from({ length: n }, (_, k) => k % 7 < 3) },
      { name: 'bn', type: 'BOOLEAN', data: Array.from({ length: n }, (_, k) => (k % 5 === 0 ? null : k % 2 === 0)), nullable: true },
    ];
    const sql = (path: string) => `select * from read_parquet('${path}')`;
    for (const options of [{}, { codec: 'UNCOMPRESSED' as const, rowGroupSize: [1000, 700], pageSize: 2000 }]) {
      const path = nextPath('duckdb');
      const reference = nextPath('duckdb-hyparquet');
      await writeParquetFile(path, columns, options);
      await writeParquetFile(reference, columns, { ...options, encoder: 'hyparquet' });
      expect(createdBy(readFileSync(path))).toBe(FLAT);
      const ours = await duckdb(sql(path));
      expect(ours).toEqual(await duckdb(sql(reference)));
      expect(ours.types).toEqual(['INTEGER', 'INTEGER', 'BIGINT', 'TIMESTAMP', 'TIMESTAMP', 'DOUBLE', 'DOUBLE', 'VARCHAR', 'VARCHAR', 'BOOLEAN', 'BOOLEAN']);
      const expected = (c: ParquetColumnInput, k: number): unknown => {
        const v = c.data[k];
        if (v === null) return null;
        if (c.type === 'INT64') return BigInt(v as number);
        if (c.type === 'TIMESTAMP_MILLIS') return new Date(v as number);
        return v;
      };
      expect(ours.rows).toHaveLength(n);
      for (let k = 0; k < n; k++) {
        const row = ours.rows[k];
        for (const c of columns) {
          const want = expected(c, k);
          // a dictionary (hyparquet-writer's, so ours) keys values as a Map does: 0 and -0 share the chunk's first one's entry
          if (want === 0) expect(row[c.name] === 0, `${c.name} row ${k}`).toBe(true);
          else if (!Object.is(row[c.name], want)) expect(row[c.name], `${c.name} row ${k}`).toEqual(want);
        }
      }
      // DuckDB's view of the statistics is the same too
      const stats = (p: string) => duckdb(`select row_group_id, path_in_schema, stats_min_value, stats_max_value, stats_null_count from parquet_metadata('${p}') order by all`);
      expect(await stats(path)).toEqual(await stats(reference));
    }
  });

  it("let readers skip row groups by their statistics (rowGroups predicates), strings and doubles too", async () => {
    const n = 1000;
    const ts = Float64Array.from({ length: n }, (_, k) => Date.UTC(2024, 0, 1) + k * 3_600_000);
    const columns: ParquetColumnInput[] = [
      { name: 'ts', type: 'TIMESTAMP_MILLIS', data: ts, encoding: 'DELTA_BINARY_PACKED' },
      { name: 'id', type: 'STRING', data: Array.from({ length: n }, (_, k) => `sym-${String(Math.floor(k / 100)).padStart(2, '0')}`) },
      { name: 'v', type: 'DOUBLE', data: Float64Array.from({ length: n }, (_, k) => k / 10) },
      { name: 'n', type: 'INT64', data: Array.from({ length: n }, (_, k) => (k % 10 === 0 ? null : k * 1000)), nullable: true },
      { name: 'quiet', type: 'DOUBLE', data: Float64Array.from({ length: n }, (_, k) => k), statistics: false },
    ];
    const path = nextPath('skip');
    await writeParquetFile(path, columns, { rowGroupSize: 100 });
    expect(createdBy(readFileSync(path))).toBe(FLAT);
    const { rowGroups } = await readParquetRowGroups(path);
    expect(rowGroups).toHaveLength(10);
    rowGroups.forEach((g, i) => {
      expect(g.statistics.ts).toEqual({ min: ts[i * 100], max: ts[i * 100 + 99], nullCount: 0 });
      expect(g.statistics.id).toEqual({ min: `sym-0${i}`, max: `sym-0${i}`, nullCount: 0 });
      // (a zero min is written as -0, per the Parquet spec)
      expect(g.statistics.v).toEqual({ min: i === 0 ? -0 : i * 10, max: i * 10 + 9.9, nullCount: 0 });
      expect(g.statistics.n).toEqual({ min: BigInt((i * 100 + 1) * 1000), max: BigInt((i * 100 + 99) * 1000), nullCount: 10 });
      expect(g.statistics.quiet).toEqual({});
    });
    const from = ts[250];
    const to = ts[420];
    const byTime = await readParquetFile(path, { rowGroups: (g) => (g.statistics.ts.max as number) >= from && (g.statistics.ts.min as number) <= to });
    expect(byTime.rowGroupsRead).toEqual([2, 3, 4]);
    expect(Array.from(byTime.columns.ts as Float64Array)).toEqual(Array.from(ts.subarray(200, 500)));
    const byId = await readParquetFile(path, { rowGroups: (g) => g.statistics.id.min === 'sym-07', columns: ['id', 'v'] });
    expect(byId.rowGroupsRead).toEqual([7]);
    expect(byId.columns.v).toEqual(Float64Array.from({ length: 100 }, (_, k) => (700 + k) / 10));
    const byValue = await readParquetFile(path, { rowGroups: (g) => (g.statistics.v.max as number) < 20, rowStart: 50 });
    expect(byValue.rowGroupsRead).toEqual([0, 1]);
    expect(byValue.rowCount).toBe(150);
  });
});

/** Runs `sql` in a fresh in-memory DuckDB: column types and rows as JS values. */
async function duckdb(sql: string): Promise<{ types: string[]; rows: Record<string, unknown>[] }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return { types: reader.columnTypes().map(String), rows: reader.getRowObjectsJS() };
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

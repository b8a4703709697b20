/**
 * A fast path for whole-file reads of flat Parquet files into typed arrays, used by
 * `readParquetFile(path, { typedNumbers: true })` (src/parquet/index.ts, the project's one
 * Parquet module; this file is part of it and is not imported from anywhere else).
 *
 * Why: hyparquet decodes through general machinery (nested-level assembly, an array per page
 * of dictionary indices and definition levels, a BigInt and a call per INT64 timestamp, arrays
 * of numbers for dictionary-encoded numeric columns). On the signal store (~100 small files,
 * 143k rows of 10 columns) that was most of a replay's input-loading time, and most of it was
 * garbage collection. This decoder writes each column chunk straight into one output array per
 * column, with a reused scratch buffer for dictionary indices.
 *
 * It covers the layouts our writer produces and the common ones of other writers: columns at
 * the top level of a flat schema; INT32, FLOAT, DOUBLE, TIMESTAMP_MILLIS (INT64) and UTF-8
 * BYTE_ARRAY; REQUIRED, or OPTIONAL for strings and timestamps; PLAIN, RLE_DICTIONARY /
 * PLAIN_DICTIONARY and DELTA_BINARY_PACKED values; data pages V1 and V2; SNAPPY or no
 * compression. It reads the footer as {@link FlatFooter}: hyparquet's parsed metadata, or the
 * lean one of flat-footer.ts (the same fields, without parsing the rest). {@link planFlatRead}
 * says up front whether a file qualifies; during decoding, anything unexpected throws and the
 * caller falls back to hyparquet, so a file this decoder cannot read (or a corrupt one) gets
 * exactly hyparquet's result or hyparquet's error.
 */
import { snappyUncompress } from 'hyparquet';
import type { CompressionCodec, Encoding, SchemaElement } from 'hyparquet';
import { nextField, readI32, readVarint, skip, T_FALSE, T_I32, T_STRUCT, T_TRUE, zigzag, type Reader } from './thrift-compact.ts';

/**
 * What this decoder reads of a file's footer. Both hyparquet's FileMetaData and the lean footer
 * of flat-footer.ts fit (the lean one holds plain numbers where hyparquet has bigints), so a
 * whole-file read need not build hyparquet's full metadata to use this decoder.
 */
export interface FlatFooter {
  readonly schema: readonly FlatSchemaElement[];
  readonly num_rows: bigint | number;
  readonly row_groups: readonly FlatRowGroup[];
}

/** The fields of a schema element that {@link planFlatRead} (and the table's schema) look at. */
export type FlatSchemaElement = Pick<SchemaElement, 'name' | 'type' | 'repetition_type' | 'num_children' | 'converted_type' | 'logical_type'>;

export interface FlatRowGroup {
  readonly num_rows: bigint | number;
  readonly columns: readonly { readonly meta_data?: FlatChunkMeta }[];
}

/** The fields of a column chunk's metadata that the decoder reads. */
export interface FlatChunkMeta {
  readonly path_in_schema: readonly string[];
  readonly codec: CompressionCodec;
  readonly encodings: readonly Encoding[];
  readonly num_values: bigint | number;
  readonly data_page_offset: bigint | number;
  readonly dictionary_page_offset?: bigint | number;
  readonly total_compressed_size: bigint | number;
}

/** How a column's values are decoded and what array holds them. */
type Kind = 'int32' | 'float' | 'double' | 'timestampMillis' | 'string';

/** Output of one column: Int32Array, Float32Array, Float64Array (doubles; epoch ms, null -> NaN) or string[] (null for null). */
export type FlatColumnData = Int32Array | Float32Array | Float64Array | (string | null)[];

interface FlatColumn {
  readonly name: string;
  readonly kind: Kind;
  readonly nullable: boolean;
  /** Position of the column's chunk in each row group. */
  readonly chunkIndex: number;
}

const CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);
const ENCODINGS = new Set(['PLAIN', 'RLE', 'BIT_PACKED', 'RLE_DICTIONARY', 'PLAIN_DICTIONARY', 'DELTA_BINARY_PACKED']);

function kindOf(e: FlatSchemaElement): Kind | undefined {
  const ctype = e.converted_type;
  const ltype = e.logical_type;
  switch (e.type) {
    case 'INT32':
      return ctype === undefined && (ltype === undefined || (ltype.type === 'INTEGER' && ltype.bitWidth === 32 && ltype.isSigned)) ? 'int32' : undefined;
    case 'FLOAT':
      return ctype === undefined && ltype === undefined ? 'float' : undefined;
    case 'DOUBLE':
      return ctype === undefined && ltype === undefined ? 'double' : undefined;
    case 'INT64': {
      const millisLogical = ltype?.type === 'TIMESTAMP' && ltype.unit === 'MILLIS';
      return (ctype === 'TIMESTAMP_MILLIS' && (ltype === undefined || millisLogical)) || (ctype === undefined && millisLogical) ? 'timestampMillis' : undefined;
    }
    case 'BYTE_ARRAY':
      return ctype === 'UTF8' || (ctype === undefined && ltype?.type === 'STRING') ? 'string' : undefined;
    default:
      return undefined;
  }
}

/**
 * The columns `wanted` as this decoder would read them, or undefined when the file (schema,
 * codecs, encodings) needs hyparquet.
 */
export function planFlatRead(meta: FlatFooter, wanted: readonly string[]): FlatColumn[] | undefined {
  const [root, ...elements] = meta.schema;
  if (!root || root.num_children !== elements.length) return undefined;
  const position = new Map<string, number>();
  for (let i = 0; i < elements.length; i++) {
    if (elements[i].num_children) return undefined; // nested schema
    position.set(elements[i].name, i);
  }
  const plan: FlatColumn[] = [];
  for (const name of wanted) {
    const chunkIndex = position.get(name);
    if (chunkIndex === undefined) return undefined;
    const element = elements[chunkIndex];
    const kind = kindOf(element);
    const nullable = element.repetition_type === 'OPTIONAL';
    if (!kind || (element.repetition_type !== 'REQUIRED' && !nullable) || (nullable && kind !== 'string' && kind !== 'timestampMillis')) return undefined;
    for (const group of meta.row_groups) {
      const md = group.columns[chunkIndex]?.meta_data;
      if (!md || md.path_in_schema.length !== 1 || md.path_in_schema[0] !== name || !CODECS.has(md.codec)) return undefined;
      if (!md.encodings.every((e) => ENCODINGS.has(e))) return undefined;
    }
    plan.push({ name, kind, nullable, chunkIndex });
  }
  return plan;
}

/** Decode the planned columns of a whole file held in `bytes`. Throws on anything unexpected. */
export function decodeFlat(bytes: Uint8Array, meta: FlatFooter, plan: readonly FlatColumn[]): Record<string, FlatColumnData> {
  const rowCount = Number(meta.num_rows);
  const out: Record<string, FlatColumnData> = {};
  for (const column of plan) {
    const data = allocate(column.kind, rowCount);
    let at = 0;
    for (const group of meta.row_groups) {
      const rows = Number(group.num_rows);
      const md = group.columns[column.chunkIndex].meta_data!;
      if (Number(md.num_values) !== rows) throw new Error(`column ${column.name}: ${md.num_values} values in a group of ${rows} rows`);
      const [start, end] = chunkRange(md);
      if (end > bytes.byteLength) throw new Error(`column ${column.name}: chunk ends past the file`);
      decodeChunk(bytes.subarray(start, end), column, md, rows, data, at);
      at += rows;
    }
    if (at !== rowCount) throw new Error(`column ${column.name}: ${at} rows decoded, the file has ${rowCount}`);
    out[column.name] = data;
  }
  return out;
}

function allocate(kind: Kind, n: number): FlatColumnData {
  switch (kind) {
    case 'int32':
      return new Int32Array(n);
    case 'float':
      return new Float32Array(n);
    case 'double':
    case 'timestampMillis':
      return new Float64Array(n);
    case 'string':
      return new Array<string | null>(n);
  }
}

/** Byte range of a column chunk (its dictionary page, if any, comes first), as hyparquet finds it. */
function chunkRange(md: FlatChunkMeta): [number, number] {
  const data = Number(md.data_page_offset);
  const dict = md.dictionary_page_offset === undefined ? 0 : Number(md.dictionary_page_offset);
  const start = dict && dict < data ? dict : data;
  return [start, start + Number(md.total_compressed_size)];
}

/** Decode `rows` values of one column chunk into `out` from position `at`. */
function decodeChunk(chunk: Uint8Array, column: FlatColumn, md: FlatChunkMeta, rows: number, out: FlatColumnData, at: number): void {
  const reader = { bytes: chunk, pos: 0 };
  let dictionary: FlatColumnData | undefined;
  let got = 0;
  while (got < rows) {
    if (reader.pos >= chunk.byteLength) throw new Error(`column ${column.name}: chunk ends after ${got} of ${rows} values`);
    const header = readPageHeader(reader);
    const bodyStart = reader.pos;
    const bodyEnd = bodyStart + header.compressedSize;
    if (bodyEnd > chunk.byteLength) throw new Error(`column ${column.name}: page runs past its chunk`);
    const body = chunk.subarray(bodyStart, bodyEnd);
    reader.pos = bodyEnd;
    if (header.type === PAGE_DICTIONARY) {
      const page = decompress(md.codec, body, header.uncompressedSize);
      dictionary = allocate(column.kind, header.numValues);
      decodePlain(column.kind, page, header.numValues, dictionary, 0);
    } else if (header.type === PAGE_DATA || header.type === PAGE_DATA_V2) {
      const n = header.numValues;
      if (got + n > rows) throw new Error(`column ${column.name}: pages hold more values than the group's rows`);
      let defs: Uint32Array | undefined;
      let values: Uint8Array;
      if (header.type === PAGE_DATA) {
        const page = decompress(md.codec, body, header.uncompressedSize);
        let offset = 0;
        if (column.nullable) {
          const length = readUint32(page, 0);
          defs = new Uint32Array(n);
          readHybrid(page, 4, 4 + length, 1, n, defs);
          offset = 4 + length;
        }
        values = page.subarray(offset);
      } else {
        if (header.repLength !== 0) throw new Error('repetition levels in a flat column');
        if (column.nullable) {
          defs = new Uint32Array(n);
          readHybrid(body, 0, header.defLength, 1, n, defs);
        } else if (header.defLength !== 0) throw new Error('definition levels in a required column');
        const rest = body.subarray(header.defLength);
        values = header.compressed ? decompress(md.codec, rest, header.uncompressedSize - header.defLength) : rest;
      }
      const nonNull = defs ? countOnes(defs) : n;
      if (nonNull === n) decodeValues(column.kind, header.encoding, values, n, dictionary, out, at + got);
      else {
        const dense = allocate(column.kind, nonNull);
        decodeValues(column.kind, header.encoding, values, nonNull, dictionary, dense, 0);
        scatter(column.kind, dense, defs!, out, at + got);
      }
      got += n;
    } else if (header.type !== PAGE_INDEX) {
      throw new Error(`unknown page type ${header.type}`);
    }
  }
}

function countOnes(defs: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < defs.length; i++) {
    if (defs[i] > 1) throw new Error('definition level above 1 in a flat column');
    n += defs[i];
  }
  return n;
}

/** Spread `dense` (the non-null values) over the rows whose definition level is 1; the others get null (NaN for timestamps). */
function scatter(kind: Kind, dense: FlatColumnData, defs: Uint32Array, out: FlatColumnData, at: number): void {
  const empty = kind === 'string' ? null : Number.NaN;
  let j = 0;
  for (let i = 0; i < defs.length; i++) (out as unknown[])[at + i] = defs[i] ? dense[j++] : empty;
}

function decompress(codec: string, body: Uint8Array, size: number): Uint8Array {
  if (codec === 'UNCOMPRESSED') {
    if (body.byteLength !== size) throw new Error(`page holds ${body.byteLength} bytes, its header says ${size}`);
    return body;
  }
  const page = new Uint8Array(size);
  snappyUncompress(body, page); // throws when the output does not come out exactly `size` bytes
  return page;
}

function readUint32(bytes: Uint8Array, pos: number): number {
  if (pos + 4 > bytes.byteLength) throw new Error('unexpected end of page');
  return (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Values

const ENC_PLAIN = 0;
const ENC_PLAIN_DICTIONARY = 2;
const ENC_DELTA_BINARY_PACKED = 5;
const ENC_RLE_DICTIONARY = 8;

function decodeValues(kind: Kind, encoding: number, bytes: Uint8Array, n: number, dictionary: FlatColumnData | undefined, out: FlatColumnData, at: number): void {
  if (encoding === ENC_PLAIN) decodePlain(kind, bytes, n, out, at);
  else if (encoding === ENC_RLE_DICTIONARY || encoding === ENC_PLAIN_DICTIONARY) decodeDictionary(bytes, n, dictionary, out, at);
  else if (encoding === ENC_DELTA_BINARY_PACKED && kind === 'int32') decodeDelta(bytes, n, out as Int32Array, at, false);
  else if (encoding === ENC_DELTA_BINARY_PACKED && kind === 'timestampMillis') decodeDelta(bytes, n, out as Float64Array, at, true);
  else throw new Error(`encoding ${encoding} of a ${kind} column`);
}

const TWO_32 = 4294967296;
const utf8 = new TextDecoder();

function decodePlain(kind: Kind, bytes: Uint8Array, n: number, out: FlatColumnData, at: number): void {
  switch (kind) {
    case 'int32':
    case 'float':
    case 'double': {
      // one copy of the little-endian bytes into the output (hyparquet, too, reads them as the platform's order)
      const typed = out as Int32Array | Float32Array | Float64Array;
      const size = typed.BYTES_PER_ELEMENT * n;
      if (size > bytes.byteLength) throw new Error('unexpected end of page');
      new Uint8Array(typed.buffer, typed.byteOffset + at * typed.BYTES_PER_ELEMENT, size).set(bytes.subarray(0, size));
      return;
    }
    case 'timestampMillis': {
      // INT64 as hi * 2^32 + lo: rounded once, like Number(bigint), without a BigInt per value
      if (8 * n > bytes.byteLength) throw new Error('unexpected end of page');
      const view = new DataView(bytes.buffer, bytes.byteOffset, 8 * n);
      const ms = out as Float64Array;
      for (let i = 0; i < n; i++) ms[at + i] = view.getInt32(8 * i + 4, true) * TWO_32 + view.getUint32(8 * i, true);
      return;
    }
    case 'string': {
      const strings = out as (string | null)[];
      let pos = 0;
      for (let i = 0; i < n; i++) {
        const length = readUint32(bytes, pos);
        pos += 4;
        if (pos + length > bytes.byteLength) throw new Error('unexpected end of page');
        strings[at + i] = utf8.decode(bytes.subarray(pos, pos + length));
        pos += length;
      }
    }
  }
}

/** Dictionary indices, reused between pages (they are read into it, then looked up). */
let indexScratch = new Uint32Array(1024);

function decodeDictionary(bytes: Uint8Array, n: number, dictionary: FlatColumnData | undefined, out: FlatColumnData, at: number): void {
  if (!dictionary) throw new Error('dictionary-encoded page without a dictionary');
  if (bytes.byteLength < 1) throw new Error('unexpected end of page');
  if (indexScratch.length < n) indexScratch = new Uint32Array(Math.max(n, indexScratch.length * 2));
  const indices = indexScratch;
  readHybrid(bytes, 1, bytes.byteLength, bytes[0], n, indices);
  const size = dictionary.length;
  for (let i = 0; i < n; i++) {
    const index = indices[i];
    if (index >= size) throw new Error(`dictionary index ${index} past the dictionary's ${size} values`);
    out[at + i] = dictionary[index];
  }
}

// ---------------------------------------------------------------------------------------------
// Bit-level encodings

/** The RLE / bit-packed hybrid (dictionary indices, definition levels) over bytes[start, end). */
function readHybrid(bytes: Uint8Array, start: number, end: number, width: number, n: number, out: Uint32Array): void {
  if (width > 32) throw new Error(`bit width ${width}`);
  if (end > bytes.byteLength) throw new Error('unexpected end of page');
  const r = { bytes: bytes.subarray(0, end), pos: start };
  const byteWidth = (width + 7) >> 3;
  let seen = 0;
  while (seen < n) {
    const header = readVarint(r);
    if (header & 1) {
      const count = (header >>> 1) * 8;
      const take = Math.min(count, n - seen);
      unpack(r.bytes, r.pos, width, take, out, seen);
      r.pos += (header >>> 1) * width;
      seen += take;
    } else {
      const count = header >>> 1;
      if (r.pos + byteWidth > r.bytes.byteLength) throw new Error('unexpected end of page');
      let value = 0;
      for (let b = 0; b < byteWidth; b++) value += r.bytes[r.pos + b] * 2 ** (8 * b);
      if (value >= 2 ** width) throw new Error('RLE value wider than its bit width');
      r.pos += byteWidth;
      const take = Math.min(count, n - seen);
      out.fill(value, seen, seen + take);
      seen += take;
      if (count === 0) throw new Error('empty RLE run');
    }
  }
}

/**
 * `n` unsigned values of `width` (<= 32) bits, least significant bit first, from bit 0 of
 * bytes[pos]. One output type keeps the loops monomorphic (indices, levels and deltas alike).
 */
function unpack(bytes: Uint8Array, pos: number, width: number, n: number, out: Uint32Array, at: number): void {
  if (width === 0) {
    out.fill(0, at, at + n);
    return;
  }
  if (width > 32) throw new Error(`bit width ${width}`);
  if (pos + Math.ceil((width * n) / 8) > bytes.byteLength) throw new Error('unexpected end of page');
  if (width <= 24) {
    // a 32-bit window: at most 23 bits wait while a byte is added, so nothing overflows
    const mask = (1 << width) - 1;
    let window = 0;
    let bits = 0;
    let p = pos;
    for (let i = 0; i < n; i++) {
      while (bits < width) {
        window |= bytes[p++] << bits;
        bits += 8;
      }
      out[at + i] = window & mask;
      window >>>= width;
      bits -= width;
    }
    return;
  }
  // 25..32 bits: the four bytes at the value's first byte, shifted, plus the top of a fifth
  // (past the end it reads as undefined, i.e. 0 in bit operations, and is masked off anyway)
  const mask = width === 32 ? -1 : (1 << width) - 1;
  for (let i = 0, bit = 0; i < n; i++, bit += width) {
    const p = pos + (bit >>> 3);
    const shift = bit & 7;
    const low = (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> shift;
    const high = shift === 0 ? 0 : bytes[p + 4] << (32 - shift);
    out[at + i] = (low | high) & mask;
  }
}

/** {@link unpack} for 33..45 bits (INT64 deltas), summed in doubles: exact, as width + 7 < 53. */
function unpackWide(bytes: Uint8Array, pos: number, width: number, n: number, out: Float64Array): void {
  if (width > 45) throw new Error(`bit width ${width} needs BigInt`);
  if (pos + Math.ceil((width * n) / 8) > bytes.byteLength) throw new Error('unexpected end of page');
  const span = 2 ** width;
  for (let i = 0; i < n; i++) {
    const bit = i * width;
    let p = pos + Math.floor(bit / 8);
    const shift = bit % 8;
    let value = bytes[p++] >>> shift;
    let have = 8 - shift;
    while (have < width) {
      value += bytes[p++] * 2 ** have;
      have += 8;
    }
    out[i] = value % span;
  }
}

/** Miniblock deltas, reused between miniblocks: up to 32 bits, and wider (INT64 only). */
let deltaScratch = new Uint32Array(256);
let wideScratch = new Float64Array(256);

/**
 * DELTA_BINARY_PACKED into doubles (`wide`: INT64 values, refused past 2^53) or Int32Array
 * (INT32 values wrap like the writer's 32-bit arithmetic).
 */
function decodeDelta(bytes: Uint8Array, n: number, out: Int32Array | Float64Array, at: number, wide: boolean): void {
  const r = { bytes, pos: 0 };
  const blockSize = readVarint(r);
  const miniblocks = readVarint(r);
  const total = readVarint(r);
  let value = zigzag(readVarint(r));
  if (total !== n) throw new Error(`delta page holds ${total} values, expected ${n}`);
  if (miniblocks === 0 || blockSize % miniblocks !== 0 || (blockSize / miniblocks) % 8 !== 0) throw new Error('bad delta block layout');
  const perMini = blockSize / miniblocks;
  if (deltaScratch.length < perMini) {
    deltaScratch = new Uint32Array(perMini);
    wideScratch = new Float64Array(perMini);
  }
  if (n === 0) return;
  if (wide && !Number.isSafeInteger(value)) throw new Error('INT64 value past 2^53');
  out[at] = value;
  let i = 1;
  while (i < n) {
    const minDelta = zigzag(readVarint(r));
    const widthsAt = r.pos;
    r.pos += miniblocks;
    if (r.pos > bytes.byteLength) throw new Error('unexpected end of page');
    for (let m = 0; m < miniblocks && i < n; m++) {
      const width = bytes[widthsAt + m];
      const take = Math.min(perMini, n - i);
      let deltas: Uint32Array | Float64Array = deltaScratch;
      if (width <= 32) unpack(bytes, r.pos, width, take, deltaScratch, 0);
      else if (wide) unpackWide(bytes, r.pos, width, take, (deltas = wideScratch));
      else throw new Error(`bit width ${width} in an INT32 delta page`);
      r.pos += (perMini * width) / 8;
      if (wide) {
        for (let k = 0; k < take; k++) {
          value += minDelta + deltas[k];
          if (!(Math.abs(value) <= Number.MAX_SAFE_INTEGER)) throw new Error('INT64 value past 2^53');
          out[at + i + k] = value;
        }
      } else {
        for (let k = 0; k < take; k++) {
          value = (value + minDelta + deltas[k]) | 0;
          out[at + i + k] = value;
        }
      }
      i += take;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Page headers (Thrift compact protocol): only the fields this decoder needs are kept.

const PAGE_DATA = 0;
const PAGE_INDEX = 1;
const PAGE_DICTIONARY = 2;
const PAGE_DATA_V2 = 3;

interface PageHeader {
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  numValues: number;
  encoding: number;
  defLength: number;
  repLength: number;
  compressed: boolean;
}

function readPageHeader(r: Reader): PageHeader {
  const h: PageHeader = { type: -1, uncompressedSize: -1, compressedSize: -1, numValues: -1, encoding: -1, defLength: 0, repLength: 0, compressed: true };
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const type = packed & 15;
    const field = (packed - type) / 16;
    if (field === 1 && type === T_I32) h.type = readI32(r);
    else if (field === 2 && type === T_I32) h.uncompressedSize = readI32(r);
    else if (field === 3 && type === T_I32) h.compressedSize = readI32(r);
    else if ((field === 5 || field === 7 || field === 8) && type === T_STRUCT) readPageKindHeader(r, field, h);
    else skip(r, type);
  }
  if (h.type < 0 || h.compressedSize < 0 || h.uncompressedSize < 0) throw new Error('incomplete page header');
  if (h.type !== PAGE_INDEX && h.numValues < 0) throw new Error('page header without a value count');
  if ((h.type === PAGE_DATA || h.type === PAGE_DATA_V2) && h.encoding < 0) throw new Error('page header without an encoding');
  if (h.defLength < 0 || h.repLength < 0 || h.defLength + h.repLength > h.compressedSize) throw new Error('bad level lengths');
  return h;
}

/**
 * The fields this decoder keeps of a data page header (field 5 of the page header), an index
 * page header (7: no field kept, but its value count is read the same way) or a data page V2
 * header (8).
 */
function readPageKindHeader(r: Reader, kind: number, h: PageHeader): void {
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const f = (packed - t) / 16;
    if (f === 1 && t === T_I32) h.numValues = readI32(r);
    else if (kind === 5 && f === 2 && t === T_I32) h.encoding = readI32(r);
    else if (kind === 8 && f === 4 && t === T_I32) h.encoding = readI32(r);
    else if (kind === 8 && f === 5 && t === T_I32) h.defLength = readI32(r);
    else if (kind === 8 && f === 6 && t === T_I32) h.repLength = readI32(r);
    else if (kind === 8 && f === 7 && (t === T_TRUE || t === T_FALSE)) h.compressed = t === T_TRUE;
    else skip(r, t);
  }
}

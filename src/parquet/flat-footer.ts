/**
 * A lean reader of a Parquet file's footer (its FileMetaData), for the flat decoder's whole-file
 * reads (`readParquetFile(path, { typedNumbers: true })`, src/parquet/index.ts; this file is
 * part of that module and is not imported from anywhere else).
 *
 * Why: hyparquet's `parquetMetadata` reads every Thrift struct into an object keyed by field
 * id, converts that into named objects, converts every statistic and looks for GeoParquet
 * columns. On the signal store (~100 files of 10-20 KB read on every replay) that took ~5-7 ms
 * of a ~23 ms load in replay profiles and ~4 MB of garbage, and its closures were compiled
 * again after each collection. The flat decoder needs a handful of fields: this reads those,
 * in the manner of flat-decode.ts's page headers (a loop over field headers, no closure or
 * object per field), and steps over the rest (statistics, encoding stats, indexes) without
 * building anything. Measured on 100 files shaped like the bench's signal store (interleaved,
 * one process): all footers in ~0.8 ms and ~1.2 MB instead of ~2.5 ms and ~5.1 MB, and the
 * whole typed read of the 100 files ~12.4 instead of ~14.6 ms (medians).
 *
 * What it gives equals what hyparquet gives for the same fields (enum names from hyparquet's
 * constants.js; plain numbers where hyparquet has bigints, as the flat path converts them), or
 * it gives nothing: a footer it cannot read the same way (not a flat schema, a logical type the
 * flat path does not read, encryption, GeoParquet metadata, fields out of their usual order, a
 * type or value it does not expect), a corrupt or truncated one, and anything hyparquet would
 * refuse while reading its metadata (such as statistics too short for their column's type) make
 * {@link readFlatFooter} return undefined. The caller then parses the footer with hyparquet as
 * before, so such a file gets exactly hyparquet's result or hyparquet's error.
 */
import type { CompressionCodec, Encoding, KeyValue, LogicalType, SchemaElement } from 'hyparquet';
import type { FlatChunkMeta, FlatFooter } from './flat-decode.ts';
import { listHeader, nextField, readByte, readI32, readVarint, skip, T_BINARY, T_BYTE, T_FALSE, T_I16, T_I32, T_I64, T_LIST, T_STRUCT, T_TRUE, zigzag, type Reader } from './thrift-compact.ts';

/** The footer as the flat path reads it: the schema, row groups and key/value metadata. */
export interface FlatFileFooter extends FlatFooter {
  readonly schema: SchemaElement[];
  readonly num_rows: number;
  readonly row_groups: FlatFooterRowGroup[];
  readonly key_value_metadata: KeyValue[] | undefined;
}

export interface FlatFooterRowGroup {
  readonly num_rows: number;
  readonly columns: { readonly meta_data: FlatFooterChunkMeta }[];
}

export interface FlatFooterChunkMeta extends FlatChunkMeta {
  readonly path_in_schema: string[];
  readonly encodings: Encoding[];
  readonly num_values: number;
  readonly data_page_offset: number;
  readonly dictionary_page_offset: number | undefined;
  readonly total_compressed_size: number;
}

/** The footer of the whole file in `bytes`, or undefined when hyparquet must read it (see above). */
export function readFlatFooter(bytes: Uint8Array): FlatFileFooter | undefined {
  try {
    return readFooter(bytes);
  } catch {
    return undefined;
  }
}

/** Thrown (and caught by readFlatFooter) for anything this reader does not read as hyparquet does. */
function refuse(why: string): never {
  throw new Error(`lean footer: ${why}`);
}

const MAGIC = 0x31524150; // "PAR1", little-endian

function readFooter(bytes: Uint8Array): FlatFileFooter {
  const size = bytes.byteLength;
  // (hyparquet does not look at the leading magic: a file without it is left to hyparquet, which may still read it)
  if (size < 12 || readUint32(bytes, 0) !== MAGIC || readUint32(bytes, size - 4) !== MAGIC) refuse('no PAR1 magic');
  const length = readUint32(bytes, size - 8);
  if (length > size - 12) refuse('footer length past the file');
  // Bounded at the footer's end: hyparquet would read on into the length and magic bytes, here that is refused.
  return readFileMetaData({ bytes: bytes.subarray(0, size - 8), pos: size - 8 - length });
}

function readUint32(bytes: Uint8Array, pos: number): number {
  return (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Enum values as hyparquet names them (node_modules/hyparquet/src/constants.js)

const PARQUET_TYPES = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'] as const;
const REPETITIONS = ['REQUIRED', 'OPTIONAL', 'REPEATED'] as const;
const CONVERTED_TYPES = [
  'UTF8', 'MAP', 'MAP_KEY_VALUE', 'LIST', 'ENUM', 'DECIMAL', 'DATE', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS',
  'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64', 'INT_8', 'INT_16', 'INT_32', 'INT_64', 'JSON', 'BSON', 'INTERVAL',
] as const;
const CODECS = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'] as const;
const ENCODINGS = [
  'PLAIN', 'GROUP_VAR_INT', 'PLAIN_DICTIONARY', 'RLE', 'BIT_PACKED', 'DELTA_BINARY_PACKED', 'DELTA_LENGTH_BYTE_ARRAY', 'DELTA_BYTE_ARRAY',
  'RLE_DICTIONARY', 'BYTE_STREAM_SPLIT',
] as const;

/** An i32 enum field (hyparquet reads i16 and i32 alike) named from `names`; an unknown value is refused. */
function readEnum<T>(r: Reader, type: number, names: readonly T[]): T {
  const name = names[readInt32Field(r, type)];
  return name === undefined ? refuse('unknown enum value') : name;
}

// ---------------------------------------------------------------------------------------------
// Values of the expected type, or a refusal (hyparquet reads a value of another type as something else)

function readInt32Field(r: Reader, type: number): number {
  if (type !== T_I32 && type !== T_I16) refuse(`i32 field of type ${type}`);
  return readI32(r);
}

/** An i16, i32 or i64 as a number: an i64 past 2^53 (which Number() would round) is refused. */
function readInteger(r: Reader, type: number): number {
  if (type !== T_I64) return readInt32Field(r, type);
  const raw = readVarint(r);
  if (raw > Number.MAX_SAFE_INTEGER) refuse('i64 past 2^53');
  return zigzag(raw);
}

function readBoolean(type: number): boolean {
  if (type !== T_TRUE && type !== T_FALSE) refuse(`boolean field of type ${type}`);
  return type === T_TRUE;
}

/** The length of a binary field, leaving `r` at its first byte. */
function binaryLength(r: Reader, type: number): number {
  if (type !== T_BINARY) refuse(`binary field of type ${type}`);
  const length = readVarint(r);
  if (length > r.bytes.byteLength - r.pos) refuse('binary past the footer');
  return length;
}

/** hyparquet's decoding of names and metadata: a default TextDecoder (UTF-8, replacement characters, a leading BOM dropped). */
const utf8 = new TextDecoder();

function readString(r: Reader, type: number): string {
  const length = binaryLength(r, type);
  const start = r.pos;
  r.pos += length;
  return asciiOrUtf8(r.bytes, start, r.pos);
}

/** Short ASCII strings (column names, codes) without a decoder call; anything else through TextDecoder. */
function asciiOrUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 32) return utf8.decode(bytes.subarray(start, end));
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x80) return utf8.decode(bytes.subarray(start, end));
    out += String.fromCharCode(b);
  }
  return out;
}

function skipBinary(r: Reader, type: number): void {
  const length = binaryLength(r, type); // (not `r.pos += binaryLength(...)`: that reads r.pos before the length's varint moves it)
  r.pos += length;
}

/** A list header whose elements (if any) are of `element` type; returns the size. */
function listOf(r: Reader, type: number, element: number): number {
  if (type !== T_LIST) refuse(`list field of type ${type}`);
  const head = listHeader(r);
  const size = Math.floor(head / 16);
  if (size > 0 && head % 16 !== element) refuse(`list of type ${head % 16}, expected ${element}`);
  return size;
}

/** Step over a list: hyparquet maps over it, so a value of another type would throw there. */
function skipList(r: Reader, type: number): void {
  if (type !== T_LIST) refuse(`list field of type ${type}`);
  skip(r, T_LIST);
}

// ---------------------------------------------------------------------------------------------
// FileMetaData: 2 schema, 3 num_rows, 4 row_groups, 5 key_value_metadata, 6 created_by, 8 encryption_algorithm

function readFileMetaData(r: Reader): FlatFileFooter {
  let schema: SchemaElement[] | undefined;
  let numRows: number | undefined;
  let rowGroups: FlatFooterRowGroup[] | undefined;
  let keyValues: KeyValue[] | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const type = packed & 15;
    const field = (packed - type) / 16;
    if (field === 2) {
      // the row groups' statistics are checked against the schema: it must come first (as every writer puts it)
      if (rowGroups) refuse('schema after the row groups');
      schema = readFlatSchema(r, type);
    } else if (field === 3) numRows = readInteger(r, type);
    else if (field === 4) rowGroups = readRowGroups(r, type, schema ?? refuse('row groups before the schema'));
    else if (field === 5) keyValues = readKeyValues(r, type);
    else if (field === 6) skipBinary(r, type); // created_by: hyparquet decodes it as text
    else if (field === 8) refuse('encrypted file');
    else skip(r, type);
  }
  if (!schema || numRows === undefined || !rowGroups) refuse('schema, row count or row groups missing');
  // hyparquet parses a "geo" entry as GeoParquet JSON (and may mark columns or throw): left to it
  if (keyValues?.some((kv) => kv.key === 'geo')) refuse('GeoParquet metadata');
  return { schema, num_rows: numRows, row_groups: rowGroups, key_value_metadata: keyValues };
}

function readKeyValues(r: Reader, type: number): KeyValue[] {
  const size = listOf(r, type, T_STRUCT);
  const out: KeyValue[] = [];
  for (let i = 0; i < size; i++) out.push(readKeyValue(r));
  return out;
}

/** A KeyValue struct: 1 key, 2 value. */
function readKeyValue(r: Reader): KeyValue {
  let key: string | undefined;
  let value: string | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const type = packed & 15;
    const field = (packed - type) / 16;
    if (field === 1) key = readString(r, type);
    else if (field === 2) value = readString(r, type);
    else skip(r, type);
  }
  if (key === undefined) refuse('key/value without a key');
  return { key, value };
}

/** Column chunks' key/value lists are not kept, but hyparquet decodes them: the same checks, no strings. */
function skipKeyValues(r: Reader, type: number): void {
  const size = listOf(r, type, T_STRUCT);
  for (let i = 0; i < size; i++) {
    let hasKey = false;
    for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
      const t = packed & 15;
      const field = (packed - t) / 16;
      if (field === 1 || field === 2) skipBinary(r, t);
      else skip(r, t);
      hasKey ||= field === 1;
    }
    if (!hasKey) refuse('key/value without a key');
  }
}

// ---------------------------------------------------------------------------------------------
// Schema: a root holding every other element, each a leaf (a flat file); anything else is hyparquet's

function readFlatSchema(r: Reader, type: number): SchemaElement[] {
  const size = listOf(r, type, T_STRUCT);
  const schema: SchemaElement[] = [];
  for (let i = 0; i < size; i++) schema.push(readSchemaElement(r));
  if (size === 0 || schema[0].type !== undefined || schema[0].num_children !== size - 1) refuse('not a flat schema');
  for (let i = 1; i < size; i++) {
    // a leaf has a type (hyparquet maps column chunks to the typed elements) and no children
    if (schema[i].type === undefined || schema[i].num_children) refuse('not a flat schema');
  }
  return schema;
}

/** A SchemaElement: 1 type, 3 repetition_type, 4 name, 5 num_children, 6 converted_type, 10 logicalType. */
function readSchemaElement(r: Reader): SchemaElement {
  let type: SchemaElement['type'];
  let repetition: SchemaElement['repetition_type'];
  let name: string | undefined;
  let numChildren: number | undefined;
  let converted: SchemaElement['converted_type'];
  let logical: LogicalType | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (field === 1) type = readEnum(r, t, PARQUET_TYPES);
    else if (field === 3) repetition = readEnum(r, t, REPETITIONS);
    else if (field === 4) name = readString(r, t);
    else if (field === 5) numChildren = readInt32Field(r, t);
    else if (field === 6) converted = readEnum(r, t, CONVERTED_TYPES);
    else if (field === 10) logical = readLogicalType(r, t);
    else skip(r, t); // type_length, scale, precision, field_id: hyparquet copies them, the flat path never looks
  }
  if (name === undefined) refuse('schema element without a name');
  return { name, type, repetition_type: repetition, num_children: numChildren, converted_type: converted, logical_type: logical };
}

/**
 * The LogicalType union, for the members the flat path reads (1 STRING, 8 TIMESTAMP, 10
 * INTEGER); any other member, or more than one, is refused (hyparquet would give another type,
 * or the first set member).
 */
function readLogicalType(r: Reader, type: number): LogicalType {
  if (type !== T_STRUCT) refuse(`logical type of type ${type}`);
  let out: LogicalType | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (out || t !== T_STRUCT) refuse('logical type the flat path does not read');
    if (field === 1) {
      skip(r, T_STRUCT);
      out = { type: 'STRING' };
    } else if (field === 8) out = readTimestampType(r);
    else if (field === 10) out = readIntType(r);
    else refuse('logical type the flat path does not read');
  }
  return out ?? refuse('empty logical type');
}

/** TimestampType: 1 isAdjustedToUTC, 2 unit. */
function readTimestampType(r: Reader): LogicalType {
  let adjusted: boolean | undefined;
  let unit: 'MILLIS' | 'MICROS' | 'NANOS' | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (field === 1) adjusted = readBoolean(t);
    else if (field === 2) unit = readTimeUnit(r, t);
    else skip(r, t);
  }
  if (adjusted === undefined || unit === undefined) refuse('incomplete timestamp type');
  return { type: 'TIMESTAMP', isAdjustedToUTC: adjusted, unit };
}

/** TimeUnit, a union of empty structs: 1 MILLIS, 2 MICROS, 3 NANOS (exactly one). */
function readTimeUnit(r: Reader, type: number): 'MILLIS' | 'MICROS' | 'NANOS' {
  if (type !== T_STRUCT) refuse(`time unit of type ${type}`);
  let unit: 'MILLIS' | 'MICROS' | 'NANOS' | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (unit || t !== T_STRUCT || field < 1 || field > 3) refuse('unexpected time unit');
    skip(r, T_STRUCT);
    unit = field === 1 ? 'MILLIS' : field === 2 ? 'MICROS' : 'NANOS';
  }
  return unit ?? refuse('time unit missing');
}

/** IntType: 1 bitWidth (an i8; hyparquet-writer writes it as an i32, and hyparquet reads either), 2 isSigned. */
function readIntType(r: Reader): LogicalType {
  let bitWidth: number | undefined;
  let signed: boolean | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (field === 1) bitWidth = t === T_BYTE ? (readByte(r) << 24) >> 24 : readInt32Field(r, t); // (an i8 is signed)
    else if (field === 2) signed = readBoolean(t);
    else skip(r, t);
  }
  if (bitWidth === undefined || signed === undefined) refuse('incomplete integer type');
  return { type: 'INTEGER', bitWidth, isSigned: signed };
}

// ---------------------------------------------------------------------------------------------
// Row groups: 1 columns, 3 num_rows, 4 sorting_columns

function readRowGroups(r: Reader, type: number, schema: readonly SchemaElement[]): FlatFooterRowGroup[] {
  const size = listOf(r, type, T_STRUCT);
  const out: FlatFooterRowGroup[] = [];
  for (let i = 0; i < size; i++) out.push(readRowGroup(r, schema));
  return out;
}

function readRowGroup(r: Reader, schema: readonly SchemaElement[]): FlatFooterRowGroup {
  let columns: { meta_data: FlatFooterChunkMeta }[] | undefined;
  let numRows: number | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (field === 1) columns = readColumnChunks(r, t, schema);
    else if (field === 3) numRows = readInteger(r, t);
    else if (field === 4) skipList(r, t);
    else skip(r, t);
  }
  if (!columns || numRows === undefined) refuse('row group without columns or a row count');
  return { num_rows: numRows, columns };
}

/** One chunk per leaf, in schema order (hyparquet converts each chunk's statistics by its leaf). */
function readColumnChunks(r: Reader, type: number, schema: readonly SchemaElement[]): { meta_data: FlatFooterChunkMeta }[] {
  const size = listOf(r, type, T_STRUCT);
  if (size !== schema.length - 1) refuse('a row group without one chunk per column');
  const out: { meta_data: FlatFooterChunkMeta }[] = [];
  for (let i = 0; i < size; i++) out.push({ meta_data: readColumnChunk(r, schema[i + 1]) });
  return out;
}

/** ColumnChunk: 1 file_path, 3 meta_data, 8-9 encryption. */
function readColumnChunk(r: Reader, leaf: SchemaElement): FlatFooterChunkMeta {
  let meta: FlatFooterChunkMeta | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (field === 1) skipBinary(r, t); // file_path: hyparquet decodes it as text
    else if (field === 3) {
      if (t !== T_STRUCT) refuse(`column metadata of type ${t}`);
      meta = readColumnMeta(r, leaf);
    } else if (field === 8 || field === 9) refuse('encrypted column');
    else skip(r, t);
  }
  return meta ?? refuse('column chunk without metadata');
}

/**
 * ColumnMetaData: 2 encodings, 3 path_in_schema, 4 codec, 5 num_values, 7 total_compressed_size,
 * 8 key_value_metadata, 9 data_page_offset, 11 dictionary_page_offset, 12 statistics, 13 encoding_stats.
 */
function readColumnMeta(r: Reader, leaf: SchemaElement): FlatFooterChunkMeta {
  let encodings: Encoding[] | undefined;
  let path: string[] | undefined;
  let codec: CompressionCodec | undefined;
  let numValues: number | undefined;
  let compressedSize: number | undefined;
  let dataPageOffset: number | undefined;
  let dictionaryPageOffset: number | undefined;
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (field === 2) encodings = readEncodings(r, t);
    else if (field === 3) path = readPath(r, t);
    else if (field === 4) codec = readEnum(r, t, CODECS);
    else if (field === 5) numValues = readInteger(r, t);
    else if (field === 7) compressedSize = readInteger(r, t);
    else if (field === 8) skipKeyValues(r, t);
    else if (field === 9) dataPageOffset = readInteger(r, t);
    else if (field === 11) dictionaryPageOffset = readInteger(r, t);
    else if (field === 12) checkStatistics(r, t, leaf);
    else if (field === 13) skipList(r, t);
    else skip(r, t);
  }
  if (!encodings || !path || !codec || numValues === undefined || compressedSize === undefined || dataPageOffset === undefined) {
    refuse('incomplete column metadata');
  }
  return {
    path_in_schema: path,
    codec,
    encodings,
    num_values: numValues,
    data_page_offset: dataPageOffset,
    dictionary_page_offset: dictionaryPageOffset,
    total_compressed_size: compressedSize,
  };
}

function readEncodings(r: Reader, type: number): Encoding[] {
  if (type !== T_LIST) refuse(`encodings of type ${type}`);
  const head = listHeader(r);
  const size = Math.floor(head / 16);
  const element = head % 16;
  if (size > 0 && element !== T_I32 && element !== T_I16) refuse(`encodings of type ${element}`);
  const out: Encoding[] = [];
  for (let i = 0; i < size; i++) out.push(readEnum(r, T_I32, ENCODINGS));
  return out;
}

function readPath(r: Reader, type: number): string[] {
  const size = listOf(r, type, T_BINARY);
  const out: string[] = [];
  for (let i = 0; i < size; i++) out.push(readString(r, T_BINARY));
  return out;
}

/**
 * Statistics are not kept, but hyparquet converts their min/max (fields 1, 2, 5, 6) by the
 * column's type while reading the metadata, and throws on a value too short for a DATE (4
 * bytes) or a timestamp (8): such a file is refused here so that it fails there as before.
 */
function checkStatistics(r: Reader, type: number, leaf: SchemaElement): void {
  if (type !== T_STRUCT) refuse(`statistics of type ${type}`);
  const shortest = statisticBytesNeeded(leaf);
  for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) {
    const t = packed & 15;
    const field = (packed - t) / 16;
    if (field === 1 || field === 2 || field === 5 || field === 6) {
      const length = binaryLength(r, t);
      if (length < shortest) refuse('statistic too short for its column type');
      r.pos += length;
    } else skip(r, t);
  }
}

/** The bytes hyparquet reads from a min/max of this column without checking their length (its convertMetadata). */
function statisticBytesNeeded(leaf: SchemaElement): number {
  const { type, converted_type: converted, logical_type: logical } = leaf;
  if (type === 'INT32' && converted === 'DATE') return 4;
  if (type === 'INT64' && (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS' || logical?.type === 'TIMESTAMP')) return 8;
  return 0;
}

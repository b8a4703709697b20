import { CONVERTED_NONE, ENC_PLAIN, PAGE_DATA_V2, PAGE_DICTIONARY, REPETITION_OPTIONAL, REPETITION_REQUIRED, utf8 } from './constants.ts';
import type { Output } from './output.ts';
import type { FlatWritePlan, PlannedColumn } from './plan.ts';
import type { ChunkStats } from './statistics.ts';

// ---------------------------------------------------------------------------------------------
// Thrift compact protocol: page headers, offset indexes and the footer, field by field in the
// order (and with the integer widths) hyparquet-writer writes them.

/** Per column chunk, what the footer says about it. */
export class ChunkMeta {
  /** Byte range of the chunk's offset index (written after the row groups), when it has several pages. */
  offsetIndexOffset = -1;
  offsetIndexLength = 0;
  constructor(
    readonly column: PlannedColumn,
    readonly encoding: number,
    readonly codec: number,
    readonly numValues: number,
    readonly uncompressedSize: number,
    readonly compressedSize: number,
    readonly fileOffset: number,
    readonly dataPageOffset: number,
    /** -1: no dictionary page. */
    readonly dictionaryPageOffset: number,
    readonly stats: ChunkStats | null,
    readonly pages: number,
    /** Per page: offset, compressed size (header included), first row in the group; empty for one page. */
    readonly pageLocations: number[],
  ) {}
}

export interface RowGroupMeta {
  readonly chunks: ChunkMeta[];
  readonly rows: number;
  readonly totalByteSize: number;
  readonly compressedSize: number;
}

const T_FALSE = 2;
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

/** A field header after field `last`; returns the field's id (the next one's `last`). */
function field(out: Output, last: number, id: number, type: number): number {
  const delta = id - last;
  if (delta > 0 && delta <= 15) out.u8((delta << 4) | type);
  else {
    out.u8(type);
    out.zigzag(id);
  }
  return id;
}

function i32Field(out: Output, last: number, id: number, v: number): number {
  field(out, last, id, T_I32);
  out.zigzag(v);
  return id;
}

function i64Field(out: Output, last: number, id: number, v: number): number {
  field(out, last, id, T_I64);
  out.zigzag(v);
  return id;
}

function binaryField(out: Output, last: number, id: number, bytes: Uint8Array): number {
  field(out, last, id, T_BINARY);
  out.varint(bytes.length);
  out.append(bytes);
  return id;
}

function listHeader(out: Output, size: number, type: number): void {
  if (size > 14) {
    out.u8(0xf0 | type);
    out.varint(size);
  } else out.u8((size << 4) | type);
}

/** An empty list is written with element type 0, as hyparquet-writer writes it. */
function listField(out: Output, last: number, id: number, size: number, type: number): number {
  field(out, last, id, T_LIST);
  listHeader(out, size, size === 0 ? 0 : type);
  return id;
}

function stop(out: Output): void {
  out.u8(0);
}

export function writeDataPageV2Header(out: Output, uncompressed: number, compressed: number, numValues: number, numNulls: number, numRows: number, encoding: number, defLength: number): void {
  let f = i32Field(out, 0, 1, PAGE_DATA_V2);
  f = i32Field(out, f, 2, uncompressed);
  f = i32Field(out, f, 3, compressed);
  f = field(out, f, 8, T_STRUCT);
  let g = i32Field(out, 0, 1, numValues);
  g = i32Field(out, g, 2, numNulls);
  g = i32Field(out, g, 3, numRows);
  g = i32Field(out, g, 4, encoding);
  g = i32Field(out, g, 5, defLength);
  i32Field(out, g, 6, 0); // repetition levels' length
  stop(out);
  stop(out);
}

export function writeDictionaryPageHeader(out: Output, uncompressed: number, compressed: number, numValues: number): void {
  let f = i32Field(out, 0, 1, PAGE_DICTIONARY);
  f = i32Field(out, f, 2, uncompressed);
  f = i32Field(out, f, 3, compressed);
  f = field(out, f, 7, T_STRUCT);
  const g = i32Field(out, 0, 1, numValues);
  i32Field(out, g, 2, ENC_PLAIN);
  stop(out);
  stop(out);
}

/** A chunk of several pages gets an offset index (its pages' locations), as hyparquet-writer writes by default. */
export function writeOffsetIndex(out: Output, chunk: ChunkMeta): void {
  if (chunk.pages <= 1) return;
  const start = out.pos;
  const locations = chunk.pageLocations;
  listField(out, 0, 1, chunk.pages, T_STRUCT);
  for (let i = 0; i < locations.length; i += 3) {
    let f = i64Field(out, 0, 1, locations[i]);
    f = i32Field(out, f, 2, locations[i + 1]);
    i64Field(out, f, 3, locations[i + 2]);
    stop(out);
  }
  stop(out);
  chunk.offsetIndexOffset = start;
  chunk.offsetIndexLength = out.pos - start;
}

export function writeFileMetaData(out: Output, plan: FlatWritePlan, groups: readonly RowGroupMeta[], createdBy: string): void {
  let f = i32Field(out, 0, 1, 2); // version
  f = listField(out, f, 2, plan.columns.length + 1, T_STRUCT);
  // the root, then the columns
  let s = binaryField(out, 0, 4, utf8.encode('root'));
  i32Field(out, s, 5, plan.columns.length);
  stop(out);
  for (const c of plan.columns) {
    s = i32Field(out, 0, 1, c.physical);
    s = i32Field(out, s, 3, c.nullable ? REPETITION_OPTIONAL : REPETITION_REQUIRED);
    s = binaryField(out, s, 4, utf8.encode(c.name));
    if (c.converted !== CONVERTED_NONE) i32Field(out, s, 6, c.converted);
    stop(out);
  }
  f = i64Field(out, f, 3, plan.rows);
  f = listField(out, f, 4, groups.length, T_STRUCT);
  for (const group of groups) writeRowGroup(out, group);
  f = listField(out, f, 5, plan.metadata.length, T_STRUCT);
  for (const [key, value] of plan.metadata) {
    const k = binaryField(out, 0, 1, utf8.encode(key));
    binaryField(out, k, 2, utf8.encode(value));
    stop(out);
  }
  f = binaryField(out, f, 6, utf8.encode(createdBy));
  // column orders: TypeDefinedOrder for every column
  listField(out, f, 7, plan.columns.length, T_STRUCT);
  for (let i = 0; i < plan.columns.length; i++) {
    field(out, 0, 1, T_STRUCT);
    stop(out);
    stop(out);
  }
  stop(out);
}

function writeRowGroup(out: Output, group: RowGroupMeta): void {
  let f = listField(out, 0, 1, group.chunks.length, T_STRUCT);
  for (const chunk of group.chunks) writeColumnChunk(out, chunk);
  f = i64Field(out, f, 2, group.totalByteSize);
  f = i64Field(out, f, 3, group.rows);
  i64Field(out, f, 6, group.compressedSize);
  stop(out);
}

function writeColumnChunk(out: Output, chunk: ChunkMeta): void {
  let f = i64Field(out, 0, 2, chunk.fileOffset);
  f = field(out, f, 3, T_STRUCT);
  writeColumnMetaData(out, chunk);
  if (chunk.offsetIndexOffset >= 0) {
    f = i64Field(out, f, 4, chunk.offsetIndexOffset);
    i32Field(out, f, 5, chunk.offsetIndexLength);
  }
  stop(out);
}

function writeColumnMetaData(out: Output, chunk: ChunkMeta): void {
  const dictionary = chunk.dictionaryPageOffset >= 0;
  let f = i32Field(out, 0, 1, chunk.column.physical);
  f = listField(out, f, 2, dictionary ? 2 : 1, T_I32);
  if (dictionary) out.zigzag(ENC_PLAIN);
  out.zigzag(chunk.encoding);
  f = listField(out, f, 3, 1, T_BINARY);
  const name = utf8.encode(chunk.column.name);
  out.varint(name.length);
  out.append(name);
  f = i32Field(out, f, 4, chunk.codec);
  f = i64Field(out, f, 5, chunk.numValues);
  f = i64Field(out, f, 6, chunk.uncompressedSize);
  f = i64Field(out, f, 7, chunk.compressedSize);
  f = i64Field(out, f, 9, chunk.dataPageOffset);
  if (dictionary) f = i64Field(out, f, 11, chunk.dictionaryPageOffset);
  const stats = chunk.stats;
  if (stats) {
    f = field(out, f, 12, T_STRUCT);
    writeStatistics(out, stats);
    // encoding stats: the dictionary page, then the data pages
    f = listField(out, f, 13, dictionary ? 2 : 1, T_STRUCT);
    if (dictionary) writePageEncodingStats(out, PAGE_DICTIONARY, ENC_PLAIN, 1);
    writePageEncodingStats(out, PAGE_DATA_V2, chunk.encoding, chunk.pages);
  }
  stop(out);
}

function writeStatistics(out: Output, stats: ChunkStats): void {
  let f = i64Field(out, 0, 3, stats.nullCount);
  if (stats.max) f = binaryField(out, f, 5, stats.max);
  if (stats.min) f = binaryField(out, f, 6, stats.min);
  if (!stats.maxExact) f = field(out, f, 7, T_FALSE);
  if (!stats.minExact) f = field(out, f, 8, T_FALSE);
  if (stats.nanCount >= 0) i64Field(out, f, 9, stats.nanCount);
  stop(out);
}

function writePageEncodingStats(out: Output, pageType: number, encoding: number, count: number): void {
  let f = i32Field(out, 0, 1, pageType);
  f = i32Field(out, f, 2, encoding);
  i32Field(out, f, 3, count);
  stop(out);
}

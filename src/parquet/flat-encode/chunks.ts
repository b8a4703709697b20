import { chunkValues, type ChunkValues } from './chunk-values.ts';
import {
  CODEC_SNAPPY,
  EMPTY_BYTES,
  EMPTY_INT32,
  ENC_AUTO,
  ENC_PLAIN,
  ENC_RLE,
  ENC_RLE_DICTIONARY,
  K_BOOLEAN,
  K_DOUBLE,
  K_INT32,
  K_INT64,
  K_STRING,
  PAGE_DATA_V2,
  PAGE_DICTIONARY,
} from './constants.ts';
import { buildDictionary, plainDictionary } from './dictionary.ts';
import { bodyScratch, levelScratch, type Output, snappyScratch } from './output.ts';
import { PageSplit, pushPage, splitFixedPages, splitStringPages, valueSize } from './page-split.ts';
import type { PlannedColumn } from './plan.ts';
import { snappyCompress } from './snappy.ts';
import { chunkStatistics } from './statistics.ts';
import { ChunkMeta, writeDataPageV2Header, writeDictionaryPageHeader } from './thrift.ts';
import { plainStringsOf, writeDeltaInt32, writeDeltaInt64, writeHybrid, writePlainBooleans, writePlainInt64 } from './values.ts';

// ---------------------------------------------------------------------------------------------
// Column chunks

/** Write rows [g0, g1) of `column` as one column chunk. */
export function writeChunk(out: Output, column: PlannedColumn, g0: number, g1: number, codec: number, pageSize: number): ChunkMeta {
  const rows = g1 - g0;
  const def = column.nullable ? column.defined.subarray(g0, g1) : EMPTY_INT32;
  let count = rows;
  if (column.hasNulls) {
    count = 0;
    for (let i = 0; i < rows; i++) count += def[i];
  }
  const values = chunkValues(column, g0, g1, count);
  const dictionary = column.requested === ENC_AUTO && column.kind !== K_BOOLEAN ? buildDictionary(column, g0, rows, count) : null;
  const stats = column.statistics ? chunkStatistics(column.kind, values, dictionary, rows - count) : null;
  let encoding = column.requested;
  if (dictionary) encoding = ENC_RLE_DICTIONARY;
  else if (encoding === ENC_AUTO) encoding = column.kind === K_BOOLEAN && rows > 16 ? ENC_RLE : ENC_PLAIN;

  // PLAIN strings are encoded once for the chunk: a page is then a slice of it, and the split needs their sizes
  let plainStrings: Uint8Array = EMPTY_BYTES;
  let stringEnds = EMPTY_INT32;
  if (column.kind === K_STRING && !dictionary) {
    stringEnds = new Int32Array(count + 1);
    plainStrings = plainStringsOf(values.strs, stringEnds);
  }
  const split = new PageSplit();
  if (pageSize === 0) pushPage(split, 0, 0);
  else if (column.kind === K_STRING && !dictionary) splitStringPages(def, column.nullable, stringEnds, rows, pageSize, split);
  else splitFixedPages(def, column.nullable, dictionary ? 4 : valueSize(column.kind), rows, pageSize, split);
  pushPage(split, rows, count);

  const fileOffset = out.pos;
  let uncompressedSize = 0;
  let dictionaryPageOffset = -1;
  if (dictionary) {
    dictionaryPageOffset = out.pos;
    const body = plainDictionary(column.kind, dictionary);
    uncompressedSize += writePage(out, PAGE_DICTIONARY, codec, EMPTY_BYTES, body, dictionary.size, 0, 0, ENC_PLAIN);
  }
  const dataPageOffset = out.pos;
  const pages = split.pages;
  const locations: number[] = [];
  for (let p = 0; p < pages; p++) {
    const r0 = split.rowStarts[p];
    const r1 = split.rowStarts[p + 1];
    const v0 = split.valueStarts[p];
    const v1 = split.valueStarts[p + 1];
    const pageStart = out.pos;
    let levels: Uint8Array = EMPTY_BYTES;
    if (column.nullable) {
      const scratch = levelScratch.reset();
      writeHybrid(scratch, def.subarray(r0, r1), 1);
      levels = scratch.bytes();
    }
    let body: Uint8Array;
    if (encoding === ENC_RLE_DICTIONARY) body = dictionaryIndexPage(dictionary!.indices.subarray(v0, v1));
    else if (column.kind === K_STRING) body = plainStrings.subarray(stringEnds[v0], stringEnds[v1]);
    else body = valuePage(column.kind, encoding, values, v0, v1);
    uncompressedSize += writePage(out, PAGE_DATA_V2, codec, levels, body, r1 - r0, r1 - r0 - (v1 - v0), r1 - r0, encoding);
    if (pages > 1) locations.push(pageStart, out.pos - pageStart, r0);
  }
  return new ChunkMeta(column, encoding, codec, rows, uncompressedSize, out.pos - fileOffset, fileOffset, dataPageOffset, dictionaryPageOffset, stats, pages, locations);
}

/**
 * Write one page: header, definition levels (never compressed, as in data pages V2), then the
 * body, compressed with `codec`. Returns its uncompressed size, header included (what the
 * footer's total_uncompressed_size adds up).
 */
function writePage(out: Output, type: number, codec: number, levels: Uint8Array, body: Uint8Array, numValues: number, numNulls: number, numRows: number, encoding: number): number {
  let stored = body;
  if (codec === CODEC_SNAPPY) {
    const scratch = snappyScratch.reset();
    snappyCompress(body, scratch);
    stored = scratch.bytes();
  }
  const headerStart = out.pos;
  const uncompressed = levels.byteLength + body.byteLength;
  const compressed = levels.byteLength + stored.byteLength;
  if (type === PAGE_DICTIONARY) writeDictionaryPageHeader(out, uncompressed, compressed, numValues);
  else writeDataPageV2Header(out, uncompressed, compressed, numValues, numNulls, numRows, encoding, levels.byteLength);
  const headerSize = out.pos - headerStart;
  out.append(levels);
  out.append(stored);
  return headerSize + uncompressed;
}

/** The body of a data page of values [v0, v1) encoded PLAIN, DELTA_BINARY_PACKED or RLE (booleans). */
function valuePage(kind: number, encoding: number, values: ChunkValues, v0: number, v1: number): Uint8Array {
  switch (kind) {
    case K_INT32: {
      const ints = values.ints.subarray(v0, v1);
      if (encoding === ENC_PLAIN) return new Uint8Array(ints.buffer, ints.byteOffset, ints.byteLength);
      const scratch = bodyScratch.reset();
      writeDeltaInt32(scratch, ints);
      return scratch.bytes();
    }
    case K_INT64: {
      const nums = values.nums.subarray(v0, v1);
      const scratch = bodyScratch.reset();
      if (encoding === ENC_PLAIN) writePlainInt64(scratch, nums);
      else writeDeltaInt64(scratch, nums);
      return scratch.bytes();
    }
    case K_DOUBLE: {
      const nums = values.nums.subarray(v0, v1);
      return new Uint8Array(nums.buffer, nums.byteOffset, nums.byteLength);
    }
    default: {
      const bools = values.ints.subarray(v0, v1);
      const scratch = bodyScratch.reset();
      if (encoding === ENC_PLAIN) writePlainBooleans(scratch, bools);
      else {
        // RLE booleans: the runs' byte length first
        scratch.u32(0);
        writeHybrid(scratch, bools, 1);
        scratch.view.setUint32(0, scratch.pos - 4, true);
      }
      return scratch.bytes();
    }
  }
}

/** The body of an RLE_DICTIONARY page: the bit width of its largest index, then the indices as RLE/bit-packed runs. */
function dictionaryIndexPage(indices: Int32Array): Uint8Array {
  let max = 0;
  for (let i = 0; i < indices.length; i++) if (indices[i] > max) max = indices[i];
  const width = 32 - Math.clz32(max); // = ceil(log2(max + 1)), hyparquet-writer's width
  const scratch = bodyScratch.reset();
  scratch.u8(width);
  writeHybrid(scratch, indices, width);
  return scratch.bytes();
}

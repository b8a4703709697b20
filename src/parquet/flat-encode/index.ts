/**
 * A lean encoder for the flat Parquet files the project writes, used by `writeParquetFile`
 * (src/parquet/index.ts, the project's one Parquet module; this folder is part of it and is not
 * imported from anywhere else). hyparquet-writer stays the writer of anything this encoder does
 * not cover.
 *
 * Why: hyparquet-writer is general (nested columns, every type and encoding), and on the small
 * files of a parameter sweep its generality is the cost: values pass through arrays of BigInts
 * and per-value conversions, and its shared functions see so many shapes of input that V8
 * deoptimizes and recompiles them several times per process. This encoder takes the validated
 * columns as typed arrays (INT64 values as doubles, written as two 32-bit halves, never as
 * BigInts) and encodes each kind of column in loops of its own.
 *
 * It writes the SAME file as hyparquet-writer 0.17 for the same input, byte for byte apart from
 * `created_by`: the same schema annotations (TIMESTAMP_MILLIS and UTF8 converted types, no
 * logical types), data pages V2, the same choice of dictionary encoding (its sampling and
 * "halves the PLAIN size" rule, for every type but BOOLEAN), the same page splits by `pageSize`,
 * the same DELTA_BINARY_PACKED blocks, RLE/bit-packed runs and Snappy output (a port of the
 * same compressor), the same statistics (min_value/max_value with strings cut at 16 bytes,
 * null_count, nan_count for doubles), encoding stats, and offset indexes for chunks of several
 * pages. Readers therefore see no difference, and test/parquet/flat-encode.test.ts checks the
 * bytes against hyparquet-writer's on random tables.
 *
 * Covered: flat columns of INT32, INT64, TIMESTAMP_MILLIS, DOUBLE, STRING and BOOLEAN, REQUIRED
 * or nullable; encodings PLAIN, DELTA_BINARY_PACKED (integers) and automatic dictionary; codecs
 * UNCOMPRESSED and SNAPPY. {@link planFlatWrite} returns undefined for anything else
 * (BYTE_STREAM_SPLIT, other codecs, INT64 given as bigints or Dates, values that
 * `writeParquetFile` refuses or converts in ways of its own), and `writeParquetFile` then uses
 * hyparquet-writer exactly as before, errors included.
 */
import { writeChunk } from './chunks.ts';
import { K_BOOLEAN, K_INT32 } from './constants.ts';
import { chunkKeys } from './dictionary.ts';
import { bodyScratch, levelScratch, releaseOutput, REUSED_OUTPUT_BYTES, snappyScratch, stringScratch, takeOutput } from './output.ts';
import type { FlatWritePlan } from './plan.ts';
import { type ChunkMeta, type RowGroupMeta, writeFileMetaData, writeOffsetIndex } from './thrift.ts';

export { Output } from './output.ts';
export { planFlatWrite } from './plan.ts';
export { snappyCompress } from './snappy.ts';

// ---------------------------------------------------------------------------------------------
// The file

export interface FlatWriteOptions {
  /** Rows per row group, or each group's size in turn (the last repeats); already validated. */
  readonly rowGroupSize: number | readonly number[];
  /** Target page size in bytes (0: one page per chunk); already validated. */
  readonly pageSize: number;
  readonly createdBy: string;
}

/**
 * Encode a whole Parquet file: `PAR1`, the row groups' column chunks, offset indexes, the
 * footer, its length and `PAR1`.
 */
export function encodeFlatParquet(plan: FlatWritePlan, options: FlatWriteOptions): Uint8Array {
  const out = takeOutput(estimateSize(plan));
  out.u32(0x31524150); // PAR1
  const groups: RowGroupMeta[] = [];
  const sizes = options.rowGroupSize;
  for (let start = 0, g = 0; start < plan.rows; g++) {
    const size = typeof sizes === 'number' ? sizes : sizes[Math.min(g, sizes.length - 1)];
    const end = Math.min(start + size, plan.rows);
    const groupStart = out.pos;
    const chunks: ChunkMeta[] = [];
    let totalByteSize = 0;
    for (const column of plan.columns) {
      const chunk = writeChunk(out, column, start, end, plan.codec, options.pageSize);
      totalByteSize += chunk.uncompressedSize;
      chunks.push(chunk);
    }
    groups.push({ chunks, rows: end - start, totalByteSize, compressedSize: out.pos - groupStart });
    start += size;
  }
  for (const group of groups) for (const chunk of group.chunks) writeOffsetIndex(out, chunk);
  const footerStart = out.pos;
  writeFileMetaData(out, plan, groups, options.createdBy);
  out.u32(out.pos - footerStart);
  out.u32(0x31524150);
  for (const scratch of [levelScratch, bodyScratch, stringScratch, snappyScratch]) scratch.shrink(REUSED_OUTPUT_BYTES);
  chunkKeys.shrink(REUSED_OUTPUT_BYTES);
  return releaseOutput(out);
}

/** A first guess at the file size (the output grows if it is short). */
function estimateSize(plan: FlatWritePlan): number {
  let bytes = 4096;
  for (const c of plan.columns) bytes += 256 + plan.rows * (c.kind === K_INT32 ? 4 : c.kind === K_BOOLEAN ? 1 : 8);
  return bytes;
}

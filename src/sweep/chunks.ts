/**
 * The units of work of a sweep: the grid cut into chunks of `chunk_size` combinations by grid
 * index. The cut depends only on the grid and the chunk size, never on the worker count, so
 * every chunk (and so every result) is the same whatever the number of workers.
 */

export interface Chunk {
  /** Position of the chunk: it holds combinations [start, end). */
  readonly chunk: number;
  readonly start: number;
  readonly end: number;
}

export function chunksOf(total: number, chunkSize: number): Chunk[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`chunksOf: total must be a whole number >= 0, got ${total}`);
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunksOf: chunk size must be a whole number >= 1, got ${chunkSize}`);
  const chunks: Chunk[] = [];
  for (let start = 0, chunk = 0; start < total; start += chunkSize, chunk++) chunks.push({ chunk, start, end: Math.min(total, start + chunkSize) });
  return chunks;
}

/** The grid indices of a chunk, in order. */
export const indicesOf = (c: Chunk): number[] => Array.from({ length: c.end - c.start }, (_, i) => c.start + i);

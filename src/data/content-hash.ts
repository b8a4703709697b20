/**
 * Content hash of a bar series: SHA-256 (hex) over a version tag, the symbol, the timeframe, the
 * row count and the raw bytes of the six Float64Array columns in the order start, open, high,
 * low, close, volume (little-endian IEEE-754). It depends only on the bars, not on where they
 * came from, so the same bars loaded from CSV or from Parquet hash identically, and any change
 * of a single bit in any value changes the hash.
 */
import { createHash } from 'node:crypto';
import type { BarColumns } from './series.ts';

const HASH_VERSION = 'tradeflow.bars.v1';
const COLUMN_ORDER = ['start', 'open', 'high', 'low', 'close', 'volume'] as const;
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function littleEndianBytes(column: Float64Array): Uint8Array {
  const bytes = new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 8) for (let j = 0; j < 8; j++) swapped[i + j] = bytes[i + 7 - j];
  return swapped;
}

/** SHA-256 hex of (symbol, timeframe, six columns). Throws if the columns differ in length. */
export function hashBars(symbol: string, timeframe: string, columns: BarColumns): string {
  const length = columns.start.length;
  const hash = createHash('sha256');
  hash.update(`${HASH_VERSION}\0${symbol}\0${timeframe}\0${length}\0`, 'utf8');
  for (const name of COLUMN_ORDER) {
    const column = columns[name];
    if (column.length !== length) throw new Error(`hashBars: column ${name} has ${column.length} rows, start has ${length}`);
    hash.update(littleEndianBytes(column));
  }
  return hash.digest('hex');
}

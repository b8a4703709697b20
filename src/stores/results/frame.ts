/**
 * Journal frames: the unit of acknowledgement. A frame carries consecutive records of one
 * data type of one run, numbered from `firstSeq`, and a CRC-32 of its payload, so a reader
 * can tell a complete frame from a torn or damaged one.
 *
 *   0  u32  magic (the bytes "FJT1")
 *   4  u32  payload length
 *   8  u32  CRC-32 of the payload
 *  12  payload:
 *        0  u8   kind (0 performance, 1 trades, 2 events, 3 summary)
 *        1  u8   encoding (0 JSON array, 1 performance columns)
 *        2  u16  reserved (0)
 *        4  f64  firstSeq
 *       12  u32  record count
 *       16  body
 *
 * Performance columns (encoding 1): u32 byte length of a JSON array of portfolio ids, that
 * JSON, zero padding to a multiple of 8, then ts f64[n], equity f64[n], cash f64[n],
 * portfolio index u32[n]. Binary because a spill runs inside the synchronous loop: copying
 * typed arrays costs a fraction of formatting numbers as text.
 */
import * as zlib from 'node:zlib';
import type { PerfColumns } from './perf-buffer.ts';
import { RECORD_KINDS, type RecordKind } from './records.ts';

/** Little-endian u32 of the bytes "FJT1". */
export const FRAME_MAGIC = 0x3154_4a46;
export const FRAME_HEADER = 12;
const PAYLOAD_HEADER = 16;

export type DecodedFrame =
  | { readonly kind: 'performance'; readonly firstSeq: number; readonly count: number; readonly columns: PerfColumns }
  | { readonly kind: Exclude<RecordKind, 'performance'>; readonly firstSeq: number; readonly count: number; readonly records: readonly unknown[] };

const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data) => (zlib as unknown as { crc32(d: Uint8Array): number }).crc32(data)
    : crc32Fallback;

export function encodePerfFrame(firstSeq: number, columns: PerfColumns): Buffer {
  const n = columns.ts.length;
  const dict = Buffer.from(JSON.stringify(columns.ids), 'utf8');
  const dictPadded = 4 + dict.length + ((8 - ((4 + dict.length) % 8)) % 8);
  const bodyLength = dictPadded + n * (8 * 3 + 4);
  const frame = Buffer.alloc(FRAME_HEADER + PAYLOAD_HEADER + bodyLength);
  const payload = frame.subarray(FRAME_HEADER);
  writePayloadHeader(payload, 'performance', 1, firstSeq, n);
  const body = payload.subarray(PAYLOAD_HEADER);
  body.writeUInt32LE(dict.length, 0);
  dict.copy(body, 4);
  let at = dictPadded;
  for (const column of [columns.ts, columns.equity, columns.cash, columns.portfolio]) {
    const bytes = new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
    body.set(bytes, at);
    at += bytes.length;
  }
  sealFrame(frame);
  return frame;
}

export function encodeJsonFrame(kind: Exclude<RecordKind, 'performance'>, firstSeq: number, records: readonly unknown[]): Buffer {
  const json = Buffer.from(JSON.stringify(records), 'utf8');
  const frame = Buffer.alloc(FRAME_HEADER + PAYLOAD_HEADER + json.length);
  const payload = frame.subarray(FRAME_HEADER);
  writePayloadHeader(payload, kind, 0, firstSeq, records.length);
  json.copy(payload, PAYLOAD_HEADER);
  sealFrame(frame);
  return frame;
}

function writePayloadHeader(payload: Buffer, kind: RecordKind, encoding: number, firstSeq: number, count: number): void {
  payload.writeUInt8(RECORD_KINDS.indexOf(kind), 0);
  payload.writeUInt8(encoding, 1);
  payload.writeUInt16LE(0, 2);
  payload.writeDoubleLE(firstSeq, 4);
  payload.writeUInt32LE(count, 12);
}

function sealFrame(frame: Buffer): void {
  const payload = frame.subarray(FRAME_HEADER);
  frame.writeUInt32LE(FRAME_MAGIC, 0);
  frame.writeUInt32LE(payload.length, 4);
  frame.writeUInt32LE(crc32(payload) >>> 0, 8);
}

/** Result of scanning a journal segment: its complete frames, and what follows the last one. */
export interface FrameScan {
  readonly frames: DecodedFrame[];
  /** Byte length of the complete frames (where the next frame starts). */
  readonly validBytes: number;
  /** Bytes after the last complete frame: a torn write at the tail (never acknowledged). */
  readonly tornBytes: number;
}

/**
 * Decodes every frame of `data`. An incomplete or damaged frame at the very end is a torn
 * append (it was never acknowledged: an acknowledgement follows a complete write) and is
 * reported as `tornBytes`; a damaged frame followed by more data is corruption of
 * acknowledged records and throws, naming the file and the offset.
 */
export function scanFrames(data: Uint8Array, file: string): FrameScan {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const frames: DecodedFrame[] = [];
  let at = 0;
  while (at < buf.length) {
    const problem = frameProblem(buf, at);
    if (problem !== null) {
      const end = problem.end;
      if (end >= buf.length) return { frames, validBytes: at, tornBytes: buf.length - at };
      throw new JournalCorruptError(file, at, problem.why);
    }
    const length = buf.readUInt32LE(at + 4);
    frames.push(decodePayload(buf.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length), file, at));
    at += FRAME_HEADER + length;
  }
  return { frames, validBytes: at, tornBytes: 0 };
}

/** Why the frame at `at` is not complete and intact (null if it is), and where it would end. */
function frameProblem(buf: Buffer, at: number): { why: string; end: number } | null {
  if (buf.length - at < FRAME_HEADER) return { why: 'truncated frame header', end: buf.length };
  if (buf.readUInt32LE(at) !== FRAME_MAGIC) {
    // Zeros after the last frame are an extended-but-unwritten tail (power loss); anything else is damage.
    const zeros = buf.subarray(at).every((b) => b === 0);
    return { why: 'bad frame magic', end: zeros ? buf.length : at + FRAME_HEADER };
  }
  const length = buf.readUInt32LE(at + 4);
  const end = at + FRAME_HEADER + length;
  if (end > buf.length) return { why: `frame of ${length} bytes runs past the end`, end };
  const payload = buf.subarray(at + FRAME_HEADER, end);
  if ((crc32(payload) >>> 0) !== buf.readUInt32LE(at + 8)) return { why: 'CRC mismatch', end };
  return null;
}

export class JournalCorruptError extends Error {
  override name = 'JournalCorruptError';
  constructor(readonly file: string, readonly offset: number, why: string) {
    super(`${file}: corrupt journal frame at byte ${offset} (${why}) followed by more data: acknowledged records are damaged`);
  }
}

function decodePayload(payload: Buffer, file: string, offset: number): DecodedFrame {
  const kind = RECORD_KINDS[payload.readUInt8(0)];
  const encoding = payload.readUInt8(1);
  const firstSeq = payload.readDoubleLE(4);
  const count = payload.readUInt32LE(12);
  const body = payload.subarray(PAYLOAD_HEADER);
  if (kind === undefined || !Number.isSafeInteger(firstSeq) || firstSeq < 0) {
    throw new JournalCorruptError(file, offset, 'bad payload header');
  }
  if (kind === 'performance') {
    if (encoding !== 1) throw new JournalCorruptError(file, offset, 'performance frame without column encoding');
    return { kind, firstSeq, count, columns: decodePerf(body, count, file, offset) };
  }
  if (encoding !== 0) throw new JournalCorruptError(file, offset, `${kind} frame with encoding ${encoding}`);
  const records = JSON.parse(body.toString('utf8')) as unknown;
  if (!Array.isArray(records) || records.length !== count) throw new JournalCorruptError(file, offset, 'record count mismatch');
  return { kind, firstSeq, count, records };
}

function decodePerf(body: Buffer, n: number, file: string, offset: number): PerfColumns {
  const dictLength = body.readUInt32LE(0);
  const ids = JSON.parse(body.subarray(4, 4 + dictLength).toString('utf8')) as unknown;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new JournalCorruptError(file, offset, 'bad portfolio dictionary');
  let at = 4 + dictLength + ((8 - ((4 + dictLength) % 8)) % 8);
  if (body.length - at !== n * 28) throw new JournalCorruptError(file, offset, 'performance body size mismatch');
  // Copy out: the frame's bytes are not 8-byte aligned within the file buffer.
  const f64 = () => {
    const out = new Float64Array(n);
    new Uint8Array(out.buffer).set(body.subarray(at, at + n * 8));
    at += n * 8;
    return out;
  };
  const ts = f64();
  const equity = f64();
  const cash = f64();
  const portfolio = new Uint32Array(n);
  new Uint8Array(portfolio.buffer).set(body.subarray(at, at + n * 4));
  for (let i = 0; i < n; i++) if (portfolio[i] >= ids.length) throw new JournalCorruptError(file, offset, 'portfolio index out of range');
  return { ts, equity, cash, portfolio, ids: ids as string[] };
}

let table: Int32Array | undefined;
function crc32Fallback(data: Uint8Array): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

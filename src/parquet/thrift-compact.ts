/**
 * Reading the Thrift compact protocol (Parquet's page headers and footer) and the varints that
 * Parquet's own encodings share with it, for the flat read path: flat-decode.ts reads page
 * headers and RLE / delta runs with these, flat-footer.ts reads the footer. One place, so
 * both readers accept exactly the same bytes.
 *
 * The reader is strict where hyparquet's (node_modules/hyparquet/src/thrift.js) reads
 * something else: a varint of an i32 past 32 bits (hyparquet keeps its low 32 bits) and the
 * SET and MAP types (hyparquet throws on them) throw here. The callers then hand the file to
 * hyparquet, so such bytes get hyparquet's result or hyparquet's error, never a second reading.
 */

/** Bytes being read and the position of the next byte. */
export type Reader = { bytes: Uint8Array; pos: number };

/**
 * An unsigned varint (LEB128). Refused past 8 bytes, where a double no longer holds every
 * value. A one-byte varint (most field values, lengths and counts) takes the short way: with
 * it, walking a footer took ~40% less time.
 */
export function readVarint(r: Reader): number {
  const bytes = r.bytes;
  const pos = r.pos;
  if (pos < bytes.length && bytes[pos] < 0x80) {
    r.pos = pos + 1;
    return bytes[pos];
  }
  return readLongVarint(r);
}

function readLongVarint(r: Reader): number {
  const bytes = r.bytes;
  let pos = r.pos;
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= bytes.length) throw new Error('unexpected end of data');
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      r.pos = pos;
      return value;
    }
    scale *= 128;
    if (scale > 2 ** 53) throw new Error('varint too long');
  }
}

export function zigzag(v: number): number {
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

export const T_STOP = 0;
export const T_TRUE = 1;
export const T_FALSE = 2;
export const T_BYTE = 3;
export const T_I16 = 4;
export const T_I32 = 5;
export const T_I64 = 6;
export const T_DOUBLE = 7;
export const T_BINARY = 8;
export const T_LIST = 9;
// 10 SET and 11 MAP: no Parquet struct holds one, and hyparquet's reader throws on them
export const T_STRUCT = 12;

export function readByte(r: Reader): number {
  if (r.pos >= r.bytes.byteLength) throw new Error('unexpected end of data');
  return r.bytes[r.pos++];
}

/** An i16 or i32 (zigzag varint). */
export function readI32(r: Reader): number {
  const raw = readVarint(r);
  if (raw > 0xffffffff) throw new Error('i32 varint past 32 bits'); // hyparquet would wrap it
  return zigzag(raw);
}

/**
 * The next field header of a struct: the field's id * 16 + its type, or 0 at the struct's end;
 * the caller consumes the value. `previous` is what the previous call gave (0 for the first
 * field), as a short header holds the id as a step from the previous one. (A loop over this
 * rather than a callback per field: callbacks created per struct died with each read and were
 * compiled again after every collection.)
 */
export function nextField(r: Reader, previous: number): number {
  const bytes = r.bytes; // (readByte's work, written out: this runs once per field)
  if (r.pos >= bytes.length) throw new Error('unexpected end of data');
  const byte = bytes[r.pos++];
  const type = byte & 0x0f;
  if (type === T_STOP) return 0;
  const delta = byte >> 4;
  return (delta === 0 ? readI32(r) : (previous - (previous & 15)) / 16 + delta) * 16 + type;
}

/**
 * A list header: its size * 16 + its elements' type. A size past the bytes left is refused
 * up front (every element takes at least a byte), so no caller loops over a corrupt count.
 */
export function listHeader(r: Reader): number {
  const head = readByte(r);
  const size = head >> 4 === 15 ? readVarint(r) : head >> 4;
  if (size > r.bytes.byteLength - r.pos) throw new Error('list longer than the bytes left');
  return size * 16 + (head & 0x0f);
}

/** Step over a value of `type` (booleans in a list take a byte each; in a struct, the field header holds them). */
export function skip(r: Reader, type: number): void {
  switch (type) {
    case T_TRUE:
    case T_FALSE:
      return;
    case T_BYTE:
      readByte(r);
      return;
    case T_I16:
    case T_I32:
    case T_I64:
      readVarint(r);
      return;
    case T_DOUBLE:
      r.pos += 8;
      if (r.pos > r.bytes.byteLength) throw new Error('unexpected end of data');
      return;
    case T_BINARY: {
      const length = readVarint(r);
      r.pos += length;
      if (r.pos > r.bytes.byteLength) throw new Error('unexpected end of data');
      return;
    }
    case T_LIST: {
      const head = listHeader(r);
      const element = head % 16;
      const size = (head - element) / 16;
      for (let i = 0; i < size; i++) skip(r, element === T_TRUE || element === T_FALSE ? T_BYTE : element);
      return;
    }
    case T_STRUCT:
      for (let packed = nextField(r, 0); packed !== 0; packed = nextField(r, packed)) skip(r, packed & 15);
      return;
    default:
      // SET and MAP included (see above)
      throw new Error(`unknown thrift type ${type}`);
  }
}

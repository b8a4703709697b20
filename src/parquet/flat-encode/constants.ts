/** The flat encoder's shared constants: Parquet's enum values, how a column's values are held, empty arrays. */

// ---------------------------------------------------------------------------------------------
// Parquet's Thrift enum values (as in hyparquet's constants).

export const TYPE_BOOLEAN = 0;
export const TYPE_INT32 = 1;
export const TYPE_INT64 = 2;
export const TYPE_DOUBLE = 5;
export const TYPE_BYTE_ARRAY = 6;
export const REPETITION_REQUIRED = 0;
export const REPETITION_OPTIONAL = 1;
export const CONVERTED_NONE = -1;
export const CONVERTED_UTF8 = 0;
export const CONVERTED_TIMESTAMP_MILLIS = 9;
export const ENC_AUTO = -1; // no encoding asked for: dictionary when it pays off, else the type's default
export const ENC_PLAIN = 0;
export const ENC_RLE = 3;
export const ENC_DELTA_BINARY_PACKED = 5;
export const ENC_RLE_DICTIONARY = 8;
export const CODEC_UNCOMPRESSED = 0;
export const CODEC_SNAPPY = 1;
export const PAGE_DICTIONARY = 2;
export const PAGE_DATA_V2 = 3;

/** How a column's values are held: Int32Array (INT32; BOOLEAN as 0/1), Float64Array (INT64, TIMESTAMP_MILLIS, DOUBLE) or strings. */
export const K_INT32 = 0;
export const K_INT64 = 1;
export const K_DOUBLE = 2;
export const K_STRING = 3;
export const K_BOOLEAN = 4;

export const EMPTY_INT32 = new Int32Array(0);
export const EMPTY_FLOAT64 = new Float64Array(0);
export const EMPTY_STRINGS: readonly string[] = [];

/** 2^32: INT64 values are written as two 32-bit halves. */
export const TWO_32 = 4294967296;
export const EMPTY_BYTES = new Uint8Array(0);

/** UTF-8 of names, key-value metadata and string statistics. */
export const utf8 = new TextEncoder();

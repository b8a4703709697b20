/**
 * What the store needs to know about a record kind: its zod schema (the record type is inferred
 * from it), how it maps to Parquet columns, which field is its time, what identifies a record
 * besides its time (for idempotent writes), and how its series are partitioned.
 */
import { z } from 'zod';
import type { Granularity, RecordKind } from './layout.ts';
import { MAX_TS, MIN_TS } from './layout.ts';

/** How a field is stored: time = TIMESTAMP_MILLIS (delta-encoded), number = DOUBLE, string = STRING. */
export type ColumnKind = 'time' | 'number' | 'string';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnKind;
  /** Optional fields are nullable columns; a missing value is stored as null and read back as absent. */
  readonly optional: boolean;
}

/** Plain record objects: field name -> number | string (absent when optional and not set). */
export type StoredRecord = Readonly<Record<string, number | string | undefined>>;

export interface KindSpec<T extends object = StoredRecord> {
  readonly kind: RecordKind;
  readonly schema: z.ZodType<T>;
  /** Stored columns; the time column comes first. Their names are the only fields a record may have. */
  readonly columns: readonly ColumnSpec[];
  readonly timeField: string;
  time(record: T): number;
  /** What identifies a record besides its time ('' when the time alone does). */
  key(record: T): string;
  /** Whether series of this kind have a symbol / a timeframe path slot. */
  readonly hasSymbol: boolean;
  readonly hasTimeframe: boolean;
  /** Partition size for a series of this kind (timeframe is '-' when the kind has none). */
  granularity(timeframe: string): Granularity;
}

const fmt = (v: unknown): string => (typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

/** Record time: whole epoch milliseconds, UTC, years 1000..9999. */
export function timeField(name = 'ts') {
  return z
    .number({ error: (iss) => `${name} is not a number (${fmt(iss.input)})` })
    .refine((v) => Number.isInteger(v) && v >= MIN_TS && v <= MAX_TS, {
      error: (iss) => `${name} must be whole epoch milliseconds between the years 1000 and 9999 (${fmt(iss.input)})`,
    });
}

/** A finite number. */
export function finite(name: string) {
  return z.number({ error: (iss) => `${name} is not a finite number (${fmt(iss.input)})` }).refine(Number.isFinite, {
    error: (iss) => `${name} is not a finite number (${fmt(iss.input)})`,
  });
}

export function positive(name: string) {
  return finite(name).refine((v) => v > 0, { error: (iss) => `${name} must be > 0 (${fmt(iss.input)})` });
}

export function nonNegative(name: string) {
  return finite(name).refine((v) => v >= 0, { error: (iss) => `${name} must be >= 0 (${fmt(iss.input)})` });
}

export function text(name: string, max = 128) {
  return z
    .string({ error: (iss) => `${name} must be a string (${fmt(iss.input)})` })
    .min(1, { error: `${name} is empty` })
    .max(max, { error: `${name} is longer than ${max} characters` });
}

export function oneOf<const V extends readonly [string, ...string[]]>(name: string, values: V) {
  return z.enum(values, { error: (iss) => `${name} must be one of ${values.join(', ')} (${fmt(iss.input)})` });
}

/** A calendar date `YYYY-MM-DD` that exists (2025-02-30 does not). */
export function isoDate(name: string) {
  return z
    .string({ error: (iss) => `${name} must be a date string YYYY-MM-DD (${fmt(iss.input)})` })
    .refine(
      (v) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
        const d = new Date(`${v}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
      },
      { error: (iss) => `${name} must be a valid date YYYY-MM-DD (${fmt(iss.input)})` },
    );
}

export function column(name: string, type: ColumnKind, optional = false): ColumnSpec {
  return { name, type, optional };
}

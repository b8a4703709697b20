/**
 * Row validation shared by the CSV and Parquet bar loaders.
 *
 * A row is accepted when {@link BarRowSchema} (zod) accepts it, i.e. every value is a finite
 * number, prices are > 0, volume is >= 0, high >= low, high >= max(open, close) and
 * low <= min(open, close); and when its start is strictly later than the previous ACCEPTED row's
 * (a duplicate or earlier stamp is rejected). Unparsable stamps and malformed lines are rejected
 * by the loaders before the schema runs.
 *
 * Each rejection carries the file, the 1-based line number in the file (the header is line 1;
 * for Parquet, row index + 1) and a reason, e.g. `GOOG_1d.csv line 17: high (10.2) < low (10.5)`.
 * Policy `onInvalid`: `'error'` (default) throws a {@link BarDataError} at the first bad row;
 * `'skip'` drops bad rows and reports them as `{ line, reason }` in the load result.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { formatWallClock } from './timezone.ts';

export type InvalidRowPolicy = 'error' | 'skip';

export interface SkippedRow {
  /** 1-based line number in the file (header = line 1); for Parquet, 1-based row number. */
  readonly line: number;
  readonly reason: string;
}

/** A bad bar file or row; `message` is `<file name> line <n>: <reason>`. */
export class BarDataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${basename(file)} line ${line}: ${reason}`);
    this.name = 'BarDataError';
  }
}

const fmt = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v));

function finite(name: string) {
  return z.number({ error: (iss) => `${name} is not a finite number (${fmt(iss.input)})` });
}

function price(name: string) {
  return finite(name).gt(0, { error: (iss) => `${name} must be > 0 (${fmt(iss.input)})` });
}

/** zod schema of one bar row: finite values, positive prices, non-negative volume, consistent OHLC. */
export const BarRowSchema = z
  .object({
    start: finite('start'),
    open: price('open'),
    high: price('high'),
    low: price('low'),
    close: price('close'),
    volume: finite('volume').gte(0, { error: (iss) => `volume must be >= 0 (${fmt(iss.input)})` }),
  })
  .check((ctx) => {
    const { open, high, low, close } = ctx.value;
    let message: string | undefined;
    if (high < low) message = `high (${high}) < low (${low})`;
    else if (high < open) message = `high (${high}) < open (${open})`;
    else if (high < close) message = `high (${high}) < close (${close})`;
    else if (low > open) message = `low (${low}) > open (${open})`;
    else if (low > close) message = `low (${low}) > close (${close})`;
    if (message !== undefined) ctx.issues.push({ code: 'custom', message, input: ctx.value });
  });

export type BarRow = z.infer<typeof BarRowSchema>;

/**
 * Streaming validator: feed rows in file order; it keeps the previous accepted stamp and
 * applies the policy. `reject` throws under 'error' and records under 'skip'.
 */
export class BarRowValidator {
  readonly skipped: SkippedRow[] = [];
  private lastStart = Number.NEGATIVE_INFINITY;
  private lastLine = 0;

  constructor(
    readonly file: string,
    readonly policy: InvalidRowPolicy = 'error',
  ) {
    if (policy !== 'error' && policy !== 'skip') {
      throw new Error(`onInvalid must be 'error' or 'skip', got ${JSON.stringify(policy)}`);
    }
  }

  /** Record (skip) or throw (error) a rejection. Returns false so callers can `return v.reject(...)`. */
  reject(line: number, reason: string): false {
    if (this.policy === 'error') throw new BarDataError(this.file, line, reason);
    this.skipped.push({ line, reason });
    return false;
  }

  /** Validate one row; true when accepted (and it becomes the new "previous" row). */
  accept(line: number, row: BarRow): boolean {
    const result = BarRowSchema.safeParse(row);
    if (!result.success) return this.reject(line, result.error.issues[0]?.message ?? 'invalid row');
    const start = row.start;
    if (start <= this.lastStart) {
      const what = start === this.lastStart ? 'duplicate' : 'out-of-order';
      const relation = start === this.lastStart ? 'same as' : 'before';
      return this.reject(
        line,
        `${what} stamp ${formatInstant(start)} (${relation} ${formatInstant(this.lastStart)} at line ${this.lastLine})`,
      );
    }
    this.lastStart = start;
    this.lastLine = line;
    return true;
  }
}

/** `YYYY-MM-DDTHH:MM:SSZ` (ms only when non-zero) for messages. */
export function formatInstant(utcMs: number): string {
  if (!Number.isFinite(utcMs)) return String(utcMs);
  return `${formatWallClock(utcMs).replace(' ', 'T')}Z`;
}

/** Checking the [start, end) arguments of range queries. */
import { MarketDataError } from './errors.ts';

/** `[start, end)` with open ends as -Infinity / +Infinity; throws on anything else than numbers. */
export function checkRange(query: string, start: number | undefined, end: number | undefined): [number, number] {
  const s = start ?? Number.NEGATIVE_INFINITY;
  const e = end ?? Number.POSITIVE_INFINITY;
  if (typeof s !== 'number' || Number.isNaN(s)) throw new MarketDataError(`${query}: start must be epoch milliseconds, got ${String(start)}`);
  if (typeof e !== 'number' || Number.isNaN(e)) throw new MarketDataError(`${query}: end must be epoch milliseconds, got ${String(end)}`);
  if (s > e) throw new MarketDataError(`${query}: start (${fmtTime(s)}) is after end (${fmtTime(e)})`);
  return [s, e];
}

export function checkInstant(query: string, name: string, at: number): number {
  if (typeof at !== 'number' || !Number.isFinite(at)) throw new MarketDataError(`${query}: ${name} must be epoch milliseconds, got ${String(at)}`);
  return at;
}

/** ISO text of an instant, or the number itself when it is not a finite time. */
export function fmtTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

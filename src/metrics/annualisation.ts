import { zoneConverter } from '../data/timezone.ts';

/** Trading sessions per year (US equities), the factor for 1-day bars. */
export const TRADING_DAYS_PER_YEAR = 252;
export const WEEKS_PER_YEAR = 52;
export const DEFAULT_SESSION_TIMEZONE = 'America/New_York';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/**
 * Annualisation factor for a curve sampled at `timeframeMs`.
 *
 * Daily or coarser: 252 trading days a year per day of bar length (1d -> 252, 2d -> 126), and
 * 52 weeks a year per week of bar length from one week up (1w -> 52).
 * Intraday: 252 * (average number of curve points per trading session), where the sessions are
 * the distinct calendar dates of `ticks` in `timezone`. A regular US equity session of 1-minute
 * bars therefore gives 252 * 390 = 98 280, and sqrt(252) is used only for daily bars.
 */
export function periodsPerYear(
  timeframeMs: number,
  ticks: Float64Array,
  timezone: string = DEFAULT_SESSION_TIMEZONE,
): number {
  if (!Number.isFinite(timeframeMs) || timeframeMs <= 0) {
    throw new RangeError(`periodsPerYear: timeframeMs must be a positive finite number, got ${timeframeMs}`);
  }
  if (timeframeMs >= WEEK_MS) return (WEEKS_PER_YEAR * WEEK_MS) / timeframeMs;
  if (timeframeMs >= DAY_MS) return (TRADING_DAYS_PER_YEAR * DAY_MS) / timeframeMs;
  if (ticks.length === 0) {
    throw new RangeError('periodsPerYear: an intraday timeframe needs at least one timestamp to count points per session');
  }
  return (TRADING_DAYS_PER_YEAR * ticks.length) / countSessions(ticks, timezone);
}

/**
 * Number of distinct calendar dates of `ticks` (epoch ms) in the IANA `timezone`.
 *
 * Calling Intl for each of a million stamps would take seconds, so the UTC offset is resolved
 * once per UTC day: when the offsets at the first and the last millisecond of that day agree,
 * the day holds no transition (they are months apart) and that offset applies to every stamp in
 * it; otherwise the transition instant is found by bisection (~27 Intl calls) and stamps before
 * and after it get the offsets of either side. Exact for any zone whose offset changes at most
 * once per UTC day, which holds for every modern tz rule.
 */
export function countSessions(ticks: Float64Array, timezone: string = DEFAULT_SESSION_TIMEZONE): number {
  const zone = zoneConverter(timezone);
  const offsetAt = (t: number) => zone.offsetAtExact(t);
  const days = new Set<number>();
  let bucket = Number.NaN;
  let offsetBefore = 0; // offset for stamps < switchAt in the current bucket
  let offsetAfter = 0; // offset for stamps >= switchAt
  let switchAt = Infinity;
  let lastDay = Number.NaN;
  for (let i = 0; i < ticks.length; i++) {
    const t = ticks[i];
    if (!Number.isFinite(t)) throw new RangeError(`countSessions: ticks[${i}] is not a finite timestamp (${t})`);
    const utcDay = Math.floor(t / DAY_MS);
    if (utcDay !== bucket) {
      bucket = utcDay;
      const first = utcDay * DAY_MS;
      const last = first + DAY_MS - 1;
      offsetBefore = offsetAt(first);
      offsetAfter = offsetAt(last);
      switchAt = Infinity;
      if (offsetAfter !== offsetBefore) {
        // Smallest instant in (first, last] whose offset differs from the day's opening offset.
        let lo = first;
        let hi = last;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (offsetAt(mid) === offsetBefore) lo = mid;
          else hi = mid;
        }
        switchAt = hi;
      }
    }
    const offset = t < switchAt ? offsetBefore : offsetAfter;
    const day = Math.floor((t + offset) / DAY_MS);
    if (day !== lastDay) {
      days.add(day);
      lastDay = day;
    }
  }
  return days.size;
}

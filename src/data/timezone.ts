/**
 * Naive local wall-clock time <-> epoch milliseconds UTC for an IANA time zone, using only
 * `Intl.DateTimeFormat` (no tz database library).
 *
 * How it works: the UTC offset of a zone at an instant is read from `Intl` (`formatToParts`,
 * a few microseconds per call, so results are cached). A local wall-clock time L (written as
 * "ms since epoch as if the zone were UTC") maps to the instant u = L - offset, for an offset
 * that holds at u. The two candidate offsets are the ones in force one day before and one day
 * after L; each candidate is kept if the zone really has that offset at L - candidate:
 *   - one valid candidate (or both equal): the normal case;
 *   - none valid: L falls in a spring-forward gap (e.g. 2025-03-09 02:30 in New York) and does
 *     not exist: `'reject'` throws a {@link NonexistentLocalTimeError}, `'compatible'` shifts
 *     it forward by the gap length (02:30 -> 03:30 EDT, as java.time / Temporal do);
 *   - two valid candidates: L is ambiguous (fall back, e.g. 2025-11-02 01:30 in New York
 *     happens twice); the FIRST occurrence (the earlier instant, EDT) is returned.
 * This assumes at most one offset change within +-1 day of a given time, true of every zone in
 * the IANA database.
 *
 * Caching (one `Intl` call costs about 1 us): offsets are cached per UTC day (instant -> offset)
 * and per local calendar day (wall clock -> instant). A day is cached only when the offset is
 * the same, and unambiguous, at both ends of it; otherwise the same check is made per hour, and
 * an hour that contains the transition itself is resolved exactly for every stamp. The caches
 * therefore never change a result, given the assumption above (at most one change per day).
 * A 50k-row minute file spanning six months costs a few hundred `Intl` calls.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Thrown for a local time that does not exist in the zone (spring-forward gap). */
export class NonexistentLocalTimeError extends Error {
  constructor(
    readonly zone: string,
    readonly localMs: number,
  ) {
    super(`nonexistent local time ${formatWallClock(localMs)} in ${zone} (skipped by a daylight-saving transition)`);
    this.name = 'NonexistentLocalTimeError';
  }
}

/** How to treat a nonexistent local time: throw, or shift forward by the gap length. */
export type GapPolicy = 'reject' | 'compatible';

/** Days in month `month` (1-12) of `year` (proleptic Gregorian). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `YYYY-MM-DD HH:MM:SS[.mmm]` of a wall-clock ms value (read as UTC fields). */
export function formatWallClock(wallMs: number): string {
  const iso = new Date(wallMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const ms = iso.slice(19, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '.000' ? '' : ms}`;
}

/**
 * A converter bound to one IANA zone, with its own offset caches. Obtain one with
 * {@link zoneConverter} (instances are shared per zone name).
 */
export class ZoneConverter {
  readonly zone: string;
  readonly isUtc: boolean;
  private readonly format: Intl.DateTimeFormat | null;
  /** UTC day / hour index -> offset ms, or NaN when that span contains an offset change. */
  private readonly utcDayOffset = new Map<number, number>();
  private readonly utcHourOffset = new Map<number, number>();
  /** Local day / hour index -> offset ms, or NaN when that span is not uniformly unambiguous. */
  private readonly localDayOffset = new Map<number, number>();
  private readonly localHourOffset = new Map<number, number>();

  constructor(zone: string) {
    let resolved: string;
    try {
      resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      throw new RangeError(`unknown time zone "${zone}": expected an IANA name such as "America/New_York" or "UTC"`);
    }
    this.zone = zone;
    this.isUtc = resolved === 'UTC' || resolved === 'Etc/UTC' || resolved === 'Etc/GMT' || resolved === 'GMT';
    // `format` (not `formatToParts`, 3x slower) with a fixed locale; the numbers are read back
    // in order: month, day, year, hour, minute, second ("9/13/2020 AD, 08:26:40").
    this.format = this.isUtc
      ? null
      : new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
          era: 'short',
        });
  }

  /** Offset (local - UTC, in ms) of the zone at the UTC instant `utcMs`. Uncached `Intl` call. */
  offsetAtExact(utcMs: number): number {
    if (this.format === null) return 0;
    const whole = Math.floor(utcMs / 1000) * 1000;
    const text = this.format.format(whole);
    const fields = [0, 0, 0, 0, 0, 0];
    let k = -1;
    let inNumber = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c >= 0 && c <= 9) {
        if (!inNumber) {
          k++;
          inNumber = true;
        }
        if (k < 6) fields[k] = fields[k] * 10 + c;
      } else {
        inNumber = false;
      }
    }
    if (k !== 5) throw new Error(`timezone: cannot read Intl output "${text}" for ${this.zone}`);
    let year = fields[2];
    if (text.includes('BC')) year = 1 - year;
    return wallClockMs(year, fields[0], fields[1], fields[3], fields[4], fields[5]) - whole;
  }

  /** Offset (local - UTC, in ms) at the UTC instant `utcMs`; cached per UTC day, then hour. */
  offsetAt(utcMs: number): number {
    if (this.format === null) return 0;
    const day = Math.floor(utcMs / DAY_MS);
    let offset = this.utcDayOffset.get(day);
    if (offset === undefined) {
      const first = this.offsetAtExact(day * DAY_MS);
      offset = first === this.offsetAtExact(day * DAY_MS + DAY_MS - 1000) ? first : Number.NaN;
      this.utcDayOffset.set(day, offset);
    }
    if (!Number.isNaN(offset)) return offset;
    const hour = Math.floor(utcMs / HOUR_MS);
    offset = this.utcHourOffset.get(hour);
    if (offset === undefined) {
      const first = this.offsetAtExact(hour * HOUR_MS);
      offset = first === this.offsetAtExact(hour * HOUR_MS + HOUR_MS - 1000) ? first : Number.NaN;
      this.utcHourOffset.set(hour, offset);
    }
    return Number.isNaN(offset) ? this.offsetAtExact(utcMs) : offset;
  }

  /** Wall-clock ms (UTC fields = local fields) of the UTC instant `utcMs` in this zone. */
  utcToWall(utcMs: number): number {
    return utcMs + this.offsetAt(utcMs);
  }

  /**
   * Instant (epoch ms UTC) of the local wall-clock time `wallMs` (local fields encoded as if UTC,
   * e.g. `Date.UTC(2025, 8, 15, 9, 30)` for 2025-09-15 09:30 local). Ambiguous -> first
   * occurrence; nonexistent -> error (`'reject'`, the default) or shifted forward (`'compatible'`).
   */
  wallToUtc(wallMs: number, gap: GapPolicy = 'reject'): number {
    if (this.format === null) return wallMs;
    const day = Math.floor(wallMs / DAY_MS);
    let offset = this.localDayOffset.get(day);
    if (offset === undefined) {
      offset = this.uniformOffset(day * DAY_MS, DAY_MS);
      this.localDayOffset.set(day, offset);
    }
    if (!Number.isNaN(offset)) return wallMs - offset;
    const hour = Math.floor(wallMs / HOUR_MS);
    offset = this.localHourOffset.get(hour);
    if (offset === undefined) {
      offset = this.uniformOffset(hour * HOUR_MS, HOUR_MS);
      this.localHourOffset.set(hour, offset);
    }
    if (!Number.isNaN(offset)) return wallMs - offset;
    const r = this.resolve(wallMs);
    if (r.kind === 'gap') {
      if (gap === 'reject') throw new NonexistentLocalTimeError(this.zone, wallMs);
      return wallMs - r.before;
    }
    return wallMs - r.offset;
  }

  /** The offset if every wall-clock time in [start, start + span) resolves uniquely to it, else NaN. */
  private uniformOffset(start: number, span: number): number {
    const a = this.resolve(start);
    const b = this.resolve(start + span - 1000);
    return a.kind === 'unique' && b.kind === 'unique' && a.offset === b.offset ? a.offset : Number.NaN;
  }

  /** Exact resolution of one wall-clock time (offsets read through the exact UTC-side cache). */
  private resolve(
    wallMs: number,
  ): { kind: 'unique' | 'ambiguous'; offset: number } | { kind: 'gap'; before: number; after: number } {
    const before = this.offsetAt(wallMs - DAY_MS);
    const after = this.offsetAt(wallMs + DAY_MS);
    const beforeValid = this.offsetAt(wallMs - before) === before;
    if (before === after && beforeValid) return { kind: 'unique', offset: before };
    const afterValid = this.offsetAt(wallMs - after) === after;
    if (beforeValid && afterValid) {
      // Two instants show this wall-clock time: the earlier one has the larger offset.
      return { kind: 'ambiguous', offset: Math.max(before, after) };
    }
    if (beforeValid) return { kind: 'unique', offset: before };
    if (afterValid) return { kind: 'unique', offset: after };
    return { kind: 'gap', before, after };
  }
}

const converters = new Map<string, ZoneConverter>();

/** The shared converter for `zone` (throws a RangeError for an unknown zone name). */
export function zoneConverter(zone: string): ZoneConverter {
  let converter = converters.get(zone);
  if (converter === undefined) {
    converter = new ZoneConverter(zone);
    converters.set(zone, converter);
  }
  return converter;
}

/**
 * Epoch ms UTC of the naive local time `year-month-day hour:minute:second.ms` in `zone`
 * (month 1-12). Nonexistent local time -> {@link NonexistentLocalTimeError} (or shifted forward
 * with `gap: 'compatible'`); ambiguous local time -> the first occurrence.
 */
export function localToUtc(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
  gap: GapPolicy = 'reject',
): number {
  return zoneConverter(zone).wallToUtc(wallClockMs(year, month, day, hour, minute, second, millisecond), gap);
}

/** Wall-clock ms for local fields (month 1-12): the same fields read as UTC. Years 0-99 are not shifted to 19xx. */
export function wallClockMs(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  const t = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  if (year >= 0 && year < 100) {
    const d = new Date(t);
    d.setUTCFullYear(year);
    return d.getTime();
  }
  return t;
}

/** UTC offset of `zone` at the instant `utcMs`, in ms (e.g. -14_400_000 for EDT). */
export function utcOffsetMs(zone: string, utcMs: number): number {
  return zoneConverter(zone).offsetAt(utcMs);
}

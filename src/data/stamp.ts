/**
 * Hand-written parser for bar time stamps (no regex, no Date parsing):
 *   YYYY-MM-DD                        date only: local midnight
 *   YYYY-MM-DD HH:MM[:SS[.fff]]       or with `T` instead of the space
 * optionally followed by `Z` or an explicit offset `+HH:MM`, `-HH:MM`, `+HHMM`, `+HH`
 * (an explicit offset is honoured and the time zone is then ignored). Naive stamps are local
 * wall-clock times in the given zone. Digits beyond milliseconds are truncated.
 */
import { daysInMonth, wallClockMs, type ZoneConverter } from './timezone.ts';

function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const c = text.charCodeAt(at + i) - 48;
    if (!(c >= 0 && c <= 9)) return -1; // also rejects NaN past the end of the text
    value = value * 10 + c;
  }
  return value;
}

/**
 * Epoch ms UTC of the stamp in `text[from, to)`, or NaN when it is not a valid stamp.
 * A nonexistent local time (DST gap) makes `zone.wallToUtc` throw a NonexistentLocalTimeError.
 */
export function parseStamp(text: string, from: number, to: number, zone: ZoneConverter): number {
  // trim blanks and surrounding quotes
  while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 34 || text.charCodeAt(from) === 9)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 34 || text.charCodeAt(to - 1) === 9)) to--;
  if (to - from < 10) return Number.NaN;
  const year = digits(text, from, 4);
  const month = digits(text, from + 5, 2);
  const day = digits(text, from + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || text.charCodeAt(from + 4) !== 45 || text.charCodeAt(from + 7) !== 45) {
    return Number.NaN;
  }
  if (day > daysInMonth(year, month)) return Number.NaN;
  let p = from + 10;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  if (p < to) {
    const sep = text.charCodeAt(p);
    if (sep !== 32 && sep !== 84 && sep !== 116) {
      // only an offset may follow a bare date
      if (sep !== 90 && sep !== 43 && sep !== 45) return Number.NaN;
    } else {
      p++;
      if (to - p < 5 || text.charCodeAt(p + 2) !== 58) return Number.NaN;
      hour = digits(text, p, 2);
      minute = digits(text, p + 3, 2);
      if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
      p += 5;
      if (p < to && text.charCodeAt(p) === 58) {
        second = digits(text, p + 1, 2);
        if (p + 3 > to || second < 0 || second > 59) return Number.NaN;
        p += 3;
        if (p < to && text.charCodeAt(p) === 46) {
          p++;
          let scale = 100;
          const fracStart = p;
          while (p < to) {
            const c = text.charCodeAt(p) - 48;
            if (!(c >= 0 && c <= 9)) break;
            ms += c * scale;
            scale /= 10;
            p++;
          }
          if (p === fracStart) return Number.NaN;
          ms = Math.floor(ms);
        }
      }
    }
  }
  const wall = wallClockMs(year, month, day, hour, minute, second, ms);
  if (p === to) return zone.wallToUtc(wall);
  // explicit offset
  const c = text.charCodeAt(p);
  if (c === 90 || c === 122) return p + 1 === to ? wall : Number.NaN; // Z
  if (c !== 43 && c !== 45) return Number.NaN;
  const sign = c === 43 ? 1 : -1;
  p++;
  const oh = digits(text, p, 2);
  if (oh < 0 || p + 2 > to) return Number.NaN;
  p += 2;
  let om = 0;
  if (p < to) {
    if (text.charCodeAt(p) === 58) p++;
    om = digits(text, p, 2);
    if (om < 0 || p + 2 !== to) return Number.NaN;
  }
  if (oh > 23 || om > 59) return Number.NaN;
  return wall - sign * (oh * 3_600_000 + om * 60_000);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSessions, periodsPerYear } from '../../src/metrics/index.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** `count` one-minute stamps starting at `startUtcMs`. */
function minutes(startUtcMs: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => startUtcMs + k * MIN);
}

/** Reference: one Intl call per stamp, no caching. */
function naiveSessions(ticks: Float64Array, timezone: string): number {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return new Set(Array.from(ticks, (t) => fmt.format(t))).size;
}

describe('periodsPerYear', () => {
  it('is 252 for daily bars, 52 for weekly, whatever the stamps', () => {
    expect(periodsPerYear(DAY, new Float64Array([0, DAY, 2 * DAY]))).toBe(252);
    expect(periodsPerYear(DAY, new Float64Array(0))).toBe(252);
    expect(periodsPerYear(7 * DAY, new Float64Array(0))).toBe(52);
    expect(periodsPerYear(2 * DAY, new Float64Array(0))).toBe(126);
  });

  it('is 252 * 390 for three New York sessions of 390 one-minute stamps', () => {
    // 09:30-15:59 New York. Fri 2024-03-08 is EST (UTC-5): 14:30Z; Mon 2024-03-11 and
    // Tue 2024-03-12 are EDT (UTC-4, after the 2024-03-10 switch): 13:30Z.
    const ticks = new Float64Array([
      ...minutes(Date.UTC(2024, 2, 8, 14, 30), 390),
      ...minutes(Date.UTC(2024, 2, 11, 13, 30), 390),
      ...minutes(Date.UTC(2024, 2, 12, 13, 30), 390),
    ]);
    expect(countSessions(ticks)).toBe(3);
    expect(periodsPerYear(MIN, ticks)).toBe(252 * 390); // 98 280
    expect(periodsPerYear(MIN, ticks, 'America/New_York')).toBe(98_280);
  });

  it('averages points per session (a half day lowers it)', () => {
    // two full sessions of 390 and a 13:00 close (210 bars): 990 points / 3 sessions = 330
    const ticks = new Float64Array([
      ...minutes(Date.UTC(2024, 10, 26, 14, 30), 390),
      ...minutes(Date.UTC(2024, 10, 27, 14, 30), 390),
      ...minutes(Date.UTC(2024, 10, 29, 14, 30), 210),
    ]);
    expect(periodsPerYear(MIN, ticks)).toBe(252 * 330);
    // 5-minute bars of one full session: 78 per session
    const fiveMin = new Float64Array(Array.from({ length: 78 }, (_, k) => Date.UTC(2024, 10, 26, 14, 30) + k * 5 * MIN));
    expect(periodsPerYear(5 * MIN, fiveMin)).toBe(252 * 78);
  });

  it('counts sessions on the calendar of the given timezone, not UTC', () => {
    // 19:30-20:29 New York on 2024-07-01 (EDT) = 23:30Z Jul 1 .. 00:29Z Jul 2:
    // one New York date, two UTC dates
    const ticks = new Float64Array(minutes(Date.UTC(2024, 6, 1, 23, 30), 60));
    expect(periodsPerYear(MIN, ticks, 'America/New_York')).toBe(252 * 60);
    expect(periodsPerYear(MIN, ticks, 'UTC')).toBe(252 * 30);
    // and Tokyo (UTC+9) puts both halves on Jul 2
    expect(countSessions(ticks, 'Asia/Tokyo')).toBe(1);
  });

  it('rejects bad arguments', () => {
    expect(() => periodsPerYear(0, new Float64Array(0))).toThrow(RangeError);
    expect(() => periodsPerYear(Number.NaN, new Float64Array(0))).toThrow(RangeError);
    expect(() => periodsPerYear(MIN, new Float64Array(0))).toThrow(/at least one timestamp/);
    expect(() => periodsPerYear(MIN, new Float64Array([0]), 'Not/AZone')).toThrow(RangeError);
    expect(() => periodsPerYear(MIN, new Float64Array([Number.NaN]))).toThrow(/ticks\[0\]/);
  });
});

describe('countSessions agrees with a per-stamp Intl lookup', () => {
  // Zones with DST switches at odd UTC instants: Lord Howe moves by 30 minutes at 02:00 local
  // (15:30Z), St John's is UTC-3:30, Kolkata +5:30 without DST, Kathmandu +5:45.
  const zones = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kolkata', 'Asia/Kathmandu', 'UTC'];

  it('every minute over 3 days around DST switches', () => {
    const switches = [
      Date.UTC(2024, 2, 9), // New York spring forward (Mar 10)
      Date.UTC(2024, 9, 5), // Lord Howe DST start (Oct 6)
      Date.UTC(2024, 3, 6), // Lord Howe DST end (Apr 7)
      Date.UTC(2024, 9, 26), // London fall back (Oct 27)
    ];
    for (const start of switches) {
      const ticks = new Float64Array(minutes(start, 3 * 24 * 60));
      for (const zone of zones) {
        expect(countSessions(ticks, zone), `${zone} from ${new Date(start).toISOString()}`).toBe(naiveSessions(ticks, zone));
      }
    }
  });

  it('stamps right around switches that happen at local midnight', () => {
    // Only a switch at midnight can move a stamp across a date line, so these are the cases
    // where using the wrong side's offset (or being 1 ms off) changes the count.
    const cases: [string, number][] = [
      ['America/Havana', Date.UTC(2024, 2, 10, 5)], // 00:00 -05 -> 01:00 -04
      ['America/Santiago', Date.UTC(2024, 3, 7, 3)], // 24:00 -03 -> 23:00 -04
      ['Asia/Beirut', Date.UTC(2024, 9, 26, 21)], // 00:00 +03 -> 23:00 +02
      ['America/New_York', Date.UTC(2024, 2, 10, 7)], // 02:00 -05 -> 03:00 -04, for contrast
    ];
    const around = [-90 * MIN, -60 * MIN, -30 * MIN, -1, 0, 1, 30 * MIN, 59 * MIN, 61 * MIN, 90 * MIN];
    for (const [zone, at] of cases) {
      for (let i = 0; i < around.length; i++) {
        for (let j = i; j < around.length; j++) {
          const ticks = new Float64Array([at + around[i], at + around[j]]);
          expect(countSessions(ticks, zone), `${zone} ${around[i]} ${around[j]}`).toBe(naiveSessions(ticks, zone));
        }
      }
    }
  });

  it('random sorted stamps (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(...zones),
        (raw, zone) => {
          const ticks = new Float64Array(raw.sort((a, b) => a - b));
          expect(countSessions(ticks, zone)).toBe(naiveSessions(ticks, zone));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('1M one-minute stamps in well under a second', () => {
    const n = 1_000_000;
    const ticks = new Float64Array(n);
    for (let i = 0; i < n; i++) ticks[i] = Date.UTC(2020, 0, 2, 14, 30) + i * MIN;
    const t0 = performance.now();
    const sessions = countSessions(ticks);
    expect(performance.now() - t0).toBeLessThan(1000);
    // 1M minutes starting 09:30 New York on 2020-01-02 span 694.4 days -> 695 New York dates
    expect(sessions).toBe(naiveSessionsSampled(ticks));
  });
});

/** Distinct New York dates of contiguous 1-minute stamps, checked via the first and last stamp. */
function naiveSessionsSampled(ticks: Float64Array): number {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });
  const first = Date.parse(`${fmt.format(ticks[0])}T00:00:00Z`);
  const last = Date.parse(`${fmt.format(ticks[ticks.length - 1])}T00:00:00Z`);
  return Math.round((last - first) / DAY) + 1;
}

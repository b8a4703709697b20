import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localToUtc, NonexistentLocalTimeError, utcOffsetMs, zoneConverter } from '../../src/data/timezone.ts';

const NY = 'America/New_York';
const iso = (t: number) => new Date(t).toISOString();
const utc = (s: string) => Date.parse(s);

describe('localToUtc across New York DST transitions (hand-written expectations)', () => {
  it('spring forward 2025-03-09: 02:00-02:59 do not exist', () => {
    expect(iso(localToUtc(NY, 2025, 3, 9, 0, 0))).toBe('2025-03-09T05:00:00.000Z');
    expect(iso(localToUtc(NY, 2025, 3, 9, 1, 59, 59))).toBe('2025-03-09T06:59:59.000Z'); // EST (-5)
    expect(iso(localToUtc(NY, 2025, 3, 9, 3, 0))).toBe('2025-03-09T07:00:00.000Z'); // EDT (-4)
    expect(iso(localToUtc(NY, 2025, 3, 9, 12, 0))).toBe('2025-03-09T16:00:00.000Z');
    expect(iso(localToUtc(NY, 2025, 3, 8, 9, 30))).toBe('2025-03-08T14:30:00.000Z');
    expect(iso(localToUtc(NY, 2025, 3, 10, 9, 30))).toBe('2025-03-10T13:30:00.000Z');
    for (const [h, m] of [
      [2, 0],
      [2, 30],
      [2, 59],
    ]) {
      expect(() => localToUtc(NY, 2025, 3, 9, h, m)).toThrow(NonexistentLocalTimeError);
    }
    expect(() => localToUtc(NY, 2025, 3, 9, 2, 30)).toThrow(
      'nonexistent local time 2025-03-09 02:30:00 in America/New_York (skipped by a daylight-saving transition)',
    );
    // 'compatible' shifts forward by the gap: 02:30 -> 03:30 EDT
    expect(iso(localToUtc(NY, 2025, 3, 9, 2, 30, 0, 0, 'compatible'))).toBe('2025-03-09T07:30:00.000Z');
  });

  it('fall back 2025-11-02: 01:00-01:59 happen twice, the first (EDT) occurrence is used', () => {
    expect(iso(localToUtc(NY, 2025, 11, 2, 0, 59))).toBe('2025-11-02T04:59:00.000Z');
    expect(iso(localToUtc(NY, 2025, 11, 2, 1, 0))).toBe('2025-11-02T05:00:00.000Z');
    expect(iso(localToUtc(NY, 2025, 11, 2, 1, 30))).toBe('2025-11-02T05:30:00.000Z');
    expect(iso(localToUtc(NY, 2025, 11, 2, 1, 59, 59))).toBe('2025-11-02T05:59:59.000Z');
    expect(iso(localToUtc(NY, 2025, 11, 2, 2, 0))).toBe('2025-11-02T07:00:00.000Z'); // EST
    expect(iso(localToUtc(NY, 2025, 11, 2, 23, 0))).toBe('2025-11-03T04:00:00.000Z');
    expect(iso(localToUtc(NY, 2025, 11, 1, 9, 30))).toBe('2025-11-01T13:30:00.000Z');
    expect(iso(localToUtc(NY, 2025, 11, 3, 9, 30))).toBe('2025-11-03T14:30:00.000Z');
  });

  it('offsets and instant -> wall clock around the transitions', () => {
    const z = zoneConverter(NY);
    expect(utcOffsetMs(NY, utc('2025-03-09T06:59:59Z'))).toBe(-5 * 3_600_000);
    expect(utcOffsetMs(NY, utc('2025-03-09T07:00:00Z'))).toBe(-4 * 3_600_000);
    expect(utcOffsetMs(NY, utc('2025-11-02T05:59:59Z'))).toBe(-4 * 3_600_000);
    expect(utcOffsetMs(NY, utc('2025-11-02T06:00:00Z'))).toBe(-5 * 3_600_000);
    // both 05:30Z and 06:30Z read 01:30 on the wall
    expect(iso(z.utcToWall(utc('2025-11-02T05:30:00Z')))).toBe('2025-11-02T01:30:00.000Z');
    expect(iso(z.utcToWall(utc('2025-11-02T06:30:00Z')))).toBe('2025-11-02T01:30:00.000Z');
  });

  it('other zones: UTC, half-hour offsets and half-hour DST shifts, London, historical LMT', () => {
    expect(iso(localToUtc('UTC', 2017, 4, 19, 9, 0))).toBe('2017-04-19T09:00:00.000Z');
    expect(iso(localToUtc('Asia/Kolkata', 2025, 1, 1))).toBe('2024-12-31T18:30:00.000Z');
    expect(() => localToUtc('Europe/London', 2025, 3, 30, 1, 30)).toThrow(NonexistentLocalTimeError);
    expect(iso(localToUtc('Europe/London', 2025, 10, 26, 1, 30))).toBe('2025-10-26T00:30:00.000Z'); // BST first
    // Lord Howe: +11 -> +10:30 on 2025-04-06 at 02:00; 01:45 is ambiguous, first = +11
    expect(iso(localToUtc('Australia/Lord_Howe', 2025, 4, 6, 1, 45))).toBe('2025-04-05T14:45:00.000Z');
    // New York before standard time (1883-11-18 12:03:58 LMT): LMT -4:56:02
    expect(iso(localToUtc(NY, 1880, 1, 1))).toBe('1880-01-01T04:56:02.000Z');
  });

  it('unknown zone -> RangeError naming it', () => {
    expect(() => zoneConverter('America/Gotham')).toThrow(/unknown time zone "America\/Gotham"/);
  });

  it('property: wall -> utc -> wall round-trips; the result is the earliest instant with that wall time', () => {
    const zones = [NY, 'Europe/London', 'Australia/Sydney', 'Asia/Tehran', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'UTC'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 60 * 365 * 24 * 60 }), (zone, minutes) => {
        const z = zoneConverter(zone);
        const u = Date.UTC(1975, 0, 1) + minutes * 60_000;
        // cached offset equals the exact Intl offset
        expect(z.offsetAt(u)).toBe(z.offsetAtExact(u));
        const wall = z.utcToWall(u);
        const back = z.wallToUtc(wall);
        expect(z.utcToWall(back)).toBe(wall);
        expect(back).toBeLessThanOrEqual(u);
        if (back !== u) {
          // only a fall-back repeat: u is the second occurrence, at most a few hours later
          expect(u - back).toBeLessThanOrEqual(2 * 3_600_000);
          expect(z.offsetAt(back)).toBeGreaterThan(z.offsetAt(u));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('converts 50k minute stamps quickly (cached per local day)', () => {
    const z = zoneConverter(NY);
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += z.wallToUtc(Date.UTC(2024, 0, 1) + i * 5 * 60_000, 'compatible'); // spans a DST gap
    const ms = performance.now() - t0;
    expect(sum).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1000); // typically ~5 ms; loose bound so a loaded machine does not flake
  });
});

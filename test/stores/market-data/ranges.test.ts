/**
 * Range semantics, [start, end) on the bar start: edges, empty ranges, ranges past the data,
 * ranges across partition (month) boundaries, open ends, bad arguments; and pruning: a range
 * read opens only the files whose time range meets it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bars, DAY, LINEAGE, MIN, tempStore, type TestBar } from './helpers.ts';

let store: MarketDataStore;
let cleanup: () => Promise<void>;
// Two bars a day at 14:30Z and 15:30Z, from 2025-09-01 for 120 days: four month partitions.
const FIRST = Date.UTC(2025, 8, 1, 14, 30);
const input: TestBar[] = [];
for (let d = 0; d < 120; d++) input.push(...bars(FIRST + d * DAY, 2, 60 * MIN, 2 * d));

beforeAll(async () => {
  ({ store, cleanup } = await tempStore());
  await store.writeBars('SPY', '1m', input, LINEAGE);
});
afterAll(() => cleanup());

/** The expected starts, computed from the input by a plain filter. */
const expected = (start: number, end: number) => input.filter((b) => b.start >= start && b.start < end).map((b) => b.start);
const starts = async (start?: number, end?: number) => Array.from((await store.getBars('SPY', '1m', start, end)).start);

describe('getBars ranges', () => {
  it('start is inclusive, end is exclusive', async () => {
    const a = input[10].start;
    const b = input[14].start;
    expect(await starts(a, b)).toEqual(expected(a, b));
    expect(await starts(a, b)).toHaveLength(4);
    expect(await starts(a, b + 1)).toHaveLength(5);
    expect(await starts(a + 1, b)).toHaveLength(3);
  });

  it('an empty range and a range between bars give an empty series', async () => {
    const a = input[10].start;
    expect(await starts(a, a)).toEqual([]);
    expect(await starts(a + 1, input[11].start)).toEqual([]);
    const s = await store.getBars('SPY', '1m', a, a);
    expect(s.length).toBe(0);
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ranges before, after and around the data', async () => {
    const last = input[input.length - 1].start;
    expect(await starts(FIRST - 10 * DAY, FIRST)).toEqual([]);
    expect(await starts(last + 1, last + 100 * DAY)).toEqual([]);
    expect(await starts(FIRST - 10 * DAY, last + 100 * DAY)).toEqual(input.map((b) => b.start));
    expect(await starts()).toEqual(input.map((b) => b.start));
    expect(await starts(undefined, input[3].start)).toEqual(expected(-Infinity, input[3].start));
    expect(await starts(input[236].start)).toEqual(expected(input[236].start, Infinity));
  });

  it('ranges across month partitions', async () => {
    const a = Date.UTC(2025, 8, 29);
    const b = Date.UTC(2025, 10, 2);
    expect(await starts(a, b)).toEqual(expected(a, b));
    expect(await starts(Date.UTC(2025, 9, 1), Date.UTC(2025, 10, 1))).toEqual(expected(Date.UTC(2025, 9, 1), Date.UTC(2025, 10, 1)));
  });

  it('a range inside one month reads one file; the whole series reads all', async () => {
    const before = store.metrics.counters.filesRead;
    await store.getBars('SPY', '1m', Date.UTC(2025, 9, 5), Date.UTC(2025, 9, 6));
    expect(store.metrics.counters.filesRead - before).toBe(1);
    const files = (await store.listSeries())[0].files;
    expect(files).toBe(4);
    const mid = store.metrics.counters.filesRead;
    await store.getBars('SPY', '1m');
    expect(store.metrics.counters.filesRead - mid).toBe(files);
    const after = store.metrics.counters.filesRead;
    await store.getBars('SPY', '1m', Date.UTC(2030, 0, 1), Date.UTC(2030, 0, 2));
    expect(store.metrics.counters.filesRead - after).toBe(0);
  });

  it('bad arguments are errors that name the query and the problem', async () => {
    await expect(store.getBars('SPY', '1m', 10, 5)).rejects.toThrow(/getBars: start .* is after end/);
    await expect(store.getBars('SPY', '1m', Number.NaN)).rejects.toThrow(/getBars: start must be epoch milliseconds/);
    await expect(store.getBars('SPY', '1x')).rejects.toThrow(/getBars: invalid timeframe "1x"/);
    await expect(store.getBars('../x', '1m')).rejects.toThrow(/getBars: invalid symbol "..\/x"/);
    await expect(store.getBars('QQQ', '1m')).rejects.toThrow(/no bars stored for QQQ 1m in market-data-store:.* \(stored: SPY 1m\)/);
    await expect(store.getBars('SPY', '5m')).rejects.toThrow(/no bars stored for SPY 5m/);
  });

  it('other kinds use the same [start, end) rule', async () => {
    const events = [0, 1, 2].map((i) => ({ ts: FIRST + i * MIN, id: `e${i}`, type: 'CPI', name: 'CPI' }));
    await store.writeCalendarEvents(events, LINEAGE);
    expect((await store.getEvents(FIRST, FIRST + 2 * MIN)).map((e) => e.id)).toEqual(['e0', 'e1']);
    expect(await store.getEvents(FIRST + 3 * MIN, FIRST + 10 * MIN)).toEqual([]);
    await expect(store.getEvents(5, 1)).rejects.toThrow(/getEvents: start .* is after end/);
  });
});

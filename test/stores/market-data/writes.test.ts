/**
 * Write semantics: invalid records are rejected and quarantined with their reason and counted,
 * never stored; duplicates (same key and time) are idempotent; a different record under the
 * same key and time is quarantined as a conflict (the stored one is never overwritten);
 * out-of-order records are stored and flagged in the file entry and the batch.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bar, bars, LINEAGE, MIN, T0, tempStore } from './helpers.ts';

let store: MarketDataStore;
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ store, root, cleanup } = await tempStore()));
afterEach(() => cleanup());

describe('rejection and quarantine', () => {
  const cases: [string, 'bars' | 'quotes' | 'trades' | 'options' | 'flow' | 'fundamentals' | 'calendar' | 'features', unknown, RegExp][] = [
    ['OHLC inconsistent bar', 'bars', { ...bar(T0, 1), high: 50 }, /^high \(50\) < low/],
    ['negative price', 'bars', { ...bar(T0, 1), open: -1 }, /^open must be > 0 \(-1\)/],
    ['fractional millisecond', 'bars', { ...bar(T0 + 0.5, 1) }, /^start must be whole epoch milliseconds/],
    ['string instead of number', 'bars', { ...bar(T0, 1), volume: '12' }, /volume is not a finite number \("12"\)/],
    ['unknown field', 'bars', { ...bar(T0, 1), vwap: 3 }, /^unknown field "vwap" \(bars records have: start, open, high, low, close, volume\)/],
    ['not an object', 'bars', 42, /^record is not an object \(number\)/],
    ['crossed quote', 'quotes', { ts: T0, bid: 10, ask: 9, bid_size: 1, ask_size: 1 }, /^crossed quote: ask \(9\) < bid \(10\)/],
    ['trade without id', 'trades', { ts: T0, price: 1, size: 1 }, /^trade_id/],
    ['bad option right', 'options', { ts: T0, expiry: '2025-10-17', strike: 1, right: 'X', bid: 1, ask: 1, volume: 0, open_interest: 0 }, /^right must be one of C, P \("X"\)/],
    ['impossible expiry', 'options', { ts: T0, expiry: '2025-02-30', strike: 1, right: 'C', bid: 1, ask: 1, volume: 0, open_interest: 0 }, /^expiry must be a valid date/],
    ['delta out of range', 'options', { ts: T0, expiry: '2025-10-17', strike: 1, right: 'C', bid: 1, ask: 1, volume: 0, open_interest: 0, delta: 1.5 }, /^delta must be within \[-1, 1\]/],
    ['flow with zero size', 'flow', { ts: T0, id: 'a', expiry: '2025-10-17', strike: 1, right: 'C', flow_type: 'sweep', side: 'buy', size: 0, price: 1, premium: 1 }, /^size must be > 0/],
    ['unknown fundamentals type', 'fundamentals', { type: 'rumour', ts: T0 }, /^type must be one of earnings, dividend, split, sector, factor \("rumour"\)/],
    ['calendar type in lower case', 'calendar', { ts: T0, id: 'x', type: 'fomc', name: 'x' }, /^type must be UPPER_CASE/],
    ['feature value NaN', 'features', { ts: T0, name: 'sma_20', value: Number.NaN }, /^value is not a finite number \(NaN\)/],
  ];
  for (const [title, kind, record, reason] of cases) {
    it(`${kind}: ${title}`, async () => {
      const good = kind === 'bars' ? bar(T0 + MIN, 2) : null;
      const input = good ? [good, record] : [record];
      const r = await store.writeRecords(kind, { symbol: 'SPY', timeframe: '1m' }, input, LINEAGE);
      expect(r.rejections).toHaveLength(1);
      expect(r.rejections[0].reason).toMatch(reason);
      expect(r.rejections[0].index).toBe(input.length - 1);
      expect(r.batch).toMatchObject({ received: input.length, stored: input.length - 1, rejected: 1 });
      const q = await store.quarantined(r.batch.id);
      expect(q).toHaveLength(1);
      expect(q[0].record).toEqual(JSON.parse(JSON.stringify(record)) ?? null);
      expect((await store.stats()).quarantine).toEqual({ total: 1, byKind: { [kind]: 1 } });
      if (good) expect(Array.from((await store.getBars('SPY', '1m')).start)).toEqual([good.start]);
    });
  }

  it('a batch of only invalid records stores nothing and writes no data file', async () => {
    const r = await store.writeBars('SPY', '1m', [{ ...bar(T0, 1), low: 1000 }], LINEAGE);
    expect(r.batch.stored).toBe(0);
    expect(r.batch.files).toEqual([]);
    expect(await readdir(root)).not.toContain('bars');
    await expect(store.getBars('SPY', '1m')).rejects.toThrow(/no bars stored/);
  });

  it('lineage: source, provider, time zone, ingestion time and quality', async () => {
    const input = [...bars(T0, 3), { ...bar(T0 + 10 * MIN, 9), close: -1 }];
    const before = Date.now();
    const r = await store.writeBars('SPY', '1m', input, { source: 'feed://x', provider: 'iex', timezone: 'UTC' });
    expect(r.batch).toMatchObject({ source: 'feed://x', provider: 'iex', timezone: 'UTC', received: 4, stored: 3, validRatio: 3 / 4, quality: 3 / 4 });
    expect(Date.parse(r.batch.ingestedAt)).toBeGreaterThanOrEqual(before - 1000);
    const r2 = await store.writeBars('SPY', '1m', bars(T0 + 20 * MIN, 2), { source: 'y', quality: 0.5 });
    expect(r2.batch.quality).toBe(0.5);
    expect(r2.batch.validRatio).toBe(1);
    expect((await store.batches()).map((b) => b.id)).toEqual([r.batch.id, r2.batch.id]);
    await expect(store.writeBars('SPY', '1m', [], { source: '' })).rejects.toThrow(/lineage.source .* is required/);
    await expect(store.writeBars('SPY', '1m', [], { source: 'x', quality: 2 })).rejects.toThrow(/lineage.quality must be a number in \[0, 1\], got 2/);
  });
});

describe('duplicates, conflicts and order', () => {
  it('writing the same records twice stores them once and writes no second file', async () => {
    const input = bars(T0, 50);
    await store.writeBars('SPY', '1m', input, LINEAGE);
    const first = await store.getBars('SPY', '1m');
    const again = await store.writeBars('SPY', '1m', [...input].reverse(), LINEAGE);
    expect(again.batch).toMatchObject({ received: 50, stored: 0, duplicates: 50, rejected: 0, outOfOrder: 0, files: [] });
    const second = await store.getBars('SPY', '1m');
    expect(second.hash).toBe(first.hash);
    expect((await store.listSeries())[0].files).toBe(1);
  });

  it('duplicates inside one batch are dropped; a partly new batch stores only the new records', async () => {
    const input = bars(T0, 10);
    const r = await store.writeBars('SPY', '1m', [...input, input[3], input[3]], LINEAGE);
    expect(r.batch).toMatchObject({ stored: 10, duplicates: 2 });
    const more = bars(T0 + 5 * MIN, 10, MIN, 5); // 5 overlap (same values), 5 new
    const r2 = await store.writeBars('SPY', '1m', more, LINEAGE);
    expect(r2.batch).toMatchObject({ stored: 5, duplicates: 5 });
    expect(Array.from((await store.getBars('SPY', '1m')).start)).toEqual(bars(T0, 15).map((b) => b.start));
  });

  it('a different record with the same key and time is quarantined as a conflict; the stored one stays', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 3), LINEAGE);
    const changed = { ...bar(T0 + MIN, 1), close: bar(T0 + MIN, 1).close + 0.01 };
    const r = await store.writeBars('SPY', '1m', [changed], LINEAGE);
    expect(r.rejections[0].reason).toMatch(/^conflicts with the stored record at 2025-09-15T13:31:00.000Z \(batch 1\): close is 100.26, stored 100.25$/);
    expect((await store.getBars('SPY', '1m')).close[1]).toBe(bar(T0 + MIN, 1).close);
    const inBatch = await store.writeQuotes('SPY', [{ ts: T0, bid: 1, ask: 2, bid_size: 1, ask_size: 1 }, { ts: T0, bid: 1, ask: 3, bid_size: 1, ask_size: 1 }], LINEAGE);
    expect(inBatch.rejections[0].reason).toMatch(/^conflicts with an earlier record of this batch at 2025-09-15T13:30:00.000Z 0 \(record 0\): ask is 3, stored 2$/);
  });

  it('records older than the latest stored time are stored and flagged as out of order', async () => {
    await store.writeBars('SPY', '1m', bars(T0 + 100 * MIN, 10), LINEAGE);
    const late = bars(T0, 5); // all before the series' latest bar
    const r = await store.writeBars('SPY', '1m', late, LINEAGE);
    expect(r.batch).toMatchObject({ stored: 5, outOfOrder: 5 });
    const [series] = await store.listSeries();
    expect(series.outOfOrder).toBe(5);
    const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as { partitions: Record<string, { files: { outOfOrder: number }[] }> };
    expect(Object.values(manifest.partitions).flatMap((p) => p.files.map((f) => f.outOfOrder))).toEqual([0, 5]);
    const s = await store.getBars('SPY', '1m');
    expect(Array.from(s.start)).toEqual([...late, ...bars(T0 + 100 * MIN, 10)].map((b) => b.start));
  });

  it('order inside one batch: each record earlier than one before it counts once', async () => {
    const b = bars(T0, 6);
    const order = [b[2], b[0], b[5], b[1], b[4], b[3]]; // out of order: b0 (<b2), b1 (<b5), b4 (<b5), b3 (<b5)
    const r = await store.writeBars('SPY', '1m', order, LINEAGE);
    expect(r.batch.outOfOrder).toBe(4);
    expect(Array.from((await store.getBars('SPY', '1m')).start)).toEqual(b.map((x) => x.start));
  });
});

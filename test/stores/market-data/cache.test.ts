/**
 * The LRU+TTL cache on its own (with a fake clock), and inside the store: latest bar / quote /
 * chain served from cache, counted, and invalidated by a write to their series only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LruTtlCache } from '../../../src/stores/market-data/cache.ts';
import type { MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bars, LINEAGE, MIN, T0, tempStore } from './helpers.ts';

describe('LruTtlCache', () => {
  it('counts hits and misses, evicts the least recently used, expires after the TTL', () => {
    let now = 0;
    const cache = new LruTtlCache({ capacity: 2, ttlMs: 100, now: () => now });
    expect(cache.get('a')).toBeUndefined(); // miss
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 2);
    expect(cache.get('a')).toEqual({ value: 1 }); // hit; a is now the most recent
    cache.set('c', 'C', 3); // evicts b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toEqual({ value: 3 });
    now = 100; // a and c expire at 100 (a was set at 0 and a hit does not extend it)
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 3, evictions: 1, expirations: 1, size: 1, hitRate: 2 / 5 });
  });

  it('caches "absent" (undefined) values and invalidates by tag', () => {
    const cache = new LruTtlCache();
    cache.set('x', 'T', undefined);
    cache.set('y', 'T', 1);
    cache.set('z', 'U', 2);
    expect(cache.get('x')).toEqual({ value: undefined });
    cache.invalidate('T');
    expect(cache.get('y')).toBeUndefined();
    expect(cache.get('z')).toEqual({ value: 2 });
    expect(cache.stats().invalidations).toBe(2);
  });

  it('rejects a bad configuration', () => {
    expect(() => new LruTtlCache({ capacity: 0 })).toThrow(/capacity must be a whole number >= 1/);
    expect(() => new LruTtlCache({ ttlMs: -1 })).toThrow(/ttlMs must be > 0/);
  });
});

describe('the store cache', () => {
  let store: MarketDataStore;
  let cleanup: () => Promise<void>;
  let now = 0;
  beforeEach(async () => {
    now = 0;
    ({ store, cleanup } = await tempStore({ cache: { capacity: 3, ttlMs: 1000, now: () => now } }));
  });
  afterEach(() => cleanup());

  it('getLatestBar: a miss reads the files, hits do not; a write to the series invalidates it', async () => {
    const input = bars(T0, 20);
    await store.writeBars('SPY', '1m', input, LINEAGE);
    await store.writeBars('QQQ', '1m', input, LINEAGE);
    const files = store.metrics.counters.filesRead;
    expect(await store.getLatestBar('SPY', '1m')).toEqual(input[19]);
    const afterMiss = store.metrics.counters.filesRead;
    expect(afterMiss).toBeGreaterThan(files);
    for (let i = 0; i < 5; i++) expect(await store.getLatestBar('SPY', '1m')).toEqual(input[19]);
    expect(store.metrics.counters.filesRead).toBe(afterMiss);
    expect(store.cacheStats()).toMatchObject({ hits: 5, misses: 1 });

    await store.getLatestBar('QQQ', '1m');
    const next = bars(T0 + 20 * MIN, 1, MIN, 20);
    await store.writeBars('SPY', '1m', next, LINEAGE); // invalidates SPY only
    expect(await store.getLatestBar('SPY', '1m')).toEqual(next[0]);
    await store.getLatestBar('QQQ', '1m');
    expect(store.cacheStats()).toMatchObject({ hits: 6, misses: 3, invalidations: 1 });
  });

  it('entries expire after the TTL and the least recently used is evicted', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 3), LINEAGE);
    await store.getLatestBar('SPY', '1m');
    now = 1000;
    await store.getLatestBar('SPY', '1m');
    expect(store.cacheStats()).toMatchObject({ hits: 0, misses: 2, expirations: 1 });
    for (const s of ['A', 'B', 'C']) await store.getLatestBar(s, '1m'); // absent series are cached too
    expect(store.cacheStats().evictions).toBe(1);
    expect(await store.getLatestBar('A', '1m')).toBeUndefined();
  });

  it('latest quote and options chain are cached and invalidated by writes to them', async () => {
    await store.writeQuotes('SPY', [{ ts: T0, bid: 1, ask: 2, bid_size: 1, ask_size: 1 }], LINEAGE);
    expect((await store.getLatestQuote('SPY'))?.bid).toBe(1);
    expect((await store.getLatestQuote('SPY'))?.bid).toBe(1);
    await store.writeQuotes('SPY', [{ ts: T0 + 1, bid: 1.5, ask: 2, bid_size: 1, ask_size: 1 }], LINEAGE);
    expect((await store.getLatestQuote('SPY'))?.bid).toBe(1.5);
    const c = { ts: T0, expiry: '2025-10-17', strike: 1, right: 'C', bid: 1, ask: 1, volume: 0, open_interest: 0 };
    await store.writeOptionsChain('SPY', [c], LINEAGE);
    expect((await store.getOptionsChain('SPY', T0 + MIN)).ts).toBe(T0);
    await store.writeOptionsChain('SPY', [{ ...c, ts: T0 + 1 }], LINEAGE);
    expect((await store.getOptionsChain('SPY', T0 + MIN)).ts).toBe(T0 + 1);
  });

  it('cached values are frozen, so a caller cannot corrupt the next hit', async () => {
    await store.writeBars('SPY', '1m', bars(T0, 2), LINEAGE);
    const b = await store.getLatestBar('SPY', '1m');
    expect(Object.isFrozen(b)).toBe(true);
    expect(() => {
      (b as { close: number }).close = 0;
    }).toThrow();
  });
});

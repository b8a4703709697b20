/**
 * Retention tiers on data dated in the past, judged at a fixed `now`: warm (compacted), cold
 * (Brotli archive, smaller, still readable with identical results), purge; dry runs; policy
 * validation with errors naming the field.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRetentionPolicy, type MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bars, DAY, LINEAGE, MIN, tempStore } from './helpers.ts';

let store: MarketDataStore;
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ store, root, cleanup } = await tempStore()));
afterEach(() => cleanup());

const NOW = Date.UTC(2026, 0, 15);
// Months of 1m bars: 2025-06, 2025-09, 2025-11, 2026-01 (two batches each: two files per partition)
const MONTHS = [Date.UTC(2025, 5, 2, 14), Date.UTC(2025, 8, 2, 14), Date.UTC(2025, 10, 3, 14), Date.UTC(2026, 0, 5, 14)];

async function seed(): Promise<void> {
  for (const m of MONTHS) {
    await store.writeBars('SPY', '1m', bars(m, 300), LINEAGE);
    await store.writeBars('SPY', '1m', bars(m + DAY, 300, MIN, 300), LINEAGE);
  }
  await store.writeFundamentals('SPY', [{ type: 'split', ts: Date.UTC(2000, 0, 3), ratio: 2 }], LINEAGE);
}

// Ages at NOW (from each month's end): 2025-06 -> 198 days, 2025-09 -> 106, 2025-11 -> 45, 2026-01 -> not ended.
const POLICY = { warmAfterDays: 30, coldAfterDays: 90, purgeAfterDays: 180 };

describe('retention', () => {
  it('dry run reports and changes nothing', async () => {
    await seed();
    const before = await store.getBars('SPY', '1m');
    const r = await store.applyRetention(POLICY, { now: NOW, dryRun: true });
    expect(r.actions.map((a) => [a.partition, a.action])).toEqual([
      ['bars/SPY/1m/2025-06', 'purge'],
      ['bars/SPY/1m/2025-09', 'cold'],
      ['bars/SPY/1m/2025-11', 'warm'],
    ]);
    expect((await store.getBars('SPY', '1m')).hash).toBe(before.hash);
    expect((await store.listSeries()).find((s) => s.kind === 'bars')!.files).toBe(8);
  });

  it('purges, archives and compacts by age; the rest reads back identically', async () => {
    await seed();
    const before = await store.getBars('SPY', '1m');
    const r = await store.applyRetention(POLICY, { now: NOW });
    expect(r.actions.map((a) => a.action)).toEqual(['purge', 'cold', 'warm']);
    const after = await store.getBars('SPY', '1m');
    const kept = Array.from(before.start).filter((t) => t >= Date.UTC(2025, 6, 1));
    expect(Array.from(after.start)).toEqual(kept);
    const offset = before.length - kept.length;
    expect(Array.from(after.close)).toEqual(Array.from(before.close).slice(offset));
    const [series] = (await store.listSeries()).filter((s) => s.kind === 'bars');
    expect(series.tiers).toEqual({ hot: 2, warm: 1, cold: 1 });
    const cold = r.actions.find((a) => a.action === 'cold')!;
    expect(cold.bytesAfter).toBeLessThan(cold.bytesBefore / 1.5);
    const coldDir = join(root, 'bars/SPY/1m/period=2025-09');
    const names = await readdir(coldDir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/\.parquet\.br$/);
    expect((await stat(join(coldDir, names[0]))).size).toBe(cold.bytesAfter);
    expect(await readdir(join(root, 'bars/SPY/1m'))).not.toContain('period=2025-06');
    // reference data has no age and is kept
    expect((await store.getFundamentals('SPY')).splits).toHaveLength(1);
    // applying the same policy again changes nothing
    expect((await store.applyRetention(POLICY, { now: NOW })).actions).toEqual([]);
  });

  it('a late write into an archived month is readable, and compaction keeps the month cold', async () => {
    await seed();
    await store.applyRetention({ coldAfterDays: 90 }, { now: NOW });
    const late = bars(Date.UTC(2025, 8, 20, 14), 5);
    await store.writeBars('SPY', '1m', late, LINEAGE);
    const month = await store.getBars('SPY', '1m', Date.UTC(2025, 8, 1), Date.UTC(2025, 9, 1));
    expect(month.length).toBe(605);
    await store.compact();
    const again = await store.getBars('SPY', '1m', Date.UTC(2025, 8, 1), Date.UTC(2025, 9, 1));
    expect(again.hash).toBe(month.hash);
    const names = await readdir(join(root, 'bars/SPY/1m/period=2025-09'));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/\.parquet\.br$/);
  });

  it('per-kind rules override the store rule', async () => {
    await seed();
    await store.writeQuotes('SPY', [{ ts: Date.UTC(2025, 5, 3), bid: 1, ask: 2, bid_size: 1, ask_size: 1 }], LINEAGE);
    const r = await store.applyRetention({ purgeAfterDays: 10_000, kinds: { quotes: { purgeAfterDays: 30 } } }, { now: NOW, dryRun: true });
    expect(r.actions.map((a) => [a.partition, a.action])).toEqual([['quotes/SPY/-/2025-06', 'purge']]);
  });

  it('a bad policy is an error naming the field', () => {
    expect(() => parseRetentionPolicy({ warmAfterDays: -1 })).toThrow(/retention policy: warmAfterDays: warmAfterDays must be >= 0/);
    expect(() => parseRetentionPolicy({ warmAfterDays: 90, coldAfterDays: 30 })).toThrow(/thresholds must not decrease/);
    expect(() => parseRetentionPolicy({ purgeAfterDay: 3 })).toThrow(/Unrecognized key: "purgeAfterDay"/);
    expect(() => parseRetentionPolicy({ kinds: { tick: {} } })).toThrow(/retention policy: kinds/);
    expect(() => parseRetentionPolicy({ coldAfterDays: 100, kinds: { bars: { purgeAfterDays: 50 } } })).toThrow(/kinds.bars: thresholds must not decrease/);
    expect(() => parseRetentionPolicy({ warmAfterDays: 'x' })).toThrow(/warmAfterDays must be a number of days/);
  });
});

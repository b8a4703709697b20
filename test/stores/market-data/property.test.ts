/**
 * Property: whatever batches arrive (overlapping, repeated, shuffled, with invalid records),
 * the store ends up holding exactly the first-seen valid record per time, in time order, and
 * its out-of-order counts match a direct recount; compaction changes none of it. The expected
 * state is computed here from the inputs alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bar, MIN, T0, tempStore, type TestBar } from './helpers.ts';

// A bar slot i (0..199, spread over two months) with a value variant v: the same (i, v) is the
// same record; another v at the same i is a conflict.
const slot = fc.record({ i: fc.integer({ min: 0, max: 199 }), v: fc.integer({ min: 0, max: 2 }), bad: fc.boolean() });
const batchesArb = fc.array(fc.array(slot, { maxLength: 40 }), { minLength: 1, maxLength: 6 });

const startOf = (i: number) => T0 + Math.floor(i / 100) * 30 * 86_400_000 + (i % 100) * MIN;
function record(s: { i: number; v: number; bad: boolean }): TestBar {
  const b = bar(startOf(s.i), s.i + 1000 * s.v);
  return s.bad ? { ...b, low: b.high + 1 } : b;
}

describe('store state after any sequence of batches', () => {
  it('equals the first valid record per time, sorted; out-of-order counts match', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        const { store, cleanup } = await tempStore({ maxFilesPerPartition: 3 });
        try {
          const kept = new Map<number, TestBar>();
          let latest = -Infinity;
          let expectedOutOfOrder = 0;
          for (const batch of batches) {
            const records = batch.map(record);
            const r = await store.writeBars('SPY', '1m', records, { source: 'prop' });
            let rejected = 0;
            let duplicates = 0;
            let outOfOrder = 0;
            for (const [k, rec] of records.entries()) {
              if (batch[k].bad) {
                rejected++;
                continue;
              }
              const old = kept.get(rec.start);
              if (old) {
                if (JSON.stringify(old) === JSON.stringify(rec)) duplicates++;
                else rejected++;
                continue;
              }
              kept.set(rec.start, rec);
              if (rec.start < latest) outOfOrder++;
              latest = Math.max(latest, rec.start);
            }
            expectedOutOfOrder += outOfOrder;
            expect(r.batch).toMatchObject({ received: records.length, rejected, duplicates, outOfOrder, stored: records.length - rejected - duplicates });
          }
          const expected = [...kept.values()].sort((a, b) => a.start - b.start);
          if (expected.length === 0) return;
          const check = async () => {
            const s = await store.getBars('SPY', '1m');
            expect(Array.from(s.start)).toEqual(expected.map((b) => b.start));
            expect(Array.from(s.close)).toEqual(expected.map((b) => b.close));
            expect((await store.listSeries())[0].outOfOrder).toBe(expectedOutOfOrder);
          };
          await check();
          await store.compact();
          await check();
          expect((await store.listSeries())[0].files).toBe((await store.listSeries())[0].partitions);
        } finally {
          await cleanup();
        }
      }),
      { numRuns: 25 },
    );
  });
});

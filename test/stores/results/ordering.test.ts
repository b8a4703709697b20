/**
 * Ordering under concurrency: many asynchronous producers, some with a run of their own and
 * some sharing one, a small queue (policy wait, so producers really wait), several workers
 * and a slow disk. Whatever the interleaving, each run's records come out in the order its
 * store calls were made.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResultsStore } from '../../../src/stores/results/index.ts';
import { T0, trade } from './helpers/records.ts';
import { tempRoot } from './helpers/tmp.ts';

const next = tempRoot('results-ordering');

describe('ordering under concurrency', () => {
  it('each run keeps the order of its calls, whatever the interleaving of producers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat(3), { minLength: 20, maxLength: 60 }), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 5, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        async (pauses, capacity, workers) => {
          const store = await ResultsStore.open({
            root: next(), formats: ['json'], batch_size: 4, segment_records: 37, workers, flush_interval_ms: 1, materialize_interval_ms: 2,
            writer_delay_ms: 1, queue: { capacity, policy: 'wait' },
          });
          /** The order calls were made in, per run: what the files must show. */
          const calls = new Map<string, { equity: number; trade: boolean }[]>();
          let clock = 0;
          const producer = async (p: number) => {
            // Producers 0-2 own a run each; 3-5 share one.
            const runId = p < 3 ? `own-${p}` : 'shared';
            for (let k = 0; k < pauses[p].length; k++) {
              const pause = pauses[p][k];
              if (pause === 1) await Promise.resolve();
              else if (pause === 2) await new Promise((r) => setImmediate(r));
              else if (pause === 3) await new Promise((r) => setTimeout(r, 1));
              const equity = p * 1000 + k;
              const withTrade = k % 4 === 0;
              const list = calls.get(runId) ?? [];
              calls.set(runId, list);
              list.push({ equity, trade: withTrade });
              const accepted = store.storeTimestepResults(T0 + clock++, {
                runId, portfolios: [{ portfolioId: `p${p}`, equity, cash: -equity }], trades: withTrade ? [trade(equity)] : undefined,
              });
              if (accepted !== true) await accepted;
            }
          };
          await Promise.all(pauses.map((_, p) => producer(p)));
          await store.flush();
          for (const [runId, list] of calls) {
            const perf = await store.readResults(runId, 'performance');
            expect(perf.map((r) => r.equity)).toEqual(list.map((c) => c.equity));
            // (-0 is stored as 0: JSON and CSV have no negative zero.)
            expect(perf.map((r) => r.cash)).toEqual(list.map((c) => -c.equity + 0));
            expect(perf.map((r) => r.seq)).toEqual(list.map((_, i) => i));
            const trades = await store.readResults(runId, 'trades');
            expect(trades.map((t) => t.quantity)).toEqual(list.filter((c) => c.trade).map((c) => trade(c.equity).quantity));
          }
          const status = store.getStorageStatus();
          expect(status.highWater).toBeLessThanOrEqual(capacity);
          await store.close();
        },
      ),
      { numRuns: 8 },
    );
  });
});

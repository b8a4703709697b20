/**
 * A full queue: `error` refuses with QueueFullError, `wait` hands the producer a promise,
 * `spill` journals synchronously so even a loop that never yields stays within the bound.
 * A refused call stores nothing; an accepted one is never lost.
 */
import { describe, expect, it } from 'vitest';
import { QueueFullError, ResultsStore } from '../../../src/stores/results/index.ts';
import { MIN, T0 } from './helpers/records.ts';
import { tempRoot } from './helpers/tmp.ts';

const next = tempRoot('results-backpressure');
const row = (i: number) => [{ portfolioId: 'p', equity: i, cash: -i }];

describe('back-pressure', () => {
  it('error: the call past the capacity throws QueueFullError and stores nothing of itself', async () => {
    const store = await ResultsStore.open({ root: next(), formats: ['json'], queue: { capacity: 10, policy: 'error' } });
    for (let i = 0; i < 10; i++) expect(store.storeTimestepResults(T0 + i * MIN, { runId: 'e', portfolios: row(i) })).toBe(true);
    expect(() => store.storeTimestepResults(T0 + 10 * MIN, { runId: 'e', portfolios: row(10) })).toThrow(QueueFullError);
    expect(() => store.storeTimestepResults(T0 + 10 * MIN, { runId: 'e', portfolios: row(10) })).toThrow(/queue full for run e: 10 records waiting \(policy error\); 1 record\(s\) refused/);
    expect(store.getStorageStatus()).toMatchObject({ queueDepth: 10, refused: 2 });
    await store.flush();
    expect(store.storeTimestepResults(T0 + 10 * MIN, { runId: 'e', portfolios: row(10) })).toBe(true);
    await store.flush();
    expect((await store.readResults('e', 'performance')).map((r) => r.equity)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    await store.close();
  });

  it('wait: a full queue hands out a promise; waiting producers are served in call order; too many waiters is an error', async () => {
    const store = await ResultsStore.open({ root: next(), formats: ['json'], writer_delay_ms: 5, queue: { capacity: 4, policy: 'wait', max_waiters: 2 } });
    for (let i = 0; i < 4; i++) expect(store.storeTimestepResults(T0 + i * MIN, { runId: 'w', portfolios: row(i) })).toBe(true);
    const fifth = store.storeTimestepResults(T0 + 4 * MIN, { runId: 'w', portfolios: row(4) });
    expect(fifth).toBeInstanceOf(Promise);
    // Another producer arriving now waits behind the first, even if room appeared meanwhile.
    const sixth = store.storeTimestepResults(T0 + 5 * MIN, { runId: 'w', portfolios: row(5) });
    expect(sixth).toBeInstanceOf(Promise);
    expect(() => store.storeTimestepResults(T0 + 6 * MIN, { runId: 'w', portfolios: row(6) })).toThrow(/2 producers are already waiting/);
    await Promise.all([fifth, sixth]);
    expect(store.getStorageStatus().highWater).toBeLessThanOrEqual(4);
    await store.flush();
    expect((await store.readResults('w', 'performance')).map((r) => r.equity)).toEqual([0, 1, 2, 3, 4, 5]);
    await store.close();
  });

  it('wait: the rows are copied when the call waits, so a producer reusing its row object changes nothing', async () => {
    const store = await ResultsStore.open({ root: next(), formats: ['json'], writer_delay_ms: 5, queue: { capacity: 1, policy: 'wait' } });
    const rows = row(0);
    store.storeTimestepResults(T0, { runId: 'copy', portfolios: rows });
    rows[0].equity = 1;
    const waiting = store.storeTimestepResults(T0 + MIN, { runId: 'copy', portfolios: rows });
    rows[0].equity = 999;
    await waiting;
    await store.flush();
    expect((await store.readResults('copy', 'performance')).map((r) => r.equity)).toEqual([0, 1]);
    await store.close();
  });

  it('spill: a loop that never yields stays within the bound and its records are acknowledged as it goes', async () => {
    const store = await ResultsStore.open({ root: next(), formats: ['json'], batch_size: 32, queue: { capacity: 100, policy: 'spill', overflow: 0 } });
    let maxDepth = 0;
    let ackedDuringLoop = 0;
    for (let i = 0; i < 10_000; i++) {
      store.storeTimestepResults(T0 + i * MIN, { runId: 's', portfolios: row(i) });
      if (i % 97 === 0) {
        const status = store.getStorageStatus();
        maxDepth = Math.max(maxDepth, status.queueDepth);
        ackedDuringLoop = status.acknowledged;
      }
    }
    expect(maxDepth).toBeLessThanOrEqual(100);
    expect(ackedDuringLoop).toBeGreaterThan(9_000);
    expect(store.getStorageStatus().highWater).toBeLessThanOrEqual(100);
    await store.flush();
    const perf = await store.readResults('s', 'performance');
    expect(perf.length).toBe(10_000);
    expect(perf.every((r, i) => r.equity === i && r.seq === i)).toBe(true);
    await store.close();
  });

  it('a spill never races the background creating the run folder (no false "another writer")', async () => {
    for (let trial = 0; trial < 20; trial++) {
      const store = await ResultsStore.open({ root: next(), formats: ['json'], flush_interval_ms: 0, queue: { capacity: 5, policy: 'spill', overflow: 50 } });
      store.storeTimestepResults(T0, { runId: 'race', portfolios: row(0) });
      // Let the background start creating the folder, then overflow the queue while it awaits.
      await new Promise((r) => setTimeout(r, trial % 3));
      for (let i = 1; i < 40; i++) store.storeTimestepResults(T0 + i * MIN, { runId: 'race', portfolios: row(i) });
      await store.close();
      expect(store.getStorageStatus()).toMatchObject({ healthy: true, errors: 0 });
      expect((await store.readResults('race', 'performance')).length).toBe(40);
    }
  });
});

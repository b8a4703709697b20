/**
 * Retention on files dated in the past (mtimes set with utimes): each data type goes after
 * its own number of days, summaries by default never; a part goes when all its files are
 * older than the cutoff; a complete run with nothing left is removed; what stays verifies.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultsStore } from '../../../src/stores/results/index.ts';
import { event, MIN, T0, trade } from './helpers/records.ts';
import { tempRoot } from './helpers/tmp.ts';

const next = tempRoot('results-retention');
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

async function writeRun(store: ResultsStore, runId: string, ticks: number, final: boolean) {
  for (let i = 0; i < ticks; i++) {
    store.storeTimestepResults(T0 + i * MIN, {
      runId, portfolios: [{ portfolioId: 'p', equity: i, cash: i }], trades: i % 4 === 0 ? [trade(i)] : undefined, events: [event(i)],
    });
  }
  if (final) await store.storeBacktestResults(runId, { summary: { runId } });
  else await store.flush();
}

/** Sets the modification time of every file of a run (or only those matching `only`). */
async function age(root: string, runId: string, days: number, only?: RegExp) {
  const when = new Date(NOW - days * DAY);
  for (const entry of await fsp.readdir(join(root, runId), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || (only && !only.test(entry.name))) continue;
    await fsp.utimes(join(entry.parentPath, entry.name), when, when);
  }
}

describe('retention', () => {
  it('per data type, by age: events 7 days, trades 90, performance 365, summaries forever', async () => {
    const root = next();
    const store = await ResultsStore.open({ root, formats: ['json', 'csv'] });
    await writeRun(store, 'old', 8, true);
    await writeRun(store, 'mid', 8, true);
    await writeRun(store, 'recent', 8, true);
    await writeRun(store, 'live', 8, false); // one part per data type...
    await writeRun(store, 'live', 4, false); // ...and a second, newer one
    await store.close();
    await age(root, 'old', 400);
    await age(root, 'mid', 100);
    await age(root, 'recent', 3);
    await age(root, 'live', 0);
    const liveParts = (await fsp.readdir(join(root, 'live', 'parts'))).filter((n) => n.startsWith('events-')).sort();
    expect(liveParts.length).toBe(4); // two parts x two formats
    await age(root, 'live', 30, new RegExp(`^${liveParts[0].split('.')[0]}\.`));

    const cleaner = await ResultsStore.open({ root, formats: ['json', 'csv'] });
    const report = await cleaner.cleanupOldResults(undefined, NOW);
    expect(report.removedRuns).toEqual([]);
    expect(report.freedBytes).toBeGreaterThan(0);

    // old: only the summary is left (kept forever), the data types are marked expired
    await expect(cleaner.readResults('old', 'trades')).rejects.toThrow(/the trades of run old were removed by retention at 2025-06-01/);
    await expect(cleaner.readResults('old', 'performance')).rejects.toThrow(/removed by retention/);
    expect(await cleaner.readSummary('old')).toMatchObject({ summary: { runId: 'old' } });
    expect((await fsp.readdir(join(root, 'old'))).sort()).toEqual(['journal', 'manifest.json', 'parts', expect.stringMatching(/^summary-\d+\.json$/)]);
    // mid: events and trades gone, performance kept
    await expect(cleaner.readResults('mid', 'events')).rejects.toThrow(/removed by retention/);
    await expect(cleaner.readResults('mid', 'trades')).rejects.toThrow(/removed by retention/);
    expect((await cleaner.readResults('mid', 'performance')).length).toBe(8);
    // recent: untouched
    expect((await cleaner.readResults('recent', 'events')).length).toBe(8);
    expect((await cleaner.readResults('recent', 'trades')).length).toBe(2);
    // live: the 30-day-old events part went, the new one stays, numbered where it was
    expect((await cleaner.readResults('live', 'events')).map((e) => e.seq)).toEqual([8, 9, 10, 11]);
    expect((await cleaner.readResults('live', 'performance')).length).toBe(12);
    for (const runId of ['old', 'mid', 'recent', 'live']) await cleaner.verifyRun(runId);

    // One number for every data type, summaries included: complete runs with nothing left go entirely.
    const all = await cleaner.cleanupOldResults(30, NOW);
    expect([...all.removedRuns].sort()).toEqual(['mid', 'old']);
    expect((await fsp.readdir(root)).sort()).toEqual(['live', 'recent']);
    await expect(cleaner.cleanupOldResults(0)).rejects.toThrow(/retention must be a positive number of days or null/);
    await cleaner.close();
  });

  it('a run this store is still writing is left alone', async () => {
    const root = next();
    const store = await ResultsStore.open({ root, formats: ['json'] });
    await writeRun(store, 'busy', 5, false);
    await age(root, 'busy', 1000);
    store.storeTimestepResults(T0 + 99 * MIN, { runId: 'busy', portfolios: [{ portfolioId: 'p', equity: 1, cash: 1 }] });
    const report = await store.cleanupOldResults(1, NOW);
    expect(report.removedFiles).toEqual([]);
    await store.flush();
    expect((await store.readResults('busy', 'performance')).length).toBe(6);
    await store.close();
  });
});

/**
 * Fault injection with real failures, no mocked file system:
 *   disk full          - the journal segment is a symlink to /dev/full (ENOSPC from the kernel)
 *   permission denied  - chmod 0o500 (EACCES) when not root; as root (CI), chattr +i (EPERM)
 *   directory removed  - the run folder renamed away mid-backtest (ENOENT), or replaced by a
 *                        regular file (ENOTDIR)
 * In each case the loop keeps going, getStorageStatus() reports the failure, the writer
 * retries with growing back-off, and once storage is back everything is written, once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp, renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsStoredPayload } from '../../../src/core/events.ts';
import { QueueFullError, ResultsStore } from '../../../src/stores/results/index.ts';
import { storedBacktest } from './helpers/backtest.ts';
import { MIN, T0 } from './helpers/records.ts';
import { tempRoot } from './helpers/tmp.ts';

const next = tempRoot('results-faults');
const isRoot = process.getuid?.() === 0;
const retry = { initial_ms: 5, max_ms: 80 };
const row = (i: number) => [{ portfolioId: 'p', equity: i, cash: i / 2 }];

const waitFor = async (what: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Stores ticks [from, to) from an asynchronous producer that yields now and then. */
async function produce(store: ResultsStore, runId: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    store.storeTimestepResults(T0 + i * MIN, { runId, portfolios: row(i) });
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
  }
}

async function expectAll(store: ResultsStore, runId: string, n: number): Promise<void> {
  const perf = await store.readResults(runId, 'performance');
  expect(perf.length).toBe(n);
  expect(perf.every((r, i) => r.seq === i && r.equity === i && r.ts === T0 + i * MIN)).toBe(true);
  await store.verifyRun(runId);
}

/** A folder made unwritable for real: chmod when not root, chattr +i as root; null if neither works here. */
function lockFolder(dir: string): (() => void) | null {
  if (!isRoot) {
    execFileSync('chmod', ['0500', dir]);
    return () => execFileSync('chmod', ['0755', dir]);
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    writeFileSync(join(dir, '.probe'), 'x');
    rmSync(join(dir, '.probe'));
    execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
    return null; // chattr "worked" but writes still succeed: no real permission failure available
  } catch (error) {
    if (!existsSync(join(dir, '.probe')) && (error as NodeJS.ErrnoException).code === 'EPERM') return () => execFileSync('chattr', ['-i', dir]);
    try {
      execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
    } catch {
      // not supported here
    }
    return null;
  }
}

describe('fault injection', () => {
  it('disk full (ENOSPC from /dev/full): the producer goes on, status reports it, back-off grows, all is written once space is back', async () => {
    const emitted: ResultsStoredPayload[] = [];
    const failedAt: number[] = [];
    const store = await ResultsStore.open({ root: next(), formats: ['json'], retry }, {
      emit: (p) => {
        emitted.push(p);
        if (p.error !== undefined) failedAt.push(performance.now());
      },
    });
    await produce(store, 'full', 0, 10);
    await store.flush();
    const segment = store.journalFile('full')!;
    await fsp.symlink('/dev/full', segment);
    await produce(store, 'full', 10, 60);
    await waitFor(() => store.getStorageStatus().consecutiveFailures >= 4);
    const status = store.getStorageStatus();
    expect(status).toMatchObject({ healthy: false, lastError: { code: 'ENOSPC', operation: 'journal', runId: 'full' } });
    expect(status.lastError!.message).toMatch(/ENOSPC/);
    expect(status.nextRetryAt).not.toBeNull();
    expect(status.queueDepth).toBe(50);
    expect(status.pending).toBe(50);
    // Failures are reported as RESULTS_STORED events with `error`, spaced by growing delays.
    const failures = emitted.filter((e) => e.error !== undefined);
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(failures[0]).toMatchObject({ runId: 'full', kind: 'journal', file: null });
    await produce(store, 'full', 60, 80); // the loop keeps going (and its records do not hurry the retries)
    await waitFor(() => failedAt.length >= 7);
    // Back-off 5, 10, 20, 40, 80, 80 ms. Timers fire late rather than early (at most a few ms
    // early against this clock), so lower bounds hold on a busy machine: without back-off the
    // fifth gap would be ~5 ms; the cap holds (a generous upper bound: timers may fire late).
    const gaps = failedAt.slice(1).map((t, i) => t - failedAt[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(3);
    expect(gaps[2]).toBeGreaterThanOrEqual(15);
    expect(gaps[4]).toBeGreaterThanOrEqual(60);
    expect(Math.min(...gaps.slice(4))).toBeLessThan(80 * 6);
    await fsp.rm(segment);
    await store.flush({ timeoutMs: 5000 });
    expect(store.getStorageStatus()).toMatchObject({ healthy: true, queueDepth: 0 });
    await expectAll(store, 'full', 80);
    await store.close();
  });

  it('permission denied (EACCES, or EPERM as root): reported and retried, written after permissions come back', async (ctx) => {
    const root = next();
    const store = await ResultsStore.open({ root, formats: ['json'], retry });
    await produce(store, 'perm', 0, 10);
    await store.flush();
    const unlock = lockFolder(join(root, 'perm', 'journal'));
    if (!unlock) {
      ctx.skip(true, 'no way to make a folder unwritable here (root without chattr support)');
      return;
    }
    try {
      await produce(store, 'perm', 10, 40);
      await waitFor(() => store.getStorageStatus().consecutiveFailures >= 2);
      expect(['EACCES', 'EPERM']).toContain(store.getStorageStatus().lastError?.code);
      expect(store.getStorageStatus().healthy).toBe(false);
    } finally {
      unlock();
    }
    await store.flush({ timeoutMs: 5000 });
    await expectAll(store, 'perm', 40);
    await store.close();
  });

  it('run folder removed mid-backtest (ENOENT): the loop keeps going, status reports it, everything is written once it is back', async () => {
    const root = next();
    const store = await ResultsStore.open({ root, formats: ['json', 'parquet'], retry, queue: { capacity: 300, overflow: 100_000 } });
    const dir = join(root, 'bt-gone');
    const away = join(root, 'moved-away');
    let statusDuringLoop: ReturnType<ResultsStore['getStorageStatus']> | null = null;
    const { outcome, attached } = await storedBacktest(store, { runId: 'bt-gone', performance: 'tick' }, {
      onTick: (tick) => {
        if (tick === 400) renameSync(dir, away);
        if (tick === 1200) statusDuringLoop = store.getStorageStatus();
      },
    });
    // The loop ran to the end; while the folder was gone, spills failed and rows waited in memory.
    expect(outcome.stats.ticks).toBe(outcome.portfolios[0].result.equity.ts.length);
    expect(statusDuringLoop).toMatchObject({ healthy: false, lastError: { code: 'ENOENT', runId: 'bt-gone' }, refused: 0 });
    expect(statusDuringLoop!.queueDepth).toBeGreaterThan(300);
    expect(attached.refusedTicks()).toBe(0);
    const finishing = attached.finish(outcome, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(store.getStorageStatus().healthy).toBe(false);
    renameSync(away, dir);
    await finishing;
    const perf = await store.readResults('bt-gone', 'performance', { format: 'parquet' });
    const ticks = outcome.portfolios[0].result.equity.ts;
    expect(perf.length).toBe(2 * ticks.length);
    expect(perf.every((r, k) => r.seq === k && r.ts === ticks[Math.floor(k / 2)])).toBe(true);
    const trades = outcome.portfolios.reduce((n, p) => n + p.result.trades.length, 0);
    expect((await store.readResults('bt-gone', 'trades')).length).toBe(trades);
    expect(store.getStorageStatus()).toMatchObject({ healthy: true, queueDepth: 0 });
    await store.close();
  });

  it('run folder replaced by a file (ENOTDIR); past its memory bound the store refuses, counts and reports, and keeps what it accepted', async () => {
    const root = next();
    const emitted: ResultsStoredPayload[] = [];
    const store = await ResultsStore.open({ root, formats: ['json'], retry, queue: { capacity: 20, overflow: 30 } }, { emit: (p) => emitted.push(p) });
    await produce(store, 'file', 0, 10);
    await store.flush();
    const dir = join(root, 'file');
    renameSync(dir, `${dir}.away`);
    writeFileSync(dir, 'not a folder');
    let accepted = 10;
    let refused = 0;
    for (let i = 10; i < 100; i++) {
      try {
        store.storeTimestepResults(T0 + accepted * MIN, { runId: 'file', portfolios: row(accepted) });
        accepted++;
      } catch (error) {
        expect(error).toBeInstanceOf(QueueFullError);
        expect((error as Error).message).toMatch(/queue full for run file: .* the journal cannot take them now; 1 record\(s\) refused \(storage failing: .*ENOTDIR/);
        refused++;
      }
    }
    expect(accepted).toBe(10 + 50); // capacity + overflow
    expect(refused).toBe(40);
    expect(store.getStorageStatus()).toMatchObject({ healthy: false, refused: 40, queueDepth: 50, memoryBound: 50, lastError: { code: 'ENOTDIR' } });
    expect(emitted.filter((e) => e.kind === 'queue' && e.error !== undefined).length).toBe(40);
    rmSync(dir);
    renameSync(`${dir}.away`, dir);
    await store.flush({ timeoutMs: 5000 });
    await expectAll(store, 'file', 60);
    await store.close();
  });

  it('flush with a timeout gives up with a clear error while storage is down, and keeps everything', async () => {
    const root = next();
    const store = await ResultsStore.open({ root, formats: ['json'], retry });
    await produce(store, 'down', 0, 5);
    await store.flush();
    renameSync(join(root, 'down'), join(root, 'down.away'));
    await produce(store, 'down', 5, 15);
    await expect(store.flush({ timeoutMs: 100 })).rejects.toThrow(/not everything was written after 100 ms \(10 records in memory; last error: .*ENOENT.*\); nothing is dropped/);
    renameSync(join(root, 'down.away'), join(root, 'down'));
    await store.close({ timeoutMs: 5000 });
    await expectAll(store, 'down', 15);
  });
});

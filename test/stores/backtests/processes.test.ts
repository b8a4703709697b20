/**
 * The store across restarts and processes: persistence (reopen, another process), a store
 * shared by two processes (each sees the other's writes), the DuckDB file lock (waited for,
 * or a clear error naming the file), and a writer killed mid-batch (nothing acknowledged lost).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BacktestStore, BacktestStoreLockedError } from '../../../src/stores/backtests/index.ts';
import { makeBacktest, tempDir } from './helpers.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.ts');
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const temp = tempDir('bt-proc-');
afterAll(() => temp.cleanup());
let n = 0;
const freshRoot = () => join(temp.dir, `store-${++n}`);

interface Child {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function child(...args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO });
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) => proc.on('close', (code, signal) => r({ code, signal, stderr })));
  return {
    proc, lines, done,
    waitFor(pattern, timeoutMs = 30_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`child: no line matching ${pattern} in ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolvePromise(line)) });
      });
    },
  };
}

describe('persistence across restarts', () => {
  it('close and reopen: everything is still there, in this process and in another one', async () => {
    const root = freshRoot();
    const inputs = Array.from({ length: 5 }, (_, i) => makeBacktest({ seed: i + 1, points: 400, trades: 7, params: { k: i } }));
    let store = await BacktestStore.open({ root });
    const stored = [...(await store.storeMany(inputs.slice(0, 3))), await store.store(inputs[3]), await store.store(inputs[4])];
    expect(await store.delete(stored[1].id)).toBe(true);
    await store.close();

    store = await BacktestStore.open({ root });
    try {
      const kept = [0, 2, 3, 4];
      expect((await store.getAll()).map((s) => s.id)).toEqual(kept.map((i) => stored[i].id));
      for (const i of kept) {
        const d = (await store.getDetailed(stored[i].id))!;
        expect(d.equity.ts).toEqual(Array.from(inputs[i].equity.ts));
        expect(d.equity.equity).toEqual(Array.from(inputs[i].equity.equity));
        expect(d.trades).toEqual(inputs[i].trades);
        expect(d.summary).toEqual(stored[i]);
      }
      expect((await store.get('SPY', 'sma_crossover', { k: 3 }, { type: 'signal' }))?.id).toBe(stored[3].id);
      expect(await store.get('SPY', 'sma_crossover', { k: 1 }, { type: 'signal' })).toBeNull();
      expect((await store.query({ params: { k: 2 } })).map((s) => s.id)).toEqual([stored[2].id]);
    } finally {
      await store.close();
    }

    const reader = child('read', root);
    const line = await reader.waitFor(/^\[/);
    expect(JSON.parse(line)).toEqual([0, 2, 3, 4].map((i) => stored[i].id));
    expect((await reader.done).code).toBe(0);
  });
});

describe('two processes on one store', () => {
  it('each sees what the other stored; writes interleave without loss', async () => {
    const root = freshRoot();
    const store = await BacktestStore.open({ root, idleCloseMs: 20 });
    try {
      const writer = child('store', root, '20', '500');
      const mine: string[] = [];
      for (let i = 0; i < 10; i++) mine.push((await store.store(makeBacktest({ seed: i, params: { parent: i } }))).id);
      const result = await writer.done;
      expect(result.code, result.stderr).toBe(0);
      const theirs = writer.lines.filter((l) => l.startsWith('acked ')).map((l) => l.slice(6));
      expect(theirs).toHaveLength(20);
      // this process sees the other's backtests by every road
      expect((await store.getAll()).map((s) => s.id).sort()).toEqual([...mine, ...theirs].sort());
      expect((await store.get('SPY', 'sma_crossover', { child: 507 }, { type: 'signal' }))?.id).toBe(theirs[7]);
      expect((await store.query({ params: { child: 519 } })).map((s) => s.id)).toEqual([theirs[19]]);
      expect(await store.count()).toBe(30);
      // and the other process sees a delete made here
      expect(await store.delete(theirs[0])).toBe(true);
      const reader = child('read', root);
      const ids = JSON.parse(await reader.waitFor(/^\[/)) as string[];
      expect(ids).toHaveLength(29);
      expect(ids).not.toContain(theirs[0]);
    } finally {
      await store.close();
    }
  });
});

describe('the DuckDB file lock', () => {
  it('waits for another process holding the file, then stores', async () => {
    const root = freshRoot();
    const store = await BacktestStore.open({ root, idleCloseMs: 0, lockTimeoutMs: 20_000 });
    try {
      const holder = child('hold', join(root, 'backtests.duckdb'), '1500');
      await holder.waitFor(/^held$/);
      const started = performance.now();
      const s = await store.store(makeBacktest());
      const waited = performance.now() - started;
      expect(holder.lines).toContain('released');
      expect(waited).toBeGreaterThan(200);
      expect((await store.bulkGet([s.id]))[0].id).toBe(s.id);
      expect((await holder.done).code).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('gives up after lockTimeoutMs with an error naming the file', async () => {
    const root = freshRoot();
    const store = await BacktestStore.open({ root, idleCloseMs: 0, lockTimeoutMs: 300 });
    const holder = child('hold', join(root, 'backtests.duckdb'), '4000');
    try {
      await holder.waitFor(/^held$/);
      const error = await store.store(makeBacktest()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BacktestStoreLockedError);
      expect((error as Error).message).toContain(join(root, 'backtests.duckdb'));
      expect((error as Error).message).toMatch(/locked by another process \(waited \d+ ms\)/);
      // nothing half-stored: the batch's Parquet files (written before the lock was needed) are gone,
      // and the next call works once the lock is gone
      expect(readdirSync(join(root, 'equity'))).toEqual([]);
      expect(readdirSync(join(root, 'trades'))).toEqual([]);
      holder.proc.kill('SIGKILL');
      await holder.done;
      expect(await store.getAll()).toEqual([]);
      await store.store(makeBacktest());
      expect(await store.count()).toBe(1);
    } finally {
      holder.proc.kill('SIGKILL');
      await store.close();
    }
  });

  it('stores of one process share one database handle (no second open of the file)', async () => {
    const root = freshRoot();
    const [a, b] = await Promise.all([BacktestStore.open({ root }), BacktestStore.open({ root })]);
    try {
      await Promise.all([a.store(makeBacktest({ seed: 1 })), b.store(makeBacktest({ seed: 2 })), a.storeMany([makeBacktest({ seed: 3 })])]);
      expect(await a.count()).toBe(3);
      expect(await b.count()).toBe(3);
      await a.close();
      expect((await b.getAll()).length).toBe(3);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('a writer killed mid-batch', () => {
  it('loses nothing it acknowledged; the store stays consistent and writable', async () => {
    const root = freshRoot();
    const writer = child('batches', root, '50', '1');
    // let it acknowledge a few batches, then kill it at a random point of the next one
    await writer.waitFor(/^acked /);
    const acked = () => writer.lines.filter((l) => l.startsWith('acked ')).length;
    while (acked() < 150) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
    writer.proc.kill('SIGKILL');
    const result = await writer.done;
    expect(result.signal).toBe('SIGKILL');
    const ids = writer.lines.filter((l) => l.startsWith('acked ')).map((l) => l.slice(6));

    const store = await BacktestStore.open({ root });
    try {
      const all = await store.getAll();
      const stored = new Set(all.map((s) => s.id));
      for (const id of ids) expect(stored.has(id)).toBe(true);
      // every stored row's files exist and read back with its own rows
      for (const s of all.filter((_, i) => i % 17 === 0)) {
        const d = (await store.getDetailed(s.id))!;
        expect(d.equity.ts).toHaveLength(300);
        expect(d.trades).toHaveLength(5);
      }
      for (const s of all) expect(s.equityPoints).toBe(300);
      await store.store(makeBacktest());
      expect(await store.count()).toBe(all.length + 1);
    } finally {
      await store.close();
    }
  });
});

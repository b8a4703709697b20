/**
 * One writer at a time per store. Inside a process, writes queue on a promise chain; across
 * processes, a lock file created with O_EXCL (`<root>/.write-lock`, holding the pid) excludes
 * other writers. A lock left by a process that no longer exists (same host) is taken over;
 * a live one is waited for up to `timeoutMs`, then the error names the holder. Readers never
 * lock: they read immutable files listed by an atomically replaced manifest.
 */
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { MarketDataError } from './errors.ts';
import { LOCK_FILE } from './layout.ts';

const chains = new Map<string, Promise<unknown>>();

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(path: string): Promise<LockInfo | null> {
  try {
    return JSON.parse(await fsp.readFile(path, 'utf8')) as LockInfo;
  } catch {
    return null; // vanished, or being written this instant: try again
  }
}

async function acquireFile(root: string, timeoutMs: number): Promise<() => Promise<void>> {
  await fsp.mkdir(root, { recursive: true });
  const path = join(root, LOCK_FILE);
  const me: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await fsp.open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return async () => {
        await fsp.rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(path);
    if (holder && holder.host === me.host && holder.pid !== process.pid && !alive(holder.pid)) {
      await fsp.rm(path, { force: true }); // stale: its process is gone
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.since}` : 'another process';
      throw new MarketDataError(`market data store ${root} is locked by ${who}; if that process is gone, delete ${path}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Run `fn` holding the store's write lock (in-process queue + lock file). */
export function withWriteLock<T>(root: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const previous = chains.get(root) ?? Promise.resolve();
  const run = previous.then(
    () => locked(),
    () => locked(),
  );
  // The chain must never reject, or one failed write would fail every later one.
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  chains.set(root, settled);
  void settled.then(() => {
    if (chains.get(root) === settled) chains.delete(root);
  });
  return run;

  async function locked(): Promise<T> {
    const release = await acquireFile(root, timeoutMs);
    try {
      return await fn();
    } finally {
      await release();
    }
  }
}

/**
 * One running sweep per folder: `<dir>/.lock` is created with O_EXCL and holds the owner's pid
 * and host. A lock whose process no longer exists on this host (a killed sweep) is taken over;
 * a live one is refused at once with a message naming it.
 */
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SweepFolderError } from './journal.ts';

const LOCK_FILE = '.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock; returns its release. */
export async function lockSweepFolder(dir: string): Promise<() => Promise<void>> {
  await fsp.mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const me = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fsp.writeFile(path, JSON.stringify(me), { flag: 'wx' });
      return () => fsp.rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: typeof me | null = null;
    try {
      holder = JSON.parse(await fsp.readFile(path, 'utf8')) as typeof me;
    } catch {
      holder = null; // half-written by a process that died at that instant, or just removed
    }
    if (holder && (holder.host !== me.host || alive(holder.pid))) {
      throw new SweepFolderError(`${dir} is in use by another sweep (pid ${holder.pid} on ${holder.host}, since ${holder.since})`);
    }
    await fsp.rm(path, { force: true });
  }
  throw new SweepFolderError(`${dir}: could not take the folder's lock (${path})`);
}

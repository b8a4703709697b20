/**
 * Writes a results folder atomically: everything goes into a hidden sibling temp folder,
 * each file fsynced, and the folder is renamed into place only when complete. On any error
 * the temp folder is removed, so a failed run never leaves a partial results folder behind.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from '../storage/atomic.ts';

export async function writeDirAtomically(target: string, write: (tempDir: string) => Promise<void>): Promise<void> {
  const parent = dirname(target);
  await fsp.mkdir(parent, { recursive: true });
  if (await exists(target)) throw new Error(`results folder already exists: ${target} (choose another --out)`);
  const temp = join(parent, `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fsp.mkdir(temp);
  try {
    await write(temp);
    await fsyncDir(temp);
    await fsp.rename(temp, target);
    await fsyncDir(parent);
  } catch (error) {
    await fsp.rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Writes a text file and fsyncs it (the folder is renamed into place later). */
export async function writeFileSynced(path: string, content: string): Promise<void> {
  const handle = await fsp.open(path, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.access(path);
    return true;
  } catch {
    return false;
  }
}

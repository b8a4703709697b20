/** Small file-system helpers of the store: durable folder creation, hard links, tree walks. */
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fsyncDir } from '../../storage/atomic.ts';

/**
 * mkdir -p that makes the new folders themselves durable: each created folder's entry is
 * fsynced in its parent, so a file acknowledged inside a new partition folder survives a crash.
 */
export async function ensureDir(path: string): Promise<void> {
  const first = await fsp.mkdir(path, { recursive: true });
  if (first === undefined) return;
  // fsync every parent from the deepest new folder up to the one holding the first new folder.
  let dir = path;
  for (;;) {
    const parent = dirname(dir);
    await fsyncDir(parent);
    if (dir === first || parent === dir) break;
    dir = parent;
  }
}

/** Hard-link `from` to `to` (cheap, same content), or copy when linking is not possible. */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  await ensureDir(dirname(to));
  try {
    await fsp.link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
    await fsp.copyFile(from, to);
    const handle = await fsp.open(to, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** Every regular file under `dir`, as paths relative to `dir` with `/` separators. */
export async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function visit(d: string): Promise<void> {
    let entries;
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
    }
  }
  await visit(dir);
  return out.sort();
}

export async function exists(path: string): Promise<boolean> {
  try {
    await fsp.access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Scratch folder for writing cold files (src/parquet writes files; archive.ts then compresses
 * them). Outside the store, so that a garbage collection in another process can never remove
 * a file being written. (Cold files are read in memory, with no scratch file.)
 */
export function scratchDir(): string {
  return join(tmpdir(), 'tradeflow-market-data');
}

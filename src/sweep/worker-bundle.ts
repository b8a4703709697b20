/**
 * The code a pool worker thread loads. Loading the worker's ~150 TypeScript modules through
 * tsx's loader hooks costs each new thread 0.8-1.7 s on this project's 2-core machine (the
 * hooks run on their own thread and every resolve and load is a message), which on a
 * sweep of a few seconds eats most of what a second worker brings. So the worker is bundled
 * once with esbuild (tsx's own compiler) into one ES module, and a thread starts in about
 * 0.3 s. Packages stay external (resolved from node_modules as usual), and each module's
 * `import.meta.url` is replaced by its original URL so that paths computed from it (the
 * package.json of src/version.ts) stay right.
 *
 * The bundle is cached under node_modules/.cache/tradeflow/, keyed by the sizes and times of
 * every file under src/ and by the esbuild version, and written atomically (parallel sweeps
 * may build it at once). When esbuild is missing or fails, or with TRADEFLOW_SWEEP_BUNDLE=0,
 * the threads load the TypeScript through tsx instead (worker-entry.mjs): slower to start,
 * same results.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SRC = fileURLToPath(new URL('../', import.meta.url));
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/tradeflow/', import.meta.url));
const ENTRY = fileURLToPath(new URL('./worker-thread.ts', import.meta.url));
/** Loads the TypeScript worker through tsx (the fallback). */
export const TSX_ENTRY = new URL('./worker-entry.mjs', import.meta.url).href;

async function sourceStamp(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceStamp(path)));
    else if (/\.(ts|mts|mjs|js|json)$/.test(entry.name)) {
      const s = await fsp.stat(path);
      out.push(`${path}:${s.size}:${s.mtimeMs}`);
    }
  }
  return out;
}

interface Esbuild {
  version: string;
  build(options: Record<string, unknown>): Promise<unknown>;
}

let pending: Promise<string> | null = null;

/** Bundles of older sources, untouched for a day (a running sweep elsewhere may still start threads from a recent one). */
async function removeStale(current: string): Promise<void> {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of await fsp.readdir(CACHE)) {
    const path = join(CACHE, name);
    if (path === current || !/^sweep-worker-[0-9a-f]{16}\.mjs$/.test(name)) continue;
    const s = await fsp.stat(path).catch(() => null);
    if (s && s.mtimeMs < dayAgo) await fsp.rm(path, { force: true });
  }
}

async function build(): Promise<string> {
  const esbuild = (await import('esbuild')) as unknown as Esbuild;
  const stamp = (await sourceStamp(SRC)).sort().join('\n');
  const key = createHash('sha256').update(`${esbuild.version}\n${stamp}`).digest('hex').slice(0, 16);
  const file = join(CACHE, `sweep-worker-${key}.mjs`);
  try {
    await fsp.access(file);
    return pathToFileURL(file).href;
  } catch {
    /* not built yet */
  }
  await fsp.mkdir(CACHE, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const importMetaUrl = {
    name: 'import-meta-url',
    setup(b: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => Promise<{ contents: string; loader: string }>): void }) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, async (a) => ({
        contents: (await fsp.readFile(a.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)),
        loader: 'ts',
      }));
    },
  };
  try {
    await esbuild.build({
      entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
      outfile: temp, write: true, logLevel: 'silent', plugins: [importMetaUrl],
    });
    await fsp.rename(temp, file);
  } finally {
    await fsp.rm(temp, { force: true });
  }
  await removeStale(file);
  return pathToFileURL(file).href;
}

/** The URL of the file the pool's threads load: the cached bundle, or the tsx entry. */
export async function workerEntry(): Promise<string> {
  if (process.env.TRADEFLOW_SWEEP_BUNDLE === '0') return TSX_ENTRY;
  pending ??= build().catch(() => TSX_ENTRY);
  return pending;
}

/**
 * Garbage collection: part files under the data folders that the manifest does not list
 * (left by a crash between writing a file and committing the manifest, or by a compaction
 * whose old files were not yet removed) and temp files of interrupted atomic writes. Runs under the write lock only, so no writer can be between its file write
 * and its commit. Quarantine files and snapshots are never collected.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { walkFiles } from './fs-util.ts';
import { RECORD_KINDS } from './layout.ts';
import { allFiles, type Manifest } from './manifest.ts';

export async function collectGarbage(root: string, manifest: Manifest): Promise<string[]> {
  const listed = new Set(allFiles(manifest).map((x) => x.file.name));
  const removed: string[] = [];
  for (const kind of RECORD_KINDS) {
    for (const rel of await walkFiles(join(root, kind))) {
      const name = `${kind}/${rel}`;
      if (listed.has(name)) continue;
      await fsp.rm(join(root, name), { force: true });
      removed.push(name);
    }
    await removeEmptyDirs(join(root, kind));
  }
  return removed;
}

async function removeEmptyDirs(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  let empty = true;
  for (const e of entries) {
    if (e.isDirectory() && (await removeEmptyDirs(join(dir, e.name)))) continue;
    empty = false;
  }
  if (empty) await fsp.rmdir(dir).catch(() => undefined);
  return empty;
}

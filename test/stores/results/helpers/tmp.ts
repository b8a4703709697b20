/** Temporary folders for store tests, removed after the file's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function tempRoot(label: string): () => string {
  const base = mkdtempSync(join(tmpdir(), `${label}-`));
  let n = 0;
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  return () => join(base, `t${n++}`);
}

/**
 * A crash between creating a run folder and writing its first manifest leaves an empty
 * shell (the folder, maybe its journal/ and parts/ subfolders). Reopening the store must
 * clean it, so that the run can be written again instead of being refused as "another
 * writer's" folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '../../../src/stores/results/index.ts';

const base = mkdtempSync(join(tmpdir(), 'results-empty-shell-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('recovery of a run folder that never got a manifest', () => {
  for (const shell of [[], ['journal'], ['journal', 'parts']]) {
    it(`removes an empty shell with [${shell.join(', ')}] and lets the run be written again`, async () => {
      const root = join(base, `root-${shell.length}`);
      mkdirSync(join(root, 'run-1'), { recursive: true });
      for (const sub of shell) mkdirSync(join(root, 'run-1', sub));
      const store = await ResultsStore.open({ root });
      expect(existsSync(join(root, 'run-1'))).toBe(false);
      store.storeTimestepResults(1_000, { runId: 'run-1', portfolios: [{ portfolioId: 'p', equity: 100, cash: 100 }] });
      await store.flush();
      expect(store.getStorageStatus().errors).toBe(0);
      await store.close();
      expect(existsSync(join(root, 'run-1', 'manifest.json'))).toBe(true);
    });
  }

  it('leaves a folder holding anything else alone', async () => {
    const root = join(base, 'root-foreign');
    mkdirSync(join(root, 'run-2'), { recursive: true });
    writeFileSync(join(root, 'run-2', 'notes.txt'), 'not ours');
    const store = await ResultsStore.open({ root });
    await store.close();
    expect(existsSync(join(root, 'run-2', 'notes.txt'))).toBe(true);
  });
});

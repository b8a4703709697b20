/**
 * The sweep folder from the TypeScript API: progress as an async stream, an AbortSignal that
 * stops and keeps what is finished, parts that are checked before they are trusted, a torn
 * journal line, and a folder that belongs to another grid or to a running sweep.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep, SweepInterruptedError } from '../../src/sweep/run-sweep.ts';
import { SweepFolderError } from '../../src/sweep/journal.ts';
import type { SweepProgress } from '../../src/sweep/progress.ts';
import { gridConfig, tempDir } from './helpers.ts';

const config = () => gridConfig({ chunkSize: 5, engine: 'backtest' });
const TOTAL = 43;

describe('sweep folder', () => {
  const root = tempDir();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('streams progress up to done = total, with a rate and an ETA', async () => {
    const run = runSweep(config(), { workers: 1, outDir: join(root, 'progress') });
    const seen: SweepProgress[] = [];
    for await (const p of run.progress) seen.push(p);
    const result = await run.results;
    expect(seen.length).toBeGreaterThan(2);
    const done = seen.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toMatchObject({ done: TOTAL, total: TOTAL, resumed: 0, etaMs: 0 });
    expect(seen.some((p) => p.rate > 0 && p.etaMs !== null && p.done < TOTAL)).toBe(true);
    expect(result.computed).toBe(TOTAL);
  });

  it('stops on an aborted signal, keeps finished chunks, and a second call computes only the rest', async () => {
    const out = join(root, 'abort');
    const controller = new AbortController();
    const run = runSweep(config(), { workers: 1, outDir: out, signal: controller.signal });
    for await (const p of run.progress) if (p.done >= 10) controller.abort();
    const error = await run.results.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SweepInterruptedError);
    const { done } = error as SweepInterruptedError;
    expect(done).toBeGreaterThanOrEqual(10);
    expect(done).toBeLessThan(TOTAL);
    expect((error as Error).message).toContain('run the same sweep again to resume');
    expect(existsSync(join(out, 'sweep.parquet'))).toBe(false);
    expect(existsSync(join(out, '.lock'))).toBe(false);

    const resumed = await runSweep(config(), { workers: 2, outDir: out }).results;
    expect(resumed.resumed).toBe(done);
    expect(resumed.computed).toBe(TOTAL - done);
    const straight = await runSweep(config(), { workers: 1, outDir: join(root, 'abort-straight') }).results;
    expect(readFileSync(resumed.parquet).equals(readFileSync(straight.parquet))).toBe(true);
  });

  it('recomputes a chunk whose part was damaged or never journaled, and ignores a torn journal line', async () => {
    const out = join(root, 'damaged');
    const first = await runSweep(config(), { workers: 1, outDir: out }).results;
    const original = readFileSync(first.parquet);
    const parts = readdirSync(join(out, 'parts')).sort();
    expect(parts).toHaveLength(Math.ceil(TOTAL / 5));
    // Chunk 1: its part changed after it was journaled (checksum mismatch).
    const damaged = join(out, 'parts', parts[1]);
    writeFileSync(damaged, readFileSync(damaged, 'utf8').replace('"trades":', '"trades": '));
    // Chunk 3: its journal line is lost (as if the crash came between the part and the line).
    const lines = readFileSync(join(out, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l && JSON.parse(l).chunk !== 3);
    writeFileSync(join(out, 'journal.jsonl'), lines.join('\n') + '\n{"chunk":4,"start":20,"end');
    const second = await runSweep(config(), { workers: 1, outDir: out }).results;
    expect(second.chunks).toEqual({ total: 9, computed: 2, resumed: 7 });
    expect(second.computed).toBe(10);
    expect(readFileSync(second.parquet).equals(original)).toBe(true);
    // The torn line was closed off: the lines appended after it are whole.
    const torn = readFileSync(join(out, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(torn).toEqual(['{"chunk":4,"start":20,"end']);
  });

  it('refuses a folder that holds another grid, and one in use by a live process', async () => {
    const out = join(root, 'other');
    await runSweep(config(), { workers: 1, outDir: out }).results;
    const before = readFileSync(join(out, 'sweep.parquet'));
    const other = gridConfig({ chunkSize: 5, engine: 'backtest', stops: [null, 4] });
    const error = await runSweep(other, { workers: 1, outDir: out }).results.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SweepFolderError);
    expect((error as Error).message).toMatch(/holds another sweep \(config hash .*; \d+ combinations \(this sweep: 34\)\); choose another output folder/);
    expect(readFileSync(join(out, 'sweep.parquet')).equals(before)).toBe(true);

    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), since: 'now' }));
    const locked = await runSweep(config(), { workers: 1, outDir: out }).results.catch((e: unknown) => e);
    expect((locked as Error).message).toMatch(/is in use by another sweep \(pid \d+/);
    // A folder with other files and no sweep in it is refused, and left as it was.
    const busy = join(root, 'not-a-sweep');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    const refused = await runSweep(config(), { workers: 1, outDir: busy }).results.catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/not-a-sweep is not empty and holds no sweep \(notes\.txt\); choose a new or empty output folder/);
    expect(readdirSync(busy)).toEqual(['notes.txt']);

    // A lock left by a process that is gone is taken over.
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: 'then' }));
    const taken = await runSweep(config(), { workers: 1, outDir: out }).results;
    expect(taken.resumed).toBe(TOTAL);
  });
});

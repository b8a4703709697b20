/**
 * Resume after a kill: the sweep CLI runs as a real child process, is SIGKILLed once a few
 * chunks are durable, and is started again; the second run skips exactly the journaled chunks,
 * computes only the rest, and its table equals an uninterrupted run's byte for byte. Ctrl-C
 * (SIGINT) stops gracefully with exit 130 and a message saying how to resume.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/run-sweep.ts';
import { describeRun, gridConfig, startSweepCli, sweepCli, tempDir, writeYaml } from './helpers.ts';

/** 106 combinations in 27 chunks of full backtests over 2 x 5,000 bars: a few seconds. */
const bigGrid = () => gridConfig({ name: 'resume', bars: 5000, chunkSize: 4, engine: 'backtest', fast: [5, 10, 15, 20, 25, 30], stops: [null, 1, 2, 3, 5] });
const TOTAL = 106;

/** Whole journal lines: the chunks acknowledged as durable. */
function journaled(dir: string): { chunk: number; start: number; end: number }[] {
  const path = join(dir, 'journal.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as { chunk: number; start: number; end: number }];
    } catch {
      return [];
    }
  });
}

async function waitFor(condition: () => boolean, exited: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (exited()) throw new Error(`the sweep ended before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

describe('sweep resume', () => {
  const root = tempDir();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const file = writeYaml(root, 'resume.yaml', bigGrid());

  it('resumes after SIGKILL, skipping the durable chunks, and ends with the uninterrupted result', async () => {
    const out = join(root, 'killed');
    const { child, done } = startSweepCli([file, '--workers', '2', '--out', out, '--json']);
    let exited = false;
    void done.then(() => (exited = true));
    await waitFor(() => journaled(out).length >= 3, () => exited, 'three chunks were durable');
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(out, 'sweep.parquet'))).toBe(false);

    const durable = journaled(out);
    const durableCombinations = durable.reduce((n, l) => n + (l.end - l.start), 0);
    expect(durable.length).toBeGreaterThanOrEqual(3);
    expect(durableCombinations).toBeLessThan(TOTAL);

    const resumed = sweepCli([file, '--workers', '1', '--out', out, '--json']);
    expect(resumed.code, describeRun(resumed)).toBe(0);
    const report = JSON.parse(resumed.stdout) as { total: number; computed: number; resumed: number; chunks: { resumed: number; computed: number }; parquet: string };
    expect(report.total).toBe(TOTAL);
    expect(report.resumed).toBe(durableCombinations);
    expect(report.chunks.resumed).toBe(new Set(durable.map((l) => l.chunk)).size);
    expect(report.computed).toBe(TOTAL - durableCombinations);
    // Every chunk ends up journaled exactly once: nothing finished was computed twice.
    const chunks = journaled(out).map((l) => l.chunk);
    expect(new Set(chunks).size).toBe(chunks.length);
    expect(chunks).toHaveLength(27);

    const uninterrupted = await runSweep(bigGrid(), { workers: 1, outDir: join(root, 'straight') }).results;
    expect(readFileSync(report.parquet).equals(readFileSync(uninterrupted.parquet))).toBe(true);

    // A third run has nothing left to do and gives the same file again.
    const third = sweepCli([file, '--out', out, '--json']);
    expect(third.code, describeRun(third)).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({ computed: 0, resumed: TOTAL });
    expect(readFileSync(report.parquet).equals(readFileSync(uninterrupted.parquet))).toBe(true);
  });

  it('stops on SIGINT with exit 130, keeps the finished chunks and says how to resume', async () => {
    const out = join(root, 'interrupted');
    const { child, done } = startSweepCli([file, '--workers', '1', '--out', out]);
    let exited = false;
    void done.then(() => (exited = true));
    await waitFor(() => journaled(out).length >= 2, () => exited, 'two chunks were durable');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, describeRun(r)).toBe(130);
    expect(r.stderr).toMatch(/sweep interrupted: \d+ of 106 combinations are finished and kept in .*interrupted; run the same sweep again to resume/);
    expect(r.stderr).toContain(`npm run sweep -- ${file}`);
    expect(existsSync(join(out, 'sweep.parquet'))).toBe(false);
    expect(existsSync(join(out, '.lock'))).toBe(false);
    const kept = journaled(out).reduce((n, l) => n + (l.end - l.start), 0);
    expect(r.stderr).toContain(`${kept} of 106`);

    const again = sweepCli([file, '--workers', '1', '--out', out, '--json']);
    expect(again.code, describeRun(again)).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: kept, computed: TOTAL - kept });
  });
});

/**
 * Crash recovery with real processes: a child writing results (helpers/crash-child.ts) is
 * killed with SIGKILL at a random moment, 50+ times; in some trials a second child restarts
 * on the same folder (recovering, continuing the run) and is killed too. Then this process
 * opens the store (recovery) and checks that every record acknowledged before the kill is
 * present exactly once, in order, with the value it was written with, in every format;
 * that every file verifies against its checksum; and that nothing half-written remains.
 */
import { spawn } from 'node:child_process';
import { promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ResultsStore } from '../../../src/stores/results/index.ts';
import { mulberry32 } from '../../../src/data/prng.ts';
import { eventRow, perfRow, perfTs, RUN_ID, tradeRow } from './helpers/crash-data.ts';
import { tempRoot } from './helpers/tmp.ts';

const CHILD = fileURLToPath(new URL('./helpers/crash-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** Kills wanted; trials go on (up to MAX_TRIALS) until that many children were killed mid-run. */
const KILLS = 52;
const MAX_TRIALS = 80;
const PARALLEL = 4;
const next = tempRoot('results-crash');

interface ChildRun {
  readonly killed: boolean;
  readonly done: boolean;
}

function runChild(args: string[], killAfterMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      const first = out === '';
      out += chunk.toString();
      if (first && out.startsWith('ready')) {
        setTimeout(() => {
          killed = child.kill('SIGKILL');
        }, killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && killed) resolve({ killed: true, done: out.includes('done') });
      else if (code === 0) resolve({ killed: false, done: true });
      else reject(new Error(`crash child (${args.join(" ")}) exited with ${code ?? signal}:\n${out}\n${err}`));
    });
  });
}

/** Highest acknowledged count per kind, from the children's fsynced ack log. */
function acknowledged(ackLog: string): Record<string, number> {
  const acked: Record<string, number> = { performance: 0, trades: 0, events: 0, summary: 0 };
  let text = '';
  try {
    text = readFileSync(ackLog, 'utf8');
  } catch {
    return acked;
  }
  for (const line of text.split('\n')) {
    const [kind, n] = line.split(' ');
    if (kind && /^\d+$/.test(n ?? '')) acked[kind] = Math.max(acked[kind], Number(n));
  }
  return acked;
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function verifyTrial(root: string, ackLog: string): Promise<{ perf: number; acked: number }> {
  const acked = acknowledged(ackLog);
  const store = await ResultsStore.open({ root });
  try {
    const dir = join(root, RUN_ID);
    const files = await allFiles(dir).catch(() => []);
    expect(files.filter((f) => /\.tmp/.test(f))).toEqual([]);
    expect(files.filter((f) => f.includes(`${join(dir, 'journal')}/`))).toEqual([]);
    if (acked.performance === 0 && files.length === 0) return { perf: 0, acked: 0 };
    await store.verifyRun(RUN_ID);
    const counts: Record<string, number> = {};
    const manifestFormats = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).manifest.formats as ('json' | 'csv' | 'parquet')[];
    for (const format of manifestFormats) {
      const perf = await store.readResults(RUN_ID, 'performance', { format });
      expect(perf.length).toBeGreaterThanOrEqual(acked.performance);
      perf.forEach((r, i) => {
        if (r.seq !== i || r.ts !== perfTs(i) || r.portfolioId !== perfRow(i).portfolioId || r.equity !== perfRow(i).equity || r.cash !== perfRow(i).cash) {
          throw new Error(`${format} performance row ${i} is ${JSON.stringify(r)}`);
        }
      });
      const trades = await store.readResults(RUN_ID, 'trades', { format });
      expect(trades.length).toBeGreaterThanOrEqual(acked.trades);
      trades.forEach((t, i) => expect(t).toEqual({ seq: i, ...tradeRow(i) }));
      const events = await store.readResults(RUN_ID, 'events', { format });
      expect(events.length).toBeGreaterThanOrEqual(acked.events);
      events.forEach((e, i) => expect(e).toEqual({ seq: i, ...eventRow(i) }));
      if (counts.performance !== undefined) expect([perf.length, trades.length, events.length]).toEqual([counts.performance, counts.trades, counts.events]);
      Object.assign(counts, { performance: perf.length, trades: trades.length, events: events.length });
    }
    if (acked.summary > 0) expect(await store.readSummary(RUN_ID)).toMatchObject({ final: true, summary: { records: counts.performance } });
    return { perf: counts.performance, acked: acked.performance };
  } finally {
    await store.close();
  }
}

describe('crash recovery (SIGKILL at random moments)', () => {
  it(`every acknowledged record survives ${KILLS} kills exactly once, in order, in every format`, async () => {
    const prng = mulberry32(20_241_121);
    const random = () => prng.next();
    const trials = Array.from({ length: MAX_TRIALS }, (_, t) => ({
      t,
      seed: Math.floor(random() * 1e9),
      fsync: t % 4 === 3 ? 'none' : 'batch',
      policy: t % 3 === 2 ? 'error' : 'spill',
      records: 1000 + Math.floor(random() * 5000),
      killAfter: Math.floor(random() * 450),
      restart: t % 4 === 0,
      // Every format in a third of the trials; JSON Lines alone elsewhere (same code paths, less CPU per child).
      formats: t % 3 === 1 ? 'csv,json,parquet' : 'json',
      killAgain: Math.floor(random() * 400),
    }));
    const outcomes: { killed: number; completed: number; recoveredRecords: number; ackedRecords: number }[] = [];
    let cursor = 0;
    let kills = 0;
    const worker = async () => {
      while (cursor < trials.length && kills < KILLS) {
        const trial = trials[cursor++];
        const base = next();
        await fsp.mkdir(base, { recursive: true });
        const root = join(base, 'results');
        const ackLog = join(base, 'acks.log');
        const args = [root, ackLog, String(trial.seed), trial.fsync, trial.policy, String(trial.records), trial.formats];
        const first = await runChild(args, trial.killAfter);
        let killed = first.killed ? 1 : 0;
        if (trial.restart && !first.done) {
          const second = await runChild([root, ackLog, String(trial.seed + 1), ...args.slice(3)], trial.killAgain);
          killed += second.killed ? 1 : 0;
        }
        kills += killed;
        try {
          const { perf, acked } = await verifyTrial(root, ackLog);
          outcomes.push({ killed, completed: first.done ? 1 : 0, recoveredRecords: perf, ackedRecords: acked });
        } catch (error) {
          throw new Error(`trial ${trial.t} (${JSON.stringify(trial)}): ${(error as Error).message}`, { cause: error });
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    if (process.env.CRASH_DEBUG) console.log(JSON.stringify(outcomes));
    // At least 50 kills, and most trials killed after records were acknowledged (not before the first write).
    expect(outcomes.reduce((n, o) => n + o.killed, 0)).toBeGreaterThanOrEqual(50);
    expect(outcomes.length).toBeGreaterThanOrEqual(40);
    expect(outcomes.filter((o) => o.ackedRecords > 0 && o.completed === 0).length).toBeGreaterThan(outcomes.length / 2);
  }, 120_000);
});

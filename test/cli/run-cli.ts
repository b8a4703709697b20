/**
 * Spawns the real topology CLI (`node --import tsx src/cli/topology.ts ...`) from the repo
 * root, the way a user runs it, and captures its exit code and output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared market data folder (outside the repo); tests needing it skip when it is absent. */
export const SHARED_DATA_DIR = resolve(REPO_ROOT, '..', 'shared', 'data');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const CLI_ARGS = ['--import', 'tsx', 'src/cli/topology.ts'];

function cliEnv(): NodeJS.ProcessEnv {
  // No colours, no TTY progress bar; a stable locale for the number formatting of the table.
  return { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
}

export function runCliSync(args: readonly string[]): CliResult {
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], { cwd: REPO_ROOT, env: cliEnv(), encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], { cwd: REPO_ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** Runs tasks with at most `limit` in flight (each CLI spawn costs about a second of CPU). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Hidden temp folders (`.<name>.tmp-*`) that an atomic results write would leave next to `outDir`. */
export function leftoverTempDirs(outDir: string): string[] {
  const parent = dirname(outDir);
  if (!existsSync(parent)) return [];
  const prefix = `.${basename(outDir)}.tmp-`;
  return readdirSync(parent).filter((name) => name.startsWith(prefix));
}

/** Parses a CSV written by src/results/csv.ts (no quoted cells in these tables). */
export function readCsvRows(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const [head, ...body] = lines;
  return { header: head.split(','), rows: body.map((line) => line.split(',')) };
}

/** A compact description of a failed spawn, for assertion messages. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

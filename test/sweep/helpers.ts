/** Small synthetic sweeps, and the sweep CLI as a real child process. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const tempDir = (prefix = 'sweep-test-'): string => mkdtempSync(join(tmpdir(), prefix));

export interface GridOptions {
  readonly name?: string;
  readonly bars?: number;
  readonly chunkSize?: number;
  readonly engine?: 'backtest' | 'replay';
  /** sma fast periods (x slow [40, 60, 80]) x stop losses [none, 2, 5], and an rsi grid on a second stream. */
  readonly fast?: readonly number[];
  readonly stops?: readonly (number | null)[];
}

/** Two synthetic daily streams; sma_crossover x stop-loss grid on one, rsi bands on the other. */
export function gridConfig(o: GridOptions = {}) {
  const bars = o.bars ?? 1500;
  return {
    name: o.name ?? 'grid',
    data: {
      timezone: 'UTC',
      streams: [
        { symbol: 'AAA', timeframe: '1d', synthetic: { seed: 7, bars } },
        { symbol: 'BBB', timeframe: '1d', synthetic: { seed: 8, bars } },
      ],
    },
    strategies: [
      { id: 'sma', type: 'sma_crossover', params: { fast_period: [...(o.fast ?? [5, 10, 20])], slow_period: [40, 60, 80] }, inputs: ['AAA_1d'] },
      { id: 'rsi', type: 'rsi_mean_reversion', params: { period: [7, 14], oversold: [25, 30], overbought: [70, 75] }, inputs: ['BBB_1d'] },
    ],
    portfolios: [
      { id: 'p', strategies: ['sma'], risk: { stop_loss_pct: [...(o.stops ?? [null, 2, 5])] } },
      { id: 'q', strategies: ['rsi'], sizing: { type: 'percent_equity', pct: [50, 95] } },
    ],
    execution: { commission: { type: 'percent', pct: 0.05 }, slippage_bps: 1 },
    sweep: { chunk_size: o.chunkSize ?? 6, engine: o.engine ?? 'replay', objective: 'sharpe', top: 5 },
  };
}

export function writeYaml(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : stringify(value));
  return path;
}

const CLI = ['--import', 'tsx', 'src/cli/sweep.ts'];
const env = () => ({ ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' });

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function sweepCli(args: readonly string[], timeoutMs = 60_000, nodeFlags: readonly string[] = []): CliResult {
  const r = spawnSync(process.execPath, [...nodeFlags, ...CLI, ...args], { cwd: REPO_ROOT, env: env(), encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without waiting; `done` resolves when it exits. */
export function startSweepCli(args: readonly string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: REPO_ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export const describeRun = (r: CliResult): string => `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

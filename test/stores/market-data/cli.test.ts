/**
 * The `data` CLI, spawned the way a user runs it (node --import tsx src/cli/data.ts ...):
 * bad flags exit 2 naming the flag; failures exit 1 naming the file; import reports what was
 * rejected and why; ls, stats and the snapshot commands work end to end, and verify/restore
 * refuse a tampered snapshot with exit 1.
 */
import { spawn } from 'node:child_process';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteSharedData, REPO_ROOT, SHARED_DATA_DIR, tempDir } from './helpers.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/data.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

let dir: string;
let cleanup: () => Promise<void>;
let root: string;
let csv: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('mds-cli-'));
  root = join(dir, 'store');
  csv = join(dir, 'bars.csv');
  await writeFile(csv, ['datetime,open,high,low,close,volume', '2025-09-15 09:30:00,10,11,9,10.5,100', '2025-09-15 09:31:00,10,9,11,10.5,100', '2025-09-15 09:32:00,10,11,9,10.5,100'].join('\n') + '\n');
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ warmAfterDays: 10, coldAfterDays: 5 }));
});
afterAll(() => cleanup());

describe('data CLI: bad input', () => {
  const cases: [string, () => string[], number, RegExp][] = [
    ['malformed --timeframe', () => ['import', '--file', csv, '--symbol', 'SPY', '--timeframe', '1x', '--root', root], 2, /option '--timeframe <tf>' argument '1x' is invalid\. expected <n>m, <n>h or <n>d/],
    ['unknown --tz', () => ['import', '--file', csv, '--symbol', 'SPY', '--timeframe', '1m', '--tz', 'Mars/Base', '--root', root], 2, /option '--tz <zone>' argument 'Mars\/Base' is invalid\. unknown time zone/],
    ['bad --symbol', () => ['import', '--file', csv, '--symbol', '../x', '--timeframe', '1m', '--root', root], 2, /option '--symbol <symbol>' argument '..\/x' is invalid/],
    ['bars without --symbol', () => ['import', '--file', csv, '--timeframe', '1m', '--root', root], 2, /import of bars needs --symbol and --timeframe \(file .*bars.csv\)/],
    ['no --file', () => ['import', '--symbol', 'SPY', '--timeframe', '1m', '--root', root], 2, /required option '--file <path>' not specified/],
    ['unknown --kind', () => ['import', '--file', csv, '--kind', 'ticks', '--root', root], 2, /argument 'ticks' is invalid\. Allowed choices are bars, quotes/],
    ['missing file', () => ['import', '--file', join(dir, 'none.csv'), '--symbol', 'SPY', '--timeframe', '1m', '--tz', 'UTC', '--root', join(dir, 'other')], 1, /^error: bar file not found: .*none.csv/m],
    ['unknown option', () => ['ls', '--bogus', '--root', root], 2, /unknown option '--bogus'/],
    ['unknown command', () => ['frobnicate'], 2, /unknown command 'frobnicate'/],
    ['ambiguous --at', () => ['snapshot', 'create', '--at', '2026-01-31 16:00', '--root', root], 2, /option '--at <instant>' argument '2026-01-31 16:00' is invalid\. expected epoch milliseconds or a time with Z or an offset/],
    ['bad retention policy', () => ['retention', '--policy', join(dir, 'policy.json'), '--root', root], 1, /error: retention policy: \(top level\): thresholds must not decrease/],
    ['missing policy file', () => ['retention', '--policy', join(dir, 'nope.json'), '--root', root], 1, /error: --policy .*nope.json: file not found/],
  ];
  const results = new Map<string, Run>();
  beforeAll(async () => {
    const queue = [...cases];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) results.set(c[0], await cli(c[1]()));
    };
    await Promise.all([worker(), worker()]);
  }, 120_000);
  for (const [title, , code, message] of cases) {
    it(`${title}: exit ${code}, names the problem`, () => {
      const r = results.get(title)!;
      expect(r.code, show(r)).toBe(code);
      expect(r.stderr, show(r)).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
});

describe('data CLI: import, ls, stats, snapshots', () => {
  it('works end to end and refuses a tampered snapshot', async () => {
    const imp = await cli(['import', '--file', csv, '--symbol', 'SPY', '--timeframe', '1m', '--tz', 'America/New_York', '--root', root]);
    expect(imp.code, show(imp)).toBe(0);
    expect(imp.stdout).toMatch(/as bars SPY 1m \(batch 1\): 3 read, 2 stored, 0 duplicate, 1 rejected, 0 out of order; quality 0\.667/);
    expect(imp.stdout).toMatch(/1 x high \(…\) < low \(…\)/);
    expect(imp.stdout).toMatch(/line 3: high \(9\) < low \(11\)  \[2025-09-15 09:31:00,10,9,11,10.5,100\]/);
    expect(imp.stdout).toMatch(/quarantined in .*_quarantine\/batch-000001.jsonl/);

    const ls = await cli(['ls', '--root', root]);
    expect(ls.code, show(ls)).toBe(0);
    expect(ls.stdout).toMatch(/bars\s+SPY\s+1m\s+2\s+2025-09-15T13:30:00Z\s+2025-09-15T13:32:00Z\s+1\s+1/);

    const stats = await cli(['stats', '--json', '--root', root]);
    expect(stats.code, show(stats)).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ rows: 2, files: 1, quarantine: { total: 1 } });

    const create = await cli(['snapshot', 'create', '--label', 'cli', '--json', '--root', root]);
    expect(create.code, show(create)).toBe(0);
    const snap = JSON.parse(create.stdout) as { id: string; files: { path: string }[] };
    const verify = await cli(['snapshot', 'verify', snap.id, '--root', root]);
    expect(verify.code, show(verify)).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`snapshot ${snap.id}: OK`));

    const part = snap.files.find((f) => f.path.startsWith('files/'))!;
    await appendFile(join(root, '_snapshots', snap.id, part.path), 'x');
    const bad = await cli(['snapshot', 'verify', snap.id, '--root', root]);
    expect(bad.code, show(bad)).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`FAILED \\(1 problem\\(s\\)\\)\\n  ${part.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: SHA-256 is`));
    const restore = await cli(['snapshot', 'restore', snap.id, '--root', root]);
    expect(restore.code, show(restore)).toBe(1);
    expect(restore.stderr).toMatch(/error: snapshot .* does not verify: files\/bars\/SPY\/1m\/period=2025-09\/part-000001.parquet: SHA-256 is/);
  }, 60_000);

  it.skipIf(!noteSharedData('market-data cli'))('imports a real file with its quirks (empty first header cell, date-only stamps)', async () => {
    const r = await cli(['import', '--file', join(SHARED_DATA_DIR, 'GOOG_1d.csv'), '--symbol', 'GOOG', '--timeframe', '1d', '--root', join(dir, 'real')]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/2,148 read, 2,148 stored, 0 duplicate, 0 rejected/);
    expect(r.stderr).toMatch(/note: no --tz given: naive stamps are read as America\/New_York/);
  }, 60_000);
});

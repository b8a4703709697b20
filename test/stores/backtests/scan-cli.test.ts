/** `npm run scan`: the CLI over the scanner, its output and its flag errors (exit 2, the flag named). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const temp = tempDir('bt-scan-cli-');
afterAll(() => temp.cleanup());
const DAY = 86_400_000;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/scan.ts', ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const data = join(temp.dir, 'data');
mkdirSync(data, { recursive: true });
// a steady rise: fast SMA above slow SMA at the end (long); its mirror falls (short)
for (const [symbol, sign] of [['RISE', 1], ['FALL', -1]] as const) {
  const rows = Array.from({ length: 80 }, (_, i) => {
    const c = 100 + sign * i * 0.5;
    return `${new Date(Date.UTC(2021, 0, 1) + i * DAY).toISOString().slice(0, 10)},${c},${c + 1},${c - 1},${c},1000`;
  });
  writeFileSync(join(data, `${symbol}_1d.csv`), ['date,open,high,low,close,volume', ...rows].join('\n') + '\n');
}

describe('npm run scan', () => {
  it('prints a table, or JSON rows', () => {
    const table = cli('--symbols', 'RISE,FALL', '--strategies', 'sma_crossover:{"fast_period":5,"slow_period":20}', '--data', data, '--tz', 'UTC', '--store', join(temp.dir, 'no-store'));
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^symbol\s+strategy\s+params\s+signal\s+since\s+last bar\s+close\s+win rate\s+trades\s+sharpe\s+cagr$/);
    expect(lines[2]).toMatch(/^RISE\s+sma_crossover\s+\{"fast_period":5,"slow_period":20,"long_only":false\}\s+long\s/);
    expect(lines[3]).toMatch(/^FALL\s+sma_crossover\s+.*\s+short\s/);

    const json = cli('--symbols', 'RISE', '--strategies', 'sma_crossover:{"fast_period":5,"slow_period":20}', 'momentum', '--data', data, '--tz', 'UTC', '--json', '--store', join(temp.dir, 'no-store'));
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as { symbol: string; strategy: string; signal: number; lastBar: number; stats: unknown }[];
    expect(rows.map((r) => [r.symbol, r.strategy])).toEqual([['RISE', 'sma_crossover'], ['RISE', 'momentum']]);
    expect(rows[0].signal).toBe(1);
    expect(rows[0].lastBar).toBe(Date.UTC(2021, 0, 1) + 79 * DAY);
    expect(rows[0].stats).toBeNull();
  });

  it('bad flags exit with 2 and name the flag; failures exit with 1', () => {
    const bad = (args: string[], pattern: RegExp, code = 2) => {
      const r = cli(...args);
      expect(r.code, r.stdout).toBe(code);
      expect(r.stderr).toMatch(pattern);
    };
    const ok = ['--data', data, '--store', join(temp.dir, 'no-store')];
    bad(['--strategies', 'sma_crossover', ...ok], /required option '--symbols <list>'/);
    bad(['--symbols', 'RI SE', '--strategies', 'sma_crossover', ...ok], /--symbols <list>.*"RI SE": symbols use/);
    bad(['--symbols', 'RISE', '--strategies', 'sma_crossover:{fast:1}', ...ok], /--strategies <spec\.\.\.>.*not JSON/);
    bad(['--symbols', 'RISE', '--strategies', 'sma_crossover', '--timeframe', 'daily', ...ok], /--timeframe <tf>.*expected <n>m/);
    bad(['--symbols', 'RISE', '--strategies', 'sma_crossover', '--exit-rule', '{"type":"fixed_stop"}', ...ok], /--exit-rule <json>.*stop_pct/);
    bad(['--symbols', 'RISE', '--strategies', 'sma_crossover', '--data', data, '--market-data', data], /cannot be used with/);
    bad(['--symbols', 'RISE', '--strategies', 'nope', ...ok], /unknown strategy type "nope"/, 1);
    bad(['--symbols', 'NONE', '--strategies', 'sma_crossover', ...ok], /no NONE 1d bars in/, 1);
  });
});

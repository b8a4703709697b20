import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

describe('examples/sweep-from-typescript.ts', () => {
  const root = new URL('../../', import.meta.url).pathname;
  const tmp = mkdtempSync(join(tmpdir(), 'example-sweep-'));
  const out = join(tmp, 'sweep');
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const run = () => spawnSync(process.execPath, ['--import', 'tsx', 'examples/sweep-from-typescript.ts', out], { cwd: root, encoding: 'utf8', timeout: 60_000 });

  it('runs a sweep through the package import on worker threads, then resumes it with nothing left to do', () => {
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe('sweep sweep-from-typescript: 24 combinations, 24 computed, 0 resumed');
    expect(lines[1]).toBe('best 3 by sharpe:');
    for (const [k, line] of lines.slice(2, 5).entries()) {
      expect(line).toMatch(new RegExp(`^  ${k + 1}\\. sma\\.fast_period=\\d+ sma\\.slow_period=\\d+ p\\.risk\\.stop_loss_pct=(5|none): sharpe -?\\d+\\.\\d{3}, total return -?\\d+\\.\\d\\d%, \\d+ trades$`));
    }
    expect(lines[5]).toBe('progress: last 24/24');
    expect(lines[6]).toBe(`results: ${join(out, 'sweep.parquet')}`);
    expect(existsSync(join(out, 'sweep.parquet'))).toBe(true);

    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout.split('\n')[0]).toBe('sweep sweep-from-typescript: 24 combinations, 0 computed, 24 resumed');
    expect(second.stdout.split('\n').slice(1)).toEqual(first.stdout.split('\n').slice(1));
  });
});

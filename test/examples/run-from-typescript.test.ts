import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('examples/run-from-typescript.ts', () => {
  it('runs through the package import and prints both portfolios', () => {
    const root = new URL('../../', import.meta.url).pathname;
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'examples/run-from-typescript.ts'], { cwd: root, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const lines = child.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^fast: total return -?\d+\.\d\d%, Sharpe -?\d+\.\d{3}, \d+ trades$/);
    expect(lines[1]).toMatch(/^slow: total return -?\d+\.\d\d%, Sharpe -?\d+\.\d{3}, \d+ trades$/);
  });
});

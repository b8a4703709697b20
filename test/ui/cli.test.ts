/** `npm run ui`: bad flags exit 2 naming the flag; a good start prints a loopback URL that serves the app. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(REPO, 'node_modules/.bin/tsx');

function start(args: string[]) {
  const child = spawn(TSX, ['src/cli/ui.ts', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('npm run ui', () => {
  it('rejects bad flags with exit status 2 and a message naming the flag', async () => {
    const cases = [
      [['--port', '70000'], /--port.*expected a port number from 0 to 65535/],
      [['--colour', 'red'], /unknown option '--colour'/],
    ] as const;
    const runs = cases.map(([args]) => start([...args]));
    for (const [i, [args, message]] of cases.entries()) {
      expect(await runs[i].exited, args.join(' ')).toBe(2);
      expect(runs[i].err()).toMatch(message);
    }
  });

  it('binds 127.0.0.1 by default, prints the URL and serves the app until SIGTERM', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tradeflow-ui-cli-'));
    const p = start(['--port', '0', '--store', join(root, 'store'), '--results', join(root, 'results')]);
    try {
      let url = '';
      for (let i = 0; i < 200 && !url; i++) {
        url = /Backtest Manager: (http:\/\/\S+)/.exec(p.out())?.[1] ?? '';
        if (!url) await new Promise((r) => setTimeout(r, 50));
      }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('/static/app.js');
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
    }
  });
});

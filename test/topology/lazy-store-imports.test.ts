/**
 * The CLIs that run topologies and sweeps load DuckDB's bindings (~140 ms) and rxjs (the
 * results store's writer pool, ~100 ms) only when a run stores backtests or results, not when
 * their modules load: a run that stores neither never pays for them.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The packages (from node_modules) loaded by the time a fresh process running `args` (after
 * `node --import tsx`) exits, reported by an exit hook loaded before it.
 */
function packagesLoaded(args: readonly string[]): string[] {
  const probe = `
    import { createRequire } from 'node:module';
    process.on('exit', () => {
      const found = new Set();
      for (const key of Object.keys(createRequire(process.cwd() + '/probe.js').cache)) {
        const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(key);
        if (m) found.add(m[1]);
      }
      process.stderr.write('\\nLOADED ' + JSON.stringify([...found]) + '\\n');
    });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(probe)}`, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  expect(line, r.stderr).toBeDefined();
  return JSON.parse(line!.slice('LOADED '.length)) as string[];
}

const importing = (module: string) => ['--input-type=module', '-e', `await import(${JSON.stringify(new URL(module, `file://${REPO}`).href)});`];

describe('start-up of the topology and sweep CLIs', () => {
  it.each([
    ['npm run topology -- --help', ['src/cli/topology.ts', '--help']],
    ['npm run sweep -- --help', ['src/cli/sweep.ts', '--help']],
    ['importing runSweep', importing('src/sweep/run-sweep.ts')],
    ['importing runTopology', importing('src/topology/run-topology.ts')],
  ])('%s loads neither DuckDB nor rxjs', (_name, args) => {
    const loaded = packagesLoaded(args);
    // The probe sees CommonJS packages: yaml is one, and every CLI loads it.
    expect(loaded).toContain('yaml');
    expect(loaded.filter((p) => p.startsWith('@duckdb/') || p === 'rxjs')).toEqual([]);
  });
});

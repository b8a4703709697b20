/**
 * `npm run sweep` as a user runs it: the table and the Parquet path, JSON output, and bad
 * command lines, files and grids, each with a clear message, a non-zero exit and no folder.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, gridConfig, sweepCli, tempDir, writeYaml } from './helpers.ts';

describe('sweep CLI', () => {
  const root = tempDir();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const small = () => {
    const grid = gridConfig({ name: 'cli', bars: 600, chunkSize: 10, fast: [5, 10], stops: [null, 3] });
    return { ...grid, strategies: [grid.strategies[0]], portfolios: [grid.portfolios[0]] };
  };

  it('prints the best combinations as a table and where the Parquet is', () => {
    const file = writeYaml(root, 'ok.yaml', small());
    const out = join(root, 'ok-out');
    const r = sweepCli([file, '--workers', '1', '--out', out, '--top', '3']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^sweep cli: 12 combinations \(12 computed\) in [\d.]+ s on 1 worker\(s\), [\d.]+ combinations\/s; engine replay$/m);
    expect(r.stdout).toContain('best 3 by sharpe:');
    expect(r.stdout).toMatch(/rank\s+index\s+sma\.fast_period\s+sma\.slow_period\s+p\.risk\.stop_loss_pct\s+objective\s+total return\s+Sharpe\s+max DD\s+trades\s+win rate/);
    expect(r.stdout.split('\n').filter((l) => /^\s+[123]\s+\d+\s/.test(l))).toHaveLength(3);
    expect(r.stdout).toContain(`results: ${join(out, 'sweep.parquet')}`);
    expect(r.stderr).toBe(''); // no progress bar without a terminal
  });

  it('runs on worker threads when node was started with flags a thread may not be given (V8 options)', () => {
    const file = writeYaml(root, 'flags.yaml', small());
    const plain = sweepCli([file, '--workers', '2', '--out', join(root, 'flags-plain'), '--json']);
    const flagged = sweepCli([file, '--workers', '2', '--out', join(root, 'flags-v8'), '--json'], 60_000, ['--max-semi-space-size=2']);
    expect(flagged.code, describeRun(flagged)).toBe(0);
    expect(plain.code, describeRun(plain)).toBe(0);
    const best = (r: { stdout: string }) => (JSON.parse(r.stdout) as { best: unknown[] }).best;
    expect(best(flagged)).toEqual(best(plain));
  });

  it('prints JSON with --json', () => {
    const file = writeYaml(root, 'json.yaml', small());
    const r = sweepCli([file, '--workers', '2', '--out', join(root, 'json-out'), '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown> & { best: { rank: number; params: Record<string, unknown>; metrics: { sharpe: number } }[] };
    expect(report).toMatchObject({ name: 'cli', total: 12, computed: 12, resumed: 0, engine: 'replay', objective: 'sharpe' });
    expect(report.best).toHaveLength(5);
    expect(report.best[0]).toMatchObject({ rank: 1, params: { 'sma.fast_period': expect.any(Number) } });
  });

  const bad: [string, () => string[], RegExp, number][] = [
    ['an unknown flag', () => [writeYaml(root, 'a.yaml', small()), '--fast'], /unknown option '--fast'/, 2],
    ['--workers 0', () => [writeYaml(root, 'b.yaml', small()), '--workers', '0'], /--workers must be a whole number from 1 to 256/, 2],
    ['--workers abc', () => [writeYaml(root, 'c.yaml', small()), '--workers', 'abc'], /--workers must be a whole number/, 2],
    ['--top -1', () => [writeYaml(root, 'd.yaml', small()), '--top', '-1'], /--top|unknown option '-1'/, 2],
    ['no file', () => [], /missing required argument 'file'/, 2],
    ['a missing file', () => [join(root, 'nope.yaml')], /nope\.yaml:\n\s+file not found/, 1],
    ['a folder as the file', () => [root], /is a directory, not a file/, 1],
    ['invalid YAML', () => [writeYaml(root, 'e.yaml', 'name: x\nstrategies: [\n')], /e\.yaml:\d+:\d+ YAML:/, 1],
    ['an unknown strategy param', () => [writeYaml(root, 'f.yaml', { ...small(), strategies: [{ ...small().strategies[0], params: { fast_period: [5], slowest: [1, 2] } }] })], /strategies\[0\].*slowest/, 1],
    ['a bad range', () => [writeYaml(root, 'g.yaml', { ...small(), strategies: [{ ...small().strategies[0], params: { fast_period: 'range(10, 5)', slow_period: 40 } }] })], /range\(10, 5, 1\) is empty/, 1],
    ['a missing data file', () => [writeYaml(root, 'i.yaml', { ...small(), data: { timezone: 'UTC', streams: [{ symbol: 'AAA', timeframe: '1d', file: 'no-such-bars.csv' }] } })], /i\.yaml: data\.streams\[0\] \(AAA_1d\): .*no-such-bars\.csv/, 1],
    ['a bad sweep block', () => [writeYaml(root, 'h.yaml', { ...small(), sweep: { chunk_size: 0 } })], /sweep\.chunk_size/, 1],
  ];
  for (const [what, args, message, code] of bad) {
    it(`rejects ${what} with a clear message and writes nothing`, () => {
      const out = join(root, `out-${what.replace(/\W+/g, '-')}`);
      const r = sweepCli([...args(), '--out', out]);
      expect(r.code, describeRun(r)).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('refuses an --out folder that holds another sweep, leaving it as it was', () => {
    const out = join(root, 'taken');
    const first = sweepCli([writeYaml(root, 'first.yaml', small()), '--workers', '1', '--out', out]);
    expect(first.code, describeRun(first)).toBe(0);
    const before = readdirSync(out).sort();
    const other = { ...small(), portfolios: [{ ...small().portfolios[0], risk: { stop_loss_pct: [1, 2, 4] } }] };
    const r = sweepCli([writeYaml(root, 'second.yaml', other), '--workers', '1', '--out', out]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/holds another sweep .*choose another output folder/);
    expect(readdirSync(out).sort()).toEqual(before);
  });

  it('runs a workflow file (top-level phases) through the sequencer: JSON on stdout, its lines on stderr', () => {
    const r = sweepCli(['configs/workflows/train_select_validate.yaml', '--workers', '1', '--out', join(root, 'wf-out'), '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const result = JSON.parse(r.stdout) as { name: string; phases: { id: string }[]; reports: unknown[] };
    expect(result.name).toBe('train_select_validate');
    expect(result.phases.map((p) => p.id)).toContain('grid');
    expect(result.reports.length).toBeGreaterThan(0);
    expect(r.stderr).toContain('workflow train_select_validate:');
  });

  it('reports a bad workflow file with the sequencer\'s error and writes nothing', () => {
    mkdirSync(join(root, 'wf'), { recursive: true });
    const file = writeYaml(join(root, 'wf'), 'wf.yaml', { name: 'wf', phases: [{ id: 'a', type: 'select', depends_on: ['b'], inputs: { from: 'b.results', top: 1 } }] });
    const out = join(root, 'wf-bad-out');
    const r = sweepCli([file, '--out', out]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/^error: .*wf\.yaml/);
    expect(existsSync(out)).toBe(false);
  });
});

/**
 * The CLI on bad input: every error must exit non-zero, say on stderr which file and which
 * field (or line) is wrong, and leave no results folder (nor a hidden `.name.tmp-*` folder)
 * behind. Each case spawns the real CLI on files written into a fresh temp folder; the
 * spawns run concurrently in beforeAll and each case then checks its own result.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, leftoverTempDirs, mapLimit, runCli, type CliResult } from './run-cli.ts';

const BASE = `name: bad-input
data:
  timezone: UTC
  streams:
    - symbol: AAA
      timeframe: 1d
      synthetic: { seed: 1, bars: 60 }
strategies:
  - id: s1
    type: sma_crossover
    params:
      fast_period: 5
      slow_period: 20
    inputs: [AAA_1d]
portfolios:
  - id: p1
    strategies: [s1]
    initial_cash: 100000
`;

/** BASE with each `[from, to]` replaced once; fails loudly if `from` is not in the text. */
function variant(...edits: [string, string][]): string {
  let text = BASE;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`test setup: "${from}" not in the base topology`);
    text = text.replace(from, to);
  }
  return text;
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((line) => line.includes(needle));
  if (i < 0) throw new Error(`test setup: "${needle}" not in the text`);
  return i + 1;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const CSV_HEADER = 'date,open,high,low,close,volume';
/** Five good daily rows (lines 2..6), then `bad` on line 7, then two good rows. */
function csvWithBadLine7(bad: string): string {
  const good = ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04', '2020-01-05'].map((d) => `${d},10,11,9,10.5,1000`);
  return [CSV_HEADER, ...good, bad, '2020-01-20,10,11,9,10.5,1000', '2020-01-21,10,11,9,10.5,1000'].join('\n') + '\n';
}

function topologyOnCsv(csv: string, extraData = ''): string {
  return variant(['synthetic: { seed: 1, bars: 60 }', `file: ${csv}`], ['  timezone: UTC\n', `  timezone: UTC\n${extraData}`], ['fast_period: 5', 'fast_period: 2'], ['slow_period: 20', 'slow_period: 3']);
}

interface Case {
  readonly name: string;
  /** Files to write into the temp folder (name -> content). */
  readonly files: Record<string, string>;
  /** CLI args, given the temp folder and the --out folder of this case. */
  readonly args: (dir: string, out: string) => string[];
  /** What stderr must show (strings are literal; functions get the temp folder). */
  readonly expectStderr: (dir: string) => (string | RegExp)[];
  readonly expectNotInStderr?: string[];
}

/** A topology file case: stderr must contain the file path, `<path>:<line>` and these texts. */
function topologyCase(name: string, file: string, text: string, line: number | null, texts: (string | RegExp)[], expectNot?: string[]): Case {
  return {
    name,
    files: { [file]: text },
    args: (dir, out) => [join(dir, file), '--out', out],
    expectStderr: (dir) => {
      const path = join(dir, file);
      return [path, ...(line === null ? [] : [new RegExp(`${escape(path)}:${line}(?!\\d)`)]), ...texts];
    },
    expectNotInStderr: expectNot,
  };
}

function csvCase(name: string, csvName: string, badRow: string, reason: string | RegExp): Case {
  return {
    name,
    files: { [csvName]: csvWithBadLine7(badRow), [`${csvName}.yaml`]: topologyOnCsv(csvName) },
    args: (dir, out) => [join(dir, `${csvName}.yaml`), '--out', out],
    expectStderr: () => [`${csvName} line 7`, reason],
  };
}

const syntaxText = variant(['  streams:\n', '  bogus: x: y\n  streams:\n']);
const typeText = variant(['type: sma_crossover', 'type: sma_cross']);
const paramText = variant(['fast_period: 5', 'fast_perod: 5']);
const cashText = variant(['initial_cash: 100000', 'initial_cash: "lots"']);
const constraintText = variant(['fast_period: 5', 'fast_period: 20']);
const topKeyText = BASE + 'extra_key: 1\n';
const streamText = variant(['inputs: [AAA_1d]', 'inputs: [BBB_1d]']);
const portfolioText = variant(['strategies: [s1]', 'strategies: [s2]']);
const barFileText = variant(['synthetic: { seed: 1, bars: 60 }', 'file: no-such-bars.csv']);

const CASES: Case[] = [
  topologyCase('invalid YAML syntax (stderr has the line number)', 'bad-syntax.yaml', syntaxText, lineOf(syntaxText, 'bogus: x: y'), ['YAML']),
  topologyCase('top level not a mapping', 'top-level-list.yaml', '- name: x\n- data: {}\n', null, ['top level must be a mapping']),
  topologyCase('unknown strategy type (message lists the known types)', 'unknown-type.yaml', typeText, lineOf(typeText, 'type: sma_cross'), [
    'strategies[0].type', 'sma_cross', 'known', 'sma_crossover', 'rsi_mean_reversion', 'donchian_breakout',
  ]),
  topologyCase('unknown strategy param', 'unknown-param.yaml', paramText, lineOf(paramText, 'fast_perod'), ['strategies[0].params.fast_perod', 'unknown param']),
  topologyCase('wrong type (initial_cash: "lots")', 'wrong-type.yaml', cashText, lineOf(cashText, 'initial_cash'), ['portfolios[0].initial_cash', /expected number/i]),
  topologyCase('failed param constraint (fast_period >= slow_period)', 'constraint.yaml', constraintText, lineOf(constraintText, 'fast_period: 20'), [
    'strategies[0].params.fast_period', 'slow_period',
  ]),
  // The path of an unknown top-level key is the key itself (the root); `(params)` is the
  // label of an empty *strategy param* path and means nothing at the top of a topology.
  topologyCase('unknown top-level key', 'top-key.yaml', topKeyText, lineOf(topKeyText, 'extra_key'), ['extra_key', /unrecognized key/i], ['(params)']),
  topologyCase('unknown stream in strategy inputs', 'unknown-stream.yaml', streamText, lineOf(streamText, 'BBB_1d'), ['strategies[0].inputs[0]', 'BBB_1d', 'AAA_1d']),
  topologyCase('unknown strategy id in a portfolio', 'unknown-strategy-id.yaml', portfolioText, lineOf(portfolioText, 'strategies: [s2]'), [
    'portfolios[0].strategies[0]', 's2',
  ]),
  {
    name: 'missing bar file',
    files: { 'missing-bars.yaml': barFileText },
    args: (dir, out) => [join(dir, 'missing-bars.yaml'), '--out', out],
    expectStderr: (dir) => ['bar file not found', join(dir, 'no-such-bars.csv')],
  },
  csvCase('CSV: NaN price', 'nan-price.csv', '2020-01-06,NaN,11,9,10,1000', /open.*(finite|NaN)/),
  csvCase('CSV: negative price', 'negative-price.csv', '2020-01-06,-10,11,9,10,1000', /open.*> 0/),
  csvCase('CSV: high < low', 'high-below-low.csv', '2020-01-06,10,9,11,10,1000', 'high (9) < low (11)'),
  csvCase('CSV: unparsable date', 'bad-date.csv', '2020-13-45,10,11,9,10,1000', /unparsable date.*2020-13-45/),
  csvCase('CSV: duplicate stamp', 'duplicate-stamp.csv', '2020-01-05,10,11,9,10,1000', /duplicate/),
  csvCase('CSV: out-of-order stamp', 'out-of-order.csv', '2020-01-03,10,11,9,10,1000', /out-of-order/),
  {
    name: 'missing topology file',
    files: {},
    args: (dir, out) => [join(dir, 'no-such-topology.yaml'), '--out', out],
    expectStderr: (dir) => [join(dir, 'no-such-topology.yaml'), /not found/],
  },
  {
    name: 'unknown CLI flag',
    files: { 'flag.yaml': BASE },
    args: (dir, out) => [join(dir, 'flag.yaml'), '--out', out, '--bogus-flag'],
    expectStderr: () => ['--bogus-flag'],
  },
];

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

describe('topology CLI on bad input', () => {
  let dir: string;
  const results = new Map<string, { result: CliResult; out: string }>();
  let skipRun: { result: CliResult; out: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tradeflow-bad-input-'));
    for (const c of CASES) for (const [name, text] of Object.entries(c.files)) writeFileSync(join(dir, name), text);

    // A valid topology over a CSV with one bad row (line 16: high < low) and on_invalid_rows: skip.
    const rows = [CSV_HEADER];
    for (let d = 1; d <= 40; d++) {
      const day = new Date(Date.UTC(2021, 0, d)).toISOString().slice(0, 10);
      const close = (100 + 3 * Math.sin(d / 3)).toFixed(2);
      rows.push(d === 15 ? `${day},100,90,110,100,1000` : `${day},${close},${(+close + 1).toFixed(2)},${(+close - 1).toFixed(2)},${close},1000`);
    }
    writeFileSync(join(dir, 'skip-rows.csv'), rows.join('\n') + '\n');
    writeFileSync(join(dir, 'skip-rows.yaml'), topologyOnCsv('skip-rows.csv', '  on_invalid_rows: skip\n'));

    const jobs: { key: string; args: string[]; out: string }[] = CASES.map((c) => {
      const out = join(dir, `out-${slug(c.name)}`);
      return { key: c.name, args: c.args(dir, out), out };
    });
    const skipOut = join(dir, 'out-skip-rows');
    jobs.push({ key: '__skip__', args: [join(dir, 'skip-rows.yaml'), '--out', skipOut, '--json'], out: skipOut });
    const done = await mapLimit(jobs, 6, async (job) => ({ job, result: await runCli(job.args) }));
    for (const { job, result } of done) {
      if (job.key === '__skip__') skipRun = { result, out: job.out };
      else results.set(job.key, { result, out: job.out });
    }
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(c.name, () => {
      const { result, out } = results.get(c.name)!;
      const context = `${c.name}\n${describeRun(result)}`;
      expect(result.signal, context).toBeNull();
      expect(result.code, context).not.toBe(0);
      expect(result.code, context).not.toBeNull();
      for (const expected of c.expectStderr(dir)) {
        if (typeof expected === 'string') expect(result.stderr, context).toContain(expected);
        else expect(result.stderr, context).toMatch(expected);
      }
      for (const unexpected of c.expectNotInStderr ?? []) expect(result.stderr, context).not.toContain(unexpected);
      // nothing on stdout that looks like a result
      expect(result.stdout, context).not.toMatch(/results:|"metrics"/);
      expect(existsSync(out), `${context}\nresults folder ${out} was left behind`).toBe(false);
      expect(leftoverTempDirs(out), `${context}\nhidden temp folder left next to ${out}`).toEqual([]);
    });
  }

  it('a valid topology with on_invalid_rows: skip over a CSV with one bad row runs and reports skipped_rows 1', () => {
    const { result, out } = skipRun;
    const context = describeRun(result);
    expect(result.code, context).toBe(0);
    expect(existsSync(join(out, 'manifest.json')), context).toBe(true);
    expect(leftoverTempDirs(out)).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { datasets: { stream: string; bars: number; skipped_rows: number }[] };
    expect(manifest.datasets).toHaveLength(1);
    expect(manifest.datasets[0].stream).toBe('AAA_1d');
    expect(manifest.datasets[0].skipped_rows).toBe(1);
    expect(manifest.datasets[0].bars).toBe(39);
    const json = JSON.parse(result.stdout) as { results_dir: string; metrics: Record<string, { final_equity: number }> };
    expect(json.results_dir).toBe(out);
    expect(Number.isFinite(json.metrics.p1.final_equity)).toBe(true);
  });
});

/**
 * End to end on the default demo topology (topologies/backtest.yaml, synthetic data, no files
 * needed): the real CLI with --json, --dry-run and the human table; the results folder's files
 * and their agreement with each other (CSV vs Parquet, trades vs metrics, manifest fields).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParquetFile } from '../../src/parquet/index.ts';
import { REPO_ROOT, describeRun, leftoverTempDirs, readCsvRows, runCli, type CliResult } from '../cli/run-cli.ts';

const TOPOLOGY = 'topologies/backtest.yaml';
const PORTFOLIOS = ['trend_follower', 'swing'];
const RESULT_FILES = ['manifest.json', 'metrics.json', 'trades.parquet', 'trades.csv', 'equity.parquet', 'equity.csv'];
const HEX64 = /^[0-9a-f]{64}$/;

interface Metrics {
  initial_equity: number;
  final_equity: number;
  total_return: number;
  sharpe: number;
  trades: number;
}

describe('CLI end to end on topologies/backtest.yaml', () => {
  let dir: string;
  let out: string;
  let dryOut: string;
  let json: CliResult;
  let dry: CliResult;
  let table: CliResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tradeflow-e2e-default-'));
    out = join(dir, 'run');
    dryOut = join(dir, 'dry');
    [json, dry, table] = await Promise.all([
      runCli([TOPOLOGY, '--json', '--out', out]),
      runCli([TOPOLOGY, '--dry-run', '--out', dryOut]),
      runCli([TOPOLOGY, '--no-write']),
    ]);
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--json prints metrics for both portfolios and writes the results folder', () => {
    expect(json.code, describeRun(json)).toBe(0);
    const parsed = JSON.parse(json.stdout) as { run_id: string; results_dir: string; metrics: Record<string, Metrics>; errors: unknown[] };
    expect(parsed.results_dir).toBe(out);
    expect(parsed.errors).toEqual([]);
    expect(Object.keys(parsed.metrics).sort()).toEqual([...PORTFOLIOS].sort());
    for (const id of PORTFOLIOS) {
      const m = parsed.metrics[id];
      expect(Number.isFinite(m.total_return), id).toBe(true);
      expect(m.trades, id).toBeGreaterThan(0);
      expect(Number.isInteger(m.trades), id).toBe(true);
      expect(m.total_return, id).toBeCloseTo(m.final_equity / m.initial_equity - 1, 12);
    }
    expect(readdirSync(out).sort()).toEqual([...RESULT_FILES].sort());
    expect(leftoverTempDirs(out)).toEqual([]);
    // metrics.json holds the same metrics as stdout
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))).toEqual(parsed.metrics);
  });

  it('the manifest records the config hash, dataset hashes, versions and times', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    const parsed = JSON.parse(json.stdout) as { run_id: string };
    expect(manifest.run_id).toBe(parsed.run_id);
    expect(manifest.topology).toBe('demo-backtest');
    expect(manifest.config_hash).toMatch(HEX64);
    expect(manifest.run_id).toContain(manifest.config_hash.slice(0, 8));
    expect(manifest.package).toEqual({ name: pkg.name, version: pkg.version });
    expect(typeof manifest.engine_version).toBe('string');
    expect(manifest.engine_version.length).toBeGreaterThan(0);
    expect(manifest.datasets.map((d: { stream: string }) => d.stream)).toEqual(['SYNA_1d', 'SYNB_1d']);
    for (const d of manifest.datasets) {
      expect(d.hash, d.stream).toMatch(HEX64);
      expect(d.bars, d.stream).toBe(2520);
      expect(d.skipped_rows, d.stream).toBe(0);
    }
    expect(manifest.datasets[0].hash).not.toBe(manifest.datasets[1].hash);
    const started = Date.parse(manifest.started_at);
    const finished = Date.parse(manifest.finished_at);
    expect(new Date(started).toISOString()).toBe(manifest.started_at);
    expect(new Date(finished).toISOString()).toBe(manifest.finished_at);
    expect(finished).toBeGreaterThanOrEqual(started);
    expect(manifest.files.sort()).toEqual([...RESULT_FILES].sort());
  });

  it('trades.csv has one row per trade counted in the metrics, and matches trades.parquet', async () => {
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, Metrics>;
    const { header, rows } = readCsvRows(readFileSync(join(out, 'trades.csv'), 'utf8'));
    const total = PORTFOLIOS.reduce((n, id) => n + metrics[id].trades, 0);
    expect(rows.length).toBe(total);
    const col = (name: string) => {
      const i = header.indexOf(name);
      expect(i, `trades.csv column ${name}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    for (const id of PORTFOLIOS) expect(rows.filter((r) => r[col('portfolio_id')] === id).length, id).toBe(metrics[id].trades);

    const table = await readParquetFile(join(out, 'trades.parquet'));
    expect(table.rowCount).toBe(rows.length);
    expect(table.schema.map((c) => c.name)).toEqual(header);
    for (let i = 0; i < rows.length; i++) {
      for (const name of header) {
        const cell = rows[i][col(name)];
        const value = table.columns[name][i];
        if (name === 'entry_time' || name === 'exit_time') expect(new Date(value as number).toISOString(), `row ${i} ${name}`).toBe(cell);
        else if (typeof value === 'number') expect(value, `row ${i} ${name}`).toBe(Number(cell));
        else expect(String(value), `row ${i} ${name}`).toBe(cell);
      }
    }
  });

  it('equity.parquet read back with the project Parquet module equals equity.csv', async () => {
    const { header, rows } = readCsvRows(readFileSync(join(out, 'equity.csv'), 'utf8'));
    expect(header).toEqual(['portfolio_id', 'time', 'equity', 'exposed']);
    const table = await readParquetFile(join(out, 'equity.parquet'));
    expect(table.schema.map((c) => c.name)).toEqual(header);
    expect(table.rowCount).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(0);
    const { portfolio_id, time, equity, exposed } = table.columns;
    for (let i = 0; i < rows.length; i++) {
      const [p, t, e, x] = rows[i];
      expect(portfolio_id[i], `row ${i}`).toBe(p);
      expect(new Date(time[i] as number).toISOString(), `row ${i}`).toBe(t);
      expect(equity[i], `row ${i}`).toBe(Number(e));
      expect(String(exposed[i]), `row ${i}`).toBe(x);
    }
    // one point per tick for each portfolio (2520 daily bars shared by both streams)
    for (const id of PORTFOLIOS) expect(rows.filter((r) => r[0] === id).length, id).toBe(2520);
    // the last equity point of each portfolio is its final equity
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, Metrics>;
    for (const id of PORTFOLIOS) {
      const last = rows.filter((r) => r[0] === id).at(-1)!;
      expect(Number(last[2]), id).toBe(metrics[id].final_equity);
    }
  });

  it('--dry-run lists the containers and the subscriptions, and writes nothing', () => {
    expect(dry.code, describeRun(dry)).toBe(0);
    const text = dry.stdout;
    const containers = text.slice(text.indexOf('containers:'), text.indexOf('subscriptions'));
    expect(containers.length, text).toBeGreaterThan(0);
    for (const id of ['root', 'data.SYNA_1d', 'data.SYNB_1d', 'execution', 'portfolio.trend_follower', 'portfolio.swing', 'features']) {
      expect(containers, id).toMatch(new RegExp(`(^|\\s)${id.replace('.', '\\.')}(:|\\s|$)`, 'm'));
    }
    expect(text).toMatch(/^\s*root\s+SIGNAL\s+portfolio\.swing\s+key in \[rsi_bands, breakout\]\s*$/m);
    expect(text).toMatch(/^\s*root\s+SIGNAL\s+portfolio\.trend_follower\s+key in \[sma_10_30\]\s*$/m);
    expect(text).toMatch(/^\s*root\s+BAR\s+execution\s+none\s*$/m);
    expect(text).toMatch(/^\s*root\s+FILL\s+portfolio\.swing\s+key in \[swing\]\s*$/m);
    expect(existsSync(dryOut)).toBe(false);
    expect(leftoverTempDirs(dryOut)).toEqual([]);
  });

  it('the human output is a table naming both portfolios and Sharpe', () => {
    expect(table.code, describeRun(table)).toBe(0);
    for (const id of PORTFOLIOS) expect(table.stdout).toContain(id);
    expect(table.stdout).toContain('Sharpe');
    expect(table.stdout).not.toContain('results:'); // --no-write
    expect(() => JSON.parse(table.stdout)).toThrow();
  });
});

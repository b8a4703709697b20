/**
 * One small workflow through every phase type on synthetic data: each phase's outputs feed the
 * next (the replay runs exactly the K selected, the validation exactly the replayed rows), and
 * the figures are checked against plain backtests of the same combinations on the same bars,
 * run without the workflow code. The report compares in-sample and out-of-sample figures.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/metrics/types.ts';
import { objectiveValue } from '../../src/sweep/objective.ts';
import { runTopology } from '../../src/topology/run-topology.ts';
import { runWorkflow, type CandidateRow, type RowSet, type ValidatedSet, type WalkForwardWindow, type WorkflowResult } from '../../src/workflow/index.ts';
import { gridTopology, workflowObject } from './fixture.ts';

/** A plain backtest of one combination on bars [start, end): no workflow, no sweep code. */
async function backtest(row: CandidateRow, start: number, end: number): Promise<Metrics> {
  const grid = gridTopology();
  const { sweep: _sweep, ...topology } = grid;
  const config = {
    ...topology,
    data: { ...(grid.data as object), window: { start_bar: start, end_bar: end } },
    strategies: row.spec.strategies,
    portfolios: [row.spec.portfolio],
  };
  const run = await runTopology(config, { outDir: null });
  if (run.mode === 'signal_generation') throw new Error('unexpected mode');
  return run.outcome.portfolios[0].metrics;
}

function expectMetricsClose(actual: Record<string, number | null>, expected: Metrics, label: string): void {
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key];
    if (want === null || got === null) expect(got, `${label} ${key}`).toBe(want);
    else expect(Math.abs(got - want), `${label} ${key}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
  }
}

describe('a workflow through every phase', () => {
  let result: WorkflowResult;
  let lines: string[];
  let dir: string;
  const out = <T>(ref: string) => result.outputs.get(ref) as T;

  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'wf-e2e-')), 'wf');
    lines = [];
    const progress: string[] = [];
    result = await runWorkflow(workflowObject(), { outDir: dir, workers: 1, log: (l) => lines.push(l), onProgress: (p) => progress.push(`${p.phase}/${p.step}`) });
    expect(progress).toContain('grid/grid');
    expect(progress).toContain('wf/w2-test');
  });

  it('runs the phases in dependency order and writes the declared outputs', () => {
    expect(result.phases.map((p) => p.id)).toEqual(['grid', 'top', 'variants', 'oos', 'wf', 'report', 'wf_report']);
    for (const f of ['grid.json', 'variants.json', 'oos.json', 'report.json', 'workflow.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(result.phases[1].outputs.selected).toEqual({ kind: 'rows', rows: 3, file: null });
    expect(existsSync(join(dir, 'top.json'))).toBe(false);
  });

  it('generate scores the whole grid on the training window', async () => {
    const grid = out<RowSet>('grid.results');
    expect(grid.rows.map((r) => r.key)).toEqual(['trend.0', 'trend.1', 'trend.2', 'trend.3', 'swing.0', 'swing.1']);
    expect(grid.window).toEqual({ start: 0, end: 600 });
    expect(grid.parameters).toEqual(['sma.fast_period', 'sma.slow_period', 'rsi.period']);
    const r = grid.rows[3];
    expect(r.params).toEqual({ 'sma.fast_period': 10, 'sma.slow_period': 40, 'rsi.period': null });
    expectMetricsClose(r.metrics, await backtest(r, 0, 600), r.key);
    expect(r.objective).toBe(objectiveValue(r.metrics as Metrics, 'sharpe'));
    const written = JSON.parse(readFileSync(join(dir, 'grid.json'), 'utf8'));
    expect(written.rows).toHaveLength(6);
    expect(written.topology.bars).toBe(900);
  });

  it('select keeps the top K by the objective', () => {
    const grid = out<RowSet>('grid.results');
    const top = out<RowSet>('top.selected');
    const best = [...grid.rows].filter((r) => r.objective !== null).sort((a, b) => b.objective! - a.objective!).slice(0, 3);
    expect(top.rows.map((r) => r.key)).toEqual(best.map((r) => r.key));
    expect(top.rows.map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it('replay runs exactly the K selected, each with every variant, on the same bars', async () => {
    const top = out<RowSet>('top.selected');
    const variants = out<RowSet>('variants.results');
    expect(variants.rows).toHaveLength(3 * 4);
    expect(variants.window).toEqual({ start: 0, end: 600 });
    expect(variants.rows.map((r) => r.parent)).toEqual(top.rows.flatMap((r) => [r.key, r.key, r.key, r.key]));
    expect(variants.parameters).toEqual([...out<RowSet>('grid.results').parameters, 'risk.stop_loss_pct', 'execution.slippage_bps']);
    const combos = variants.rows.map((r) => [r.params['risk.stop_loss_pct'], r.params['execution.slippage_bps']]);
    expect(combos.slice(0, 4)).toEqual([[null, 1], [null, 20], [4, 1], [4, 20]]);
    for (const r of variants.rows) {
      const parent = top.rows.find((p) => p.key === r.parent)!;
      expect(r.key.startsWith(`${parent.key}/`)).toBe(true);
      expect(r.spec.strategies).toEqual(parent.spec.strategies);
      expect(r.spec.portfolio.risk.stop_loss_pct).toBe(r.params['risk.stop_loss_pct'] ?? undefined);
      expect(r.spec.portfolio.execution?.slippage_bps).toBe(r.params['execution.slippage_bps']);
      for (const [k, v] of Object.entries(parent.params)) expect(r.params[k]).toBe(v);
    }
    // two of them against plain backtests
    for (const r of [variants.rows[2], variants.rows[7]]) expectMetricsClose(r.metrics, await backtest(r, 0, 600), r.key);
  });

  it('validate scores exactly the replayed rows out of sample, keeping their in-sample figures', async () => {
    const variants = out<RowSet>('variants.results');
    const oos = out<ValidatedSet>('oos.results');
    expect(oos.inSample).toEqual({ start: 0, end: 600 });
    expect(oos.outOfSample).toEqual({ start: 600, end: 900 });
    expect(oos.rows.map((r) => r.key)).toEqual(variants.rows.map((r) => r.key));
    oos.rows.forEach((r, i) => {
      expect(r.in_sample.metrics).toEqual(variants.rows[i].metrics);
      expect(r.in_sample.objective).toBe(variants.rows[i].objective);
      expect(r.metrics.periods).toBeLessThan(300);
    });
    for (const r of [oos.rows[0], oos.rows[9]]) expectMetricsClose(r.metrics, await backtest(r, 600, 900), r.key);
  });

  it('walk-forward: every window scored on its train and test parts; the figures are the means', async () => {
    const wf = out<ValidatedSet>('wf.results');
    const windows = (wf.outOfSample as { walk_forward: readonly WalkForwardWindow[] }).walk_forward;
    expect(windows.map((w) => [w.train, w.test, w.partial])).toEqual([
      [{ start: 400, end: 600 }, { start: 600, end: 700 }, false],
      [{ start: 400, end: 720 }, { start: 720, end: 820 }, false],
      [{ start: 400, end: 840 }, { start: 840, end: 900 }, true],
    ]);
    expect(wf.rows.map((r) => r.key)).toEqual(out<RowSet>('top.selected').rows.map((r) => r.key));
    const row = wf.rows[1];
    expect(row.windows).toHaveLength(3);
    const mean = (xs: (number | null)[]) => xs.reduce<number>((s, x) => s + x!, 0) / xs.length;
    expect(row.objective).toBeCloseTo(mean(row.windows!.map((w) => w.out_of_sample.objective)), 12);
    expect(row.in_sample.metrics.total_return).toBeCloseTo(mean(row.windows!.map((w) => w.in_sample.metrics.total_return)), 12);
    expectMetricsClose(row.windows![1].out_of_sample.metrics, await backtest(row, 720, 820), `${row.key} w1 test`);
    expectMetricsClose(row.windows![2].in_sample.metrics, await backtest(row, 400, 840), `${row.key} w2 train`);
  });

  it('report: in-sample vs out-of-sample per combination, as JSON and a printed table', () => {
    const report = result.reports[0];
    const oos = out<ValidatedSet>('oos.results');
    expect(report.rows).toHaveLength(12);
    expect(report.rows.map((r) => r.in_sample_rank)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (const r of report.rows) {
      const v = oos.rows.find((x) => x.key === r.key)!;
      expect(r.in_sample.objective).toBe(v.in_sample.objective);
      expect(r.out_of_sample.objective).toBe(v.objective);
      expect(r.out_of_sample.metrics.sharpe).toBe(v.metrics.sharpe);
    }
    expect(report.summary.combinations).toBe(12);
    expect(report.summary.rank_correlation).not.toBeNull();
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const table = lines.find((l) => l.includes('IS objective'))!;
    expect(table).toMatch(/IS rank\s+OOS rank\s+combination/);
    expect(table).toMatch(/in-sample: bars \[0, 600\); out-of-sample: bars \[600, 900\)/);
    expect(table).toContain(report.rows[0].key);
    expect(result.reports[1].out_of_sample).toMatch(/walk-forward test parts, 3 windows/);
  });

  it('running it again in the same folder resumes every sweep and gives the same report', async () => {
    const again = await runWorkflow(workflowObject(), { outDir: dir, workers: 1, log: () => {} });
    expect(JSON.stringify(again.reports)).toBe(JSON.stringify(result.reports));
  });
});

describe('the example workflow configs/workflows/train_select_validate.yaml', () => {
  it('runs in seconds and reports both validations', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wf-example-')), 'wf');
    const started = performance.now();
    const result = await runWorkflow('configs/workflows/train_select_validate.yaml', { outDir: dir, workers: 1, log: () => {} });
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(result.phases.map((p) => p.type)).toEqual(['generate', 'select', 'replay', 'select', 'validate', 'validate', 'report', 'report']);
    expect(result.reports.map((r) => r.rows.length)).toEqual([4, 4]);
    expect(existsSync(join(dir, 'walk_report.json'))).toBe(true);
  });
});

describe('stopping a workflow', () => {
  it('stops between phases when the signal is aborted; running it again finishes it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wf-stop-')), 'wf');
    const controller = new AbortController();
    const log = (line: string) => {
      if (line.startsWith('phase variants')) controller.abort();
    };
    await expect(runWorkflow(workflowObject(), { outDir: dir, workers: 1, log, signal: controller.signal })).rejects.toThrow(/stopped before phase oos; run it again to resume/);
    expect(existsSync(join(dir, 'variants.json'))).toBe(true);
    expect(existsSync(join(dir, 'oos.json'))).toBe(false);
    const done = await runWorkflow(workflowObject(), { outDir: dir, workers: 1, log: () => {} });
    expect(done.reports).toHaveLength(2);
  });
});

/**
 * Bad workflows are refused before any work starts (no phase runs, no folder is written),
 * with every problem named by file (and line), phase and field.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkflow, runWorkflow, validateWorkflow, WorkflowError, planWorkflow } from '../../src/workflow/index.ts';
import { workflowObject, type PhaseObject } from './fixture.ts';

/** The problems of a workflow object (static checks and the plan), or [] if it is fine. */
async function problemsOf(mutate: (w: ReturnType<typeof workflowObject>) => void): Promise<string[]> {
  const w = workflowObject();
  mutate(w);
  try {
    await planWorkflow(validateWorkflow(w));
    return [];
  } catch (error) {
    if (error instanceof WorkflowError) return [...error.problems];
    throw error;
  }
}

const phase = (w: ReturnType<typeof workflowObject>, id: string): PhaseObject => w.phases.find((p) => p.id === id)!;

describe('workflow validation: the phase graph', () => {
  it('the fixture is valid', async () => {
    expect(await problemsOf(() => {})).toEqual([]);
  });

  it('a cycle in depends_on is named', async () => {
    const problems = await problemsOf((w) => {
      phase(w, 'grid').depends_on = ['report'];
    });
    expect(problems.join('\n')).toMatch(/phases\[0\] \(grid\) depends_on: depends_on makes a cycle: grid -> report -> oos -> variants -> top -> grid/);
  });

  it('a two-phase cycle and a self-dependency', async () => {
    const problems = await problemsOf((w) => {
      phase(w, 'top').depends_on = ['grid', 'variants'];
      phase(w, 'wf').depends_on = ['top', 'wf'];
    });
    expect(problems.join('\n')).toMatch(/phases\[1\] \(top\) depends_on: depends_on makes a cycle: top -> variants -> top/);
    expect(problems.join('\n')).toMatch(/phases\[4\] \(wf\) depends_on\[1\]: a phase cannot depend on itself/);
  });

  it('an unknown phase in depends_on, an unknown phase type, duplicate ids', async () => {
    const problems = await problemsOf((w) => {
      phase(w, 'oos').depends_on = ['variants', 'nosuch'];
      phase(w, 'wf_report').type = 'repport';
      w.phases.push({ id: 'top', type: 'select', depends_on: ['grid'], inputs: { from: 'grid.results', top: 1 } });
    });
    const text = problems.join('\n');
    expect(text).toMatch(/phases\[3\] \(oos\) depends_on\[1\]: unknown phase nosuch \(phases: grid, top, variants, oos, wf, report, wf_report, top\)/);
    expect(text).toMatch(/phases\[6\] \(wf_report\) type: unknown phase type "repport" \(known: generate, select, replay, validate, report\)/);
    expect(text).toMatch(/phases\[7\] \(top\) id: phase id top is already used by phases\[1\]/);
  });

  it('an input naming a missing output, a phase not in depends_on, an unknown phase, the wrong kind of output', async () => {
    const text = (await problemsOf((w) => {
      phase(w, 'top').inputs!.from = 'grid.rows';
      phase(w, 'variants').inputs!.from = 'grid.results';
      phase(w, 'wf').inputs!.from = 'gridd.results';
      phase(w, 'report').inputs!.from = 'variants.results';
      phase(w, 'report').depends_on = ['oos', 'variants'];
    })).join('\n');
    expect(text).toMatch(/phases\[1\] \(top\) inputs.from: "grid.rows": phase grid has no output "rows" \(it declares: results; declare it under its outputs\)/);
    expect(text).toMatch(/phases\[2\] \(variants\) inputs.from: "grid.results": phase grid is not in depends_on \(add it there: \[top, grid\]\)/);
    expect(text).toMatch(/phases\[4\] \(wf\) inputs.from: "gridd.results": there is no phase gridd/);
    expect(text).toMatch(/phases\[5\] \(report\) inputs.from: "variants.results" is scored combinations .* but report.from needs validated combinations/);
  });

  it('an output a phase does not declare cannot be used; an output its type does not produce cannot be declared', async () => {
    const text = (await problemsOf((w) => {
      phase(w, 'top').outputs = {};
      phase(w, 'grid').outputs = { results: 'grid.json', best: 'best.json' };
    })).join('\n');
    expect(text).toMatch(/phases\[2\] \(variants\) inputs.from: "top.selected": phase top has no output "selected" \(it declares: none/);
    expect(text).toMatch(/phases\[4\] \(wf\) inputs.from: "top.selected": phase top has no output "selected"/);
    expect(text).toMatch(/phases\[0\] \(grid\) outputs.best: a generate phase has no output "best" \(it produces: results\)/);
  });

  it('inputs are checked against the phase type', async () => {
    const text = (await problemsOf((w) => {
      phase(w, 'top').inputs = { from: 'grid.results', top: 0, extra: 1 };
      phase(w, 'oos').inputs = { from: 'variants.results' };
      phase(w, 'variants').inputs = { from: 'top.selected', variants: { strategies: ['x'] } };
      w.objective = 'annual_volatility';
    })).join('\n');
    expect(text).toMatch(/objective: .*annual_volatility: -1/);
    expect(text).toMatch(/phases\[1\] \(top\) inputs.top: Too small/);
    expect(text).toMatch(/phases\[1\] \(top\) inputs.extra: Unrecognized key/);
    expect(text).toMatch(/phases\[3\] \(oos\) inputs: give exactly one of window or walk_forward/);
    expect(text).toMatch(/phases\[2\] \(variants\) inputs.variants.strategies/);
  });

  it('YAML files: errors carry the line', () => {
    const yaml = [
      'name: w',
      'phases:',
      '  - id: a',
      '    type: select',
      '    depends_on: [b]',
      '    inputs: { from: b.results, top: 2 }',
      '  - id: b',
      '    type: select',
      '    depends_on: [a]',
      '    inputs: { from: a.selected, top: 2 }',
      '    outputs: { selected: s.json }',
    ].join('\n');
    let error: WorkflowError | undefined;
    try {
      parseWorkflow(yaml, 'configs/workflows/w.yaml');
    } catch (e) {
      error = e as WorkflowError;
    }
    expect(error).toBeInstanceOf(WorkflowError);
    const text = error!.problems.join('\n');
    expect(text).toMatch(/configs\/workflows\/w.yaml:5 phases\[0\] \(a\) depends_on: depends_on makes a cycle: a -> b -> a/);
    expect(text).toMatch(/configs\/workflows\/w.yaml:6 phases\[0\] \(a\) inputs.from: "b.results": phase b has no output "results" \(it declares: selected/);
    expect(() => parseWorkflow('name: w\nphases: [\n', 'bad.yaml')).toThrow(/bad.yaml:\d+:\d+ YAML/);
  });
});

describe('workflow validation: topologies and windows (before any work starts)', () => {
  it('a bad topology in a generate phase is reported with the phase', async () => {
    const text = (await problemsOf((w) => {
      const topo = phase(w, 'grid').inputs!.topology as { strategies: { params: Record<string, unknown> }[] };
      topo.strategies[0].params.fast_period = 'range(5, 1)';
    })).join('\n');
    expect(text).toMatch(/phases\[0\] \(grid\) inputs.topology: strategies\[0\].params.fast_period: range\(5, 1, 1\) is empty/);
  });

  it('a missing topology file', async () => {
    const text = (await problemsOf((w) => {
      phase(w, 'grid').inputs!.topology = 'no/such/topology.yaml';
    })).join('\n');
    expect(text).toMatch(/phases\[0\] \(grid\) inputs.topology: no\/such\/topology.yaml: file not found/);
  });

  it('windows: past the data, out-of-sample overlapping in-sample, walk-forward too long or testing in-sample bars', async () => {
    const text = (await problemsOf((w) => {
      phase(w, 'oos').inputs!.window = { start_bar: 500, end_bar: 900 };
      phase(w, 'wf').inputs!.walk_forward = { train: 200, test: 100, start: 100 };
    })).join('\n');
    expect(text).toMatch(/phases\[3\] \(oos\) inputs.window.start_bar: the out-of-sample window \[500, 900\) starts before the in-sample window \[0, 600\) of phase grid ends: start it at bar 600 or later/);
    expect(text).toMatch(/phases\[4\] \(wf\) inputs.walk_forward.start: window 0 tests \[300, 400\), inside the in-sample window \[0, 600\) .* set start to at least 400/);

    const more = (await problemsOf((w) => {
      phase(w, 'grid').inputs!.window = { start_bar: 0, end_bar: 1000 };
    })).join('\n');
    expect(more).toMatch(/phases\[0\] \(grid\) inputs.window: the training window: end_bar 1000 is past the end of the data \(900 bars\)/);

    const late = (await problemsOf((w) => {
      phase(w, 'oos').inputs!.window = { start_bar: 600, end_bar: 901 };
      phase(w, 'wf').inputs!.walk_forward = { train: 200, test: 400 };
    })).join('\n');
    expect(late).toMatch(/phases\[3\] \(oos\) inputs.window: the out-of-sample window: end_bar 901 is past the end of the data \(900 bars\)/);
    expect(late).toMatch(/phases\[4\] \(wf\) inputs.walk_forward: walk_forward needs at least 1000 bars \(start 400 \+ train 200 \+ test 400\), the data has 900/);

    const shape = (await problemsOf((w) => {
      phase(w, 'oos').inputs!.window = { start_bar: 700, end_bar: 650 };
      phase(w, 'wf').inputs!.walk_forward = { train: 0, test: 100, mode: 'sideways' };
    })).join('\n');
    expect(shape).toMatch(/phases\[3\] \(oos\) inputs.window.end_bar: end_bar must be greater than start_bar/);
    expect(shape).toMatch(/phases\[4\] \(wf\) inputs.walk_forward.train: Too small/);
    expect(shape).toMatch(/phases\[4\] \(wf\) inputs.walk_forward.mode/);
  });

  it('replay variants that are not valid portfolio settings', async () => {
    const text = (await problemsOf((w) => {
      phase(w, 'variants').inputs!.variants = { risk: { stop_loss_pct: [2, 150], stop_gain: [1] } };
    })).join('\n');
    expect(text).toMatch(/phases\[2\] \(variants\) inputs.variants: .*stop_loss_pct/);
    expect(text).toMatch(/phases\[2\] \(variants\) inputs.variants: .*stop_gain/);
  });

  it('runWorkflow refuses before running anything or writing its folder', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wf-bad-')), 'out');
    const w = workflowObject();
    phase(w, 'grid').depends_on = ['wf'];
    await expect(runWorkflow(w, { outDir: out, workers: 1, log: () => {} })).rejects.toThrow(/makes a cycle: grid -> wf -> top -> grid/);
    const late = workflowObject();
    phase(late, 'oos').inputs!.window = { start_bar: 100, end_bar: 300 };
    await expect(runWorkflow(late, { outDir: out, workers: 1, log: () => {} })).rejects.toThrow(WorkflowError);
    expect(existsSync(out)).toBe(false);
    const file = join(mkdtempSync(join(tmpdir(), 'wf-file-')), 'w.yaml');
    writeFileSync(file, 'name: w\nphases:\n  - { id: a, type: nope }\n');
    await expect(runWorkflow(file, { outDir: out, log: () => {} })).rejects.toThrow(/w.yaml:3 phases\[0\] \(a\) type: unknown phase type "nope"/);
    expect(existsSync(out)).toBe(false);
  });
});

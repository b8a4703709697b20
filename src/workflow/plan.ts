/**
 * The second half of the checks before anything runs: what needs the topologies and the data.
 * For each generate phase its topology is read (a file relative to the workflow, or inline),
 * its grid expanded with the training window (expandSweep validates every key and the grid),
 * and the bars of its first stream counted; then, following the references, every later
 * phase learns which topology and in-sample window its rows come from, so that
 * - a replay's variants are valid portfolio settings (tried on the grid's portfolios),
 * - a validation window lies inside the data and after the in-sample window, and
 *   walk-forward windows fit the data with every test part after the in-sample window.
 * Errors name the file, the phase and the field, as validate.ts does.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { canonicalJson, sha256 } from '../core/canonical-json.ts';
import { expandSweep, type SweepExpansion } from '../sweep/expand.ts';
import { TopologyError } from '../topology/load.ts';
import { loadStreams } from '../topology/load-streams.ts';
import { planTopology } from '../topology/plan.ts';
import type { TopologyConfig } from '../topology/schema.ts';
import { candidatesTopology } from './evaluate.ts';
import type { TopologyBase } from './rows.ts';
import type { Phase, PhaseInputs } from './schema.ts';
import { WorkflowError, type ValidatedWorkflow } from './validate.ts';
import { checkRange, formatRange, walkForwardWindows, WindowError, type BarRange, type WalkForwardWindow } from './windows.ts';

export interface PlannedGenerate {
  readonly expansion: SweepExpansion;
  readonly base: TopologyBase;
  readonly window: BarRange;
  /** Names the topology in errors (its file, or `<phase>.inputs.topology`). */
  readonly label: string;
}

/** What a rows output stands on: the topology, and the bars its figures are in-sample on. */
interface RowsInfo {
  readonly base: TopologyBase;
  readonly window: BarRange;
  readonly source: string;
}

export interface WorkflowPlan {
  readonly workflow: ValidatedWorkflow;
  readonly generate: ReadonlyMap<string, PlannedGenerate>;
  /** validate phases: the one out-of-sample window, or the walk-forward windows. */
  readonly validation: ReadonlyMap<string, { readonly window: BarRange } | { readonly walkForward: readonly WalkForwardWindow[] }>;
  /** Hash of the workflow and its expanded topologies: names its default folder. */
  readonly hash: string;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A topology file as a raw mapping (lists and ranges untouched), YAML errors with their line. */
function readRawTopology(file: string, label: string): Raw {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TopologyError(label, [code === 'ENOENT' ? `${label}: file not found` : `${label}: cannot read: ${(error as Error).message}`]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new TopologyError(label, doc.errors.map((e) => {
      const at = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      return `${label}:${at.line}:${at.col} YAML: ${e.message.split('\n')[0]}`;
    }));
  }
  const raw: unknown = doc.toJS();
  if (!isObject(raw)) throw new TopologyError(label, [`${label}: the top level must be a mapping (name, data, strategies, portfolios, ...)`]);
  return raw;
}

async function countBars(config: TopologyConfig, baseDir: string): Promise<number> {
  const { window: _window, ...data } = config.data;
  const { series } = await loadStreams(planTopology({ ...config, data }, baseDir));
  return series[0].length;
}

async function planGenerate(phase: Phase & { type: 'generate' }, workflow: ValidatedWorkflow, problem: (field: (string | number)[], message: string) => void): Promise<PlannedGenerate | null> {
  const { topology, window } = phase.inputs;
  let raw: Raw;
  let baseDir = workflow.baseDir;
  let label = `${phase.id}.inputs.topology`;
  try {
    if (typeof topology === 'string') {
      const file = resolve(workflow.baseDir, topology);
      label = topology;
      baseDir = dirname(file);
      raw = readRawTopology(file, topology);
    } else {
      raw = topology;
    }
    const data = isObject(raw.data) ? raw.data : {};
    const sweep = isObject(raw.sweep) ? raw.sweep : {};
    // The workflow's objective ranks every sweep (a metric name; weights are applied by the workflow itself).
    const objective = typeof workflow.config.objective === 'string' ? { objective: workflow.config.objective } : {};
    const withWindow = { ...raw, data: { ...data, ...(window ? { window } : {}) }, sweep: { ...sweep, ...objective } };
    const expansion = expandSweep(withWindow, label);
    const bars = await countBars(expansion.config, baseDir);
    const range = { start: window?.start_bar ?? 0, end: window?.end_bar ?? bars };
    try {
      checkRange(range, bars, 'the training window');
    } catch (error) {
      problem(['inputs', 'window'], (error as Error).message);
      return null;
    }
    return { expansion, base: { config: expansion.config, baseDir, bars }, window: range, label };
  } catch (error) {
    if (error instanceof TopologyError) for (const p of error.problems) problem(['inputs', 'topology'], p);
    else problem(['inputs', 'topology'], error instanceof Error ? error.message : String(error));
    return null;
  }
}

/** Tries the variants on every distinct portfolio setting of the grid (at most 100) by expanding them. */
function checkVariants(info: RowsInfo, generate: PlannedGenerate, variants: Raw, problem: (field: (string | number)[], message: string) => void): void {
  const shapes = new Map<string, TopologyConfig['portfolios'][number]>();
  for (const p of generate.expansion.config.portfolios) {
    const { id: _id, strategies: _s, ...settings } = p;
    const key = canonicalJson(settings);
    if (!shapes.has(key)) shapes.set(key, p);
    if (shapes.size >= 100) break;
  }
  const byId = new Map(generate.expansion.config.strategies.map((s) => [s.id, s]));
  const candidates = [...shapes.values()].map((portfolio) => ({ spec: { strategies: portfolio.strategies.map((id) => byId.get(id)!), portfolio } }));
  try {
    expandSweep(candidatesTopology(info.base, candidates, info.window, 'variants-check', variants), 'variants');
  } catch (error) {
    const lines = error instanceof TopologyError ? error.problems : [error instanceof Error ? error.message : String(error)];
    for (const line of lines) problem(['inputs', 'variants'], line.replace(/portfolios\[\d+\] \(combination c\d+(\.\d+)?\)\./, '').replace(/^portfolios\[\d+\]\./, ''));
  }
}

function planValidation(inputs: PhaseInputs<'validate'>, info: RowsInfo, problem: (field: (string | number)[], message: string) => void) {
  const { bars } = info.base;
  const inSample = info.window;
  if (inputs.window) {
    const range = { start: inputs.window.start_bar, end: inputs.window.end_bar };
    try {
      checkRange(range, bars, 'the out-of-sample window');
    } catch (error) {
      problem(['inputs', 'window'], (error as Error).message);
      return null;
    }
    if (range.start < inSample.end) {
      problem(['inputs', 'window', 'start_bar'], `the out-of-sample window ${formatRange(range)} starts before the in-sample window ${formatRange(inSample)} of ${info.source} ends: start it at bar ${inSample.end} or later`);
      return null;
    }
    return { window: range };
  }
  const wf = inputs.walk_forward!;
  const spec = { ...wf, step: wf.step ?? wf.test, start: wf.start ?? Math.max(0, inSample.end - wf.train) };
  let windows: WalkForwardWindow[];
  try {
    windows = walkForwardWindows(spec, bars);
  } catch (error) {
    if (!(error instanceof WindowError)) throw error;
    problem(['inputs', 'walk_forward'], error.message);
    return null;
  }
  const early = windows.find((w) => w.test.start < inSample.end);
  if (early) {
    problem(['inputs', 'walk_forward', 'start'], `window ${early.index} tests ${formatRange(early.test)}, inside the in-sample window ${formatRange(inSample)} of ${info.source} (its rows were chosen there): set start to at least ${inSample.end - wf.train}`);
    return null;
  }
  return { walkForward: windows };
}

/** Checks everything that needs the topologies and the data; throws WorkflowError listing every problem. */
export async function planWorkflow(workflow: ValidatedWorkflow): Promise<WorkflowPlan> {
  const problems: string[] = [];
  const generate = new Map<string, PlannedGenerate>();
  const rowsInfo = new Map<string, RowsInfo>();
  const validation = new Map<string, { window: BarRange } | { walkForward: readonly WalkForwardWindow[] }>();
  const originOf = new Map<string, string>(); // rows phase -> its generate phase
  for (const phase of workflow.order) {
    const problem = (field: (string | number)[], message: string) => problems.push(`${workflow.at(phase.id, field)}: ${message}`);
    const from = 'from' in phase.inputs ? phase.inputs.from.split('.')[0] : null;
    const source = from === null ? undefined : rowsInfo.get(from);
    switch (phase.type) {
      case 'generate': {
        const planned = await planGenerate(phase, workflow, problem);
        if (!planned) break;
        generate.set(phase.id, planned);
        rowsInfo.set(phase.id, { base: planned.base, window: planned.window, source: `phase ${phase.id}` });
        originOf.set(phase.id, phase.id);
        break;
      }
      case 'select':
        if (source) rowsInfo.set(phase.id, source);
        if (from !== null && originOf.has(from)) originOf.set(phase.id, originOf.get(from)!);
        break;
      case 'replay':
        if (source && from !== null) {
          checkVariants(source, generate.get(originOf.get(from)!)!, phase.inputs.variants as Raw, problem);
          rowsInfo.set(phase.id, source);
          originOf.set(phase.id, originOf.get(from)!);
        }
        break;
      case 'validate':
        if (source) {
          const v = planValidation(phase.inputs, source, problem);
          if (v) validation.set(phase.id, v);
        }
        break;
      case 'report':
        break;
    }
  }
  if (problems.length > 0) throw new WorkflowError(workflow.label, problems);
  const hash = sha256(canonicalJson({
    workflow: workflow.config,
    topologies: [...generate].map(([id, g]) => [id, g.expansion.configHash, g.base.baseDir]),
  }));
  return { workflow, generate, validation, hash };
}

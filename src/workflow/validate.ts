/**
 * Reading and checking a workflow file before anything runs. Every problem found is reported
 * at once, each line naming the file (and line), the phase and the field:
 *
 *   configs/workflows/x.yaml:23 phases[2] (top) inputs.from: phase grid has no output "rows" (it declares: results)
 *
 * Checked here: the file's shape, each phase's type and its inputs against that type, the
 * outputs a phase declares, unique ids, depends_on (unknown phases, cycles, named as
 * `a -> b -> a`), and every reference `<phase>.<output>`: the phase exists, is in depends_on,
 * declares that output, and the output is of a kind the input accepts. What needs the data
 * (windows against the number of bars, the topologies themselves) is checked by plan.ts,
 * also before any phase runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { fieldPath, lineOf } from '../topology/load.ts';
import { ObjectiveSchema } from '../sweep/objective.ts';
import { DEFAULT_OBJECTIVE, PHASE_INPUTS, PHASE_TYPES, WorkflowShapeSchema, type Phase, type PhaseType, type WorkflowConfig } from './schema.ts';

export class WorkflowError extends Error {
  override name = 'WorkflowError';
  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(`invalid workflow ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** What each phase type produces: output name -> kind. */
export type OutputKind = 'rows' | 'validated' | 'report';
export const PHASE_OUTPUTS: { readonly [T in PhaseType]: Readonly<Record<string, OutputKind>> } = {
  generate: { results: 'rows' },
  select: { selected: 'rows' },
  replay: { results: 'rows' },
  validate: { results: 'validated' },
  report: { report: 'report' },
};

/** Inputs that refer to outputs, per phase type, and the kinds they accept. */
export const PHASE_REFS: { readonly [T in PhaseType]: Readonly<Record<string, readonly OutputKind[]>> } = {
  generate: {},
  select: { from: ['rows'] },
  replay: { from: ['rows'] },
  validate: { from: ['rows'] },
  report: { from: ['validated'] },
};

const KIND_TEXT: Record<OutputKind, string> = {
  rows: 'scored combinations (generate.results, select.selected, replay.results)',
  validated: 'validated combinations (validate.results)',
  report: 'a report',
};

export interface ValidatedWorkflow {
  readonly config: WorkflowConfig;
  /** Phases in the order they run: dependencies first, otherwise file order. */
  readonly order: readonly Phase[];
  /** The workflow file (absolute), or null for an object given from TypeScript. */
  readonly file: string | null;
  /** Relative paths in the workflow (topology files) resolve against this folder. */
  readonly baseDir: string;
  /** Names the workflow in errors. */
  readonly label: string;
  /** `<label>:<line> phases[i] (id) <field>`: where to point an error about a phase's field. */
  readonly at: (phaseId: string, field: readonly (string | number)[]) => string;
}

type Locate = (path: readonly (string | number)[]) => string;

export function loadWorkflowFile(path: string): ValidatedWorkflow {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkflowError(path, [code === 'ENOENT' ? `${path}: file not found` : `${path}: cannot read: ${(error as Error).message}`]);
  }
  return parseWorkflow(text, path, { file, baseDir: dirname(file) });
}

/** Parses and checks workflow YAML text; `label` names it in errors. */
export function parseWorkflow(text: string, label: string, where: { file: string | null; baseDir: string } = { file: null, baseDir: process.cwd() }): ValidatedWorkflow {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new WorkflowError(label, doc.errors.map((e) => {
      const at = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      return `${label}:${at.line}:${at.col} YAML: ${e.message.split('\n')[0]}`;
    }));
  }
  const locate: Locate = (path) => {
    const line = lineOf(doc, lineCounter, path);
    return `${label}${line === undefined ? '' : `:${line}`}`;
  };
  return checkWorkflow(doc.toJS(), label, where, locate);
}

/** Checks a workflow given as an object (from TypeScript); relative paths resolve against `baseDir`. */
export function validateWorkflow(input: unknown, options: { label?: string; baseDir?: string } = {}): ValidatedWorkflow {
  const label = options.label ?? 'workflow';
  return checkWorkflow(input, label, { file: null, baseDir: resolve(options.baseDir ?? process.cwd()) }, () => label);
}

function checkWorkflow(raw: unknown, label: string, where: { file: string | null; baseDir: string }, locate: Locate): ValidatedWorkflow {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new WorkflowError(label, [`${label} (top level): the top level must be a mapping (name, objective, phases)`]);
  }
  const problems: string[] = [];
  const report = (path: readonly (string | number)[], message: string) => problems.push(`${locate(path)} ${fieldPath(path)}: ${message}`);
  const shape = WorkflowShapeSchema.safeParse(raw);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      const path = issue.path as (string | number)[];
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      const at = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path;
      problems.push(`${locate(at)} ${describePhase(raw, path)}${fieldPath(path)}: ${issue.message}${keys}`);
    }
    throw new WorkflowError(label, problems);
  }
  const { phases: shapes, objective: rawObjective, ...rest } = shape.data;
  const objective = ObjectiveSchema.safeParse(rawObjective ?? DEFAULT_OBJECTIVE);
  if (!objective.success) {
    for (const issue of objective.error.issues) report(['objective', ...(issue.path as (string | number)[])], issue.message);
  }
  const phaseLabel = (i: number) => `phases[${i}] (${shapes[i].id})`;
  const at = (i: number, field: (string | number)[], message: string) => problems.push(`${locate(['phases', i, ...field])} ${phaseLabel(i)} ${fieldPath(field)}: ${message}`);

  // ---- each phase against its type ----
  const phases: Phase[] = [];
  const byId = new Map<string, number>();
  shapes.forEach((p, i) => {
    if (byId.has(p.id)) at(i, ['id'], `phase id ${p.id} is already used by phases[${byId.get(p.id)}]`);
    else byId.set(p.id, i);
    if (!(PHASE_TYPES as string[]).includes(p.type)) {
      at(i, ['type'], `unknown phase type "${p.type}" (known: ${PHASE_TYPES.join(', ')})`);
      return;
    }
    const type = p.type as PhaseType;
    const parsed = PHASE_INPUTS[type].safeParse(p.inputs);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = ['inputs', ...(issue.path as (string | number)[])];
        const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
        at(i, issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path, `${issue.message}${keys}`);
      }
    }
    for (const name of Object.keys(p.outputs)) {
      if (!(name in PHASE_OUTPUTS[type])) at(i, ['outputs', name], `a ${type} phase has no output "${name}" (it produces: ${Object.keys(PHASE_OUTPUTS[type]).join(', ')})`);
    }
    if (parsed.success) phases.push({ ...p, type, inputs: parsed.data } as Phase);
  });

  // ---- the graph: depends_on, cycles ----
  shapes.forEach((p, i) => {
    const seen = new Set<string>();
    p.depends_on.forEach((dep, k) => {
      if (seen.has(dep)) at(i, ['depends_on', k], `${dep} is listed twice`);
      seen.add(dep);
      if (dep === p.id) at(i, ['depends_on', k], 'a phase cannot depend on itself');
      else if (!byId.has(dep)) at(i, ['depends_on', k], `unknown phase ${dep} (phases: ${shapes.map((s) => s.id).join(', ')})`);
    });
  });
  for (const cycle of findCycles(shapes)) {
    const i = byId.get(cycle[0])!;
    at(i, ['depends_on'], `depends_on makes a cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
  }

  // ---- references between phases ----
  for (const phase of phases) {
    const i = byId.get(phase.id)!;
    for (const [input, kinds] of Object.entries(PHASE_REFS[phase.type])) {
      const ref = (phase.inputs as Record<string, unknown>)[input];
      if (typeof ref !== 'string') continue;
      const [source, output] = ref.split('.');
      const field = ['inputs', input];
      const j = byId.get(source);
      if (j === undefined) {
        at(i, field, `"${ref}": there is no phase ${source}`);
        continue;
      }
      if (!phase.depends_on.includes(source)) at(i, field, `"${ref}": phase ${source} is not in depends_on (add it there: [${[...phase.depends_on, source].join(', ')}])`);
      const sourceShape = shapes[j];
      const produced = (PHASE_TYPES as string[]).includes(sourceShape.type) ? PHASE_OUTPUTS[sourceShape.type as PhaseType] : {};
      if (!(output in sourceShape.outputs)) {
        const declared = Object.keys(sourceShape.outputs);
        at(i, field, `"${ref}": phase ${source} has no output "${output}" (it declares: ${declared.length ? declared.join(', ') : 'none'}; declare it under its outputs)`);
      } else if (output in produced && !kinds.includes(produced[output])) {
        at(i, field, `"${ref}" is ${KIND_TEXT[produced[output]]}, but ${phase.type}.${input} needs ${kinds.map((k) => KIND_TEXT[k]).join(' or ')}`);
      }
    }
  }

  if (problems.length > 0) throw new WorkflowError(label, problems);
  const config: WorkflowConfig = { ...rest, objective: objective.data!, phases };
  const atPhase = (phaseId: string, field: readonly (string | number)[]) => {
    const i = byId.get(phaseId)!;
    return `${locate(['phases', i, ...field])} ${phaseLabel(i)} ${fieldPath(field)}`;
  };
  return { config, order: runOrder(phases), file: where.file, baseDir: where.baseDir, label, at: atPhase };
}

/** Every elementary cycle found by a depth-first walk (each reported once, from its first phase in file order). */
function findCycles(phases: readonly { id: string; depends_on: readonly string[] }[]): string[][] {
  const deps = new Map(phases.map((p) => [p.id, p.depends_on]));
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (id: string) => {
    state.set(id, 'active');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep) || dep === id) continue;
      const s = state.get(dep);
      if (s === 'active') cycles.push(stack.slice(stack.indexOf(dep)));
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const p of phases) if (!state.has(p.id)) visit(p.id);
  // Each cycle read along depends_on (a -> b: a depends on b), from its phase first in the file.
  const position = new Map(phases.map((p, i) => [p.id, i]));
  const seen = new Set<string>();
  return cycles
    .map((c) => {
      const first = c.reduce((best, id, k) => (position.get(id)! < position.get(c[best])! ? k : best), 0);
      return [...c.slice(first), ...c.slice(0, first)];
    })
    .filter((c) => !seen.has(c.join(' ')) && seen.add(c.join(' ')));
}

/** Kahn's algorithm; among phases ready at once, file order. The graph is known to be acyclic. */
function runOrder(phases: readonly Phase[]): Phase[] {
  const done = new Set<string>();
  const order: Phase[] = [];
  while (order.length < phases.length) {
    const next = phases.find((p) => !done.has(p.id) && p.depends_on.every((d) => done.has(d)));
    if (!next) throw new Error('workflow: depends_on has a cycle'); // unreachable after checkWorkflow
    done.add(next.id);
    order.push(next);
  }
  return order;
}

function describePhase(raw: object, path: readonly (string | number)[]): string {
  if (path[0] !== 'phases' || typeof path[1] !== 'number') return '';
  const phases = (raw as { phases?: unknown }).phases;
  const p = Array.isArray(phases) ? (phases[path[1]] as { id?: unknown } | undefined) : undefined;
  return p && typeof p.id === 'string' ? `(phase ${p.id}) ` : '';
}

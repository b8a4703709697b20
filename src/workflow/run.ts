/**
 * The sequencer: checks a workflow completely (validate.ts, then plan.ts with the topologies
 * and the data) before anything runs or is written, then runs its phases in dependency order,
 * each phase's outputs feeding the phases that name them, and writes every output the file
 * gives a file name to (JSON, in the workflow's folder). The folder is named by a hash of the
 * workflow and its topologies, so running the same workflow again reuses it: each sweep in it
 * resumes where it stopped (finished chunks are skipped) and finished sweeps only read back.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeObjective } from '../sweep/objective.ts';
import type { SweepContext, WorkflowProgress } from './evaluate.ts';
import { PHASE_RUNNERS, type PhaseEnv, type PhaseOutput } from './phases.ts';
import { planWorkflow } from './plan.ts';
import type { WorkflowReport } from './report.ts';
import type { Phase } from './schema.ts';
import { loadWorkflowFile, validateWorkflow, type ValidatedWorkflow } from './validate.ts';

export interface RunWorkflowOptions {
  /** Worker threads for every sweep (default: all cores); 1 runs in the calling thread. */
  readonly workers?: number;
  /** The workflow's folder (default `results/workflows/<name>/<hash, 16 digits>`). */
  readonly outDir?: string;
  /** For a workflow given as an object: relative topology paths resolve against this folder (default: the working directory). */
  readonly baseDir?: string;
  /** Stops the running sweep (finished chunks are kept; running again resumes). */
  readonly signal?: AbortSignal;
  /** Progress lines and the report tables (default: stdout). */
  readonly log?: (line: string) => void;
  readonly onProgress?: (progress: WorkflowProgress) => void;
}

export interface PhaseSummary {
  readonly id: string;
  readonly type: Phase['type'];
  readonly durationMs: number;
  /** Each output the phase produced: its kind, row count, and the file it was written to (or null). */
  readonly outputs: Readonly<Record<string, { readonly kind: PhaseOutput['kind']; readonly rows: number; readonly file: string | null }>>;
}

export interface WorkflowResult {
  readonly name: string;
  readonly dir: string;
  readonly objective: string;
  readonly phases: readonly PhaseSummary[];
  /** The report of every report phase, in run order. */
  readonly reports: readonly WorkflowReport[];
  /** Every phase output by reference `<phase>.<output>` (rows with their specs). */
  readonly outputs: ReadonlyMap<string, PhaseOutput>;
  readonly durationMs: number;
}

/** An output as written to its JSON file: rows set without the shared topology (its name and folder instead). */
function toJson(output: PhaseOutput): unknown {
  if (output.kind === 'report') return output;
  const { base, ...rest } = output;
  return { ...rest, topology: { name: base.config.name, base_dir: base.baseDir, bars: base.bars } };
}

const stdoutLog = (line: string) => process.stdout.write(`${line}\n`);

/** Runs a workflow file (path) or a workflow object; returns when every phase is done. */
export async function runWorkflow(input: string | object, options: RunWorkflowOptions = {}): Promise<WorkflowResult> {
  const started = performance.now();
  const workflow: ValidatedWorkflow = typeof input === 'string' ? loadWorkflowFile(input) : validateWorkflow(input, { baseDir: options.baseDir });
  const plan = await planWorkflow(workflow);
  const log = options.log ?? stdoutLog;
  const { config } = workflow;
  const dir = resolve(options.outDir ?? join('results', 'workflows', config.name, plan.hash.slice(0, 16)));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'workflow.json'), JSON.stringify({ workflow: config, file: workflow.file, hash: plan.hash }, null, 2));

  const ctx: SweepContext = { objective: config.objective, workers: options.workers, signal: options.signal, onProgress: options.onProgress };
  const outputs = new Map<string, PhaseOutput>();
  const phases: PhaseSummary[] = [];
  const reports: WorkflowReport[] = [];
  log(`workflow ${config.name}: ${workflow.order.length} phases (${workflow.order.map((p) => p.id).join(' -> ')}), objective ${describeObjective(config.objective)}, folder ${dir}`);
  for (const phase of workflow.order) {
    if (options.signal?.aborted) throw new Error(`workflow ${config.name} stopped before phase ${phase.id}; run it again to resume (finished sweeps are kept in ${dir})`);
    const t0 = performance.now();
    const env: PhaseEnv = {
      plan,
      dir: join(dir, phase.id),
      ctx,
      log,
      input: (ref) => {
        const out = outputs.get(ref);
        if (!out) throw new Error(`workflow phase ${phase.id}: ${ref} is not available`); // prevented by validation
        return out;
      },
    };
    const produced = await (PHASE_RUNNERS[phase.type] as (p: Phase, e: PhaseEnv) => Promise<Record<string, PhaseOutput>>)(phase, env);
    const summary: Record<string, { kind: PhaseOutput['kind']; rows: number; file: string | null }> = {};
    for (const [name, output] of Object.entries(produced)) {
      outputs.set(`${phase.id}.${name}`, output);
      const fileName = phase.outputs[name] ?? null;
      const file = fileName === null ? null : join(dir, fileName);
      if (file) await writeFile(file, JSON.stringify(toJson(output), null, 2));
      summary[name] = { kind: output.kind, rows: output.rows.length, file };
      if (output.kind === 'report') reports.push(output);
    }
    const durationMs = performance.now() - t0;
    phases.push({ id: phase.id, type: phase.type, durationMs, outputs: summary });
    log(`phase ${phase.id} (${phase.type}) done in ${(durationMs / 1000).toFixed(1)} s`);
  }
  return { name: config.name, dir, objective: describeObjective(config.objective), phases, reports, outputs, durationMs: performance.now() - started };
}

/** The result without the in-memory outputs (what a CLI prints as JSON). */
export function workflowResultJson(result: WorkflowResult): unknown {
  const { outputs: _outputs, ...rest } = result;
  return rest;
}


/**
 * The phase types, each a small adapter from its inputs to its outputs; the running of
 * combinations is in evaluate.ts (runSweep underneath), the order and the plumbing in run.ts.
 *
 * - generate: the grid of a sweep topology on the training window -> `results` (every combination, scored)
 * - select:   the top K rows by the objective (optionally with a minimum of trades) -> `selected`
 * - replay:   the rows again on the same window, each with a grid of portfolio variants -> `results`
 * - validate: the rows on the out-of-sample window, or on each walk-forward window's train (in-sample)
 *             and test (out-of-sample) parts -> `results` (figures side by side)
 * - report:   in-sample vs out-of-sample per combination -> `report` (JSON + printed table)
 */
import { join } from 'node:path';
import { evaluateCandidates, runGrid, type SweepContext } from './evaluate.ts';
import { buildReport, reportTable, type WorkflowReport } from './report.ts';
import { meanFigures, withRank, type CandidateRow, type RowSet, type ValidatedRow, type ValidatedSet, type WindowFigures } from './rows.ts';
import type { Phase, PhaseType } from './schema.ts';
import type { WorkflowPlan } from './plan.ts';
import { formatRange, type BarRange } from './windows.ts';

export type PhaseOutput = RowSet | ValidatedSet | WorkflowReport;

export interface PhaseEnv {
  readonly plan: WorkflowPlan;
  /** The phase's own folder (its sweeps live under it). */
  readonly dir: string;
  readonly ctx: SweepContext;
  /** An output of an earlier phase, by reference `<phase>.<output>` (checked before the run). */
  readonly input: (ref: string) => PhaseOutput;
  readonly log: (line: string) => void;
}

type Runner<T extends PhaseType> = (phase: Extract<Phase, { type: T }>, env: PhaseEnv) => Promise<Record<string, PhaseOutput>>;

const rowsOf = (env: PhaseEnv, ref: string): RowSet => {
  const out = env.input(ref);
  if (out.kind !== 'rows') throw new Error(`workflow: ${ref} holds ${out.kind}, not rows`); // prevented by validation
  return out;
};

/** A sweep name (IdSchema: letters, digits, _ . -, at most 64). */
const sweepName = (env: PhaseEnv, phase: string, step: string) =>
  `${env.plan.workflow.config.name}-${phase}-${step}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64);

const generate: Runner<'generate'> = async (phase, env) => {
  const planned = env.plan.generate.get(phase.id)!;
  const rows = await runGrid(planned.expansion, planned.base, join(env.dir, 'grid'), planned.label, env.ctx, phase.id);
  env.log(`${phase.id}: ${rows.length} combinations on bars ${formatRange(planned.window)}`);
  return { results: { kind: 'rows', phase: phase.id, base: planned.base, window: planned.window, parameters: planned.expansion.parameters, rows } };
};

const select: Runner<'select'> = async (phase, env) => {
  const from = rowsOf(env, phase.inputs.from);
  const { top, min_trades: minTrades } = phase.inputs;
  const eligible = from.rows.filter((r) => r.objective !== null && (r.metrics.trades ?? 0) >= minTrades);
  if (eligible.length === 0) {
    throw new Error(`workflow phase ${phase.id}: none of the ${from.rows.length} rows of ${phase.inputs.from} has an objective${minTrades > 0 ? ` and at least ${minTrades} trades` : ''}: nothing to select`);
  }
  // from.rows are ranked; rank order is objective order with ties by position.
  const chosen = [...eligible].sort((a, b) => a.rank - b.rank).slice(0, top);
  env.log(`${phase.id}: selected ${chosen.length} of ${from.rows.length} (${eligible.length} eligible): ${chosen.map((r) => r.key).join(', ')}`);
  return { selected: { ...from, phase: phase.id, rows: withRank(chosen.map(({ rank: _rank, ...r }) => r)) } };
};

const replay: Runner<'replay'> = async (phase, env) => {
  const from = rowsOf(env, phase.inputs.from);
  const { rows, parameters } = await evaluateCandidates(from.base, from.rows, from.window, {
    dir: join(env.dir, 'variants'), name: sweepName(env, phase.id, 'variants'), label: `${phase.id} (replay of ${phase.inputs.from})`,
    phase: phase.id, step: 'variants', variants: phase.inputs.variants as Record<string, unknown>,
  }, env.ctx);
  env.log(`${phase.id}: ${from.rows.length} combinations x variants = ${rows.length} runs on bars ${formatRange(from.window)}`);
  return { results: { ...from, phase: phase.id, parameters: [...from.parameters, ...parameters.filter((p) => !from.parameters.includes(p))], rows } };
};

async function scoreOn(env: PhaseEnv, phase: string, from: RowSet, window: BarRange, step: string): Promise<CandidateRow[]> {
  const { rows } = await evaluateCandidates(from.base, from.rows, window, {
    dir: join(env.dir, step), name: sweepName(env, phase, step), label: `${phase} (${step}, bars ${formatRange(window)})`, phase, step,
  }, env.ctx);
  return rows;
}

const validate: Runner<'validate'> = async (phase, env) => {
  const from = rowsOf(env, phase.inputs.from);
  const planned = env.plan.validation.get(phase.id)!;
  if ('window' in planned) {
    const oos = await scoreOn(env, phase.id, from, planned.window, 'test');
    const rows: ValidatedRow[] = oos.map((r, i) => ({ ...r, in_sample: { metrics: from.rows[i].metrics, objective: from.rows[i].objective }, windows: null }));
    env.log(`${phase.id}: ${rows.length} combinations out of sample on bars ${formatRange(planned.window)}`);
    return { results: { kind: 'validated', phase: phase.id, base: from.base, inSample: from.window, outOfSample: planned.window, parameters: from.parameters, rows } };
  }
  const perWindow: { train: CandidateRow[]; test: CandidateRow[] }[] = [];
  for (const w of planned.walkForward) {
    const train = await scoreOn(env, phase.id, from, w.train, `w${w.index}-train`);
    const test = await scoreOn(env, phase.id, from, w.test, `w${w.index}-test`);
    perWindow.push({ train, test });
    env.log(`${phase.id}: window ${w.index}: train ${formatRange(w.train)}, test ${formatRange(w.test)}${w.partial ? ' (partial)' : ''}`);
  }
  const rows = withRank(from.rows.map((r, i) => {
    const windows: WindowFigures[] = planned.walkForward.map((w, k) => ({
      index: w.index, train: w.train, test: w.test, partial: w.partial,
      in_sample: { metrics: perWindow[k].train[i].metrics, objective: perWindow[k].train[i].objective },
      out_of_sample: { metrics: perWindow[k].test[i].metrics, objective: perWindow[k].test[i].objective },
    }));
    const { rank: _rank, ...row } = r;
    return { ...row, ...meanFigures(windows.map((w) => w.out_of_sample)), in_sample: meanFigures(windows.map((w) => w.in_sample)), windows };
  }));
  return { results: { kind: 'validated', phase: phase.id, base: from.base, inSample: 'walk_forward', outOfSample: { walk_forward: planned.walkForward }, parameters: from.parameters, rows } };
};

const report: Runner<'report'> = async (phase, env) => {
  const from = env.input(phase.inputs.from);
  if (from.kind !== 'validated') throw new Error(`workflow: ${phase.inputs.from} holds ${from.kind}, not validated rows`); // prevented by validation
  const built = buildReport(from, { phase: phase.id, workflow: env.plan.workflow.config.name, objective: env.plan.workflow.config.objective, metrics: phase.inputs.metrics });
  env.log(reportTable(built));
  return { report: built };
};

export const PHASE_RUNNERS: { readonly [T in PhaseType]: Runner<T> } = { generate, select, replay, validate, report };

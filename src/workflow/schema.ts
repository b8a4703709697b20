/**
 * The workflow file (configs/workflows/*.yaml, docs/workflows.md), as zod schemas: the file's
 * shape, and each phase type's inputs. Types are inferred, never written twice. What a schema
 * cannot see (the phase graph, references between phases, windows against the data) is checked
 * by validate.ts and plan.ts, still before anything runs.
 */
import { z } from 'zod';
import { IdSchema } from '../core/ids.ts';
import { MetricsSchema } from '../metrics/types.ts';
import type { Objective } from '../sweep/objective.ts';

export const DEFAULT_OBJECTIVE: Objective = 'sharpe';

/** `<phase id>.<output name>`: an output of an earlier phase. */
export const RefSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.[A-Za-z][A-Za-z0-9_]*$/, 'a reference to an output is written <phase id>.<output name>, e.g. grid.results');

export const BarWindowSchema = z
  .strictObject({ start_bar: z.int().nonnegative().default(0), end_bar: z.int().positive() })
  .refine((w) => w.end_bar > w.start_bar, { message: 'end_bar must be greater than start_bar', path: ['end_bar'] });

/** A training window: end_bar may be left out (to the end of the data). */
export const TrainWindowSchema = z
  .strictObject({ start_bar: z.int().nonnegative().default(0), end_bar: z.int().positive().optional() })
  .refine((w) => w.end_bar === undefined || w.end_bar > w.start_bar, { message: 'end_bar must be greater than start_bar', path: ['end_bar'] });

export const WalkForwardSchema = z.strictObject({
  train: z.int().positive(),
  test: z.int().positive(),
  /** Default: test (test parts tile the data). */
  step: z.int().positive().optional(),
  mode: z.enum(['rolling', 'anchored']).default('rolling'),
  /** First bar of the first training part; default: so that the first test part starts where the in-sample window ends. */
  start: z.int().nonnegative().optional(),
  /** The last window when its test part would run past the data: drop it, or keep it cut short. */
  partial: z.enum(['drop', 'keep']).default('drop'),
});

/** Portfolio settings a replay may vary (lists or ranges are a grid, as in a sweep topology). */
export const VARIANT_KEYS = ['initial_cash', 'close_at_end', 'sizing', 'risk', 'execution'] as const;

export const PHASE_INPUTS = {
  generate: z.strictObject({
    /** A sweep topology: a path (relative to the workflow file) or the topology itself. */
    topology: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    /** The training (in-sample) window, by bar index of the topology's first stream; default all bars. */
    window: TrainWindowSchema.optional(),
  }),
  select: z.strictObject({
    from: RefSchema,
    /** How many to keep, best first by the workflow's objective. */
    top: z.int().positive().max(10_000),
    /** Only combinations with at least this many trades can be selected. */
    min_trades: z.int().nonnegative().default(0),
  }),
  replay: z.strictObject({
    from: RefSchema,
    /** Portfolio settings to vary, e.g. { risk: { stop_loss_pct: [2, 4, null] }, execution: { slippage_bps: [1, 5] } }. */
    variants: z.partialRecord(z.enum(VARIANT_KEYS), z.unknown()).refine((v) => Object.keys(v).length > 0, 'give at least one setting to vary'),
  }),
  validate: z
    .strictObject({
      from: RefSchema,
      /** One out-of-sample window. */
      window: BarWindowSchema.optional(),
      /** Or walk-forward windows. */
      walk_forward: WalkForwardSchema.optional(),
    })
    .refine((v) => (v.window === undefined) !== (v.walk_forward === undefined), 'give exactly one of window or walk_forward'),
  report: z.strictObject({
    from: RefSchema,
    /** Metrics shown side by side, in-sample and out-of-sample (the objective always is). */
    metrics: z.array(MetricsSchema.keyof()).min(1).default(['sharpe', 'total_return', 'max_drawdown', 'trades']),
  }),
} as const;

export type PhaseType = keyof typeof PHASE_INPUTS;
export const PHASE_TYPES = Object.keys(PHASE_INPUTS) as PhaseType[];
export type PhaseInputs<T extends PhaseType> = z.infer<(typeof PHASE_INPUTS)[T]>;

/** An output: the JSON file (in the workflow's folder) it is written to, or null to keep it in memory only. */
export const OutputSchema = z.union([z.string().regex(/^[A-Za-z0-9_.-]+\.json$/, 'an output file is a plain file name ending in .json'), z.null()]);

/** A phase before its inputs are checked against its type (that needs the type: see validate.ts). */
export const PhaseShapeSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'phase ids use letters, digits, _ and - (max 64), starting with a letter or digit'),
  type: z.string(),
  depends_on: z.array(z.string()).default([]),
  inputs: z.record(z.string(), z.unknown()).default({}),
  outputs: z.record(z.string(), OutputSchema).default({}),
  description: z.string().optional(),
});
export type PhaseShape = z.infer<typeof PhaseShapeSchema>;

export const WorkflowShapeSchema = z.strictObject({
  name: IdSchema,
  description: z.string().optional(),
  /** How every phase ranks combinations (higher is better); default sharpe. Checked on its own (validate.ts: ObjectiveSchema) so its errors come with the others. */
  objective: z.unknown().optional(),
  phases: z.array(PhaseShapeSchema).min(1),
});

/** A phase whose inputs passed its type's schema. */
export type Phase = { [T in PhaseType]: Omit<PhaseShape, 'type' | 'inputs'> & { readonly type: T; readonly inputs: PhaseInputs<T> } }[PhaseType];
export type WorkflowConfig = Omit<z.infer<typeof WorkflowShapeSchema>, 'phases' | 'objective'> & { readonly objective: Objective; readonly phases: readonly Phase[] };
export type BarWindow = z.infer<typeof BarWindowSchema>;
export type WalkForwardConfig = z.infer<typeof WalkForwardSchema>;

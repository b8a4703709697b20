/**
 * A decision of the audit trail: a signal that became, or did not become, an order, with
 * its reasons, the strategy, and the risk checks it passed or failed. zod schemas; the
 * types are inferred from them.
 */
import { z } from 'zod';
import { IdSchema } from '../../core/ids.ts';
import type { JsonValue } from '../results/json.ts';

const epochMs = z.number().int('must be an integer epoch ms').refine(Number.isSafeInteger, 'must be a safe integer');

export const RiskCheckSchema = z.object({
  name: z.string().min(1),
  passed: z.boolean(),
  detail: z.string().optional(),
}).strict();
export type RiskCheck = z.infer<typeof RiskCheckSchema>;

export const DecisionSchema = z.object({
  /** Reaches a file name: letters, digits, `_ . -` (see core/ids.ts). */
  id: IdSchema,
  /** When the decision was taken (epoch ms UTC): what list order, time filters and cleanup use. */
  ts: epochMs,
  runId: z.string().min(1).optional(),
  symbol: z.string().min(1),
  strategyId: z.string().min(1),
  /** The signal value that asked for a decision (e.g. -1, 0, 1). */
  signal: z.number().refine(Number.isFinite, 'must be a finite number'),
  outcome: z.enum(['order', 'no_order']),
  orderId: z.number().int().optional(),
  reasons: z.array(z.string()),
  riskChecks: z.array(RiskCheckSchema),
  /** Anything else worth keeping (plain JSON). */
  context: z.custom<JsonValue>().optional(),
}).strict();
export type Decision = z.infer<typeof DecisionSchema>;

/** What save() takes: a decision, its id optional (one is generated). */
export const DecisionInputSchema = DecisionSchema.extend({ id: IdSchema.optional() });
export type DecisionInput = z.infer<typeof DecisionInputSchema>;

/** Fields update() may change (the id never changes). */
export const DecisionPatchSchema = DecisionSchema.omit({ id: true }).partial().strict();
export type DecisionPatch = z.infer<typeof DecisionPatchSchema>;

export const DecisionFilterSchema = z.object({
  symbol: z.string().optional(),
  strategyId: z.string().optional(),
  runId: z.string().optional(),
  outcome: z.enum(['order', 'no_order']).optional(),
  /** Inclusive lower bound on ts. */
  from: epochMs.optional(),
  /** Exclusive upper bound on ts. */
  to: epochMs.optional(),
  /** Most decisions returned (newest first). */
  limit: z.number().int().positive().optional(),
}).strict();
export type DecisionFilter = z.infer<typeof DecisionFilterSchema>;

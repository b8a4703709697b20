/**
 * The `sweep:` block of a topology: how a grid is ranked and run. The grid itself is written
 * in place, as lists or `range(start, stop, step)` in strategy params and portfolio settings
 * (src/sweep/expand.ts, docs/sweeps.md).
 */
import { z } from 'zod';
import { ObjectiveSchema } from './objective.ts';

export const SweepSettingsSchema = z.strictObject({
  /** A metric or a weighted sum of metrics, higher is better (src/sweep/objective.ts). */
  objective: ObjectiveSchema.default('sharpe'),
  /** How many of the best combinations to print (and to select in workflows). */
  top: z.int().positive().max(10_000).default(10),
  /** Combinations per unit of work; fixed by grid index, so results do not depend on the worker count. */
  chunk_size: z.int().positive().max(100_000).default(50),
  /** backtest: full backtests per chunk; replay: generate each strategy instance once, then batch-replay the portfolios. */
  engine: z.enum(['backtest', 'replay']).default('replay'),
  /** Refuse grids larger than this (a typo in a range should not start a million runs). */
  max_combinations: z.int().positive().default(100_000),
});
export type SweepSettings = z.infer<typeof SweepSettingsSchema>;

/**
 * Portfolio settings, validated by zod. Sizing decides the size of a position when it opens:
 * - `fixed_quantity`: that many units (times |leg weight| for multi-leg signals);
 * - `percent_equity` / `percent_cash`: pct% of equity (or cash) at the signal bar's close,
 *   split over the legs by |weight|; converted to units at the signal bar's close
 *   (`basis: signal_close`, default) or at the fill price (`basis: fill_price`), rounded down
 *   to whole units unless `fractional`.
 * Risk: stop-loss / take-profit as a percentage from the entry fill price, a trailing stop as a
 * percentage from the best price since entry, checked against every later bar's range (gap-aware); max_position_pct caps one position's opening notional
 * as a percentage of equity; max_gross_exposure_pct rejects an opening order that would take
 * gross exposure above that percentage of equity.
 */
import { z } from 'zod';
import { IdSchema } from '../core/ids.ts';
import { ExecutionOverrideSchema } from '../execution/config.ts';

const PercentSizing = {
  pct: z.number().positive().max(1000),
  basis: z.enum(['signal_close', 'fill_price']).default('signal_close'),
  fractional: z.boolean().default(false),
};

export const SizingSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fixed_quantity'), quantity: z.number().positive() }),
  z.strictObject({ type: z.literal('percent_equity'), ...PercentSizing }),
  z.strictObject({ type: z.literal('percent_cash'), ...PercentSizing }),
]);
export type Sizing = z.infer<typeof SizingSchema>;

export const RiskSchema = z.strictObject({
  stop_loss_pct: z.number().positive().lt(100).optional(),
  take_profit_pct: z.number().positive().optional(),
  /** A stop that follows the best price since entry at this distance (see docs/semantics.md). */
  trailing_stop_pct: z.number().positive().lt(100).optional(),
  max_position_pct: z.number().positive().optional(),
  max_gross_exposure_pct: z.number().positive().optional(),
});
export type Risk = z.infer<typeof RiskSchema>;

/** Whether a portfolio with these risk settings must watch its streams' bars for exits. */
export const hasPriceExits = (risk: Risk): boolean =>
  risk.stop_loss_pct !== undefined || risk.take_profit_pct !== undefined || risk.trailing_stop_pct !== undefined;

/**
 * The stop level of a position: the fixed stop (±Infinity when none), or the trailing level
 * when it is strictly tighter (long: best high since entry * (1 - pct/100); short: best low *
 * (1 + pct/100)); the exit is a trailing stop exactly when the result differs from the fixed
 * stop. One function for both engines so their levels agree to the bit.
 */
export function stopLevel(long: boolean, fixedStop: number, trailingPct: number | undefined, best: number): number {
  if (trailingPct === undefined) return fixedStop;
  const trail = best * (long ? 1 - trailingPct / 100 : 1 + trailingPct / 100);
  return long ? (trail > fixedStop ? trail : fixedStop) : trail < fixedStop ? trail : fixedStop;
}

export const PortfolioConfigSchema = z.strictObject({
  id: IdSchema,
  strategies: z.array(IdSchema).min(1),
  initial_cash: z.number().positive().default(100_000),
  sizing: SizingSchema.default({ type: 'percent_equity', pct: 95, basis: 'signal_close', fractional: false }),
  risk: RiskSchema.default({}),
  /** Close every open position at the last bar's close when the data ends. */
  close_at_end: z.boolean().default(true),
  execution: ExecutionOverrideSchema.optional(),
  /**
   * Open positions only while `classifier` is in one of `regimes`; closing signals are always
   * honoured (a position opened in the regime closes on its strategy's signal, even after
   * the regime changed). A signal reversing a position outside the regimes only closes it.
   */
  regime_filter: z.strictObject({ classifier: IdSchema, regimes: z.array(z.string()).min(1) }).optional(),
});
export type PortfolioConfig = z.infer<typeof PortfolioConfigSchema>;

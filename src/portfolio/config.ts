/**
 * Portfolio settings, validated by zod. Sizing decides the size of a position when it opens:
 * - `fixed_quantity`: that many units (times |leg weight| for multi-leg signals);
 * - `percent_equity` / `percent_cash`: pct% of equity (or cash) at the signal bar's close,
 *   split over the legs by |weight|; converted to units at the signal bar's close
 *   (`basis: signal_close`, default) or at the fill price (`basis: fill_price`), rounded down
 *   to whole units unless `fractional`.
 * Risk: stop-loss / take-profit as a percentage from the entry fill price, checked against
 * every later bar's range (gap-aware); max_position_pct caps one position's opening notional
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
  max_position_pct: z.number().positive().optional(),
  max_gross_exposure_pct: z.number().positive().optional(),
});
export type Risk = z.infer<typeof RiskSchema>;

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

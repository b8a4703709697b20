/**
 * Execution settings, validated by zod (every key used or rejected). Semantics, all exact:
 * - fill `next_open` (default): a market order decided at a bar's close fills at the open of
 *   the next bar of the same stream; `signal_close`: it fills at the deciding bar's close.
 * - commission per fill leg: `percent` of traded value (pct), `per_unit` (amount per unit,
 *   with an optional minimum per order), `fixed` per order, or `none`.
 * - slippage in basis points moves every market or stop fill against the trader
 *   (buys at price*(1+bps/1e4), sells at price*(1-bps/1e4)); take-profit (limit) fills get none.
 * - on_insufficient_cash: `reject` publishes ORDER_REJECTED, `resize` buys what buying power allows.
 */
import { z } from 'zod';

export const CommissionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('percent'), pct: z.number().min(0).max(100) }),
  z.strictObject({ type: z.literal('per_unit'), amount: z.number().min(0), min_per_order: z.number().min(0).default(0) }),
  z.strictObject({ type: z.literal('fixed'), amount: z.number().min(0) }),
]);
export type Commission = z.infer<typeof CommissionSchema>;

export const FillTimingSchema = z.enum(['next_open', 'signal_close']);

export const ExecutionConfigSchema = z.strictObject({
  fill: FillTimingSchema.default('next_open'),
  commission: CommissionSchema.default({ type: 'none' }),
  slippage_bps: z.number().min(0).max(10_000).default(0),
  on_insufficient_cash: z.enum(['reject', 'resize']).default('reject'),
});
export type ExecutionConfig = z.infer<typeof ExecutionConfigSchema>;

/** Per-portfolio overrides of the topology's execution settings (no defaults: absent keys inherit). */
export const ExecutionOverrideSchema = z.strictObject({
  fill: FillTimingSchema.optional(),
  commission: CommissionSchema.optional(),
  slippage_bps: z.number().min(0).max(10_000).optional(),
  on_insufficient_cash: z.enum(['reject', 'resize']).optional(),
});

export function commissionFor(model: Commission, quantity: number, price: number): number {
  const units = Math.abs(quantity);
  switch (model.type) {
    case 'none':
      return 0;
    case 'percent':
      return (model.pct / 100) * units * price;
    case 'per_unit':
      return Math.max(model.amount * units, model.min_per_order);
    case 'fixed':
      return model.amount;
  }
}

/** Price after slippage for a buy (side 1) or a sell (side -1). */
export function slipped(price: number, side: number, bps: number): number {
  return bps === 0 ? price : price * (1 + (side * bps) / 10_000);
}

/**
 * The largest quantity whose cost (units * price + commission) fits in `budget`:
 * whole units unless `fractional`. Solved in closed form, then checked exactly.
 */
export function affordableQuantity(model: Commission, price: number, budget: number, fractional: boolean): number {
  if (budget <= 0 || price <= 0) return 0;
  let q: number;
  switch (model.type) {
    case 'none':
      q = budget / price;
      break;
    case 'percent':
      q = budget / (price * (1 + model.pct / 100));
      break;
    case 'per_unit':
      q = budget / (price + model.amount);
      if (model.amount * q < model.min_per_order) q = (budget - model.min_per_order) / price;
      break;
    case 'fixed':
      q = (budget - model.amount) / price;
      break;
  }
  if (!(q > 0)) return 0;
  if (fractional) return q;
  q = Math.floor(q);
  while (q > 0 && q * price + commissionFor(model, q, price) > budget) q--;
  return q;
}

/**
 * fast-check arbitraries shared by the replay property tests (batch-replay.test.ts,
 * batch-replay-one-stream.test.ts, replay-equivalence.test.ts): a strategy's params from its
 * declared space, and the portfolio settings the batch replay must honour.
 */
import fc from 'fast-check';
import { getStrategy } from '../../src/strategies/registry.ts';

/** Params for a strategy type: a value of each declared param's space, and long_only. */
export const paramsArb = (type: string) => {
  const space = getStrategy(type).paramSpace;
  const keys = Object.keys(space);
  return fc.tuple(...keys.map((k) => fc.constantFrom(...space[k])), fc.boolean()).map((values) => {
    const params: Record<string, unknown> = Object.fromEntries(keys.map((k, i) => [k, values[i]]));
    params.long_only = values[keys.length];
    return params;
  });
};

/** Every sizing: fixed whole or fractional quantities, a percent of equity or cash on either basis. */
export const sizingArb = fc.oneof(
  fc.record({ type: fc.constant('fixed_quantity'), quantity: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.5, max: 50, noNaN: true })) }),
  fc.record({ type: fc.constantFrom('percent_equity', 'percent_cash'), pct: fc.integer({ min: 5, max: 150 }), basis: fc.constantFrom('signal_close', 'fill_price'), fractional: fc.boolean() }),
);

/** Every commission model. */
export const commissionArb = fc.oneof(
  fc.constant({ type: 'none' }),
  fc.record({ type: fc.constant('percent'), pct: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
  fc.record({ type: fc.constant('per_unit'), amount: fc.double({ min: 0, max: 0.05, noNaN: true }), min_per_order: fc.constantFrom(0, 1) }),
  fc.record({ type: fc.constant('fixed'), amount: fc.constantFrom(0, 1, 5) }),
);

/** Execution settings: fill timing, costs and what happens when buying power runs out. */
export const executionArb = fc.record({
  fill: fc.constantFrom('next_open', 'signal_close'),
  commission: commissionArb,
  slippage_bps: fc.constantFrom(0, 1, 5, 20),
  on_insufficient_cash: fc.constantFrom('reject', 'resize'),
});

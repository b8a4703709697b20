/**
 * The hot path checks rows and trades by hand (a zod parse per tick would cost more than the
 * loop); these properties hold the hand-written checks to exactly the verdicts of the zod
 * schemas, which are the contract.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isPerformanceRow, isTradeRecord, PerformanceRowSchema, TradeRecordSchema,
} from '../../../src/stores/results/records.ts';
import { trade } from './helpers/records.ts';

/** Values that break a field in every way the checks care about. */
const oddValue = fc.constantFrom<unknown>(
  undefined, null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, -0, 0, 2 ** 53, -(2 ** 53) - 2,
  '', 'long', 'short', 'signal', 'stop_loss', 'nope', '12', true, [], {}, 10n,
);

describe('hand-written checks agree with the schemas', () => {
  it('trades', () => {
    const fields = Object.keys(trade(0));
    fc.assert(
      fc.property(fc.nat(1000), fc.array(fc.tuple(fc.constantFrom(...fields, 'extra'), oddValue), { maxLength: 3 }), (i, changes) => {
        const t: Record<string, unknown> = { ...trade(i) };
        for (const [key, value] of changes) {
          if (value === undefined && key !== 'extra') delete t[key];
          else t[key] = value;
        }
        expect(isTradeRecord(t)).toBe(TradeRecordSchema.safeParse(t).success);
      }),
      { numRuns: 5000 },
    );
    expect(isTradeRecord(trade(3))).toBe(true);
    expect(isTradeRecord(null)).toBe(false);
  });

  it('performance rows', () => {
    fc.assert(
      fc.property(fc.record({ portfolioId: fc.oneof(fc.string(), oddValue), equity: fc.oneof(fc.double(), oddValue), cash: fc.oneof(fc.double(), oddValue) }, { requiredKeys: [] }), (row) => {
        expect(isPerformanceRow(row)).toBe(PerformanceRowSchema.safeParse(row).success);
      }),
      { numRuns: 5000 },
    );
  });
});

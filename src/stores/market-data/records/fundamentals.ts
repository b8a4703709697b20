/**
 * Fundamentals of a symbol, one discriminated record type per `type`: earnings dates, dividends,
 * splits, sector membership, and price/split adjustment factors (the Lean factor-file rows:
 * a factor row dated d applies to bars on or before d; reference_price 0 marks the sentinel).
 * `ts` is the event date (announcement, ex-date, effective date); one record per type per ts.
 */
import { z } from 'zod';
import { column, finite, isoDate, nonNegative, oneOf, positive, text, timeField, type KindSpec } from '../kind-spec.ts';

const ts = timeField();

export const EarningsSchema = z.object({
  type: z.literal('earnings'),
  ts,
  fiscal_period: text('fiscal_period', 16),
  timing: oneOf('timing', ['bmo', 'amc', 'dmh', 'unknown']).optional(),
  eps_estimate: finite('eps_estimate').optional(),
  eps_actual: finite('eps_actual').optional(),
  revenue_estimate: finite('revenue_estimate').optional(),
  revenue_actual: finite('revenue_actual').optional(),
});
export const DividendSchema = z.object({
  type: z.literal('dividend'),
  ts,
  amount: positive('amount'),
  pay_date: isoDate('pay_date').optional(),
  currency: text('currency', 3).optional(),
});
export const SplitSchema = z.object({ type: z.literal('split'), ts, ratio: positive('ratio') });
export const SectorSchema = z.object({ type: z.literal('sector'), ts, sector: text('sector', 64), industry: text('industry', 128).optional() });
export const FactorSchema = z.object({
  type: z.literal('factor'),
  ts,
  price_factor: positive('price_factor'),
  split_factor: positive('split_factor'),
  reference_price: nonNegative('reference_price'),
});

export const FundamentalRecordSchema = z.discriminatedUnion('type', [EarningsSchema, DividendSchema, SplitSchema, SectorSchema, FactorSchema], {
  error: (iss) => `type must be one of earnings, dividend, split, sector, factor (${JSON.stringify((iss.input as { type?: unknown } | undefined)?.type ?? null)})`,
});
export type FundamentalRecord = z.infer<typeof FundamentalRecordSchema>;
export type FundamentalType = FundamentalRecord['type'];

export const fundamentalsKind: KindSpec<FundamentalRecord> = {
  kind: 'fundamentals',
  schema: FundamentalRecordSchema,
  columns: [
    column('ts', 'time'),
    column('type', 'string'),
    column('fiscal_period', 'string', true),
    column('timing', 'string', true),
    column('eps_estimate', 'number', true),
    column('eps_actual', 'number', true),
    column('revenue_estimate', 'number', true),
    column('revenue_actual', 'number', true),
    column('amount', 'number', true),
    column('pay_date', 'string', true),
    column('currency', 'string', true),
    column('ratio', 'number', true),
    column('sector', 'string', true),
    column('industry', 'string', true),
    column('price_factor', 'number', true),
    column('split_factor', 'number', true),
    column('reference_price', 'number', true),
  ],
  timeField: 'ts',
  time: (r) => r.ts,
  key: (r) => r.type,
  hasSymbol: true,
  hasTimeframe: false,
  // Reference data is small: one partition per series rather than many tiny yearly files.
  granularity: () => 'all',
};

/**
 * Options chains: one record per contract per snapshot time `ts` of the underlying's chain.
 * A contract is identified by (expiry, strike, right); `getOptionsChain(symbol, at)` returns the
 * latest snapshot taken at or before `at`.
 */
import { z } from 'zod';
import { column, finite, isoDate, nonNegative, oneOf, positive, timeField, type KindSpec } from '../kind-spec.ts';

export const OptionRecordSchema = z
  .object({
    ts: timeField(),
    expiry: isoDate('expiry'),
    strike: positive('strike'),
    right: oneOf('right', ['C', 'P']),
    bid: nonNegative('bid'),
    ask: nonNegative('ask'),
    last: positive('last').optional(),
    volume: nonNegative('volume'),
    open_interest: nonNegative('open_interest'),
    iv: nonNegative('iv').optional(),
    delta: finite('delta').refine((v) => v >= -1 && v <= 1, { error: (iss) => `delta must be within [-1, 1] (${String(iss.input)})` }).optional(),
    gamma: finite('gamma').optional(),
    theta: finite('theta').optional(),
    vega: finite('vega').optional(),
    underlying_price: positive('underlying_price').optional(),
  })
  .refine((o) => o.ask >= o.bid, { error: (iss) => {
    const o = iss.input as { bid: number; ask: number };
    return `crossed quote: ask (${o.ask}) < bid (${o.bid})`;
  } });
export type OptionRecord = z.infer<typeof OptionRecordSchema>;

export const optionsKind: KindSpec<OptionRecord> = {
  kind: 'options',
  schema: OptionRecordSchema,
  columns: [
    column('ts', 'time'),
    column('expiry', 'string'),
    column('strike', 'number'),
    column('right', 'string'),
    column('bid', 'number'),
    column('ask', 'number'),
    column('last', 'number', true),
    column('volume', 'number'),
    column('open_interest', 'number'),
    column('iv', 'number', true),
    column('delta', 'number', true),
    column('gamma', 'number', true),
    column('theta', 'number', true),
    column('vega', 'number', true),
    column('underlying_price', 'number', true),
  ],
  timeField: 'ts',
  time: (r) => r.ts,
  key: (r) => `${r.expiry}|${r.strike}|${r.right}`,
  hasSymbol: true,
  hasTimeframe: false,
  granularity: () => 'month',
};

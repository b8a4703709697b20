/** Options flow events (unusual activity: sweeps, blocks, ...), identified by the provider's `id`. */
import { z } from 'zod';
import { column, isoDate, nonNegative, oneOf, positive, text, timeField, type KindSpec } from '../kind-spec.ts';

export const FlowRecordSchema = z.object({
  ts: timeField(),
  id: text('id', 64),
  expiry: isoDate('expiry'),
  strike: positive('strike'),
  right: oneOf('right', ['C', 'P']),
  flow_type: oneOf('flow_type', ['sweep', 'block', 'split', 'unusual']),
  side: oneOf('side', ['buy', 'sell', 'mid', 'unknown']),
  size: positive('size'),
  price: positive('price'),
  premium: nonNegative('premium'),
  sentiment: oneOf('sentiment', ['bullish', 'bearish', 'neutral']).optional(),
  underlying_price: positive('underlying_price').optional(),
  open_interest: nonNegative('open_interest').optional(),
});
export type FlowRecord = z.infer<typeof FlowRecordSchema>;

export const flowKind: KindSpec<FlowRecord> = {
  kind: 'flow',
  schema: FlowRecordSchema,
  columns: [
    column('ts', 'time'),
    column('id', 'string'),
    column('expiry', 'string'),
    column('strike', 'number'),
    column('right', 'string'),
    column('flow_type', 'string'),
    column('side', 'string'),
    column('size', 'number'),
    column('price', 'number'),
    column('premium', 'number'),
    column('sentiment', 'string', true),
    column('underlying_price', 'number', true),
    column('open_interest', 'number', true),
  ],
  timeField: 'ts',
  time: (r) => r.ts,
  key: (r) => r.id,
  hasSymbol: true,
  hasTimeframe: false,
  granularity: () => 'month',
};

/** Trades (ticks). Several trades can share a millisecond, so `trade_id` is part of the key. */
import { z } from 'zod';
import { column, positive, text, timeField, type KindSpec } from '../kind-spec.ts';

export const TradeRecordSchema = z.object({
  ts: timeField(),
  trade_id: text('trade_id', 64),
  price: positive('price'),
  size: positive('size'),
  exchange: text('exchange', 16).optional(),
  conditions: text('conditions', 64).optional(),
});
export type TradeRecord = z.infer<typeof TradeRecordSchema>;

export const tradesKind: KindSpec<TradeRecord> = {
  kind: 'trades',
  schema: TradeRecordSchema,
  columns: [
    column('ts', 'time'),
    column('trade_id', 'string'),
    column('price', 'number'),
    column('size', 'number'),
    column('exchange', 'string', true),
    column('conditions', 'string', true),
  ],
  timeField: 'ts',
  time: (r) => r.ts,
  key: (r) => r.trade_id,
  hasSymbol: true,
  hasTimeframe: false,
  granularity: () => 'month',
};

/** Top-of-book quotes (bid/ask). `seq` orders several quotes within the same millisecond. */
import { z } from 'zod';
import { column, finite, nonNegative, positive, text, timeField, type KindSpec } from '../kind-spec.ts';

export const QuoteRecordSchema = z
  .object({
    ts: timeField(),
    bid: positive('bid'),
    ask: positive('ask'),
    bid_size: nonNegative('bid_size'),
    ask_size: nonNegative('ask_size'),
    seq: finite('seq').refine((v) => Number.isInteger(v) && v >= 0, { error: 'seq must be a whole number >= 0' }).optional(),
    exchange: text('exchange', 16).optional(),
  })
  .refine((q) => q.ask >= q.bid, { error: (iss) => {
    const q = iss.input as { bid: number; ask: number };
    return `crossed quote: ask (${q.ask}) < bid (${q.bid})`;
  } });
export type QuoteRecord = z.infer<typeof QuoteRecordSchema>;

export const quotesKind: KindSpec<QuoteRecord> = {
  kind: 'quotes',
  schema: QuoteRecordSchema,
  columns: [
    column('ts', 'time'),
    column('bid', 'number'),
    column('ask', 'number'),
    column('bid_size', 'number'),
    column('ask_size', 'number'),
    column('seq', 'number', true),
    column('exchange', 'string', true),
  ],
  timeField: 'ts',
  time: (r) => r.ts,
  key: (r) => String(r.seq ?? 0),
  hasSymbol: true,
  hasTimeframe: false,
  granularity: () => 'month',
};

/**
 * Bars (every timeframe). The schema is the data layer's BarRowSchema (so a bar the file
 * loader accepts is a bar the store accepts, with the same messages), plus whole-millisecond
 * stamps, which Parquet TIMESTAMP_MILLIS needs and the year bounds of the partition names.
 */
import type { z } from 'zod';
import { BarRowSchema } from '../../../data/validation.ts';
import { timeframeMs } from '../../../core/timeframe.ts';
import { column, type KindSpec } from '../kind-spec.ts';
import { MAX_TS, MIN_TS } from '../layout.ts';

export const BarRecordSchema = BarRowSchema.refine((r) => Number.isInteger(r.start) && r.start >= MIN_TS && r.start <= MAX_TS, {
  error: (iss) => {
    const start = (iss.input as { start?: unknown } | undefined)?.start;
    return `start must be whole epoch milliseconds between the years 1000 and 9999 (${String(start)})`;
  },
});
export type BarRecord = z.infer<typeof BarRecordSchema>;

const HOUR_MS = 3_600_000;

export const barsKind: KindSpec<BarRecord> = {
  kind: 'bars',
  schema: BarRecordSchema,
  columns: [
    column('start', 'time'),
    column('open', 'number'),
    column('high', 'number'),
    column('low', 'number'),
    column('close', 'number'),
    column('volume', 'number'),
  ],
  timeField: 'start',
  time: (r) => r.start,
  key: () => '',
  hasSymbol: true,
  hasTimeframe: true,
  // Intraday bars by month (a month of 1m bars is ~8k rows); hourly and slower by year, so a
  // daily series is not spread over hundreds of 21-row files.
  granularity: (timeframe) => (timeframeMs(timeframe) < HOUR_MS ? 'month' : 'year'),
};

/** The summary record (storeBacktestResults / storeLiveResults) as journaled and as written to `summary-<n>.json`. */
import { z } from 'zod';
import type { JsonValue } from './json.ts';

export const SummaryRecordSchema = z.object({
  /** true for a backtest's final results: the run is complete afterwards. */
  final: z.boolean(),
  mode: z.enum(['backtest', 'live']),
  summary: z.custom<JsonValue>((v) => v !== undefined),
});
export type SummaryRecord = z.infer<typeof SummaryRecordSchema>;

export const SummaryFileSchema = SummaryRecordSchema.extend({ run_id: z.string(), seq: z.number().int().nonnegative() });
export type SummaryFile = z.infer<typeof SummaryFileSchema>;

/**
 * Computed features written back by the feature side: one value per (canonical feature name,
 * time) of a symbol-timeframe series, e.g. `sma_20` or `bollinger_20_2.0_upper`.
 */
import { z } from 'zod';
import { timeframeMs } from '../../../core/timeframe.ts';
import { column, finite, text, timeField, type KindSpec } from '../kind-spec.ts';

export const FEATURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const FeatureRecordSchema = z.object({
  ts: timeField(),
  name: text('name', 128).regex(FEATURE_NAME, { error: (iss) => `name must use letters, digits, _ . - (${JSON.stringify(iss.input)})` }),
  value: finite('value'),
});
export type FeatureRecord = z.infer<typeof FeatureRecordSchema>;

export const featuresKind: KindSpec<FeatureRecord> = {
  kind: 'features',
  schema: FeatureRecordSchema,
  columns: [column('ts', 'time'), column('name', 'string'), column('value', 'number')],
  timeField: 'ts',
  time: (r) => r.ts,
  key: (r) => r.name,
  hasSymbol: true,
  hasTimeframe: true,
  granularity: (timeframe) => (timeframeMs(timeframe) < 3_600_000 ? 'month' : 'year'),
};

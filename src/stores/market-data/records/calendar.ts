/** Scheduled macro events (FOMC, CPI, NFP, ...): market-wide, so no symbol; identified by `id`. */
import { z } from 'zod';
import { column, finite, oneOf, text, timeField, type KindSpec } from '../kind-spec.ts';

export const CalendarRecordSchema = z.object({
  ts: timeField(),
  id: text('id', 64),
  type: text('type', 32).regex(/^[A-Z0-9_]+$/, { error: (iss) => `type must be UPPER_CASE letters, digits or _ (${JSON.stringify(iss.input)})` }),
  name: text('name', 256),
  country: text('country', 3).optional(),
  importance: oneOf('importance', ['low', 'medium', 'high']).optional(),
  actual: finite('actual').optional(),
  forecast: finite('forecast').optional(),
  previous: finite('previous').optional(),
});
export type CalendarRecord = z.infer<typeof CalendarRecordSchema>;

export const calendarKind: KindSpec<CalendarRecord> = {
  kind: 'calendar',
  schema: CalendarRecordSchema,
  columns: [
    column('ts', 'time'),
    column('id', 'string'),
    column('type', 'string'),
    column('name', 'string'),
    column('country', 'string', true),
    column('importance', 'string', true),
    column('actual', 'number', true),
    column('forecast', 'number', true),
    column('previous', 'number', true),
  ],
  timeField: 'ts',
  time: (r) => r.ts,
  key: (r) => r.id,
  hasSymbol: false,
  hasTimeframe: false,
  // Reference data is small: one partition per series rather than many tiny yearly files.
  granularity: () => 'all',
};

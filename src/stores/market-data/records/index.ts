/** The record kinds of the store and their specs, by name. */
import type { KindSpec, StoredRecord } from '../kind-spec.ts';
import type { RecordKind } from '../layout.ts';
import { barsKind } from './bars.ts';
import { calendarKind } from './calendar.ts';
import { featuresKind } from './features.ts';
import { flowKind } from './flow.ts';
import { fundamentalsKind } from './fundamentals.ts';
import { optionsKind } from './options.ts';
import { quotesKind } from './quotes.ts';
import { tradesKind } from './trades.ts';

export { barsKind, BarRecordSchema, type BarRecord } from './bars.ts';
export { quotesKind, QuoteRecordSchema, type QuoteRecord } from './quotes.ts';
export { tradesKind, TradeRecordSchema, type TradeRecord } from './trades.ts';
export { optionsKind, OptionRecordSchema, type OptionRecord } from './options.ts';
export { flowKind, FlowRecordSchema, type FlowRecord } from './flow.ts';
export { fundamentalsKind, FundamentalRecordSchema, type FundamentalRecord, type FundamentalType } from './fundamentals.ts';
export { calendarKind, CalendarRecordSchema, type CalendarRecord } from './calendar.ts';
export { featuresKind, FeatureRecordSchema, type FeatureRecord } from './features.ts';

/**
 * Every spec, erased to plain records: the generic machinery (validation, Parquet codec,
 * compaction) handles records as field maps; typed access happens in the query functions.
 */
export const KIND_SPECS: Readonly<Record<RecordKind, KindSpec<StoredRecord>>> = {
  bars: barsKind as KindSpec<StoredRecord>,
  quotes: quotesKind as KindSpec<StoredRecord>,
  trades: tradesKind as KindSpec<StoredRecord>,
  options: optionsKind as KindSpec<StoredRecord>,
  flow: flowKind as KindSpec<StoredRecord>,
  fundamentals: fundamentalsKind as KindSpec<StoredRecord>,
  calendar: calendarKind as KindSpec<StoredRecord>,
  features: featuresKind as KindSpec<StoredRecord>,
};

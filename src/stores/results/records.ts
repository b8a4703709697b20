/**
 * What the loop hands to the ResultsStore, as zod schemas (the types are inferred from them).
 *
 * Four data types per run, each written to its own files in the order it was stored:
 *   performance - one row per portfolio per timestep (equity, cash)
 *   trades      - one row per closed round trip (the engine's Trade)
 *   events      - free-form event rows (a type, a source and a JSON payload)
 *   summary     - the run's summary document (metrics, stats): latest one wins
 *
 * The schemas are the contract and produce the error messages; the hot path checks
 * performance rows and trades with the hand-written `check*` functions below (a zod parse
 * per tick would cost more than the whole bar loop), which a property test holds to the
 * same verdicts as the schemas.
 */
import { z } from 'zod';
import { describeIssues, StoreInputError } from './errors.ts';
import { assertJson, type JsonValue } from './json.ts';

export const RECORD_KINDS = ['performance', 'trades', 'events', 'summary'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
/** The kinds written as tables (summary is a single JSON document). */
export const TABLE_KINDS = ['performance', 'trades', 'events'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const epochMs = z.number().int('must be an integer epoch ms').refine(Number.isSafeInteger, 'must be a safe integer');

export const PerformanceRowSchema = z.object({
  portfolioId: z.string().min(1),
  equity: finite,
  cash: finite,
});
export type PerformanceRow = z.infer<typeof PerformanceRowSchema>;

export const TradeRecordSchema = z.object({
  portfolioId: z.string(),
  strategyId: z.string(),
  symbol: z.string(),
  stream: z.string(),
  direction: z.enum(['long', 'short']),
  quantity: finite,
  entryTime: epochMs,
  entryBarIdx: z.number().int(),
  entryPrice: finite,
  exitTime: epochMs,
  exitBarIdx: z.number().int(),
  exitPrice: finite,
  commission: finite,
  pnl: finite,
  returnPct: finite,
  bars: z.number().int(),
  exitReason: z.enum(['signal', 'stop_loss', 'trailing_stop', 'take_profit', 'end_of_data']),
});
export type TradeRecord = z.infer<typeof TradeRecordSchema>;

export const EventRecordSchema = z.object({
  ts: epochMs,
  type: z.string().min(1),
  source: z.string(),
  /** Any JSON value (checked by assertJson: finite numbers, no cycles, plain objects). */
  payload: z.custom<JsonValue>(() => true),
});
export type EventRecord = z.infer<typeof EventRecordSchema>;

/** One timestep of one run. Rows are copied on the call; trades, events and payloads are kept by reference and must not be mutated afterwards. */
export const TimestepResultsSchema = z.object({
  runId: z.string(),
  portfolios: z.array(PerformanceRowSchema).optional(),
  trades: z.array(TradeRecordSchema).optional(),
  events: z.array(EventRecordSchema).optional(),
});
export type TimestepResults = z.infer<typeof TimestepResultsSchema>;

/** Final (backtest) or latest (live) results of a run: a summary plus records not stored per timestep. */
export const RunResultsSchema = z.object({
  summary: z.custom<JsonValue>(() => true),
  performance: z.array(PerformanceRowSchema.extend({ ts: epochMs })).optional(),
  trades: z.array(TradeRecordSchema).optional(),
  events: z.array(EventRecordSchema).optional(),
});
export type RunResults = z.infer<typeof RunResultsSchema>;

/** Stored rows as read back: the record plus its sequence number within its run and data type. */
export type StoredPerformance = PerformanceRow & { readonly seq: number; readonly ts: number };
export type StoredTrade = TradeRecord & { readonly seq: number };
export type StoredEvent = EventRecord & { readonly seq: number };
export interface StoredRows {
  performance: StoredPerformance;
  trades: StoredTrade;
  events: StoredEvent;
}

// ---- hot-path checks (same verdicts as the schemas; zod only builds the message) ----

/** Same verdict as TradeRecordSchema; plain property reads (a keyed loop over field names is several times slower). */
export function isTradeRecord(t: unknown): t is TradeRecord {
  if (typeof t !== 'object' || t === null) return false;
  const r = t as TradeRecord;
  const reason = r.exitReason;
  return typeof r.portfolioId === 'string' && typeof r.strategyId === 'string' && typeof r.symbol === 'string' && typeof r.stream === 'string' &&
    (r.direction === 'long' || r.direction === 'short') &&
    finiteNumber(r.quantity) && finiteNumber(r.entryPrice) && finiteNumber(r.exitPrice) &&
    finiteNumber(r.commission) && finiteNumber(r.pnl) && finiteNumber(r.returnPct) &&
    Number.isSafeInteger(r.entryBarIdx) && Number.isSafeInteger(r.exitBarIdx) && Number.isSafeInteger(r.bars) &&
    Number.isSafeInteger(r.entryTime) && Number.isSafeInteger(r.exitTime) &&
    (reason === 'signal' || reason === 'stop_loss' || reason === 'trailing_stop' || reason === 'take_profit' || reason === 'end_of_data');
}

function finiteNumber(v: unknown): boolean {
  return typeof v === 'number' && v - v === 0;
}

export function checkTrade(t: unknown, where: string): TradeRecord {
  if (isTradeRecord(t)) return t;
  const parsed = TradeRecordSchema.safeParse(t);
  throw new StoreInputError(where, parsed.success ? 'not a trade record' : describeIssues(parsed.error));
}

export function checkEvent(e: unknown, where: string): EventRecord {
  const parsed = EventRecordSchema.safeParse(e);
  if (!parsed.success) throw new StoreInputError(where, describeIssues(parsed.error));
  assertJson((e as EventRecord).payload, where, 'payload');
  return e as EventRecord;
}

export function isPerformanceRow(row: unknown): row is PerformanceRow {
  if (typeof row !== 'object' || row === null) return false;
  const r = row as Record<string, unknown>;
  return typeof r.portfolioId === 'string' && r.portfolioId !== '' &&
    typeof r.equity === 'number' && Number.isFinite(r.equity) &&
    typeof r.cash === 'number' && Number.isFinite(r.cash);
}

export function performanceRowError(row: unknown, where: string): StoreInputError {
  const parsed = PerformanceRowSchema.safeParse(row);
  return new StoreInputError(where, parsed.success ? 'not a performance row' : describeIssues(parsed.error));
}

/** Validates storeBacktestResults / storeLiveResults input; performance rows are copied. */
export function checkRunResults(results: unknown, where: string): {
  summary: JsonValue; performance: (PerformanceRow & { ts: number })[]; trades: TradeRecord[]; events: EventRecord[];
} {
  if (results === null || typeof results !== 'object') throw new StoreInputError(where, 'results must be an object with a summary');
  const r = results as RunResults;
  assertJson(r.summary, where, 'summary');
  const list = <T>(value: readonly T[] | undefined, name: string): readonly T[] => {
    if (value !== undefined && !Array.isArray(value)) throw new StoreInputError(where, `${name} must be an array`);
    return value ?? [];
  };
  const performance = list(r.performance, 'performance').map((row, i) => {
    if (!isPerformanceRow(row)) throw performanceRowError(row, `${where} performance[${i}]`);
    return { ts: checkTimestamp(row.ts, `${where} performance[${i}]`), portfolioId: row.portfolioId, equity: row.equity, cash: row.cash };
  });
  const trades = list(r.trades, 'trades').map((t, i) => checkTrade(t, `${where} trades[${i}]`));
  const events = list(r.events, 'events').map((e, i) => checkEvent(e, `${where} events[${i}]`));
  return { summary: r.summary, performance, trades, events };
}

export function checkTimestamp(ts: unknown, where: string): number {
  if (typeof ts === 'number' && Number.isSafeInteger(ts)) return ts;
  throw new StoreInputError(where, `ts must be an integer epoch ms, got ${typeof ts === 'number' ? String(ts) : typeof ts}`);
}

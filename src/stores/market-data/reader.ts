/**
 * The read-only query surface of the store, shared by the live store and by snapshot views:
 * getBars, getLatestBar, getQuotes, getLatestQuote, getTrades, getOptionsChain,
 * getFlowEvents, getFundamentals, getEvents, getFeature. Every range is [start, end) on the
 * record time (a bar's start), with open ends when omitted. Range reads touch only the files
 * whose time range meets the query, and in them only the row groups whose time statistics meet
 * it; "latest" reads go through the LRU+TTL cache.
 */
import type { BarSeries } from '../../data/bar-series.ts';
import { createBarSeries } from '../../data/series.ts';
import { ParquetFileError } from '../../parquet/index.ts';
import { barFilesIn, readBarColumns } from './bar-reader.ts';
import { LruTtlCache } from './cache.ts';
import { compareRecords } from './codec.ts';
import { MarketDataError } from './errors.ts';
import type { StoredRecord } from './kind-spec.ts';
import { checkSymbol, checkTimeframe, NO_SLOT, seriesKey, type RecordKind, type SeriesId } from './layout.ts';
import { partitionsOf, type FileEntry, type Manifest } from './manifest.ts';
import type { StoreMetrics } from './metrics.ts';
import { readFileRecords, type FileSource } from './partition-io.ts';
import { checkInstant, checkRange } from './ranges.ts';
import {
  KIND_SPECS,
  optionsKind,
  type BarRecord,
  type CalendarRecord,
  type FlowRecord,
  type FundamentalRecord,
  type OptionRecord,
  type QuoteRecord,
  type TradeRecord,
} from './records/index.ts';
import { FEATURE_NAME } from './records/features.ts';
import { summarizeSeries, type SeriesSummary } from './series-summary.ts';

export interface ReaderContext {
  readonly source: FileSource;
  /** The manifest to read: the live one (reloaded when another process committed) or a snapshot's. */
  manifest(): Promise<Manifest>;
  /** Prefix of BarSeries.source, e.g. `market-data-store:/data/store`. */
  readonly label: string;
  readonly cache: LruTtlCache;
  readonly metrics: StoreMetrics;
}

export interface OptionsChain {
  readonly symbol: string;
  /** Time of the chain snapshot returned (the latest at or before `at`), or null when none. */
  readonly ts: number | null;
  readonly contracts: readonly OptionRecord[];
}

/** The member of a discriminated union with `type` T. */
export type OfType<U, T> = U extends { type: T } ? U : never;
export interface Fundamentals {
  readonly symbol: string;
  readonly earnings: readonly OfType<FundamentalRecord, 'earnings'>[];
  readonly dividends: readonly OfType<FundamentalRecord, 'dividend'>[];
  readonly splits: readonly OfType<FundamentalRecord, 'split'>[];
  readonly factors: readonly OfType<FundamentalRecord, 'factor'>[];
  readonly sectors: readonly OfType<FundamentalRecord, 'sector'>[];
  /** The sector record with the latest effective date, if any. */
  readonly sector: OfType<FundamentalRecord, 'sector'> | undefined;
}

export interface FeatureSeries {
  readonly symbol: string;
  readonly timeframe: string;
  readonly name: string;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

const CALENDAR: SeriesId = { kind: 'calendar', symbol: NO_SLOT, timeframe: NO_SLOT };

function notFound(error: unknown): boolean {
  return (error instanceof ParquetFileError || error instanceof MarketDataError) && / not found: /.test(error.message);
}

export class MarketDataReader {
  constructor(protected readonly ctx: ReaderContext) {}

  /**
   * Bars of (symbol, timeframe) with start in [start, end), as a BarSeries whose columns and
   * content hash equal those of the same bars loaded from their file. Throws when the store
   * holds no bars at all for the pair (an empty range gives an empty series).
   */
  async getBars(symbol: string, timeframe: string, start?: number, end?: number): Promise<BarSeries> {
    checkSymbol(symbol, 'getBars');
    checkTimeframe(timeframe, 'getBars');
    const [s, e] = checkRange('getBars', start, end);
    return this.timed('getBars', async (m) => {
      if (partitionsOf(m, { kind: 'bars', symbol, timeframe }).length === 0) {
        const have = this.seriesOf(m, 'bars').map((x) => `${x.symbol} ${x.timeframe}`);
        throw new MarketDataError(`no bars stored for ${symbol} ${timeframe} in ${this.ctx.label}${have.length ? ` (stored: ${have.join(', ')})` : ' (no bars at all)'}`);
      }
      const columns = await readBarColumns(this.ctx.source, barFilesIn(m, symbol, timeframe, s, e), s, e);
      return createBarSeries({ symbol, timeframe, source: `${this.ctx.label}#bars/${symbol}/${timeframe}`, columns });
    });
  }

  /** The bar with the latest start, or undefined when none is stored. Cached. */
  async getLatestBar(symbol: string, timeframe: string): Promise<Readonly<BarRecord> | undefined> {
    checkSymbol(symbol, 'getLatestBar');
    checkTimeframe(timeframe, 'getLatestBar');
    const series: SeriesId = { kind: 'bars', symbol, timeframe };
    return this.cached('getLatestBar', `bar|${symbol}|${timeframe}`, series, async (m) => {
      const records = await this.latestRecords(m, series);
      return records.length === 0 ? undefined : (records[records.length - 1] as BarRecord);
    });
  }

  async getQuotes(symbol: string, start?: number, end?: number): Promise<readonly QuoteRecord[]> {
    checkSymbol(symbol, 'getQuotes');
    const [s, e] = checkRange('getQuotes', start, end);
    return this.timed('getQuotes', (m) => this.rangeRecords<QuoteRecord>(m, { kind: 'quotes', symbol, timeframe: NO_SLOT }, s, e));
  }

  /** The quote with the latest (ts, seq), or undefined. Cached. */
  async getLatestQuote(symbol: string): Promise<Readonly<QuoteRecord> | undefined> {
    checkSymbol(symbol, 'getLatestQuote');
    const series: SeriesId = { kind: 'quotes', symbol, timeframe: NO_SLOT };
    return this.cached('getLatestQuote', `quote|${symbol}`, series, async (m) => {
      const records = (await this.latestRecords(m, series)) as QuoteRecord[];
      // several quotes can share the last millisecond: the highest seq is the latest
      return records.reduce<QuoteRecord | undefined>((best, q) => (best === undefined || (q.seq ?? 0) >= (best.seq ?? 0) ? q : best), undefined);
    });
  }

  async getTrades(symbol: string, start?: number, end?: number): Promise<readonly TradeRecord[]> {
    checkSymbol(symbol, 'getTrades');
    const [s, e] = checkRange('getTrades', start, end);
    return this.timed('getTrades', (m) => this.rangeRecords<TradeRecord>(m, { kind: 'trades', symbol, timeframe: NO_SLOT }, s, e));
  }

  /** The chain as of `at`: every contract of the latest chain snapshot taken at or before `at`. Cached. */
  async getOptionsChain(symbol: string, at: number): Promise<OptionsChain> {
    checkSymbol(symbol, 'getOptionsChain');
    checkInstant('getOptionsChain', 'at', at);
    const series: SeriesId = { kind: 'options', symbol, timeframe: NO_SLOT };
    return this.cached('getOptionsChain', `chain|${symbol}|${at}`, series, async (m) => {
      const partitions = partitionsOf(m, series);
      for (let i = partitions.length - 1; i >= 0; i--) {
        const files = partitions[i].files.filter((f) => f.minTs <= at);
        if (files.length === 0) continue;
        // only the row groups that start at or before `at`
        const window = [Number.NEGATIVE_INFINITY, Math.floor(at) + 1] as const;
        const all = (await Promise.all(files.map((f) => readFileRecords(this.ctx.source, optionsKind, f, window)))).flatMap((x) => x.records);
        let ts = Number.NEGATIVE_INFINITY;
        for (const r of all) if ((r.ts as number) <= at && (r.ts as number) > ts) ts = r.ts as number;
        if (ts === Number.NEGATIVE_INFINITY) continue;
        const contracts = all.filter((r) => r.ts === ts).sort((a, b) => compareRecords(optionsKind, a, b)) as OptionRecord[];
        return { symbol, ts, contracts: Object.freeze(contracts.map((c) => Object.freeze(c))) };
      }
      return { symbol, ts: null, contracts: [] };
    });
  }

  async getFlowEvents(symbol: string, start?: number, end?: number): Promise<readonly FlowRecord[]> {
    checkSymbol(symbol, 'getFlowEvents');
    const [s, e] = checkRange('getFlowEvents', start, end);
    return this.timed('getFlowEvents', (m) => this.rangeRecords<FlowRecord>(m, { kind: 'flow', symbol, timeframe: NO_SLOT }, s, e));
  }

  async getFundamentals(symbol: string): Promise<Fundamentals> {
    checkSymbol(symbol, 'getFundamentals');
    return this.timed('getFundamentals', async (m) => {
      const all = await this.rangeRecords<FundamentalRecord>(m, { kind: 'fundamentals', symbol, timeframe: NO_SLOT }, -Infinity, Infinity);
      const of = <T extends FundamentalRecord['type']>(type: T) => all.filter((r): r is OfType<FundamentalRecord, T> => r.type === type);
      const sectors = of('sector');
      return { symbol, earnings: of('earnings'), dividends: of('dividend'), splits: of('split'), factors: of('factor'), sectors, sector: sectors.at(-1) };
    });
  }

  /** Calendar events with ts in [start, end), optionally of one type (e.g. 'FOMC'). */
  async getEvents(start?: number, end?: number, type?: string): Promise<readonly CalendarRecord[]> {
    const [s, e] = checkRange('getEvents', start, end);
    if (type !== undefined && (typeof type !== 'string' || type === '')) throw new MarketDataError(`getEvents: type must be a non-empty string, got ${JSON.stringify(type)}`);
    return this.timed('getEvents', async (m) => {
      const events = await this.rangeRecords<CalendarRecord>(m, CALENDAR, s, e);
      return type === undefined ? events : events.filter((r) => r.type === type);
    });
  }

  async getFeature(symbol: string, name: string, timeframe: string, start?: number, end?: number): Promise<FeatureSeries> {
    checkSymbol(symbol, 'getFeature');
    checkTimeframe(timeframe, 'getFeature');
    if (typeof name !== 'string' || !FEATURE_NAME.test(name)) throw new MarketDataError(`getFeature: invalid feature name ${JSON.stringify(name)}`);
    const [s, e] = checkRange('getFeature', start, end);
    return this.timed('getFeature', async (m) => {
      const rows = (await this.rangeRecords<StoredRecord>(m, { kind: 'features', symbol, timeframe }, s, e)).filter((r) => r.name === name);
      return {
        symbol,
        timeframe,
        name,
        ts: Float64Array.from(rows, (r) => r.ts as number),
        values: Float64Array.from(rows, (r) => r.value as number),
      };
    });
  }

  /** Every stored series with its row count, time range, files, bytes and tiers. */
  async listSeries(): Promise<SeriesSummary[]> {
    return summarizeSeries(await this.ctx.manifest());
  }

  /** Records of a series with time in [start, end), sorted by (time, key), frozen. */
  protected async rangeRecords<T>(m: Manifest, series: SeriesId, start: number, end: number): Promise<T[]> {
    const spec = KIND_SPECS[series.kind];
    const files: FileEntry[] = [];
    for (const p of partitionsOf(m, series)) for (const f of p.files) if (f.maxTs >= start && f.minTs < end) files.push(f);
    const tables = await Promise.all(files.map((f) => readFileRecords(this.ctx.source, spec, f, [start, end])));
    const out: StoredRecord[] = [];
    for (const { records } of tables) {
      for (const r of records) {
        const t = spec.time(r);
        if (t >= start && t < end) out.push(Object.freeze(r));
      }
    }
    out.sort((a, b) => compareRecords(spec, a, b));
    // Stored records passed the kind's schema when written, so they have its type.
    return out as unknown as T[];
  }

  /** The records at the latest time of a series (all files reaching that time), sorted. */
  private async latestRecords(m: Manifest, series: SeriesId): Promise<StoredRecord[]> {
    const spec = KIND_SPECS[series.kind];
    let maxTs = Number.NEGATIVE_INFINITY;
    const files: FileEntry[] = [];
    for (const p of partitionsOf(m, series)) for (const f of p.files) maxTs = Math.max(maxTs, f.maxTs);
    for (const p of partitionsOf(m, series)) for (const f of p.files) if (f.maxTs === maxTs) files.push(f);
    const tables = await Promise.all(files.map((f) => readFileRecords(this.ctx.source, spec, f, [maxTs, maxTs + 1])));
    return tables
      .flatMap((t) => t.records.filter((r) => spec.time(r) === maxTs))
      .sort((a, b) => compareRecords(spec, a, b))
      .map((r) => Object.freeze(r));
  }

  private seriesOf(m: Manifest, kind: RecordKind): SeriesId[] {
    const seen = new Map<string, SeriesId>();
    for (const p of Object.values(m.partitions)) if (p.kind === kind) seen.set(seriesKey(p), { kind, symbol: p.symbol, timeframe: p.timeframe });
    return [...seen.values()].sort((a, b) => (seriesKey(a) < seriesKey(b) ? -1 : 1));
  }

  /**
   * Run a query on the current manifest, timing it. A file that vanished under the query (a
   * compaction in another process replaced it) triggers one retry on the newer manifest.
   */
  protected async timed<T>(name: string, query: (m: Manifest) => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const m = await this.ctx.manifest();
    try {
      return await query(m);
    } catch (error) {
      if (!notFound(error)) throw error;
      const fresh = await this.ctx.manifest();
      if (fresh.generation === m.generation) throw error;
      return await query(fresh);
    } finally {
      this.ctx.metrics.recordQuery(name, performance.now() - t0);
    }
  }

  private async cached<T>(name: string, key: string, series: SeriesId, load: (m: Manifest) => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const hit = this.ctx.cache.get<T>(key);
    if (hit) {
      this.ctx.metrics.recordQuery(name, performance.now() - t0);
      return hit.value;
    }
    const value = await this.timed(name, load);
    this.ctx.cache.set(key, seriesKey(series), typeof value === 'object' && value !== null ? Object.freeze(value) : value);
    return value;
  }
}

/**
 * The topology file, as a zod schema: every key is either used or rejected. Types are
 * inferred from it, never written twice. Cross-references (stream names, strategy ids,
 * strategy types and their params) are checked here too, so a topology that parses is one
 * the builder can build.
 */
import { z } from 'zod';
import { IdSchema } from '../core/ids.ts';
import { isTimeframe, streamId, timeframeMs } from '../core/timeframe.ts';
import { EVENT_TYPES } from '../core/events.ts';
import { ExecutionConfigSchema } from '../execution/config.ts';
import { PortfolioConfigSchema } from '../portfolio/config.ts';
import { getStrategy, safeResolveStrategyParams, strategyTypes } from '../strategies/registry.ts';
import { classifierTypes, getClassifier, safeResolveClassifierParams } from '../classifiers/registry.ts';
import type { ParamsResult } from '../strategies/resolve.ts';
import { SweepSettingsSchema } from '../sweep/settings.ts';

const SymbolSchema = z.string().regex(/^[A-Za-z0-9.^=-]{1,32}$/, 'symbols use letters, digits and . ^ = - (max 32)');
const TimeframeSchema = z.string().refine(isTimeframe, 'timeframe must look like 1m, 5m, 1h or 1d');
export const StreamRefSchema = z.string().regex(/^[A-Za-z0-9.^=-]{1,32}_[1-9][0-9]*[mhd]$/, 'a stream is named <SYMBOL>_<timeframe>, e.g. SPY_1m');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
const TimeZoneSchema = z.string().refine(isTimeZone, 'unknown IANA time zone (e.g. America/New_York, UTC)');

export const DateTimeSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'a date (YYYY-MM-DD) or datetime (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])');

export const SyntheticSourceSchema = z.strictObject({
  seed: z.int(),
  bars: z.int().positive().max(10_000_000),
  start_price: z.number().positive().default(100),
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'start is a YYYY-MM-DD date').default('2020-01-02'),
});

export const StreamSchema = z
  .strictObject({
    symbol: SymbolSchema,
    timeframe: TimeframeSchema,
    /** A .csv or .parquet bar file, relative to the topology file. */
    file: z.string().min(1).optional(),
    synthetic: SyntheticSourceSchema.optional(),
    /** Aggregate another stream of this topology (e.g. SPY_1m -> SPY_5m). */
    resample_from: StreamRefSchema.optional(),
    /**
     * Bars already in the market data store (data.store), optionally a range of bar start
     * times: ISO dates or datetimes; dates are local midnights in data.timezone; end exclusive.
     */
    store: z.strictObject({ start: DateTimeSchema.optional(), end: DateTimeSchema.optional() }).optional(),
    /** Zone of naive stamps in the file; defaults to data.timezone. */
    timezone: TimeZoneSchema.optional(),
  })
  .superRefine((s, ctx) => {
    const sources = (['file', 'synthetic', 'resample_from', 'store'] as const).filter((k) => s[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `give exactly one source: file, synthetic, resample_from or store (got ${sources.length ? sources.join(', ') : 'none'})` });
    }
  });

const ParamsSchema = z.record(z.string(), z.unknown()).default({});

export const StrategyConfigSchema = z.strictObject({
  id: IdSchema,
  type: z.string(),
  params: ParamsSchema,
  /** Input streams, in the strategy's order (a pairs strategy trades the first two). */
  inputs: z.array(StreamRefSchema).min(1),
});

export const ClassifierConfigSchema = z.strictObject({
  id: IdSchema,
  type: z.string(),
  params: ParamsSchema,
  inputs: z.array(StreamRefSchema).min(1),
});

export const TraceSchema = z.discriminatedUnion('retention', [
  z.strictObject({ retention: z.literal('all') }),
  z.strictObject({ retention: z.literal('none') }),
  z.strictObject({ retention: z.literal('trade_complete') }),
  z.strictObject({ retention: z.literal('window'), size: z.int().positive().max(10_000_000) }),
]);

const TopologyShape = z.strictObject({
  name: IdSchema,
  description: z.string().optional(),
  /** One config shape, three graphs: see docs/topology.md ("Modes"). */
  mode: z.enum(['backtest', 'signal_generation', 'signal_replay']).default('backtest'),
  /** The signal store written by signal_generation and read by signal_replay (relative to this file). */
  signals: z.strictObject({ store: z.string().min(1) }).optional(),
  data: z.strictObject({
    timezone: TimeZoneSchema.default('America/New_York'),
    missing_bars: z.enum(['skip', 'ffill']).default('skip'),
    on_invalid_rows: z.enum(['error', 'skip']).default('error'),
    /**
     * The market data store (a directory, relative to this file). With it, file streams are
     * imported into the store (idempotently) and their bars read back through it.
     */
    store: z.string().min(1).optional(),
    /** Read every store stream from this verified snapshot of data.store; refuse to run if it does not verify. */
    snapshot: z.string().min(1).optional(),
    streams: z.array(StreamSchema).min(1),
    /**
     * Run over part of the data, by bar index of the first stream (src/topology/window.ts):
     * nothing closing after base bar end_bar - 1 is loaded; portfolios act, and their curves
     * start, from the close of base bar start_bar (the bars before warm indicators up).
     */
    window: z
      .strictObject({ start_bar: z.int().nonnegative().default(0), end_bar: z.int().positive().optional() })
      .refine((w) => w.end_bar === undefined || w.end_bar > w.start_bar, { message: 'end_bar must be greater than start_bar', path: ['end_bar'] })
      .optional(),
  }),
  classifiers: z.array(ClassifierConfigSchema).default([]),
  strategies: z.array(StrategyConfigSchema).min(1),
  portfolios: z.array(PortfolioConfigSchema).default([]),
  execution: ExecutionConfigSchema.prefault({}),
  engine: z
    .strictObject({
      on_handler_error: z.enum(['fail', 'continue']).default('fail'),
      /**
       * signal_replay only: `sparse` publishes only the bars where something can happen
       * (stored rows, pending open fills, active stops); `full` publishes every bar.
       */
      replay_clock: z.enum(['sparse', 'full']).default('sparse'),
      /**
       * signal_replay only: `events` runs the container graph on the bus (the reference);
       * `batch` simulates the portfolios directly from the stored rows, with the same results
       * to the bit (property-tested), without events, traces or per-tick hooks; `auto` (the
       * default) is batch, unless the run needs the bus (a results_store) or asks for what
       * the batch engine does not cover (then events).
       */
      replay_engine: z.enum(['auto', 'events', 'batch']).default('auto'),
      trace: TraceSchema.default({ retention: 'trade_complete' }),
    })
    .prefault({}),
  /**
   * Also persist the run through the ResultsStore (docs/results-store.md): journaled,
   * checksummed, recoverable; `performance: tick` hands each tick's rows over inside the loop
   * (costs about 50 ns a tick), `curve` (default) right after it.
   */
  results_store: z
    .strictObject({
      root: z.string().min(1),
      formats: z.array(z.enum(['csv', 'json', 'parquet'])).min(1).default(['csv', 'json', 'parquet']),
      performance: z.enum(['curve', 'tick']).default('curve'),
      event_types: z.array(z.enum(EVENT_TYPES)).default([]),
    })
    .optional(),
  /** Ranking and running of a parameter grid (src/sweep, docs/sweeps.md); the grid itself is written in place. */
  sweep: SweepSettingsSchema.optional(),
  metrics: z
    .strictObject({
      /** Overrides the periods per year derived from the data (252 x bars per session). */
      periods_per_year: z.number().positive().optional(),
      risk_free_rate: z.number().min(-1).max(1).default(0),
    })
    .prefault({}),
});

type Shape = z.infer<typeof TopologyShape>;

function checkMode(t: Shape, ctx: z.RefinementCtx): void {
  if (t.results_store && t.mode === 'signal_generation') ctx.addIssue({ code: 'custom', path: ['results_store'], message: 'signal_generation has no portfolio results to store' });
  if (t.results_store && t.mode === 'signal_replay' && t.engine.replay_engine === 'batch') {
    ctx.addIssue({ code: 'custom', path: ['results_store'], message: 'the results store follows the run on the bus: use engine.replay_engine: events' });
  }
  if (t.results_store?.event_types.includes('RESULTS_STORED')) ctx.addIssue({ code: 'custom', path: ['results_store', 'event_types'], message: 'RESULTS_STORED cannot itself be stored' });
  if (t.mode !== 'backtest' && !t.signals) ctx.addIssue({ code: 'custom', path: ['signals'], message: `mode ${t.mode} needs signals: { store: <directory> }` });
  if (t.mode !== 'signal_generation' && t.portfolios.length === 0) ctx.addIssue({ code: 'custom', path: ['portfolios'], message: `mode ${t.mode} needs at least one portfolio` });
}

function checkDataSource(t: Shape, ctx: z.RefinementCtx): void {
  const { store, snapshot, streams } = t.data;
  if (snapshot !== undefined && store === undefined) ctx.addIssue({ code: 'custom', path: ['data', 'snapshot'], message: 'a snapshot needs data.store (the store it was taken of)' });
  streams.forEach((s, i) => {
    if (s.store !== undefined && store === undefined) ctx.addIssue({ code: 'custom', path: ['data', 'streams', i, 'store'], message: 'a store stream needs data.store' });
    if (s.file !== undefined && snapshot !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['data', 'streams', i, 'file'], message: 'with data.snapshot every stream must come from the snapshot (store:), so the run is reproducible bit for bit' });
    }
  });
}

function checkReferences(t: Shape, ctx: z.RefinementCtx): void {
  checkMode(t, ctx);
  checkDataSource(t, ctx);
  const streams = new Map<string, number>();
  t.data.streams.forEach((s, i) => {
    const id = streamId(s.symbol, s.timeframe);
    if (streams.has(id)) ctx.addIssue({ code: 'custom', path: ['data', 'streams', i], message: `stream ${id} is declared twice` });
    streams.set(id, i);
  });
  t.data.streams.forEach((s, i) => {
    if (!s.resample_from) return;
    const from = streams.get(s.resample_from);
    const path = ['data', 'streams', i, 'resample_from'];
    if (from === undefined) return ctx.addIssue({ code: 'custom', path, message: `unknown stream ${s.resample_from} (declared: ${[...streams.keys()].join(', ')})` });
    const source = t.data.streams[from];
    if (source.resample_from) return ctx.addIssue({ code: 'custom', path, message: `resample from a file or synthetic stream, not from another resampled stream (${s.resample_from})` });
    if (source.symbol !== s.symbol) ctx.addIssue({ code: 'custom', path, message: `resampling ${s.resample_from} cannot produce symbol ${s.symbol}` });
    const ratio = timeframeMs(s.timeframe) / timeframeMs(source.timeframe);
    if (!Number.isInteger(ratio) || ratio < 2) ctx.addIssue({ code: 'custom', path, message: `${s.timeframe} is not a multiple (>1) of ${source.timeframe}` });
  });

  // Strategies and classifiers live in the feature container and share one namespace;
  // portfolios have their own (a portfolio may be named after its strategy).
  const namespaces = { feature: new Map<string, string>(), portfolio: new Map<string, string>() };
  const claim = (space: keyof typeof namespaces, id: string, what: string, path: (string | number)[]) => {
    const previous = namespaces[space].get(id);
    if (previous) ctx.addIssue({ code: 'custom', path, message: `id ${id} is already used by ${previous}` });
    else namespaces[space].set(id, what);
  };
  const checkInputs = (inputs: readonly string[], path: (string | number)[]) =>
    inputs.forEach((input, k) => {
      if (!streams.has(input)) ctx.addIssue({ code: 'custom', path: [...path, 'inputs', k], message: `unknown stream ${input} (declared: ${[...streams.keys()].join(', ')})` });
    });
  const addParamIssues = (result: ParamsResult<unknown>, path: (string | number)[]) => {
    if (!result.success) for (const issue of result.issues) ctx.addIssue({ code: 'custom', path: [...path, 'params', ...issue.path], message: issue.message });
  };

  t.classifiers.forEach((c, i) => {
    const path = ['classifiers', i];
    claim('feature', c.id, `classifier ${c.id}`, [...path, 'id']);
    checkInputs(c.inputs, path);
    if (!classifierTypes().includes(c.type)) {
      return ctx.addIssue({ code: 'custom', path: [...path, 'type'], message: `unknown classifier type "${c.type}" (known: ${classifierTypes().join(', ')})` });
    }
    addParamIssues(safeResolveClassifierParams(c.type, c.params), path);
  });
  t.strategies.forEach((s, i) => {
    const path = ['strategies', i];
    claim('feature', s.id, `strategy ${s.id}`, [...path, 'id']);
    checkInputs(s.inputs, path);
    if (!strategyTypes().includes(s.type)) {
      return ctx.addIssue({ code: 'custom', path: [...path, 'type'], message: `unknown strategy type "${s.type}" (known: ${strategyTypes().join(', ')})` });
    }
    const definition = getStrategy(s.type);
    if (s.inputs.length < definition.streams) {
      ctx.addIssue({ code: 'custom', path: [...path, 'inputs'], message: `${s.type} needs ${definition.streams} input streams, got ${s.inputs.length}` });
    }
    addParamIssues(safeResolveStrategyParams(s.type, s.params), path);
  });
  const strategyIds = new Set(t.strategies.map((s) => s.id));
  const classifiersById = new Map(t.classifiers.map((c) => [c.id, c]));
  t.portfolios.forEach((p, i) => {
    if (p.regime_filter) {
      const path = ['portfolios', i, 'regime_filter'];
      const classifier = classifiersById.get(p.regime_filter.classifier);
      if (!classifier) {
        ctx.addIssue({ code: 'custom', path: [...path, 'classifier'], message: `unknown classifier ${p.regime_filter.classifier} (declared: ${[...classifiersById.keys()].join(', ') || 'none'})` });
      } else if (classifierTypes().includes(classifier.type)) {
        const known = getClassifier(classifier.type).regimes;
        p.regime_filter.regimes.forEach((r, k) => {
          if (!known.includes(r)) ctx.addIssue({ code: 'custom', path: [...path, 'regimes', k], message: `classifier ${classifier.id} (${classifier.type}) has no regime "${r}" (regimes: ${known.join(', ')})` });
        });
      }
    }
    claim('portfolio', p.id, `portfolio ${p.id}`, ['portfolios', i, 'id']);
    p.strategies.forEach((s, k) => {
      if (!strategyIds.has(s)) ctx.addIssue({ code: 'custom', path: ['portfolios', i, 'strategies', k], message: `unknown strategy ${s} (declared: ${[...strategyIds].join(', ')})` });
    });
  });
}

export const TopologySchema = TopologyShape.superRefine(checkReferences);
export type TopologyConfig = z.infer<typeof TopologySchema>;
export type TopologyInput = z.input<typeof TopologySchema>;
export type StreamConfig = z.infer<typeof StreamSchema>;

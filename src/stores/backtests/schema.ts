/**
 * The backtest store's inputs and outputs as zod schemas; the types are inferred from them.
 * Every public method validates its arguments here, so a malformed call fails with a message
 * naming the method and the field path (BacktestStoreInputError), never deep inside DuckDB.
 */
import { z } from 'zod';

/** Same alphabet as topology symbols; no comma (a multi-symbol backtest's `symbol` joins them with ','). */
export const SymbolSchema = z.string().regex(/^[A-Za-z0-9.^=-]{1,32}$/, 'symbols use letters, digits and . ^ = - (max 32)');

const stopPct = z.number().positive().lt(100);
const targetPct = z.number().positive().max(1e6);

/**
 * How positions exit besides the strategy's own signal. `signal`: only on signals. The other
 * types name the primary rule; a portfolio that combines rules carries the others as optional
 * fields (e.g. `{ type: 'fixed_stop', stop_pct: 8, target_pct: 15 }`). Stored rules are
 * normalised (see normalizeExitRule): the type is trailing_stop if trail_pct is set, else
 * fixed_stop if stop_pct is set, else profit_target, so one set of exits has one form and one hash.
 */
export const ExitRuleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('signal') }),
  z.strictObject({ type: z.literal('fixed_stop'), stop_pct: stopPct, trail_pct: stopPct.optional(), target_pct: targetPct.optional() }),
  z.strictObject({ type: z.literal('trailing_stop'), trail_pct: stopPct, stop_pct: stopPct.optional(), target_pct: targetPct.optional() }),
  z.strictObject({ type: z.literal('profit_target'), target_pct: targetPct, stop_pct: stopPct.optional(), trail_pct: stopPct.optional() }),
]);
export type ExitRule = z.infer<typeof ExitRuleSchema>;
export type ExitRuleType = ExitRule['type'];
export const EXIT_RULE_TYPES = ['signal', 'fixed_stop', 'trailing_stop', 'profit_target'] as const satisfies readonly ExitRuleType[];

export const METRIC_NAMES = [
  'win_rate', 'num_trades', 'total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'expectancy', 'profit_factor', 'exposure',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** zod v4's z.number() is finite (no NaN, no ±Infinity); a metric that is undefined for a run is null. */
const metric = z.number().nullable().default(null);

/** The stored metrics; definitions as in docs/metrics.md (num_trades = `trades` there). A missing key is null. */
export const BacktestMetricsSchema = z.strictObject({
  win_rate: metric,
  num_trades: z.int().nonnegative().nullable().default(null),
  total_return: metric,
  cagr: metric,
  sharpe: metric,
  sortino: metric,
  max_drawdown: metric,
  expectancy: metric,
  profit_factor: metric,
  exposure: metric,
});
export type BacktestMetrics = z.infer<typeof BacktestMetricsSchema>;

const epochMs = z.int().min(-8.64e15).max(8.64e15);
const finite = z.number();

/** One closed trade, as the portfolios produce it (src/portfolio/trade.ts). */
export const TradeRowSchema = z.strictObject({
  portfolioId: z.string(),
  strategyId: z.string(),
  symbol: z.string(),
  stream: z.string(),
  direction: z.enum(['long', 'short']),
  quantity: finite,
  entryTime: epochMs,
  entryBarIdx: z.int(),
  entryPrice: finite,
  exitTime: epochMs,
  exitBarIdx: z.int(),
  exitPrice: finite,
  commission: finite,
  pnl: finite,
  returnPct: finite,
  bars: z.int(),
  /** 'signal' | 'stop_loss' | 'take_profit' | 'end_of_data' today; kept open for new exit kinds. */
  exitReason: z.string().min(1).max(64),
});
export type TradeRow = z.infer<typeof TradeRowSchema>;

/** JSON values only (what canonical JSON can hash without losing information). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);
export const ParamsSchema = z.record(z.string(), JsonValueSchema);

/** Checked element by element in the refinement below (one pass, the index in the message). */
const numberArray = z.custom<Float64Array | number[]>((v) => v instanceof Float64Array || Array.isArray(v), 'expected a Float64Array or an array of numbers');

/** Equity curve: `ts` epoch ms strictly increasing, `equity` finite, same length. */
export const EquityInputSchema = z
  .strictObject({ ts: numberArray, equity: numberArray })
  .superRefine((curve, ctx) => {
    const { ts, equity } = curve;
    if (ts.length !== equity.length) {
      ctx.addIssue({ code: 'custom', path: ['equity'], message: `ts has ${ts.length} points, equity ${equity.length}` });
      return;
    }
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      if (!Number.isSafeInteger(t)) return void ctx.addIssue({ code: 'custom', path: ['ts', i], message: `not an integer epoch ms: ${t}` });
      if (i > 0 && t <= ts[i - 1]) return void ctx.addIssue({ code: 'custom', path: ['ts', i], message: `not after the previous point (${ts[i - 1]} then ${t})` });
      if (typeof equity[i] !== 'number' || !Number.isFinite(equity[i])) return void ctx.addIssue({ code: 'custom', path: ['equity', i], message: `not a finite number: ${equity[i]}` });
    }
  });

export const BacktestInputSchema = z
  .strictObject({
    symbols: z.array(SymbolSchema).min(1).max(64),
    timeframe: z.string().min(1).max(64),
    strategy: z.string().min(1).max(256),
    params: ParamsSchema,
    exitRule: ExitRuleSchema,
    start: epochMs,
    end: epochMs,
    /** The run folder (holding manifest.json) or a link to it. */
    runManifest: z.string().min(1).max(4096).nullable().default(null),
    /** Who stored it: 'topology', 'replay', 'sweep', 'ui', 'api' (default) ... */
    source: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a source is a short lowercase word, e.g. topology, sweep, replay, ui').default('api'),
    sweepId: z.string().min(1).max(256).nullable().default(null),
    metrics: BacktestMetricsSchema,
    equity: EquityInputSchema,
    trades: z.array(TradeRowSchema),
  })
  .refine((b) => b.end >= b.start, { path: ['end'], message: 'end is before start' });
export type BacktestInput = z.input<typeof BacktestInputSchema>;
export type ParsedBacktest = z.output<typeof BacktestInputSchema>;

export interface BacktestSummary extends BacktestMetrics {
  readonly id: string;
  readonly symbols: string[];
  /** The symbol, or the symbols joined with ',' (multi-symbol strategies). */
  readonly symbol: string;
  readonly timeframe: string;
  readonly strategy: string;
  readonly params: Record<string, JsonValue>;
  readonly paramHash: string;
  readonly exitRule: ExitRule;
  readonly exitRuleHash: string;
  readonly start: number;
  readonly end: number;
  readonly createdAt: number;
  readonly runManifest: string | null;
  readonly source: string;
  readonly sweepId: string | null;
  /** Points in the stored equity curve and stored trades. */
  readonly equityPoints: number;
  readonly tradeCount: number;
}

export interface BacktestDetail {
  readonly summary: BacktestSummary;
  /** drawdown[i] = equity[i] / max(equity[0..i]) - 1 (<= 0). */
  readonly equity: { ts: number[]; equity: number[]; drawdown: number[] };
  readonly trades: TradeRow[];
}

const range = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: 'min is above max' });

/**
 * Query filters, all optional and combined with AND. `symbol` matches a backtest that has that
 * symbol among its symbols; `params` compares the top-level params by value and type
 * (10 matches 10, not "10" nor 10.5); a metric range is inclusive and excludes null metrics.
 */
export const BacktestFiltersSchema = z.strictObject({
  symbol: SymbolSchema.optional(),
  strategy: z.string().min(1).optional(),
  timeframe: z.string().min(1).optional(),
  exitRuleType: z.enum(EXIT_RULE_TYPES).optional(),
  sweepId: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  paramHash: z.string().regex(/^[0-9a-f]{64}$/, 'a paramHash is 64 hex digits').optional(),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  metrics: z.partialRecord(z.enum(METRIC_NAMES), range).optional(),
});
export type BacktestFilters = z.input<typeof BacktestFiltersSchema>;

export const SORT_FIELDS = [...METRIC_NAMES, 'createdAt', 'start', 'end', 'symbol', 'strategy', 'timeframe'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export const SortSchema = z.strictObject({ by: z.enum(SORT_FIELDS), dir: z.enum(['asc', 'desc']).default('desc') });
export type BacktestSort = z.input<typeof SortSchema>;

export const LimitSchema = z.int().positive().max(1_000_000).optional();
export const OffsetSchema = z.int().nonnegative().optional();
/** Any non-empty string up to 128 characters: a string that is not a stored id is simply not found. */
export const IdSchema = z.string().min(1).max(128);

/** A malformed argument: the message names the method and the field path. */
export class BacktestStoreInputError extends Error {
  override name = 'BacktestStoreInputError';
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(value)';
}

/** Parses `value` or throws a BacktestStoreInputError naming `where` and each issue's path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((i) => `${pathOf(i.path)}: ${i.message}`);
  const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
  throw new BacktestStoreInputError(`${where}: ${issues.join('; ')}${more}`);
}

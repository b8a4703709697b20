/**
 * zod schemas of every request the web UI server accepts: JSON bodies, query strings and path
 * parameters. Query strings arrive as strings and are coerced here; unknown keys are rejected,
 * so a misspelt filter is a 400 naming it instead of being silently ignored.
 */
import { z } from 'zod';
import { SYNTHETIC_TIMEFRAMES } from './catalog.ts';

export const METRICS = ['win_rate', 'num_trades', 'total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'expectancy', 'profit_factor', 'exposure'] as const;
export type MetricName = (typeof METRICS)[number];

export const SORT_KEYS = [...METRICS, 'symbol', 'strategy', 'timeframe', 'createdAt'] as const;

const SymbolSchema = z.string().regex(/^[A-Za-z0-9.^=-]{1,32}$/, 'symbols use letters, digits and . ^ = - (max 32)');
/** Backtest ids and sweep ids: opaque, but plain. */
export const IdParamSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'ids use letters, digits and _ . : - (max 128)');
/** Sweep ids are free text in the store (up to 256 characters); they travel in the query string. */
export const SweepIdSchema = z.string().min(1).max(256).regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters');
export const ParamNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'parameter names use letters, digits and _ (max 64)');

export const ExitRuleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('signal') }),
  z.strictObject({ type: z.literal('fixed_stop'), stop_pct: z.number().positive().lt(100) }),
  z.strictObject({ type: z.literal('trailing_stop'), trail_pct: z.number().positive().lt(100) }),
  z.strictObject({ type: z.literal('profit_target'), target_pct: z.number().positive().max(100_000) }),
]);
export type ExitRuleInput = z.infer<typeof ExitRuleSchema>;

export const DataChoiceSchema = z.strictObject({
  /** `synthetic` or the id (file name) of a listed data file; never a path. */
  source: z.string().min(1).max(128),
  /** Synthetic only: the symbol to call the generated series. */
  symbol: SymbolSchema.optional(),
  timeframe: z.enum(SYNTHETIC_TIMEFRAMES).optional(),
  seed: z.int().min(0).max(2 ** 31 - 1).optional(),
  bars: z.int().min(50).max(500_000).optional(),
});
export type DataChoice = z.infer<typeof DataChoiceSchema>;

export const RunRequestSchema = z.strictObject({
  strategy: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).default({}),
  /** One data choice per input stream of the strategy (two for a pairs strategy). */
  data: z.array(DataChoiceSchema).min(1).max(4),
  exitRule: ExitRuleSchema.default({ type: 'signal' }),
  initialCash: z.number().positive().max(1e12).default(100_000),
});
export type RunRequest = z.infer<typeof RunRequestSchema>;

export const ValidateParamsSchema = z.strictObject({
  strategy: z.string().min(1).max(64),
  params: z.unknown(),
});

const num = z.coerce.number<string>().refine(Number.isFinite, 'must be a finite number');
const metricRangeShape = Object.fromEntries(METRICS.flatMap((m) => [[`min.${m}`, num.optional()], [`max.${m}`, num.optional()]])) as Record<`${'min' | 'max'}.${MetricName}`, z.ZodOptional<typeof num>>;

/** GET /api/backtests query (besides `param.<name>=value` filters, handled apart). */
export const BacktestQuerySchema = z.strictObject({
  symbol: SymbolSchema.optional(),
  strategy: z.string().min(1).max(64).optional(),
  timeframe: z.string().regex(/^[1-9][0-9]*[mhd]$/, 'a timeframe like 1m, 1h, 1d').optional(),
  exitRule: z.enum(['signal', 'fixed_stop', 'trailing_stop', 'profit_target']).optional(),
  sweepId: SweepIdSchema.optional(),
  sort: z.enum(SORT_KEYS).optional(),
  dir: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number<string>().pipe(z.int().min(1).max(5000)).default(500),
  offset: z.coerce.number<string>().pipe(z.int().min(0)).default(0),
  ...metricRangeShape,
});

/** A `param.<name>` filter value: a number, a boolean, or else the string itself. */
export function paramFilterValue(text: string): number | string | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

export const SweepQuerySchema = z.strictObject({ id: SweepIdSchema });

export const HeatmapQuerySchema = z.strictObject({
  id: SweepIdSchema,
  x: ParamNameSchema,
  y: ParamNameSchema,
  metric: z.enum(METRICS).default('sharpe'),
  /** How backtests that share a cell (they differ in other params or exit rules) combine. */
  agg: z.enum(['max', 'min', 'mean']).default('max'),
});

export const CompareQuerySchema = z.strictObject({
  ids: z
    .string()
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .pipe(z.array(IdParamSchema).min(2, 'compare needs at least 2 backtest ids').max(12, 'compare takes at most 12 backtests')),
});

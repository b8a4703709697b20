/**
 * The JSON API of the web UI. Every input (path parameters, query strings, bodies) goes through
 * a zod schema from schemas.ts; a bad request is an HttpError (4xx) with a message naming the
 * field, never a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateTopology } from '../topology/load.ts';
import { exitRuleCatalog, strategyCatalog, type DataSource } from './catalog.ts';
import { buildHeatmap, sweepParamNames, variedParamNames } from './heatmap.ts';
import { HttpError, parseOrThrow, readJsonBody, sendJson } from './http.ts';
import type { JobQueue, JobReporter } from './jobs.ts';
import { resolveParamsOrThrow, resolveRunRequest, type ResolvedRun } from './run-request.ts';
import {
  BacktestQuerySchema,
  CompareQuerySchema,
  HeatmapQuerySchema,
  IdParamSchema,
  METRICS,
  ParamNameSchema,
  RunRequestSchema,
  SweepQuerySchema,
  ValidateParamsSchema,
  paramFilterValue,
} from './schemas.ts';
import type { BacktestFilters, BacktestSummary, UiStore } from './store-port.ts';

export interface ApiContext {
  readonly store: UiStore;
  readonly sources: readonly DataSource[];
  readonly jobs: JobQueue;
  readonly runBacktest: (run: ResolvedRun, report: JobReporter) => Promise<string[]>;
}

/** Largest number of backtests a sweep view reads. */
const SWEEP_LIMIT = 100_000;

function toArray(values: ArrayLike<number>): number[] {
  return Array.isArray(values) ? values : Array.from(values);
}

/** Query string -> plain object; a key given twice is a 400 (no silent last-wins). */
function queryObject(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of search) {
    if (Object.hasOwn(out, k)) throw new HttpError(400, `query parameter "${k}" given more than once`, [{ path: k, message: 'given more than once' }]);
    out[k] = v;
  }
  return out;
}

export function backtestFilters(search: URLSearchParams) {
  const raw = queryObject(search);
  const params: Record<string, number | string | boolean> = {};
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith('param.')) params[parseOrThrow(ParamNameSchema, k.slice(6), `parameter filter "${k}"`)] = paramFilterValue(v);
    else rest[k] = v;
  }
  const q = parseOrThrow(BacktestQuerySchema, rest, 'backtest query');
  const metrics: Record<string, { min?: number; max?: number }> = {};
  for (const m of METRICS) {
    const min = q[`min.${m}`];
    const max = q[`max.${m}`];
    if (min !== undefined && max !== undefined && min > max) throw new HttpError(400, `min.${m} (${min}) is greater than max.${m} (${max})`, [{ path: `min.${m}`, message: 'greater than the max' }]);
    if (min !== undefined || max !== undefined) metrics[m] = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  const filters: BacktestFilters = {};
  if (q.symbol) filters.symbol = q.symbol;
  if (q.strategy) filters.strategy = q.strategy;
  if (q.timeframe) filters.timeframe = q.timeframe;
  if (q.exitRule) filters.exitRuleType = q.exitRule;
  if (q.sweepId) filters.sweepId = q.sweepId;
  if (Object.keys(params).length) filters.params = params;
  if (Object.keys(metrics).length) filters.metrics = metrics;
  return { filters, sort: q.sort ? { by: q.sort, dir: q.dir } : undefined, limit: q.limit, offset: q.offset };
}

function noQuery(search: URLSearchParams): void {
  for (const k of search.keys()) throw new HttpError(400, `unknown query parameter "${k}"`, [{ path: k, message: 'unknown query parameter' }]);
}

async function sweepRows(store: UiStore, sweepId: string): Promise<BacktestSummary[]> {
  const rows = await store.query({ sweepId }, undefined, SWEEP_LIMIT);
  if (rows.length === 0) throw new HttpError(404, `no backtests with sweep id "${sweepId}"`);
  return rows;
}

type Handler = (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, match: string[], search: URLSearchParams) => Promise<void>;

interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/meta$/,
    handler: async (ctx, _req, res, _m, search) => {
      noQuery(search);
      const sources = ctx.sources.map((s) => (s.kind === 'file' ? { id: s.id, kind: s.kind, label: s.label, symbol: s.symbol, timeframe: s.timeframe } : s));
      sendJson(res, 200, { strategies: strategyCatalog(), sources, exitRules: exitRuleCatalog(), metrics: METRICS });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/params\/validate$/,
    handler: async (_ctx, req, res, _m, search) => {
      noQuery(search);
      const body = parseOrThrow(ValidateParamsSchema, await readJsonBody(req), 'request');
      sendJson(res, 200, { params: resolveParamsOrThrow(body.strategy, body.params ?? {}) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/runs$/,
    handler: async (ctx, req, res, _m, search) => {
      noQuery(search);
      const request = parseOrThrow(RunRequestSchema, await readJsonBody(req), 'run request');
      const run = resolveRunRequest(request, ctx.sources);
      try {
        validateTopology(run.topology);
      } catch (error) {
        throw new HttpError(400, error instanceof Error ? error.message : String(error));
      }
      const label = `${run.strategy} on ${run.symbols.join('/')} ${run.timeframe}`;
      const job = ctx.jobs.submit(label, (report) => ctx.runBacktest(run, report));
      sendJson(res, 202, { job });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/jobs$/,
    handler: async (ctx, _req, res, _m, search) => {
      noQuery(search);
      sendJson(res, 200, { jobs: ctx.jobs.list() });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/jobs\/([^/]+)$/,
    handler: async (ctx, _req, res, [id], search) => {
      noQuery(search);
      const job = ctx.jobs.get(parseOrThrow(IdParamSchema, id, 'job id'));
      if (!job) throw new HttpError(404, `no job "${id}"`);
      sendJson(res, 200, { job });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/backtests$/,
    handler: async (ctx, _req, res, _m, search) => {
      const { filters, sort, limit, offset } = backtestFilters(search);
      const rows = await ctx.store.query(filters, sort, limit, offset);
      sendJson(res, 200, { rows, limit, offset });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/backtests\/([^/]+)$/,
    handler: async (ctx, _req, res, [id], search) => {
      noQuery(search);
      const detail = await ctx.store.getDetailed(parseOrThrow(IdParamSchema, id, 'backtest id'));
      if (!detail) throw new HttpError(404, `no backtest "${id}"`);
      const { ts, equity, drawdown } = detail.equity;
      sendJson(res, 200, { summary: detail.summary, equity: { ts: toArray(ts), equity: toArray(equity), drawdown: toArray(drawdown) }, trades: detail.trades });
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/backtests\/([^/]+)$/,
    handler: async (ctx, _req, res, [id], search) => {
      noQuery(search);
      const deleted = await ctx.store.delete(parseOrThrow(IdParamSchema, id, 'backtest id'));
      if (!deleted) throw new HttpError(404, `no backtest "${id}"`);
      sendJson(res, 200, { deleted: id });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/sweeps$/,
    handler: async (ctx, _req, res, _m, search) => {
      noQuery(search);
      sendJson(res, 200, { sweeps: await ctx.store.sweeps() });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/sweep$/,
    handler: async (ctx, _req, res, _m, search) => {
      const { id: sweepId } = parseOrThrow(SweepQuerySchema, queryObject(search), 'sweep query');
      const rows = await sweepRows(ctx.store, sweepId);
      const strategies = [...new Set(rows.map((r) => r.strategy))].sort();
      const symbols = [...new Set(rows.map((r) => r.symbol))].sort();
      sendJson(res, 200, { sweepId, count: rows.length, strategies, symbols, params: sweepParamNames(rows), varied: variedParamNames(rows) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/sweep\/heatmap$/,
    handler: async (ctx, _req, res, _m, search) => {
      const q = parseOrThrow(HeatmapQuerySchema, queryObject(search), 'heatmap query');
      if (q.x === q.y) throw new HttpError(400, 'x and y must be two different parameters', [{ path: 'y', message: 'same as x' }]);
      const rows = await sweepRows(ctx.store, q.id);
      const names = sweepParamNames(rows);
      for (const axis of ['x', 'y'] as const) {
        if (!names.includes(q[axis])) throw new HttpError(400, `${axis}: the sweep has no parameter "${q[axis]}" (it has ${names.join(', ')})`, [{ path: axis, message: `unknown parameter "${q[axis]}"` }]);
      }
      const heatmap = buildHeatmap(rows.map((r) => ({ id: r.id, params: r.params, value: r[q.metric] })), q.x, q.y, q.agg);
      sendJson(res, 200, { sweepId: q.id, metric: q.metric, agg: q.agg, ...heatmap });
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/compare$/,
    handler: async (ctx, _req, res, _m, search) => {
      const { ids } = parseOrThrow(CompareQuerySchema, queryObject(search), 'compare query');
      const series = [];
      for (const id of ids) {
        const detail = await ctx.store.getDetailed(id);
        if (!detail) throw new HttpError(404, `no backtest "${id}"`);
        series.push({ summary: detail.summary, ts: toArray(detail.equity.ts), equity: toArray(detail.equity.equity) });
      }
      sendJson(res, 200, { series });
    },
  },
];

/** Handles an /api request; `path` is the decoded path. */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: string, search: URLSearchParams): Promise<void> {
  let allowed: string[] = [];
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method !== req.method) {
      allowed.push(route.method);
      continue;
    }
    await route.handler(ctx, req, res, match.slice(1), search);
    return;
  }
  if (allowed.length) {
    allowed = [...new Set(allowed)];
    throw new HttpError(405, `method ${req.method} not allowed on ${path} (allowed: ${allowed.join(', ')})`);
  }
  throw new HttpError(404, `no API route ${path}`);
}

/**
 * Turns a validated run request of the Backtest Manager into a topology object for
 * `runTopology`: one strategy on its input streams, one portfolio, the exit rule as the
 * portfolio's risk setting. Everything a request can get wrong beyond its shape (unknown
 * strategy, bad params, unknown data source, wrong number of inputs, unsupported exit rule)
 * is a 400 naming the field.
 */
import { STRATEGIES, safeResolveStrategyParams, strategyTypes, formatParamPath } from '../strategies/registry.ts';
import { exitRuleCatalog, type DataSource } from './catalog.ts';
import { HttpError, type FieldIssue } from './http.ts';
import type { DataChoice, ExitRuleInput, RunRequest } from './schemas.ts';

export interface ResolvedRun {
  readonly topology: Record<string, unknown>;
  readonly strategy: string;
  /** Full params, defaults filled in. */
  readonly params: Record<string, unknown>;
  readonly exitRule: ExitRuleInput;
  readonly symbols: readonly string[];
  readonly timeframe: string;
}

/** The strategy's full params, or a 400 naming the strategy field or each bad param. */
export function resolveParamsOrThrow(strategy: string, params: unknown): Record<string, unknown> {
  const definition = STRATEGIES.get(strategy);
  if (!definition) {
    throw new HttpError(400, `unknown strategy "${strategy}"; known strategies: ${strategyTypes().join(', ')}`, [{ path: 'strategy', message: `unknown strategy "${strategy}"` }]);
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new HttpError(400, 'params must be a JSON object, e.g. {"fast_period": 10}', [{ path: 'params', message: 'must be a JSON object' }]);
  }
  const result = safeResolveStrategyParams(strategy, params);
  if (result.success) return result.data as Record<string, unknown>;
  const issues: FieldIssue[] = result.issues.map((issue) => ({ path: `params.${formatParamPath(issue.path)}`, message: issue.message }));
  throw new HttpError(400, `invalid params for ${strategy}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

function riskOf(rule: ExitRuleInput): Record<string, number> {
  switch (rule.type) {
    case 'signal':
      return {};
    case 'fixed_stop':
      return { stop_loss_pct: rule.stop_pct };
    case 'trailing_stop':
      return { trailing_stop_pct: rule.trail_pct };
    case 'profit_target':
      return { take_profit_pct: rule.target_pct };
  }
}

function streamOf(choice: DataChoice, index: number, sources: readonly DataSource[]): { stream: Record<string, unknown>; symbol: string; timeframe: string } {
  const path = `data[${index}]`;
  const source = sources.find((s) => s.id === choice.source);
  if (!source) {
    throw new HttpError(400, `${path}.source: unknown data source "${choice.source}"; available: ${sources.map((s) => s.id).join(', ')}`, [{ path: `${path}.source`, message: `unknown data source "${choice.source}"` }]);
  }
  if (source.kind === 'file') {
    const extra = (['symbol', 'timeframe', 'seed', 'bars'] as const).filter((k) => choice[k] !== undefined);
    if (extra.length) throw new HttpError(400, `${path}: ${extra.join(', ')} only apply to the synthetic source (a file has its own)`, extra.map((k) => ({ path: `${path}.${k}`, message: 'only for the synthetic source' })));
    return { stream: { symbol: source.symbol, timeframe: source.timeframe, file: source.path, timezone: source.timezone }, symbol: source.symbol, timeframe: source.timeframe };
  }
  const symbol = choice.symbol ?? `SYN${index === 0 ? '' : index + 1}`;
  const timeframe = choice.timeframe ?? '1d';
  const synthetic = { seed: choice.seed ?? 42 + index, bars: choice.bars ?? 2520, start_price: 100, start: '2015-01-02' };
  return { stream: { symbol, timeframe, synthetic }, symbol, timeframe };
}

export function resolveRunRequest(request: RunRequest, sources: readonly DataSource[]): ResolvedRun {
  const params = resolveParamsOrThrow(request.strategy, request.params);
  const definition = STRATEGIES.get(request.strategy)!;
  if (request.data.length !== definition.streams) {
    throw new HttpError(400, `data: ${request.strategy} needs ${definition.streams} input stream${definition.streams > 1 ? 's' : ''}, got ${request.data.length}`, [{ path: 'data', message: `needs ${definition.streams} input stream(s)` }]);
  }
  if (!exitRuleCatalog().some((r) => r.type === request.exitRule.type)) {
    throw new HttpError(400, `exitRule.type: "${request.exitRule.type}" is not supported by this build's portfolio risk settings`, [{ path: 'exitRule.type', message: 'not supported by this build' }]);
  }
  const streams = request.data.map((choice, i) => streamOf(choice, i, sources));
  const ids = streams.map((s) => `${s.symbol}_${s.timeframe}`);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new HttpError(400, `data: two inputs are both ${duplicate}; choose different symbols or sources`, [{ path: 'data', message: `duplicate input ${duplicate}` }]);
  const strategyId = 's';
  const topology = {
    name: `ui-${request.strategy}`,
    description: 'Backtest Manager run',
    data: { timezone: 'UTC', missing_bars: definition.streams > 1 ? 'ffill' : 'skip', streams: streams.map((s) => s.stream) },
    strategies: [{ id: strategyId, type: request.strategy, params, inputs: ids }],
    portfolios: [{ id: 'p', strategies: [strategyId], initial_cash: request.initialCash, risk: riskOf(request.exitRule) }],
    engine: { trace: { retention: 'none' } },
  };
  return { topology, strategy: request.strategy, params, exitRule: request.exitRule, symbols: streams.map((s) => s.symbol), timeframe: streams[0].timeframe };
}

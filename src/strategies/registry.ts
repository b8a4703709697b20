import type { z } from 'zod';
import { bollingerMeanReversion } from './bollinger_mean_reversion.ts';
import { donchianBreakout } from './donchian_breakout.ts';
import { emaCrossover } from './ema_crossover.ts';
import { macdCrossover } from './macd_crossover.ts';
import { momentum } from './momentum.ts';
import { pairsZscore } from './pairs_zscore.ts';
import { type ParamsResult, buildRegistry, resolveParams, safeResolveParams, UnknownTypeError } from './resolve.ts';
import { rsiMeanReversion } from './rsi_mean_reversion.ts';
import { smaCrossover } from './sma_crossover.ts';
import type { StrategyDefinition } from './types.ts';
import { vwapDeviation } from './vwap_deviation.ts';

export { ParamsError, UnknownTypeError, formatParamPath, type ParamIssue, type ParamsResult } from './resolve.ts';

/** Resolved params of some strategy (every key present, defaults filled in). */
export type StrategyParams = z.infer<z.ZodObject>;

/** Every strategy, by type. */
export const STRATEGIES: ReadonlyMap<string, StrategyDefinition> = buildRegistry<StrategyDefinition>([
  smaCrossover,
  emaCrossover,
  macdCrossover,
  momentum,
  rsiMeanReversion,
  bollingerMeanReversion,
  donchianBreakout,
  vwapDeviation,
  pairsZscore,
]);

/** Known strategy types, sorted. */
export function strategyTypes(): string[] {
  return [...STRATEGIES.keys()].sort();
}

/** The strategy definition for `type`; throws an UnknownTypeError listing the known types. */
export function getStrategy(type: string): StrategyDefinition {
  const definition = STRATEGIES.get(type);
  if (!definition) throw new UnknownTypeError('strategy', type, strategyTypes());
  return definition;
}

/**
 * Validates `params` for strategy `type` (undefined/null mean {}) and returns the full params
 * with defaults filled in. Throws UnknownTypeError for an unknown type, and ParamsError (with
 * structured `issues`, each naming the param path) for unknown params, wrong types or failed
 * constraints.
 */
export function resolveStrategyParams(type: string, params: unknown): StrategyParams {
  return resolveParams('strategy', type, getStrategy(type).params, params);
}

/** Non-throwing variant for params problems (an unknown type still throws UnknownTypeError). */
export function safeResolveStrategyParams(type: string, params: unknown): ParamsResult<StrategyParams> {
  return safeResolveParams(getStrategy(type).params, params);
}

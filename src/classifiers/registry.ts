import type { z } from 'zod';
import { type ParamsResult, buildRegistry, resolveParams, safeResolveParams, UnknownTypeError } from '../strategies/resolve.ts';
import type { ClassifierDefinition } from '../strategies/types.ts';
import { momentumRegime } from './momentum_regime.ts';
import { trend } from './trend.ts';
import { volatility } from './volatility.ts';

export { ParamsError, UnknownTypeError, formatParamPath, type ParamIssue, type ParamsResult } from '../strategies/resolve.ts';

/** Resolved params of some classifier (every key present, defaults filled in). */
export type ClassifierParams = z.infer<z.ZodObject>;

/** Every classifier, by type. */
export const CLASSIFIERS: ReadonlyMap<string, ClassifierDefinition> = buildRegistry<ClassifierDefinition>([trend, volatility, momentumRegime]);

/** Known classifier types, sorted. */
export function classifierTypes(): string[] {
  return [...CLASSIFIERS.keys()].sort();
}

/** The classifier definition for `type`; throws an UnknownTypeError listing the known types. */
export function getClassifier(type: string): ClassifierDefinition {
  const definition = CLASSIFIERS.get(type);
  if (!definition) throw new UnknownTypeError('classifier', type, classifierTypes());
  return definition;
}

/**
 * Validates `params` for classifier `type` (undefined/null mean {}) and returns the full
 * params with defaults filled in. Throws UnknownTypeError for an unknown type, and
 * ParamsError (with structured `issues`, each naming the param path) for unknown params,
 * wrong types or failed constraints.
 */
export function resolveClassifierParams(type: string, params: unknown): ClassifierParams {
  return resolveParams('classifier', type, getClassifier(type).params, params);
}

/** Non-throwing variant for params problems (an unknown type still throws UnknownTypeError). */
export function safeResolveClassifierParams(type: string, params: unknown): ParamsResult<ClassifierParams> {
  return safeResolveParams(getClassifier(type).params, params);
}

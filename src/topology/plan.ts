/**
 * The plan: a validated topology turned into everything the builder needs, without touching
 * the disk. Pure: the same config gives the same plan (and the same config hash).
 */
import { isAbsolute, resolve } from 'node:path';
import { streamId } from '../core/timeframe.ts';
import { getClassifier, resolveClassifierParams } from '../classifiers/registry.ts';
import type { ExecutionConfig } from '../execution/config.ts';
import type { PortfolioConfig } from '../portfolio/config.ts';
import { getStrategy, resolveStrategyParams } from '../strategies/registry.ts';
import type { StrategyDefinition } from '../strategies/types.ts';
import type { ClassifierInstanceSpec, StrategyInstanceSpec } from '../containers/feature-container.ts';
import { canonicalJson, sha256 } from '../core/canonical-json.ts';
import type { TopologyConfig } from './schema.ts';

export type StreamSource =
  | { readonly kind: 'file'; readonly path: string; readonly timezone: string }
  | { readonly kind: 'synthetic'; readonly seed: number; readonly bars: number; readonly startPrice: number; readonly start: string }
  | { readonly kind: 'resample'; readonly from: string; readonly timezone: string }
  | { readonly kind: 'store'; readonly start?: string; readonly end?: string; readonly timezone: string };

export interface StreamPlan {
  readonly id: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly source: StreamSource;
}

/** A strategy instance as the feature container takes it, with its inputs named rather than indexed. */
export type StrategyPlan = Omit<StrategyInstanceSpec, 'inputs'> & { readonly inputs: readonly string[] };

/** A classifier instance as the feature container takes it, with its inputs named. */
export type ClassifierPlan = Omit<ClassifierInstanceSpec, 'inputs'> & { readonly inputs: readonly string[] };

export interface PortfolioPlan {
  readonly config: PortfolioConfig;
  readonly execution: ExecutionConfig;
}

export type RunMode = TopologyConfig['mode'];

export interface Plan {
  readonly name: string;
  readonly mode: RunMode;
  /** Absolute path of the signal store (generation and replay modes). */
  readonly signalStore: string | null;
  /** The market data store the streams read through, and the snapshot to read from (if any). */
  readonly dataStore: { readonly root: string; readonly snapshot: string | null } | null;
  readonly config: TopologyConfig;
  /** SHA-256 of the canonical JSON of the validated config (defaults filled in). */
  readonly configHash: string;
  readonly streams: readonly StreamPlan[];
  readonly strategies: readonly StrategyPlan[];
  readonly classifiers: readonly ClassifierPlan[];
  readonly portfolios: readonly PortfolioPlan[];
}

function legWeights(definition: StrategyDefinition, params: Record<string, unknown>): readonly number[] {
  const weights = definition.legWeights ? definition.legWeights(params as never) : [1];
  if (weights.length > definition.streams) throw new Error(`strategy type ${definition.type}: ${weights.length} legs but only ${definition.streams} streams`);
  return weights;
}

export function planTopology(config: TopologyConfig, baseDir: string): Plan {
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const streams: StreamPlan[] = config.data.streams.map((s) => {
    const timezone = s.timezone ?? config.data.timezone;
    const source: StreamSource = s.file !== undefined
      ? { kind: 'file', path: absolute(s.file), timezone }
      : s.synthetic !== undefined
        ? { kind: 'synthetic', seed: s.synthetic.seed, bars: s.synthetic.bars, startPrice: s.synthetic.start_price, start: s.synthetic.start }
        : s.store !== undefined
          ? { kind: 'store', start: s.store.start, end: s.store.end, timezone }
          : { kind: 'resample', from: s.resample_from!, timezone };
    return { id: streamId(s.symbol, s.timeframe), symbol: s.symbol, timeframe: s.timeframe, source };
  });
  const strategies = config.strategies.map((s) => {
    const definition = getStrategy(s.type);
    const params = resolveStrategyParams(s.type, s.params);
    return { id: s.id, definition, params, inputs: s.inputs, legWeights: legWeights(definition, params) };
  });
  const classifiers = config.classifiers.map((c) => ({
    id: c.id, definition: getClassifier(c.type), params: resolveClassifierParams(c.type, c.params), inputs: c.inputs,
  }));
  const portfolios = config.portfolios.map((p) => ({ config: p, execution: { ...config.execution, ...p.execution } }));
  const hashed = { ...config, strategies: strategies.map((s) => ({ id: s.id, type: s.definition.type, params: s.params, inputs: s.inputs })) };
  const store = config.signals?.store;
  const signalStore = store === undefined ? null : absolute(store);
  const dataStore = config.data.store === undefined ? null : { root: absolute(config.data.store), snapshot: config.data.snapshot ?? null };
  return { name: config.name, mode: config.mode, signalStore, dataStore, config, configHash: sha256(canonicalJson(hashed)), streams, strategies, classifiers, portfolios };
}

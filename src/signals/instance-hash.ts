/**
 * The one canonical hash of a strategy (or classifier) instance: type, full params with
 * defaults, filter, canonical feature keys, input streams with their dataset content hashes,
 * the missing-bar policy, leg weights and the engine version. Same hash => same signals,
 * bit for bit; the instance's id is a label and not part of it.
 */
import type { BarSeries } from '../data/bar-series.ts';
import { resolveFeature } from '../features/feature-key.ts';
import type { ClassifierDefinition, StrategyDefinition } from '../strategies/types.ts';
import { canonicalJson, sha256 } from '../core/canonical-json.ts';
import { ENGINE_VERSION } from '../version.ts';
import { FORMAT_VERSION } from './format.ts';

export interface InstanceIdentity {
  readonly kind: 'strategy' | 'classifier';
  readonly id: string;
  readonly definition: StrategyDefinition | ClassifierDefinition;
  readonly params: Record<string, unknown>;
  readonly inputs: readonly string[];
  readonly legWeights?: readonly number[];
}

export function instanceHashPayload(instance: InstanceIdentity, seriesById: ReadonlyMap<string, BarSeries>, missingBars: string) {
  const inputs = instance.inputs.map((id) => {
    const s = seriesById.get(id);
    if (!s) throw new Error(`${instance.kind} ${instance.id}: input stream ${id} is not loaded`);
    return { stream: id, symbol: s.symbol, timeframe: s.timeframe, dataset: s.hash };
  });
  const requests = instance.definition.features(instance.params as never);
  const features = Object.values(requests).map((r) => resolveFeature(r, instance.inputs, instance.id).key).sort();
  return {
    kind: instance.kind,
    type: instance.definition.type,
    params: instance.params,
    filter: null,
    features,
    inputs,
    missing_bars: missingBars,
    leg_weights: instance.legWeights ?? null,
    engine_version: ENGINE_VERSION,
    store_format_version: FORMAT_VERSION,
  };
}

export function instanceHash(instance: InstanceIdentity, seriesById: ReadonlyMap<string, BarSeries>, missingBars: string): string {
  return sha256(canonicalJson(instanceHashPayload(instance, seriesById, missingBars)));
}

/**
 * Resolving a feature request to its canonical identity: which indicator, with which full
 * params, on which of the consumer's inputs, and its keys: `group` names the indicator
 * instance (`SPY_1m.bollinger_20_2.0`, shared by all its outputs), `key` one output
 * (`SPY_1m.bollinger_20_2.0_upper`). Pair features: `spread_zscore_1.0_20_zscore(SPY_1m,QQQ_1m)`.
 * The FeatureHub dedupes by `group`; strategy hashes include `key`.
 */
import type { FeatureRequest } from '../strategies/types.ts';
import { canonicalFeatureName } from './canonical-name.ts';
import type { IndicatorSpec } from './indicator.ts';
import { getIndicator, resolveIndicatorParams } from './registry.ts';

export interface ResolvedFeature {
  readonly spec: IndicatorSpec;
  readonly params: Readonly<Record<string, unknown>>;
  readonly output: string;
  /** Positions in the consumer's input list: one for bar indicators, two for pair indicators. */
  readonly positions: readonly number[];
  readonly group: string;
  readonly key: string;
}

/** `inputIds` are the stream ids of the consumer's inputs, in order. */
export function resolveFeature(request: FeatureRequest, inputIds: readonly string[], consumer: string): ResolvedFeature {
  const idAt = (position: number) => {
    const id = inputIds[position];
    if (id === undefined) throw new Error(`${consumer}: feature asks for input stream ${position} but only ${inputIds.length} input(s) are configured`);
    return id;
  };
  const name = 'pair' in request ? request.pair : request.indicator;
  const spec = getIndicator(name);
  if ('pair' in request && spec.kind !== 'pair') throw new Error(`${consumer}: ${name} is not a pair indicator`);
  if (!('pair' in request) && spec.kind !== 'bar') throw new Error(`${consumer}: ${name} is a pair indicator; request it with "pair"`);
  const params = resolveIndicatorParams(name, request.params ?? {});
  const output = request.output ?? spec.outputs[0];
  if (!spec.outputs.includes(output)) throw new Error(`${consumer}: indicator ${name} has no output "${output}" (outputs: ${spec.outputs.join(', ')})`);
  const full = canonicalFeatureName(name, params, output, spec);
  const suffix = `_${output}`;
  const group = spec.outputs.length > 1 && full.endsWith(suffix) ? full.slice(0, -suffix.length) : full;
  if ('pair' in request) {
    const positions = [request.streams[0], request.streams[1]];
    const streams = `(${idAt(positions[0])},${idAt(positions[1])})`;
    return { spec, params, output, positions, group: group + streams, key: full + streams };
  }
  const position = request.stream ?? 0;
  const prefix = `${idAt(position)}.`;
  return { spec, params, output, positions: [position], group: prefix + group, key: prefix + full };
}

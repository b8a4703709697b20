import type { IndicatorSpec } from './indicator.ts';

/**
 * The canonical feature name that identifies one indicator instance and output, e.g.
 * `sma_20`, `bollinger_20_2.0_upper`, `obv`.
 *
 * `name`, then the values of `fullParams` (already resolved, defaults filled) ordered by
 * param key alphabetically, integers printed plainly and the spec's `floatParams` with at
 * least one decimal (2 -> `2.0`, 2.5 -> `2.5`), joined with `_`; then `_<output>` only when
 * the spec has more than one output. `output` must be one of `spec.outputs`.
 * Pair indicators are named the same way (the stream prefix is added by the caller).
 */
export function canonicalFeatureName(
  name: string,
  fullParams: Readonly<Record<string, unknown>>,
  output: string,
  spec: IndicatorSpec,
): string {
  if (!spec.outputs.includes(output)) {
    throw new Error(`Indicator "${name}" has no output "${output}" (outputs: ${spec.outputs.join(', ')})`);
  }
  const floats = spec.floatParams ?? [];
  let out = name;
  for (const key of Object.keys(fullParams).sort()) {
    out += '_' + formatParam(fullParams[key], floats.includes(key));
  }
  if (spec.outputs.length > 1) out += '_' + output;
  return out;
}

function formatParam(v: unknown, isFloat: boolean): string {
  if (typeof v === 'number' && isFloat && Number.isInteger(v)) return v.toFixed(1);
  return String(v);
}

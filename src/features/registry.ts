import type { z } from 'zod';
import type { IndicatorSpec } from './indicator.ts';
import { adxSpec } from './indicators/adx.ts';
import { atrSpec } from './indicators/atr.ts';
import { bollingerSpec } from './indicators/bollinger.ts';
import { correlationSpec } from './indicators/correlation.ts';
import { donchianSpec } from './indicators/donchian.ts';
import { emaSpec } from './indicators/ema.ts';
import { macdSpec } from './indicators/macd.ts';
import { momentumSpec } from './indicators/momentum.ts';
import { obvSpec } from './indicators/obv.ts';
import { rocSpec } from './indicators/roc.ts';
import { rsiSpec } from './indicators/rsi.ts';
import { smaSpec } from './indicators/sma.ts';
import { spreadZscoreSpec } from './indicators/spread_zscore.ts';
import { stddevSpec } from './indicators/stddev.ts';
import { stochasticSpec } from './indicators/stochastic.ts';
import { vwapSpec } from './indicators/vwap.ts';
import { wmaSpec } from './indicators/wma.ts';
import { zscoreSpec } from './indicators/zscore.ts';

const ALL: readonly IndicatorSpec[] = [
  smaSpec,
  emaSpec,
  wmaSpec,
  rsiSpec,
  atrSpec,
  bollingerSpec,
  macdSpec,
  stddevSpec,
  zscoreSpec,
  donchianSpec,
  momentumSpec,
  rocSpec,
  vwapSpec,
  adxSpec,
  stochasticSpec,
  obvSpec,
  correlationSpec,
  spreadZscoreSpec,
];

/** Every indicator (bar and pair), keyed by its name. */
export const INDICATORS: ReadonlyMap<string, IndicatorSpec> = new Map(ALL.map((s) => [s.name, s]));

/** Sorted names of every registered indicator. */
export function indicatorNames(): string[] {
  return [...INDICATORS.keys()].sort();
}

/** The spec registered under `name`; throws an error listing the known names otherwise. */
export function getIndicator(name: string): IndicatorSpec {
  const spec = INDICATORS.get(name);
  if (spec === undefined) {
    throw new Error(`Unknown indicator "${name}". Known indicators: ${indicatorNames().join(', ')}`);
  }
  return spec;
}

/**
 * Parses `params` with the indicator's zod schema: fills defaults, rejects unknown keys and
 * wrong types. The error message names the indicator and every offending param.
 * `undefined`/`null` params mean "all defaults".
 */
export function resolveIndicatorParams(name: string, params?: unknown): z.infer<IndicatorSpec['params']> {
  const spec = getIndicator(name);
  const result = spec.params.safeParse(params ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown param${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${paramKeys(spec).join(', ') || 'none'})`;
    }
    const path = issue.path.map(String).join('.');
    return path ? `param "${path}": ${issue.message}` : issue.message;
  });
  throw new Error(`Invalid params for indicator "${name}": ${problems.join('; ')}`);
}

function paramKeys(spec: IndicatorSpec): string[] {
  return Object.keys(spec.params.shape).sort();
}

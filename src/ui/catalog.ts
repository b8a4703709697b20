/**
 * What the Backtest Manager offers: the strategies of the registry with a form description
 * generated from each params schema, the data sources (a synthetic generator that always works,
 * and the bar files of the shared data folder that are present), and the exit rules this
 * build's portfolio risk settings support.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RiskSchema } from '../portfolio/config.ts';
import { STRATEGIES, strategyTypes } from '../strategies/registry.ts';

/** One form field of a strategy parameter, from the params schema (JSON Schema of zod v4). */
export interface ParamField {
  readonly name: string;
  readonly type: 'integer' | 'number' | 'boolean' | 'string';
  readonly default: unknown;
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: number;
  readonly exclusiveMax?: number;
  /** Values a sweep would try (the strategy's paramSpace), if any. */
  readonly space?: readonly number[];
}

export interface StrategyInfo {
  readonly type: string;
  readonly description: string;
  /** Number of input streams (2 for a pairs strategy). */
  readonly streams: number;
  readonly defaults: Record<string, unknown>;
  readonly fields: readonly ParamField[];
}

interface JsonSchemaProperty {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

function fieldOf(name: string, prop: JsonSchemaProperty, space: readonly number[] | undefined): ParamField {
  const type = prop.type === 'integer' || prop.type === 'number' || prop.type === 'boolean' ? prop.type : 'string';
  const bound = (x: number | undefined) => (x !== undefined && Math.abs(x) < Number.MAX_SAFE_INTEGER ? x : undefined);
  const field: Record<string, unknown> = { name, type, default: prop.default };
  if (bound(prop.minimum) !== undefined) field.min = prop.minimum;
  if (bound(prop.maximum) !== undefined) field.max = prop.maximum;
  if (bound(prop.exclusiveMinimum) !== undefined) field.exclusiveMin = prop.exclusiveMinimum;
  if (bound(prop.exclusiveMaximum) !== undefined) field.exclusiveMax = prop.exclusiveMaximum;
  if (space) field.space = space;
  return field as unknown as ParamField;
}

export function strategyCatalog(): StrategyInfo[] {
  return strategyTypes().map((type) => {
    const definition = STRATEGIES.get(type)!;
    const schema = z.toJSONSchema(definition.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaProperty> };
    const fields = Object.entries(schema.properties ?? {}).map(([name, prop]) => fieldOf(name, prop, definition.paramSpace[name]));
    return {
      type,
      description: definition.description,
      streams: definition.streams,
      defaults: definition.params.parse({}) as Record<string, unknown>,
      fields,
    };
  });
}

/** A data source the manager can run on. `synthetic` takes a symbol, seed and bar count. */
export type DataSource =
  | { readonly id: 'synthetic'; readonly kind: 'synthetic'; readonly label: string; readonly timeframes: readonly string[] }
  | { readonly id: string; readonly kind: 'file'; readonly label: string; readonly symbol: string; readonly timeframe: string; readonly timezone: string; readonly path: string };

export const SYNTHETIC_TIMEFRAMES = ['1d', '1h', '1m'] as const;

/** The shared data folder beside the repository (`../shared/data`), never copied into it. */
export const DEFAULT_DATA_DIR = resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/data');

/** Zones of the files whose stamps are not New York time (see the data folder's README). */
const FILE_TIMEZONES: Readonly<Record<string, string>> = { 'EURUSD_1h.csv': 'UTC' };

/**
 * The bar files of `dataDir` named `<SYMBOL>_<timeframe>[_suffix].csv` (e.g. `SPY_1h_lean.csv`),
 * plus the synthetic source. A missing folder gives the synthetic source only.
 */
export function listDataSources(dataDir: string | null = DEFAULT_DATA_DIR): DataSource[] {
  const sources: DataSource[] = [{ id: 'synthetic', kind: 'synthetic', label: 'synthetic (generated, deterministic by seed)', timeframes: SYNTHETIC_TIMEFRAMES }];
  if (!dataDir || !existsSync(dataDir)) return sources;
  for (const name of readdirSync(dataDir).sort()) {
    const match = /^([A-Z][A-Z0-9.]*)_(\d+[mhd])(?:_[A-Za-z0-9]+)*\.csv$/.exec(name);
    if (!match) continue;
    const [, symbol, timeframe] = match;
    sources.push({ id: name, kind: 'file', label: `${symbol} ${timeframe} (${name})`, symbol, timeframe, timezone: FILE_TIMEZONES[name] ?? 'America/New_York', path: join(dataDir, name) });
  }
  return sources;
}

export type ExitRuleType = 'signal' | 'fixed_stop' | 'trailing_stop' | 'profit_target';

/** Whether portfolio risk settings know a trailing stop (`risk.trailing_stop_pct`). */
export function trailingStopSupported(): boolean {
  return 'trailing_stop_pct' in RiskSchema.shape;
}

export interface ExitRuleInfo {
  readonly type: ExitRuleType;
  readonly label: string;
  /** The percentage field of the rule, if it has one. */
  readonly field?: 'stop_pct' | 'trail_pct' | 'target_pct';
  readonly riskKey?: string;
}

export function exitRuleCatalog(): ExitRuleInfo[] {
  const rules: ExitRuleInfo[] = [
    { type: 'signal', label: 'signal exit (the strategy closes)' },
    { type: 'fixed_stop', label: 'fixed stop loss', field: 'stop_pct', riskKey: 'stop_loss_pct' },
    { type: 'trailing_stop', label: 'trailing stop', field: 'trail_pct', riskKey: 'trailing_stop_pct' },
    { type: 'profit_target', label: 'profit target', field: 'target_pct', riskKey: 'take_profit_pct' },
  ];
  return trailingStopSupported() ? rules : rules.filter((r) => r.type !== 'trailing_stop');
}

/**
 * Stable hashes of a backtest's parameters and exit rule: SHA-256 of the canonical JSON
 * (object keys sorted at every level, src/core/canonical-json.ts). Independent of key order,
 * sensitive to types (1, "1" and true differ) and to array order.
 */
import { canonicalJson, sha256 } from '../../core/canonical-json.ts';
import { ExitRuleSchema, ParamsSchema, parseInput, type ExitRule, type JsonValue } from './schema.ts';

/** SHA-256 (hex) of the canonical JSON of `params`; throws on values JSON cannot carry exactly. */
export function paramHash(params: Record<string, unknown>): string {
  return sha256(canonicalJson(parseInput(ParamsSchema, params, 'paramHash(params)')));
}

/** Already validated params: the store's own path (no second validation). */
export function paramHashOf(params: Record<string, JsonValue>): string {
  return sha256(canonicalJson(params));
}

/**
 * One form per set of exits: the type is trailing_stop if trail_pct is set, else fixed_stop if
 * stop_pct is set, else profit_target if target_pct is set, else signal; the other set fields
 * stay as extras. `{ type: 'profit_target', target_pct: 10, stop_pct: 5 }` becomes
 * `{ type: 'fixed_stop', stop_pct: 5, target_pct: 10 }`.
 */
export function normalizeExitRule(rule: ExitRule): ExitRule {
  const stop = 'stop_pct' in rule ? rule.stop_pct : undefined;
  const trail = 'trail_pct' in rule ? rule.trail_pct : undefined;
  const target = 'target_pct' in rule ? rule.target_pct : undefined;
  const extras = <T extends object>(base: T, fields: Record<string, number | undefined>) => {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
    return out as T;
  };
  if (trail !== undefined) return extras({ type: 'trailing_stop' as const, trail_pct: trail }, { stop_pct: stop, target_pct: target });
  if (stop !== undefined) return extras({ type: 'fixed_stop' as const, stop_pct: stop }, { target_pct: target });
  if (target !== undefined) return { type: 'profit_target', target_pct: target };
  return { type: 'signal' };
}

/** The exit rule from portfolio risk settings (stop_loss_pct, take_profit_pct, trailing_stop_pct). */
export function exitRuleFromRisk(risk: { stop_loss_pct?: number; take_profit_pct?: number; trailing_stop_pct?: number }): ExitRule {
  const { stop_loss_pct: stop, take_profit_pct: target, trailing_stop_pct: trail } = risk;
  if (trail !== undefined) return normalizeExitRule({ type: 'trailing_stop', trail_pct: trail, stop_pct: stop, target_pct: target });
  if (stop !== undefined) return normalizeExitRule({ type: 'fixed_stop', stop_pct: stop, target_pct: target });
  if (target !== undefined) return { type: 'profit_target', target_pct: target };
  return { type: 'signal' };
}

/** SHA-256 of the canonical JSON of the normalised rule. */
export function exitRuleHash(rule: unknown): string {
  return sha256(canonicalJson(normalizeExitRule(parseInput(ExitRuleSchema, rule, 'exitRuleHash(rule)'))));
}

export function exitRuleHashOf(normalized: ExitRule): string {
  return sha256(canonicalJson(normalized));
}

/**
 * Grid expansion: a topology whose strategy params or portfolio settings hold lists or
 * `range(start, stop, step)` becomes an ordinary topology with one strategy instance per
 * distinct parameter set and one portfolio per combination (docs/sweeps.md):
 *
 * - strategy params: each swept param is an axis; the instances are their cartesian product
 *   (in the order the params are written), minus those failing the strategy's `constraints`
 *   (e.g. `fast_period < slow_period`, checked on the params with defaults filled in) or its
 *   own rules between params (the registry's validation, e.g. ema_crossover's fast < slow);
 * - portfolio settings (initial_cash, close_at_end, sizing.*, risk.*, execution.*): each
 *   swept leaf is an axis; `null` in a list means "not set" (e.g. no stop);
 * - a portfolio becomes one portfolio per element of (instances of each strategy it trades)
 *   x (its own axes). Each is a combination: one row of the sweep's results.
 *
 * Instances and portfolios that are not swept keep their ids; swept ones get `<id>.<k>`.
 * Features are shared by canonical name in the feature container, so 100 instances of one
 * strategy type over one stream compute each distinct indicator once.
 */
import { canonicalJson, sha256 } from '../core/canonical-json.ts';
import { resolveStrategyParams, safeResolveStrategyParams } from '../strategies/registry.ts';
import { TopologyError, validateTopologyShape } from '../topology/load.ts';
import type { TopologyConfig } from '../topology/schema.ts';
import { SweepSettingsSchema, type SweepSettings } from './settings.ts';
import { parseConstraint, type Constraint } from './constraints.ts';
import { axisValues, isSwept, type AxisValue } from './axis.ts';

export interface SweepCombination {
  /** Stable position in the grid. */
  readonly index: number;
  /** The expanded portfolio's id in the expanded topology. */
  readonly portfolioId: string;
  /** The expanded strategy instance ids it trades, in the portfolio's order. */
  readonly strategyIds: readonly string[];
  /** The swept values of this combination, by flattened name (`sma.fast_period`, `p.risk.stop_loss_pct`). */
  readonly params: Readonly<Record<string, AxisValue>>;
  /** Canonical hash of everything that decides its result: strategy types, full params and inputs, portfolio and execution settings. */
  readonly hash: string;
}

export interface SweepExpansion {
  /** The expanded, validated topology: every combination is one portfolio in it. */
  readonly config: TopologyConfig;
  readonly combinations: readonly SweepCombination[];
  /** Swept parameter names, in column order. */
  readonly parameters: readonly string[];
  readonly settings: SweepSettings;
  /** Hash of the whole expanded config: names a sweep's results folder. */
  readonly configHash: string;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Portfolio keys whose leaves may be swept. */
const PORTFOLIO_SWEEPABLE = ['initial_cash', 'close_at_end', 'sizing', 'risk', 'execution'] as const;

interface Axis {
  readonly name: string;
  /** Path inside the owner (params key, or portfolio key path). */
  readonly path: readonly string[];
  readonly values: readonly AxisValue[];
}

interface Instance {
  readonly id: string;
  readonly raw: Raw;
  readonly swept: Readonly<Record<string, AxisValue>>;
}

/** Whether a raw topology uses any sweep syntax (lists or ranges in params or portfolio settings). */
export function isSweepInput(input: unknown): boolean {
  if (!isObject(input)) return false;
  if (input.sweep !== undefined) return true;
  const strategies = Array.isArray(input.strategies) ? input.strategies : [];
  for (const s of strategies) {
    if (isObject(s) && (s.constraints !== undefined || (isObject(s.params) && Object.values(s.params).some(isSwept)))) return true;
  }
  const portfolios = Array.isArray(input.portfolios) ? input.portfolios : [];
  return portfolios.some((p) => isObject(p) && sweptLeaves(p, []).length > 0);
}

function sweptLeaves(owner: Raw, at: readonly string[]): string[][] {
  const out: string[][] = [];
  const keys = at.length === 0 ? PORTFOLIO_SWEEPABLE.filter((k) => k in owner) : Object.keys(owner);
  for (const key of keys) {
    const v = owner[key];
    if (isSwept(v)) out.push([...at, key]);
    else if (isObject(v)) out.push(...sweptLeaves(v, [...at, key]));
  }
  return out;
}

function* cartesian<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  if (lists.some((l) => l.length === 0)) return;
  const idx = new Array<number>(lists.length).fill(0);
  for (;;) {
    yield idx.map((i, k) => lists[k][i]);
    let k = lists.length - 1;
    while (k >= 0 && ++idx[k] === lists[k].length) idx[k--] = 0;
    if (k < 0) return;
  }
}

function setPath(target: Raw, path: readonly string[], value: AxisValue): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const next = node[path[i]];
    node = node[path[i]] = isObject(next) ? { ...next } : {};
  }
  const last = path[path.length - 1];
  if (value === null) delete node[last];
  else node[last] = value;
}

function expandStrategy(raw: Raw, index: number, maxCombinations: number, problems: string[]): { instances: Instance[]; axes: Axis[] } {
  const where = `strategies[${index}]`;
  const id = String(raw.id);
  const params = isObject(raw.params) ? raw.params : {};
  const axes: Axis[] = [];
  for (const [key, value] of Object.entries(params)) {
    const values = axisValues(value, `${where}.params.${key}`, problems);
    if (values) axes.push({ name: `${id}.${key}`, path: [key], values });
  }
  const constraints: Constraint[] = [];
  const rawConstraints = raw.constraints === undefined ? [] : raw.constraints;
  if (!Array.isArray(rawConstraints)) problems.push(`${where}.constraints: a list of expressions such as "fast_period < slow_period"`);
  else rawConstraints.forEach((c, k) => {
    const parsed = parseConstraint(c, `${where}.constraints[${k}]`, problems);
    if (parsed) constraints.push(parsed);
  });
  const { constraints: _constraints, ...rest } = raw;
  if (axes.length === 0 && constraints.length === 0) return { instances: [{ id, raw: rest, swept: {} }], axes };
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > maxCombinations) {
    problems.push(`${where}: its params make ${points.toLocaleString('en-US')} combinations, more than sweep.max_combinations (${maxCombinations.toLocaleString('en-US')}); narrow a range or raise the limit`);
    return { instances: [], axes };
  }
  const instances: Instance[] = [];
  const seen = new Set<string>();
  for (const combo of cartesian(axes.map((a) => a.values))) {
    const p: Raw = { ...params };
    const swept: Record<string, AxisValue> = {};
    combo.forEach((v, k) => {
      setPath(p, axes[k].path, v);
      swept[axes[k].name] = v;
    });
    let resolved: Record<string, unknown> = p;
    try {
      const result = safeResolveStrategyParams(String(raw.type), p);
      if (result.success) resolved = result.data as Record<string, unknown>;
      // A point breaking the strategy's own rule between params (e.g. fast < slow) is not a
      // strategy: left out like one failing a written constraint. Other problems (a negative
      // period, a wrong type) are errors, reported by validation with their path.
      else if (result.issues.every((issue) => issue.code === 'custom')) continue;
    } catch {
      // An unknown type: validation reports it.
    }
    if (!constraints.every((c) => c.holds(resolved, `${where}.constraints`, problems))) continue;
    const key = canonicalJson(resolved);
    if (seen.has(key)) {
      problems.push(`${where}.params: two grid points give the same params ${key} (a value listed twice?)`);
      continue;
    }
    seen.add(key);
    // Not swept (constraints only): the one instance keeps its id, so expanding twice changes nothing.
    const instanceId = axes.length === 0 ? id : `${id}.${instances.length}`;
    instances.push({ id: instanceId, raw: { ...rest, id: instanceId, params: p }, swept });
  }
  if (instances.length === 0 && !problems.some((p) => p.startsWith(where))) problems.push(`${where}: the constraints leave no parameter combination`);
  return { instances, axes };
}

/** Expands a raw topology (as parsed from YAML or given from TypeScript); throws TopologyError naming every problem. */
export function expandSweep(input: unknown, label = 'topology'): SweepExpansion {
  if (!isObject(input)) throw new TopologyError(label, ['(top level): the top level must be a mapping (name, data, strategies, portfolios, ...)']);
  const problems: string[] = [];
  const settingsParsed = SweepSettingsSchema.safeParse(input.sweep ?? {});
  if (!settingsParsed.success) {
    throw new TopologyError(label, settingsParsed.error.issues.map((i) => `sweep${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`));
  }
  const settings = settingsParsed.data;
  const rawStrategies = Array.isArray(input.strategies) ? input.strategies : [];
  const rawPortfolios = Array.isArray(input.portfolios) ? input.portfolios : [];
  for (const c of Array.isArray(input.classifiers) ? input.classifiers : []) {
    if (isObject(c) && isObject(c.params) && Object.values(c.params).some(isSwept)) problems.push(`classifiers: classifier params cannot be swept (sweep the strategies and portfolios that use them)`);
  }
  const byStrategy = new Map<string, Instance[]>();
  const parameters: string[] = [];
  const strategies: Raw[] = [];
  /** Expanded strategy index -> original index, for error messages. */
  const strategyOrigin: number[] = [];
  rawStrategies.forEach((raw, i) => {
    if (!isObject(raw)) {
      strategies.push(raw as Raw);
      strategyOrigin.push(i);
      return;
    }
    const { instances, axes } = expandStrategy(raw, i, settings.max_combinations, problems);
    for (const a of axes) if (!parameters.includes(a.name)) parameters.push(a.name);
    byStrategy.set(String(raw.id), instances);
    for (const inst of instances) {
      strategies.push(inst.raw);
      strategyOrigin.push(i);
    }
  });

  // Count before building anything: a typo in a range must not allocate a million portfolios.
  interface PortfolioGrid { raw: Raw; index: number; axes: Axis[]; lists: Instance[][] }
  const grids: PortfolioGrid[] = [];
  let total = 0;
  rawPortfolios.forEach((raw, i) => {
    if (!isObject(raw)) return;
    const axes: Axis[] = [];
    for (const path of sweptLeaves(raw, [])) {
      const values = axisValues(path.reduce<unknown>((node, k) => (node as Raw)[k], raw), `portfolios[${i}].${path.join('.')}`, problems);
      if (values) axes.push({ name: `${String(raw.id)}.${path.join('.')}`, path, values });
    }
    for (const a of axes) if (!parameters.includes(a.name)) parameters.push(a.name);
    const ids = Array.isArray(raw.strategies) ? raw.strategies.map(String) : [];
    const lists = ids.map((id) => byStrategy.get(id) ?? [{ id, raw: {}, swept: {} }]);
    grids.push({ raw, index: i, axes, lists });
    total += lists.reduce((n, l) => n * l.length, 1) * axes.reduce((n, a) => n * a.values.length, 1);
  });
  if (total > settings.max_combinations) {
    problems.push(`sweep: the grid has ${total.toLocaleString('en-US')} combinations, more than sweep.max_combinations (${settings.max_combinations.toLocaleString('en-US')}); narrow a range or raise the limit`);
  }
  if (problems.length > 0) throw new TopologyError(label, problems);

  const portfolios: Raw[] = [];
  const portfolioOrigin: number[] = [];
  const pending: { portfolioId: string; strategyIds: string[]; params: Record<string, AxisValue> }[] = [];
  for (const grid of grids) {
    const count = grid.lists.reduce((n, l) => n * l.length, 1) * grid.axes.reduce((n, a) => n * a.values.length, 1);
    let k = 0;
    for (const chosen of cartesian(grid.lists)) {
      for (const values of cartesian(grid.axes.map((a) => a.values))) {
        const id = count === 1 ? String(grid.raw.id) : `${String(grid.raw.id)}.${k}`;
        const p: Raw = structuredClone(grid.raw);
        const params: Record<string, AxisValue> = {};
        values.forEach((v, j) => {
          setPath(p, grid.axes[j].path, v);
          params[grid.axes[j].name] = v;
        });
        for (const inst of chosen) Object.assign(params, inst.swept);
        p.id = id;
        p.strategies = chosen.map((inst) => inst.id);
        portfolios.push(p);
        portfolioOrigin.push(grid.index);
        pending.push({ portfolioId: id, strategyIds: chosen.map((inst) => inst.id), params });
        k++;
      }
    }
  }

  const { sweep: _sweep, ...base } = input;
  const expanded = { ...base, strategies, portfolios, sweep: settings };
  let config: TopologyConfig;
  try {
    config = validateTopologyShape(expanded, label);
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    throw new TopologyError(label, error.problems.map((line) => originOf(line, strategyOrigin, portfolioOrigin, strategies, portfolios)));
  }
  const strategyById = new Map(config.strategies.map((s) => [s.id, s]));
  const portfolioById = new Map(config.portfolios.map((p) => [p.id, p]));
  const combinations = pending.map((c, index): SweepCombination => {
    const { id: _id, strategies: _s, ...portfolio } = portfolioById.get(c.portfolioId)!;
    const hash = sha256(canonicalJson({
      strategies: c.strategyIds.map((id) => {
        const s = strategyById.get(id)!;
        return { type: s.type, params: resolveStrategyParams(s.type, s.params), inputs: s.inputs };
      }),
      portfolio,
      execution: config.execution,
    }));
    return { index, portfolioId: c.portfolioId, strategyIds: c.strategyIds, params: c.params, hash };
  });
  return { config, combinations, parameters, settings, configHash: sha256(canonicalJson(config)) };
}

/** `strategies[7].params.x: ...` of the expanded topology -> `strategies[2] (instance sma.5).params.x: ...` of the file. */
function originOf(line: string, strategyOrigin: readonly number[], portfolioOrigin: readonly number[], strategies: readonly Raw[], portfolios: readonly Raw[]): string {
  return line
    .replace(/strategies\[(\d+)\]/, (m, n: string) => {
      const i = Number(n);
      return strategyOrigin[i] === undefined ? m : `strategies[${strategyOrigin[i]}] (instance ${String(strategies[i]?.id)})`;
    })
    .replace(/portfolios\[(\d+)\]/, (m, n: string) => {
      const i = Number(n);
      return portfolioOrigin[i] === undefined ? m : `portfolios[${portfolioOrigin[i]}] (combination ${String(portfolios[i]?.id)})`;
    });
}

/** The part of an expanded topology that runs the given combinations: their portfolios and only the strategies they trade. */
export function subTopology(expansion: SweepExpansion, indices: readonly number[]): TopologyConfig {
  const { config, combinations } = expansion;
  const chosen = indices.map((i) => {
    const c = combinations[i];
    if (!c) throw new RangeError(`subTopology: no combination ${i} (the grid has ${combinations.length})`);
    return c;
  });
  const portfolioIds = new Set(chosen.map((c) => c.portfolioId));
  const strategyIds = new Set(chosen.flatMap((c) => c.strategyIds));
  return {
    ...config,
    strategies: config.strategies.filter((s) => strategyIds.has(s.id)),
    portfolios: config.portfolios.filter((p) => portfolioIds.has(p.id)),
  };
}

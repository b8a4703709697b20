/**
 * Running the real engine (plan -> graph -> run) on hand-made bars with a scripted strategy,
 * so that fills, costs and the equity curve can be checked against numbers computed by hand.
 *
 * - Bars: a literal list of {open, high, low, close}; daily, volume 1000, bar i starts at
 *   2024-01-01T00:00Z + i days (so it closes, and is visible, at + (i + 1) days).
 * - Strategy: returns `script[barIdx]` (-1 / 0 / 1) at the close of that bar, null elsewhere
 *   ("no opinion": keep the current signal). No features, so it is called on every bar.
 * - Topology: one stream X_1d (a synthetic source only to satisfy validation; the series
 *   passed to buildGraph replaces it), one strategy, one portfolio with the case's settings.
 */
import { z } from 'zod';
import type { BarSeries } from '../../../src/data/bar-series.ts';
import { createBarSeries } from '../../../src/data/series.ts';
import type { AnyEvent } from '../../../src/core/events.ts';
import type { SignalValue, StrategyDefinition } from '../../../src/strategies/types.ts';
import { validateTopology } from '../../../src/topology/load.ts';
import { planTopology } from '../../../src/topology/plan.ts';
import { buildGraph } from '../../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../../src/topology/run.ts';
import type { PortfolioResult } from '../../../src/containers/portfolio-container.ts';
import type { FillPayload, OrderRejectedPayload } from '../../../src/core/events.ts';

export const DAY = 86_400_000;
/** 2024-01-01T00:00:00Z: start of bar 0. */
export const T0 = Date.UTC(2024, 0, 1);
/** Start time of bar i. */
export const startOf = (i: number): number => T0 + i * DAY;
/** Close time of bar i (= the timestamp of its tick and of its equity point). */
export const closeOf = (i: number): number => T0 + (i + 1) * DAY;

export interface Ohlc {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** A daily series X_1d from literal bars. */
export function scriptedSeries(bars: readonly Ohlc[]): BarSeries {
  const n = bars.length;
  const columns = {
    start: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n),
    low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n),
  };
  bars.forEach((b, i) => {
    if (!(b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close))) {
      throw new Error(`scripted bar ${i} is not a valid bar: ${JSON.stringify(b)}`);
    }
    columns.start[i] = startOf(i);
    columns.open[i] = b.open;
    columns.high[i] = b.high;
    columns.low[i] = b.low;
    columns.close[i] = b.close;
    columns.volume[i] = 1000;
  });
  return createBarSeries({ symbol: 'X', timeframe: '1d', source: 'scripted', columns });
}

export type Script = Readonly<Record<number, SignalValue>>;

const scriptedParams = z.strictObject({});

/** A test-only strategy: the signal at bar k is `script[k]`, null (keep) elsewhere. */
export function scriptedStrategy(script: Script): StrategyDefinition<typeof scriptedParams> {
  return {
    type: 'scripted',
    description: 'test-only: signal values scripted per bar_idx',
    params: scriptedParams,
    paramSpace: {},
    streams: 1,
    features: () => ({}),
    decide: (_features, bars) => script[bars[0].barIdx] ?? null,
  };
}

/** Portfolio and execution settings of one case (topology-level execution). */
export interface CaseSettings {
  readonly initial_cash?: number;
  readonly sizing?: Record<string, unknown>;
  readonly risk?: Record<string, unknown>;
  readonly close_at_end?: boolean;
  readonly execution?: Record<string, unknown>;
}

export const STRATEGY_ID = 'scripted';
export const PORTFOLIO_ID = 'p';

export interface ScriptedRun {
  readonly outcome: RunOutcome;
  readonly result: PortfolioResult;
  /** Every event published on the root bus, in order. */
  readonly events: readonly AnyEvent[];
  readonly fills: readonly FillPayload[];
  readonly rejections: readonly OrderRejectedPayload[];
}

export function runScripted(bars: readonly Ohlc[], script: Script, settings: CaseSettings = {}): ScriptedRun {
  const portfolio: Record<string, unknown> = { id: PORTFOLIO_ID, strategies: [STRATEGY_ID] };
  if (settings.initial_cash !== undefined) portfolio.initial_cash = settings.initial_cash;
  if (settings.sizing !== undefined) portfolio.sizing = settings.sizing;
  if (settings.risk !== undefined) portfolio.risk = settings.risk;
  if (settings.close_at_end !== undefined) portfolio.close_at_end = settings.close_at_end;
  const config = validateTopology({
    name: 'fills_scripted',
    data: { timezone: 'UTC', streams: [{ symbol: 'X', timeframe: '1d', synthetic: { seed: 1, bars: bars.length, start: '2024-01-01' } }] },
    strategies: [{ id: STRATEGY_ID, type: 'sma_crossover', inputs: ['X_1d'] }],
    portfolios: [portfolio],
    execution: settings.execution ?? {},
    engine: { trace: { retention: 'none' } },
  });
  const planned = planTopology(config, process.cwd());
  const plan = {
    ...planned,
    strategies: [{ id: STRATEGY_ID, definition: scriptedStrategy(script) as unknown as StrategyDefinition, params: {}, inputs: ['X_1d'], legWeights: [1] }],
  };
  const graph = buildGraph(plan, [scriptedSeries(bars)]);
  const events: AnyEvent[] = [];
  graph.root.bus.addObserver({ onPublish: (e) => events.push(e) });
  const outcome = runGraph(graph, { runId: 'fills-scripted' });
  const fills = events.filter((e) => e.type === 'FILL').map((e) => e.payload as FillPayload);
  const rejections = events.filter((e) => e.type === 'ORDER_REJECTED').map((e) => e.payload as OrderRejectedPayload);
  return { outcome, result: outcome.portfolios[0].result, events, fills, rejections };
}

/** A flat bar (open = high = low = close = p). */
export const flat = (p: number): Ohlc => ({ open: p, high: p, low: p, close: p });
/** A bar with the given open and close and a range just covering them. */
export const oc = (open: number, close: number): Ohlc => ({ open, high: Math.max(open, close), low: Math.min(open, close), close });

/** Absolute tolerance for money and prices (all hand values here are exact to the cent or better). */
const TOL = 1e-6;

function near(actual: number, expected: number, what: string): void {
  if (!(Math.abs(actual - expected) <= TOL)) throw new Error(`${what}: expected ${expected}, got ${actual} (diff ${actual - expected})`);
}

export interface ExpectedTrade {
  readonly direction: 'long' | 'short';
  readonly quantity: number;
  readonly entryBarIdx: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitBarIdx: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly commission: number;
  readonly pnl: number;
  readonly returnPct: number;
  readonly bars: number;
  readonly exitReason: 'signal' | 'stop_loss' | 'trailing_stop' | 'take_profit' | 'end_of_data';
}

/** Checks every field of a trade against hand values (prices and money to 1e-6). */
export function checkTrade(actual: ExpectedTrade | undefined, expected: ExpectedTrade, label = 'trade'): void {
  if (!actual) throw new Error(`${label}: missing`);
  const exact = ['direction', 'quantity', 'entryBarIdx', 'entryTime', 'exitBarIdx', 'exitTime', 'bars', 'exitReason'] as const;
  for (const k of exact) {
    if (actual[k] !== expected[k]) throw new Error(`${label}.${k}: expected ${String(expected[k])}, got ${String(actual[k])}`);
  }
  for (const k of ['entryPrice', 'exitPrice', 'commission', 'pnl', 'returnPct'] as const) near(actual[k], expected[k], `${label}.${k}`);
}

export interface ExpectedFill {
  readonly quantity: number;
  readonly price: number;
  readonly basePrice: number;
  readonly commission: number;
  readonly barIdx: number;
  readonly fillTime: number;
  readonly reason: 'signal' | 'stop_loss' | 'trailing_stop' | 'take_profit' | 'end_of_data';
  readonly opening: boolean;
}

export function checkFill(actual: FillPayload | undefined, expected: ExpectedFill, label = 'fill'): void {
  if (!actual) throw new Error(`${label}: missing`);
  for (const k of ['quantity', 'barIdx', 'fillTime', 'reason', 'opening'] as const) {
    if (actual[k] !== expected[k]) throw new Error(`${label}.${k}: expected ${String(expected[k])}, got ${String(actual[k])}`);
  }
  for (const k of ['price', 'basePrice', 'commission'] as const) near(actual[k], expected[k], `${label}.${k}`);
}

/** Checks equity points by bar index (tick i has timestamp closeOf(i)). */
export function checkEquity(result: PortfolioResult, expected: Readonly<Record<number, number>>, label = 'equity'): void {
  for (const [i, value] of Object.entries(expected)) {
    const idx = Number(i);
    if (result.equity.ts[idx] !== closeOf(idx)) throw new Error(`${label}[${idx}].ts: expected ${closeOf(idx)}, got ${result.equity.ts[idx]}`);
    near(result.equity.equity[idx], value, `${label}[${idx}]`);
  }
}

export function checkNear(actual: number, expected: number, what: string): void {
  near(actual, expected, what);
}

/**
 * Batch replay equivalence: for every built-in strategy, random parameters, sizing, risk,
 * costs, fill timings (per portfolio too), regime filters, several strategies and portfolios,
 * pairs, and streams of different timeframes and spans, a full backtest, the event-driven
 * replay and the batch replay give identical portfolios: trades field by field, equity
 * curves, cash, rejected orders, counters and metrics, to the bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getStrategy, safeResolveStrategyParams, strategyTypes } from '../../src/strategies/registry.ts';
import type { SignalValue } from '../../src/strategies/types.ts';
import type { BarSeries } from '../../src/data/bar-series.ts';
import type { Plan } from '../../src/topology/plan.ts';
import { buildGraph, type ReplayInputs } from '../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../src/topology/run.ts';
import { generateSignals } from '../../src/topology/generate-signals.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { BatchReplayInputError, batchReplayMetrics, runBatchReplay, UnsupportedBatchReplay, type PortfolioMetricsRow } from '../../src/topology/batch-replay/index.ts';
import { backtest, generate, loadSeries, planFor, portfolioOutcomes, tempStore } from './helpers.ts';
import { fixtureConfig, fixtureSeries, patch } from './regime-fixture.ts';
import { commissionArb, executionArb, paramsArb, sizingArb } from './arbitraries.ts';

type Config = Record<string, unknown>;

async function replayBoth(config: Config, series: readonly BarSeries[], store: string) {
  const plan = planFor(config, 'signal_replay', store);
  const inputs = await loadReplayInputs(plan, series);
  const batch = runBatchReplay(plan, series, inputs, { runId: 'batch' });
  expectMetricsOnlySame(batchReplayMetrics(plan, series, inputs), batch);
  return { events: runGraph(buildGraph(plan, series, inputs), { runId: 'replay' }), batch };
}

/** The metrics-only batch replay (sweeps: no curve kept) gives every portfolio's metrics of the full one, to the bit. */
function expectMetricsOnlySame(rows: readonly PortfolioMetricsRow[], batch: RunOutcome): void {
  expect(rows.map((r) => ({ id: r.id, metrics: r.metrics, periodsPerYear: r.periodsPerYear, trades: r.trades }))).toStrictEqual(
    batch.portfolios.map((p) => ({ id: p.result.id, metrics: p.metrics, periodsPerYear: p.periodsPerYear, trades: p.result.trades.length })),
  );
}

/** Everything per portfolio that must be identical, beyond portfolioOutcomes. */
const details = (o: RunOutcome) => o.portfolios.map((p) => ({
  initialCash: p.result.initialCash,
  signalsReceived: p.result.signalsReceived,
  fillsReceived: p.result.fillsReceived,
  metrics: p.metrics,
  periodsPerYear: p.periodsPerYear,
}));

/** batch == backtest (and == the event-driven replay), strictly: -0 and 0 differ, objects are compared field by field. */
function expectSame(batch: RunOutcome, full: RunOutcome, events: RunOutcome, label = ''): void {
  expect(portfolioOutcomes(batch), label).toStrictEqual(portfolioOutcomes(full));
  expect(portfolioOutcomes(batch), label).toStrictEqual(portfolioOutcomes(events));
  expect(details(batch), label).toStrictEqual(details(events));
  expect(details(batch), label).toStrictEqual(details(full));
  expect(batch.stats.signals, label).toBe(events.stats.signals);
  expect(batch.stats.fills, label).toBe(events.stats.fills);
  expect(batch.stats.bars, label).toBe(events.stats.bars);
  expect(batch.stats.ticks, label).toBe(events.stats.ticks);
  // The batch engine builds its Trade objects and equity curves on first read: copies by
  // structured clone (worker messages), spread and JSON must still carry them, as plain values.
  const carried = (r: { trades: unknown; equity: unknown }) => ({ trades: r.trades, equity: r.equity });
  const expected = events.portfolios.map((p) => carried(p.result));
  expect(batch.portfolios.map((p) => carried(structuredClone(p.result))), label).toStrictEqual(expected);
  expect(batch.portfolios.map((p) => carried({ ...p.result })), label).toStrictEqual(expected);
  expect(batch.portfolios.map((p) => carried(JSON.parse(JSON.stringify(p.result)))), label).toStrictEqual(JSON.parse(JSON.stringify(expected)));
}

// ---- the replay-equivalence data and arbitraries (test/signals/replay-equivalence.test.ts) ----

const ALIGNED = {
  timezone: 'UTC',
  streams: [
    { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 101, bars: 1500, start_price: 80 } },
    { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 202, bars: 1500, start_price: 60 } },
  ],
};
/** Streams of different spans and timeframes: BBB starts 4 days later and ends earlier; AAA_4h closes with every 4th AAA_1h bar. */
const MIXED = {
  timezone: 'UTC',
  streams: [
    { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 101, bars: 1500, start_price: 80 } },
    { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 202, bars: 1300, start_price: 60, start: '2020-01-06' } },
    { symbol: 'AAA', timeframe: '4h', resample_from: 'AAA_1h' },
  ],
};
const classifiers = [
  { id: 'trend', type: 'trend', params: { fast_period: 10, slow_period: 30 }, inputs: ['AAA_1h'] },
  { id: 'vol', type: 'volatility', params: { period: 14, low: 0.004, high: 0.012 }, inputs: ['BBB_1h'] },
];
type First = 'AAA_1h' | 'BBB_1h' | 'AAA_4h';

const inputsFor = (type: string, first: First) => (getStrategy(type).streams === 2 ? ['AAA_1h', 'BBB_1h'] : [first]);

const strategyArb = fc.constantFrom(...strategyTypes()).chain((type) =>
  fc.record({ type: fc.constant(type), params: paramsArb(type), first: fc.constantFrom<First>('AAA_1h', 'BBB_1h', 'AAA_4h') }),
);
const riskArb = fc.record({
  stop_loss_pct: fc.option(fc.double({ min: 0.2, max: 8, noNaN: true }), { nil: undefined, freq: 2 }),
  take_profit_pct: fc.option(fc.double({ min: 0.5, max: 15, noNaN: true }), { nil: undefined, freq: 2 }),
  trailing_stop_pct: fc.option(fc.double({ min: 0.1, max: 6, noNaN: true }), { nil: undefined, freq: 2 }),
  max_position_pct: fc.option(fc.integer({ min: 10, max: 120 }), { nil: undefined, freq: 2 }),
  max_gross_exposure_pct: fc.option(fc.integer({ min: 50, max: 200 }), { nil: undefined, freq: 2 }),
}).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
/** Per-portfolio overrides: any subset of the execution keys. */
const overrideArb = fc.option(fc.record({
  fill: fc.constantFrom('next_open', 'signal_close'),
  slippage_bps: fc.constantFrom(0, 3),
  on_insufficient_cash: fc.constantFrom('reject', 'resize'),
  commission: commissionArb,
}, { requiredKeys: [] }), { nil: undefined });
const regimeFilterArb = fc.option(fc.oneof(
  fc.record({ classifier: fc.constant('trend'), regimes: fc.subarray(['up', 'down', 'flat'], { minLength: 1 }) }),
  fc.record({ classifier: fc.constant('vol'), regimes: fc.subarray(['low', 'normal', 'high'], { minLength: 1 }) }),
), { nil: undefined });

function configOf(data: unknown, strategies: { type: string; params: Record<string, unknown>; first: First }[], portfolios: unknown[], execution: unknown, missingBars = 'skip') {
  return {
    name: 'batch-equivalence',
    data: { ...(data as object), missing_bars: missingBars },
    classifiers,
    strategies: strategies.map((s, i) => ({ id: `s${i}`, type: s.type, params: s.params, inputs: inputsFor(s.type, s.first) })),
    portfolios,
    execution,
  };
}

describe('batch replay == backtest == event-driven replay', () => {
  it('holds for every built-in strategy with default params, both fill timings', async () => {
    const series = await loadSeries(configOf(ALIGNED, [{ type: 'sma_crossover', params: {}, first: 'AAA_1h' }], [{ id: 'p', strategies: ['s0'] }], {}));
    for (const type of strategyTypes()) {
      for (const fill of ['next_open', 'signal_close']) {
        const config = configOf(ALIGNED, [{ type, params: {}, first: 'AAA_1h' }], [
          { id: 'p', strategies: ['s0'], risk: { stop_loss_pct: 2 } },
          { id: 'q', strategies: ['s0'], sizing: { type: 'fixed_quantity', quantity: 700 }, risk: { stop_loss_pct: 1.5, take_profit_pct: 2 }, execution: { on_insufficient_cash: 'resize', commission: { type: 'per_unit', amount: 0.01, min_per_order: 1 } } },
        ], { fill, commission: { type: 'percent', pct: 0.05 }, slippage_bps: 2 });
        const store = tempStore(`batch-${type}`);
        const full = backtest(config, series);
        await generate(config, series, store);
        const { events, batch } = await replayBoth(config, series, store);
        const label = `${type} ${fill}`;
        expect(full.portfolios[0].result.trades.length, `${label} trades`).toBeGreaterThan(0);
        expectSame(batch, full, events, label);
      }
    }
  });

  it('holds for several strategies sharing cash with every sizing, resized or rejected when buying power runs out', async () => {
    const strategies = [
      { type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, first: 'AAA_1h' as const },
      { type: 'ema_crossover', params: {}, first: 'BBB_1h' as const },
      { type: 'macd_crossover', params: {}, first: 'AAA_1h' as const },
      { type: 'pairs_zscore', params: {}, first: 'AAA_1h' as const },
      { type: 'momentum', params: {}, first: 'BBB_1h' as const },
    ];
    const all = strategies.map((_, i) => `s${i}`);
    const sizings = [
      { type: 'percent_equity', pct: 100, fractional: true },
      { type: 'percent_equity', pct: 90, basis: 'fill_price', fractional: true },
      { type: 'percent_cash', pct: 120, basis: 'fill_price' },
      { type: 'percent_equity', pct: 150 },
      { type: 'fixed_quantity', quantity: 900 },
      { type: 'fixed_quantity', quantity: 333.3 },
    ];
    const series = await loadSeries(configOf(ALIGNED, strategies, [{ id: 'p', strategies: all }], {}));
    let resized = 0;
    for (const fill of ['next_open', 'signal_close']) {
      const portfolios = sizings.flatMap((sizing, i) => ['resize', 'reject'].map((mode) => ({
        id: `p${i}_${mode}`, strategies: all, sizing, initial_cash: 50_000,
        risk: i % 2 === 0 ? { stop_loss_pct: 1.5, take_profit_pct: 3 } : {},
        execution: { on_insufficient_cash: mode },
      })));
      const config = configOf(ALIGNED, strategies, portfolios, { fill, commission: { type: 'percent', pct: 0.02 }, slippage_bps: 1 });
      const store = tempStore('batch-shared-cash');
      const full = backtest(config, series);
      await generate(config, series, store);
      const { events, batch } = await replayBoth(config, series, store);
      expectSame(batch, full, events, fill);
      // Resizing happened: a resize portfolio traded other quantities than its reject twin.
      for (let i = 0; i < portfolios.length; i += 2) if (JSON.stringify(full.portfolios[i].result.trades) !== JSON.stringify(full.portfolios[i + 1].result.trades)) resized++;
    }
    expect(resized).toBeGreaterThan(4);
  });

  it('holds for random strategies, params, sizing, risk, costs, fill timings, regime filters, portfolios and streams', async () => {
    const series = await loadSeries(configOf(MIXED, [{ type: 'sma_crossover', params: {}, first: 'AAA_1h' }], [{ id: 'p', strategies: ['s0'] }], {}));
    let runs = 0;
    let trades = 0;
    const reasons = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(strategyArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({
          sizing: sizingArb, risk: riskArb, regime_filter: regimeFilterArb, initial_cash: fc.integer({ min: 10_000, max: 1_000_000 }),
          close_at_end: fc.boolean(), execution: overrideArb,
        }), { minLength: 1, maxLength: 3 }),
        executionArb,
        fc.constantFrom('skip', 'ffill'),
        fc.nat(),
        async (strategies, portfolioSettings, execution, missingBars, pick) => {
          fc.pre(strategies.every((s) => safeResolveStrategyParams(s.type, s.params).success));
          // p0 trades every strategy (sharing its cash within a tick), p1 the first only, p2 a
          // subset in another order, listing one strategy twice (it hears each signal twice).
          const ids = strategies.map((_, i) => `s${i}`);
          const subset = [...ids].reverse().filter((_, i) => (pick >> i) & 1);
          const chosen = [[...ids], ['s0'], subset.length > 0 ? [...subset, subset[0]] : ['s0', 's0']];
          const portfolios = portfolioSettings.map((settings, p) => ({
            id: `p${p}`,
            strategies: chosen[p],
            ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
          }));
          const config = configOf(MIXED, strategies, portfolios, execution, missingBars);
          const store = tempStore('batch-random');
          const full = backtest(config, series);
          await generate(config, series, store);
          const { events, batch } = await replayBoth(config, series, store);
          expectSame(batch, full, events);
          runs++;
          for (const p of full.portfolios) for (const t of p.result.trades) reasons.add(t.exitReason);
          trades += full.portfolios.reduce((n, p) => n + p.result.trades.length, 0);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
    expect(runs).toBeGreaterThanOrEqual(40);
    expect(trades).toBeGreaterThan(1000);
    expect([...reasons].sort()).toEqual(['end_of_data', 'signal', 'stop_loss', 'take_profit', 'trailing_stop']);
  });
});

// ---- the regime-filter fixture (test/signals/regime-fixture.ts) ----

describe('batch replay on the regime-filter fixture', () => {
  const cases: [string, Record<number, SignalValue>, string[] | null][] = [
    ['a trade spanning the regime change closes on its signal', { 2: 1, 7: 0, 9: 1, 10: -1 }, ['up']],
    ['a reversal outside the regime only closes', { 2: 1, 7: -1 }, ['up']],
    ['without the filter the reversal opens', { 2: 1, 7: -1 }, null],
    ['nothing opens until the regime is allowed', { 2: 1, 6: -1 }, ['down']],
  ];
  for (const [name, script, regimes] of cases) {
    it(name, async () => {
      for (const fill of ['next_open', 'signal_close']) {
        const c = fixtureConfig(regimes, fill);
        const full = runGraph(buildGraph(patch(planFor(c, 'backtest', null), script), fixtureSeries), { runId: 'b' });
        const store = tempStore('batch-regime');
        await generateSignals(patch(planFor(c, 'signal_generation', store), script), fixtureSeries, { runId: 'g', topologyFile: null, startedAt: new Date(0) });
        const plan = patch(planFor(c, 'signal_replay', store), script);
        const inputs = await loadReplayInputs(plan, fixtureSeries);
        const events = runGraph(buildGraph(plan, fixtureSeries, inputs), { runId: 'r' });
        const batch = runBatchReplay(plan, fixtureSeries, inputs, { runId: 'batch' });
        expectMetricsOnlySame(batchReplayMetrics(plan, fixtureSeries, inputs), batch);
        expect(full.portfolios[0].result.trades.length).toBeGreaterThan(0);
        expectSame(batch, full, events, `${name} ${fill}`);
      }
    });
  }
});

describe('batch replay refusals', () => {
  it('refuses stored rows that do not match the data, and what it cannot replay', async () => {
    const config = configOf(ALIGNED, [{ type: 'ema_crossover', params: {}, first: 'AAA_1h' }], [{ id: 'p', strategies: ['s0'] }], {});
    const series = await loadSeries(config);
    const store = tempStore('batch-refusals');
    await generate(config, series, store);
    const plan = planFor(config, 'signal_replay', store);
    const inputs = await loadReplayInputs(plan, series);
    const rows = inputs.strategies[0].rows;
    const tampered: ReplayInputs = { ...inputs, strategies: [{ ...inputs.strategies[0], rows: { ...rows, price: Array.from(rows.price, (p, i) => (i === 3 ? p + 1 : p)) } }] };
    expect(() => runBatchReplay(plan, series, tampered, { runId: 'x' })).toThrow(BatchReplayInputError);
    expect(() => runGraph(buildGraph(plan, series, tampered), { runId: 'x' })).toThrow(/does not match the base data/);
    const late: ReplayInputs = { ...inputs, strategies: [{ ...inputs.strategies[0], rows: { ...rows, ts: Array.from(rows.ts, (t, i) => (i === 3 ? t + 1 : t)) } }] };
    expect(() => runBatchReplay(plan, series, late, { runId: 'x' })).toThrow(/does not fall on a clock tick/);
    const lenient = { ...plan, config: { ...plan.config, engine: { ...plan.config.engine, on_handler_error: 'continue' as const } } };
    expect(() => runBatchReplay(lenient, series, tampered, { runId: 'x' })).toThrow(UnsupportedBatchReplay);
    expect(() => runBatchReplay(planFor(config, 'backtest', null), series, inputs, { runId: 'x' })).toThrow(UnsupportedBatchReplay);
  });
});

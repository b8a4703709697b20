/**
 * The batch simulator's one-stream path (runOneStream in
 * src/topology/batch-replay/simulate-portfolio.ts: one strategy on one stream, no regime
 * filter, no price exits) against its general path, on the same loaded store: identical
 * portfolios (trades field by field, curves, cash, rejected orders, counters, metrics) for
 * random one-stream strategies, sizing, position and gross caps, costs, fill timings, buying
 * power modes, close_at_end and data windows. The replay-equals-backtest properties
 * (batch-replay.test.ts) check both against the event-driven engine.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getStrategy, safeResolveStrategyParams, strategyTypes } from '../../src/strategies/registry.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { runBatchReplay } from '../../src/topology/batch-replay/index.ts';
import { oneStreamPathRuns, useOneStreamPath } from '../../src/topology/batch-replay/simulate-portfolio.ts';
import type { RunOutcome } from '../../src/topology/run.ts';
import { generate, loadSeries, planFor, portfolioOutcomes, tempStore } from './helpers.ts';
import { executionArb, paramsArb, sizingArb } from './arbitraries.ts';

const oneStreamTypes = strategyTypes().filter((type) => getStrategy(type).streams !== 2);

const strategyArb = fc.constantFrom(...oneStreamTypes).chain((type) =>
  fc.record({ type: fc.constant(type), params: paramsArb(type), input: fc.constantFrom('AAA_1h', 'BBB_1h', 'AAA_4h') }),
);
// No price exits: a stop sends a portfolio down the general path.
const riskArb = fc.record({
  max_position_pct: fc.option(fc.integer({ min: 10, max: 120 }), { nil: undefined, freq: 2 }),
  max_gross_exposure_pct: fc.option(fc.integer({ min: 20, max: 200 }), { nil: undefined, freq: 2 }),
}).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
const portfolioArb = fc.record({
  sizing: sizingArb,
  risk: riskArb,
  initial_cash: fc.integer({ min: 2_000, max: 1_000_000 }),
  close_at_end: fc.boolean(),
  execution: fc.option(executionArb, { nil: undefined }),
});

function configOf(strategies: { type: string; params: Record<string, unknown>; input: string }[], portfolios: unknown[], execution: unknown, window: { start_bar: number } | undefined) {
  return {
    name: 'one-stream-path',
    data: {
      timezone: 'UTC',
      streams: [
        { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 31, bars: 1200, start_price: 80 } },
        { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 32, bars: 1000, start_price: 15, start: '2020-01-04' } },
        { symbol: 'AAA', timeframe: '4h', resample_from: 'AAA_1h' },
      ],
      ...(window ? { window } : {}),
    },
    strategies: strategies.map((s, i) => ({ id: `s${i}`, type: s.type, params: s.params, inputs: [s.input] })),
    portfolios,
    execution,
  };
}

/** Everything per portfolio the two paths must agree on. */
const everything = (o: RunOutcome) => ({
  portfolios: portfolioOutcomes(o),
  details: o.portfolios.map((p) => ({ signalsReceived: p.result.signalsReceived, fillsReceived: p.result.fillsReceived, metrics: p.metrics })),
  fills: o.stats.fills,
});

/**
 * The replay of `inputs` (one portfolio, one strategy with hand-built rows) on the general path
 * and on the one-stream path, which must take it and agree: the general path's outcome.
 */
function bothPathsAgree(plan: Parameters<typeof runBatchReplay>[0], series: Parameters<typeof runBatchReplay>[1], inputs: Parameters<typeof runBatchReplay>[2]) {
  const before = oneStreamPathRuns();
  useOneStreamPath(false);
  const general = everything(runBatchReplay(plan, series, inputs, { runId: 'general' }));
  useOneStreamPath(true);
  const fast = everything(runBatchReplay(plan, series, inputs, { runId: 'one-stream' }));
  expect(oneStreamPathRuns() - before).toBe(1);
  expect(fast).toStrictEqual(general);
  return general;
}

afterEach(() => useOneStreamPath(true));

describe('the batch simulator\'s one-stream path', () => {
  it('gives what the general path gives, for random one-stream strategies, sizing, caps, costs and fill timings', async () => {
    let runs = 0;
    let trades = 0;
    let rejected = 0;
    const before = oneStreamPathRuns();
    await fc.assert(
      fc.asyncProperty(
        fc.array(strategyArb, { minLength: 1, maxLength: 3 }),
        fc.array(portfolioArb, { minLength: 1, maxLength: 3 }),
        executionArb,
        fc.option(fc.integer({ min: 50, max: 600 }), { nil: undefined }),
        async (strategies, settings, execution, startBar) => {
          fc.pre(strategies.every((s) => safeResolveStrategyParams(s.type, s.params).success));
          // portfolio p trades strategy p (mod the strategies): one strategy each
          const portfolios = settings.map((p, i) => ({
            id: `p${i}`,
            strategies: [`s${i % strategies.length}`],
            ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)),
          }));
          const config = configOf(strategies, portfolios, execution, startBar === undefined ? undefined : { start_bar: startBar });
          const series = await loadSeries(config);
          const store = tempStore('one-stream');
          await generate(config, series, store);
          const plan = planFor(config, 'signal_replay', store);
          const inputs = await loadReplayInputs(plan, series);
          useOneStreamPath(false);
          const general = everything(runBatchReplay(plan, series, inputs, { runId: 'general' }));
          useOneStreamPath(true);
          const fast = everything(runBatchReplay(plan, series, inputs, { runId: 'one-stream' }));
          expect(fast).toStrictEqual(general);
          runs++;
          for (const p of general.portfolios) {
            trades += p.trades.length;
            rejected += p.rejected;
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
    expect(runs).toBeGreaterThanOrEqual(40);
    expect(trades).toBeGreaterThan(1000);
    // orders refused or superseded happened, and every portfolio took the one-stream path
    expect(rejected).toBeGreaterThan(20);
    expect(oneStreamPathRuns() - before).toBeGreaterThanOrEqual(runs);
  });

  it('supersedes a waiting order as the general path does (two signals of one tick, written by hand)', async () => {
    const config = configOf([{ type: 'sma_crossover', params: { fast_period: 3, slow_period: 8 }, input: 'AAA_1h' }],
      [{ id: 'p', strategies: ['s0'], sizing: { type: 'percent_equity', pct: 50 } }], { fill: 'next_open' }, undefined);
    const series = await loadSeries(config);
    const store = tempStore('one-stream-supersede');
    await generate(config, series, store);
    const plan = planFor(config, 'signal_replay', store);
    const loaded = await loadReplayInputs(plan, series);
    const aaa = series[0];
    const close = (b: number) => aaa.start[b] + aaa.timeframeMs;
    const bars = [10, 10, 20, 20, 30];
    const rows = {
      seq: [0, 1, 2, 3, 4], barIdx: bars, ts: bars.map(close), stream: bars.map(() => 'AAA_1h'),
      value: [1, -1, 1, 0, -1], weight: bars.map(() => 1), price: bars.map((b) => aaa.close[b]),
    };
    const general = bothPathsAgree(plan, series, { ...loaded, strategies: [{ ...loaded.strategies[0], rows }] });
    // the first order of each tick superseded by the second: short from bar 11, flat at bar 21,
    // short again from bar 31 to the end (closed there): two trades, both short
    expect(general.portfolios[0].rejected).toBe(2);
    expect(general.portfolios[0].trades.map((t) => [t.direction, t.entryBarIdx, t.exitBarIdx, t.exitReason])).toEqual([
      ['short', 11, 21, 'signal'], ['short', 31, series[0].length - 1, 'end_of_data'],
    ]);
  });

  it('takes a repeated signal again after its order was refused for buying power, as the general path does (written by hand)', async () => {
    // Stored rows are change-only when this engine writes them, but a store may repeat a value:
    // the refused order must leave the sub-position's projected direction where it really is
    // (flat), so the repeat is an order of its own, not a signal already acted on.
    const execution = { fill: 'next_open', slippage_bps: 0, commission: { type: 'none' }, on_insufficient_cash: 'reject' };
    const base = configOf([{ type: 'sma_crossover', params: { fast_period: 3, slow_period: 8 }, input: 'AAA_1h' }], [{ id: 'p', strategies: ['s0'] }], execution, undefined);
    const series = await loadSeries(base);
    const aaa = series[0];
    // two bars whose next opens differ: 100 units are dearer than the cash after the first, cheaper after the second
    let first = -1;
    let second = -1;
    for (let b = 10; b < 200 && second < 0; b++) {
      for (let c = b + 5; c < b + 100; c++) {
        if (aaa.open[b + 1] > aaa.open[c + 1] * 1.02) {
          first = b;
          second = c;
          break;
        }
      }
    }
    expect(second).toBeGreaterThan(first);
    const cash = Math.round(100 * (aaa.open[first + 1] + aaa.open[second + 1]) / 2);
    const config = { ...base, portfolios: [{ id: 'p', strategies: ['s0'], sizing: { type: 'fixed_quantity', quantity: 100 }, initial_cash: cash }] };
    const store = tempStore('one-stream-repeat');
    await generate(config, series, store);
    const plan = planFor(config, 'signal_replay', store);
    const loaded = await loadReplayInputs(plan, series);
    const bars = [first, second];
    const rows = {
      seq: [0, 1], barIdx: bars, ts: bars.map((b) => aaa.start[b] + aaa.timeframeMs), stream: bars.map(() => 'AAA_1h'),
      value: [1, 1], weight: [1, 1], price: bars.map((b) => aaa.close[b]),
    };
    const general = bothPathsAgree(plan, series, { ...loaded, strategies: [{ ...loaded.strategies[0], rows }] });
    // the first order refused, the repeat filled at the open after the second bar and held to the end
    expect(general.portfolios[0].rejected).toBe(1);
    expect(general.portfolios[0].trades.map((t) => [t.direction, t.entryBarIdx, t.exitBarIdx, t.exitReason])).toEqual([
      ['long', second + 1, aaa.length - 1, 'end_of_data'],
    ]);
  });
});


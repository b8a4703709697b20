/**
 * Replay equivalence: for every built-in strategy, random parameters (from its parameter
 * space), random sizing, risk, costs and regime filters, and both fill timings, a full
 * backtest and generation + replay give identical trades and equity curves, to the bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getStrategy, safeResolveStrategyParams, strategyTypes } from '../../src/strategies/registry.ts';
import { backtest, generate, loadSeries, portfolioOutcomes, replay, tempStore } from './helpers.ts';
import { paramsArb } from './arbitraries.ts';

const data = {
  timezone: 'UTC',
  streams: [
    { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 101, bars: 1500, start_price: 80 } },
    { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 202, bars: 1500, start_price: 60 } },
  ],
};
const classifiers = [{ id: 'trend', type: 'trend', params: { fast_period: 10, slow_period: 30 }, inputs: ['AAA_1h'] }];

const inputsFor = (type: string, first: 'AAA_1h' | 'BBB_1h') =>
  getStrategy(type).streams === 2 ? ['AAA_1h', 'BBB_1h'] : [first];

const strategyArb = fc.constantFrom(...strategyTypes()).chain((type) =>
  fc.record({ type: fc.constant(type), params: paramsArb(type), first: fc.constantFrom('AAA_1h' as const, 'BBB_1h' as const) }),
);

const sizingArb = fc.oneof(
  fc.record({ type: fc.constant('fixed_quantity'), quantity: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ type: fc.constantFrom('percent_equity', 'percent_cash'), pct: fc.integer({ min: 5, max: 100 }), basis: fc.constantFrom('signal_close', 'fill_price'), fractional: fc.boolean() }),
);
const riskArb = fc.record({
  stop_loss_pct: fc.option(fc.double({ min: 0.2, max: 8, noNaN: true }), { nil: undefined }),
  take_profit_pct: fc.option(fc.double({ min: 0.5, max: 15, noNaN: true }), { nil: undefined }),
  trailing_stop_pct: fc.option(fc.double({ min: 0.1, max: 6, noNaN: true }), { nil: undefined }),
  max_gross_exposure_pct: fc.option(fc.integer({ min: 50, max: 200 }), { nil: undefined }),
}).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
const executionArb = fc.record({
  fill: fc.constantFrom('next_open', 'signal_close'),
  commission: fc.oneof(
    fc.constant({ type: 'none' }),
    fc.record({ type: fc.constant('percent'), pct: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
    fc.record({ type: fc.constant('per_unit'), amount: fc.double({ min: 0, max: 0.05, noNaN: true }), min_per_order: fc.constantFrom(0, 1) }),
    fc.record({ type: fc.constant('fixed'), amount: fc.constantFrom(0, 1, 5) }),
  ),
  slippage_bps: fc.constantFrom(0, 1, 5, 20),
  on_insufficient_cash: fc.constantFrom('reject', 'resize'),
});
const regimeFilterArb = fc.option(fc.record({ classifier: fc.constant('trend'), regimes: fc.subarray(['up', 'down', 'flat'], { minLength: 1 }) }), { nil: undefined });

function configOf(strategies: { type: string; params: Record<string, unknown>; first: 'AAA_1h' | 'BBB_1h' }[], portfolios: unknown[], execution: unknown) {
  return {
    name: 'equivalence',
    data,
    classifiers,
    strategies: strategies.map((s, i) => ({ id: `s${i}`, type: s.type, params: s.params, inputs: inputsFor(s.type, s.first) })),
    portfolios,
    execution,
  };
}

/** A minimal valid topology over the data, to load the series once. */
const DATA_ONLY = configOf([{ type: 'sma_crossover', params: {}, first: 'AAA_1h' }], [{ id: 'p', strategies: ['s0'] }], {});

describe('replay equivalence (backtest == generation + replay)', () => {
  it('holds for every built-in strategy with default params, both fill timings', async () => {
    const series = await loadSeries(DATA_ONLY);
    for (const type of strategyTypes()) {
      for (const fill of ['next_open', 'signal_close']) {
        const config = configOf([{ type, params: {}, first: 'AAA_1h' }], [{ id: 'p', strategies: ['s0'], risk: { stop_loss_pct: 2 } }], { fill, commission: { type: 'percent', pct: 0.05 }, slippage_bps: 2 });
        const store = tempStore(type);
        const full = backtest(config, series);
        await generate(config, series, store);
        const replayed = await replay(config, series, store);
        const label = `${type} ${fill}`;
        expect(full.portfolios[0].result.trades.length, `${label} trades`).toBeGreaterThan(0);
        expect(portfolioOutcomes(replayed), label).toEqual(portfolioOutcomes(full));
        // The sparse replay clock really skipped bars (and still matched the full backtest).
        expect(replayed.stats.publishedBars, label).toBeLessThan(full.stats.publishedBars);
        expect(full.stats.publishedBars).toBe(full.stats.bars);
      }
    }
  });

  it('holds for random strategies, params, sizing, risk, costs, fill timings and regime filters', async () => {
    const series = await loadSeries(DATA_ONLY);
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(strategyArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ sizing: sizingArb, risk: riskArb, regime_filter: regimeFilterArb, initial_cash: fc.integer({ min: 10_000, max: 1_000_000 }) }), { minLength: 1, maxLength: 2 }),
        executionArb,
        async (strategies, portfolioSettings, execution) => {
          fc.pre(strategies.every((s) => safeResolveStrategyParams(s.type, s.params).success));
          // Portfolio 0 trades every strategy (several per tick share its cash); portfolio 1 the first only.
          const portfolios = portfolioSettings.map((settings, p) => ({
            id: `p${p}`,
            strategies: p === 0 ? strategies.map((_, i) => `s${i}`) : ['s0'],
            ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
          }));
          const config = configOf(strategies, portfolios, execution);
          const store = tempStore('random');
          const full = backtest(config, series);
          await generate(config, series, store);
          const replayed = await replay(config, series, store);
          expect(portfolioOutcomes(replayed)).toEqual(portfolioOutcomes(full));
          compared += full.portfolios.reduce((n, p) => n + p.result.trades.length, 0);
        },
      ),
      { numRuns: 30, seed: 3 },
    );
    expect(compared).toBeGreaterThan(300);
  });

  it('holds when replay uses different settings than anything generated with, and a store made once', async () => {
    const base = configOf([{ type: 'ema_crossover', params: {}, first: 'BBB_1h' }, { type: 'pairs_zscore', params: {}, first: 'AAA_1h' }], [{ id: 'p', strategies: ['s0', 's1'] }], {});
    const series = await loadSeries(base);
    const store = tempStore('variants');
    await generate(base, series, store);
    const variants = [
      { portfolios: [{ id: 'p', strategies: ['s0', 's1'], sizing: { type: 'fixed_quantity', quantity: 10 } }], execution: { fill: 'signal_close' } },
      { portfolios: [{ id: 'p', strategies: ['s0', 's1'], risk: { stop_loss_pct: 1, take_profit_pct: 2 } }], execution: { commission: { type: 'fixed', amount: 2 }, slippage_bps: 10 } },
      { portfolios: [{ id: 'a', strategies: ['s0'] }, { id: 'b', strategies: ['s1'], regime_filter: { classifier: 'trend', regimes: ['up'] } }], execution: { on_insufficient_cash: 'resize' } },
    ];
    for (const variant of variants) {
      const config = { ...base, ...variant };
      expect(portfolioOutcomes(await replay(config, series, store))).toEqual(portfolioOutcomes(backtest(config, series)));
    }
  });
});

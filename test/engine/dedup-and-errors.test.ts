/**
 * Features are computed once per canonical name however many strategies use them; a
 * strategy that throws fails the run with a clear message, or is logged and skipped under
 * `on_handler_error: continue`.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StrategyDefinition } from '../../src/strategies/types.ts';
import { RunError } from '../../src/topology/run.ts';
import type { Plan } from '../../src/topology/plan.ts';
import { planAndLoad, runConfig, runPlan } from './helpers/run-config.ts';

const data = { timezone: 'UTC', streams: [{ symbol: 'SYN', timeframe: '1d', synthetic: { seed: 3, bars: 400 } }] };

describe('FeatureHub deduplication', () => {
  it('computes sma_10 once for two crossovers that both use it, and bollinger once for all its outputs', async () => {
    const { graph, outcome } = await runConfig({
      name: 'dedup',
      data,
      strategies: [
        { id: 'a', type: 'sma_crossover', params: { fast_period: 10, slow_period: 30 }, inputs: ['SYN_1d'] },
        { id: 'b', type: 'sma_crossover', params: { fast_period: 10, slow_period: 50 }, inputs: ['SYN_1d'] },
        { id: 'c', type: 'bollinger_mean_reversion', params: { period: 20, std_dev: 2 }, inputs: ['SYN_1d'] },
        { id: 'd', type: 'bollinger_mean_reversion', params: { period: 20, std_dev: 2, exit_fraction: 0.2 }, inputs: ['SYN_1d'] },
      ],
      portfolios: [{ id: 'p', strategies: ['a', 'b', 'c', 'd'] }],
    });
    expect([...outcome.features].sort()).toEqual(['SYN_1d.bollinger_20_2.0', 'SYN_1d.sma_10', 'SYN_1d.sma_30', 'SYN_1d.sma_50']);
    // 4 indicators x 400 bars: each bar updates each indicator exactly once.
    expect(graph.feature!.hub.updateCount).toBe(4 * 400);
  });
});

function throwingPlan(plan: Plan, failAt: number): Plan {
  const thrower: StrategyDefinition = {
    type: 'thrower', description: 'throws at one bar', params: z.strictObject({}), paramSpace: {}, streams: 1,
    features: () => ({}),
    decide: (_f, bars) => {
      if (bars[0].barIdx === failAt) throw new Error(`cannot decide at bar ${failAt}`);
      return bars[0].barIdx % 2 === 0 ? 1 : -1;
    },
  };
  return { ...plan, strategies: [{ ...plan.strategies[0], definition: thrower }] };
}

describe('handler errors at run level', () => {
  const config = (policy: 'fail' | 'continue') => ({
    name: 'errors', data, engine: { on_handler_error: policy },
    strategies: [{ id: 'x', type: 'sma_crossover', inputs: ['SYN_1d'] }],
    portfolios: [{ id: 'p', strategies: ['x'] }],
  });

  it('fails the run with a message naming the container, event and cause', async () => {
    const { plan, series } = await planAndLoad(config('fail'));
    expect(() => runPlan(throwingPlan(plan, 57), series)).toThrow(RunError);
    expect(() => runPlan(throwingPlan(plan, 57), series)).toThrow(/handler of features failed on BAR event #\d+ \(bus root\): cannot decide at bar 57/);
  });

  it('continues and reports the error under on_handler_error: continue', async () => {
    const { plan, series } = await planAndLoad(config('continue'));
    const { outcome } = runPlan(throwingPlan(plan, 57), series);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatch(/cannot decide at bar 57/);
    expect(outcome.stats.bars).toBe(400);
    expect(outcome.portfolios[0].result.trades.length).toBeGreaterThan(100);
  });
});

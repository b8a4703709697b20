/**
 * The hand-built regime fixture shared by the regime-filter and batch-replay tests: 12 flat
 * daily bars (open = close = 100 + i), a scripted classifier ('up' on bars 0-4, 'down'
 * after) and a scripted strategy, patched into plans made from an ordinary topology.
 */
import { z } from 'zod';
import type { ClassifierDefinition, SignalValue, StrategyDefinition } from '../../src/strategies/types.ts';
import type { Plan } from '../../src/topology/plan.ts';
import { flat, scriptedSeries } from '../engine/helpers/scripted.ts';

export type Script = Readonly<Record<number, SignalValue>>;

export const fixtureSeries = [scriptedSeries(Array.from({ length: 12 }, (_, i) => flat(100 + i)))];

const regimeOf = (barIdx: number) => (barIdx < 5 ? 'up' : 'down');
const scriptedClassifier: ClassifierDefinition = {
  type: 'scripted_regime', description: 'up on bars 0-4, down after', params: z.strictObject({}), regimes: ['up', 'down'],
  features: () => ({}),
  classify: (_f, bars) => ({ regime: regimeOf(bars[0].barIdx), confidence: 1 }),
};
const scriptedStrategy = (script: Script): StrategyDefinition => ({
  type: 'scripted', description: 'signals from a script', params: z.strictObject({}), paramSpace: {}, streams: 1,
  features: () => ({}),
  decide: (_f, bars) => script[bars[0].barIdx] ?? null,
});

/** The topology the fixture's plans are made from (its strategy and classifier get replaced by `patch`). */
export const fixtureConfig = (regimes: string[] | null, fill = 'next_open') => ({
  name: 'regime-fixture',
  data: { timezone: 'UTC', streams: [{ symbol: 'X', timeframe: '1d', synthetic: { seed: 1, bars: 12 } }] },
  classifiers: [{ id: 'regime', type: 'trend', inputs: ['X_1d'] }],
  strategies: [{ id: 's', type: 'sma_crossover', inputs: ['X_1d'] }],
  portfolios: [{
    id: 'p', strategies: ['s'], sizing: { type: 'fixed_quantity', quantity: 10 },
    ...(regimes ? { regime_filter: { classifier: 'regime', regimes } } : {}),
  }],
  execution: { fill },
});

/** Replaces the plan's strategy and classifier with the scripted ones. */
export const patch = (plan: Plan, script: Script): Plan => ({
  ...plan,
  strategies: [{ ...plan.strategies[0], definition: scriptedStrategy(script), params: {} }],
  classifiers: [{ ...plan.classifiers[0], definition: scriptedClassifier, params: {} }],
});

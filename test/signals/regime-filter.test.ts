/**
 * Regime-filtered trading on a hand-built fixture: a scripted classifier says 'up' on bars
 * 0-4 and 'down' from bar 5; a scripted strategy opens long while 'up' and signals after the
 * regime changed. Positions open only in the allowed regime, and the closing signal of a
 * position opened in it is honoured after the regime changed (boundary-aware), in a
 * backtest and identically in generation + replay.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClassifierDefinition, SignalValue, StrategyDefinition } from '../../src/strategies/types.ts';
import type { Plan } from '../../src/topology/plan.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../src/topology/run.ts';
import { generateSignals } from '../../src/topology/generate-signals.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { flat, scriptedSeries } from '../engine/helpers/scripted.ts';
import { planFor, tempStore } from './helpers.ts';

const BARS = Array.from({ length: 12 }, (_, i) => flat(100 + i)); // open = close = 100 + i
const series = [scriptedSeries(BARS)];

const regimeOf = (barIdx: number) => (barIdx < 5 ? 'up' : 'down');
const scriptedClassifier: ClassifierDefinition = {
  type: 'scripted_regime', description: 'up on bars 0-4, down after', params: z.strictObject({}), regimes: ['up', 'down'],
  features: () => ({}),
  classify: (_f, bars) => ({ regime: regimeOf(bars[0].barIdx), confidence: 1 }),
};
const scriptedStrategy = (script: Readonly<Record<number, SignalValue>>): StrategyDefinition => ({
  type: 'scripted', description: 'signals from a script', params: z.strictObject({}), paramSpace: {}, streams: 1,
  features: () => ({}),
  decide: (_f, bars) => script[bars[0].barIdx] ?? null,
});

const config = (regimes: string[] | null) => ({
  name: 'regime-fixture',
  data: { timezone: 'UTC', streams: [{ symbol: 'X', timeframe: '1d', synthetic: { seed: 1, bars: 12 } }] },
  classifiers: [{ id: 'regime', type: 'trend', inputs: ['X_1d'] }],
  strategies: [{ id: 's', type: 'sma_crossover', inputs: ['X_1d'] }],
  portfolios: [{
    id: 'p', strategies: ['s'], sizing: { type: 'fixed_quantity', quantity: 10 },
    ...(regimes ? { regime_filter: { classifier: 'regime', regimes } } : {}),
  }],
});

function patch(plan: Plan, script: Readonly<Record<number, SignalValue>>): Plan {
  return {
    ...plan,
    strategies: [{ ...plan.strategies[0], definition: scriptedStrategy(script), params: {} }],
    classifiers: [{ ...plan.classifiers[0], definition: scriptedClassifier, params: {} }],
  };
}

async function runBoth(script: Readonly<Record<number, SignalValue>>, regimes: string[] | null): Promise<{ full: RunOutcome; replayed: RunOutcome }> {
  const c = config(regimes);
  const full = runGraph(buildGraph(patch(planFor(c, 'backtest', null), script), series), { runId: 'b' });
  const store = tempStore('regime');
  await generateSignals(patch(planFor(c, 'signal_generation', store), script), series, { runId: 'g', topologyFile: null, startedAt: new Date(0) });
  const replayPlan = patch(planFor(c, 'signal_replay', store), script);
  const replayed = runGraph(buildGraph(replayPlan, series, await loadReplayInputs(replayPlan, series)), { runId: 'r' });
  return { full, replayed };
}

const tradesOf = (o: RunOutcome) => o.portfolios[0].result.trades.map((t) => ({ direction: t.direction, entry: t.entryBarIdx, exit: t.exitBarIdx, entryPrice: t.entryPrice, exitPrice: t.exitPrice, reason: t.exitReason }));

describe('regime_filter (boundary-aware)', () => {
  it('opens only in the regime and honours the close of a trade that spans the regime change', async () => {
    // Long at bar 2 (up) -> fills at bar 3's open 103. The regime turns down at bar 5.
    // Flat at bar 7 (down): the close is honoured -> fills at bar 8's open 108.
    // Long at bar 9 (down): not opened. Short at bar 10 (down): not opened.
    const { full, replayed } = await runBoth({ 2: 1, 7: 0, 9: 1, 10: -1 }, ['up']);
    expect(tradesOf(full)).toEqual([{ direction: 'long', entry: 3, exit: 8, entryPrice: 103, exitPrice: 108, reason: 'signal' }]);
    expect(tradesOf(replayed)).toEqual(tradesOf(full));
    expect(Array.from(replayed.portfolios[0].result.equity.equity)).toEqual(Array.from(full.portfolios[0].result.equity.equity));
  });

  it('a reversal outside the regime only closes the position', async () => {
    // Long at bar 2 (up, filled at 103); reversal to short at bar 7 (down): the long closes
    // at bar 8's open (108) and no short opens. Without the filter, the short opens at 108
    // and closes at the end of the data at the last close, 111.
    const filtered = await runBoth({ 2: 1, 7: -1 }, ['up']);
    expect(tradesOf(filtered.full)).toEqual([{ direction: 'long', entry: 3, exit: 8, entryPrice: 103, exitPrice: 108, reason: 'signal' }]);
    expect(tradesOf(filtered.replayed)).toEqual(tradesOf(filtered.full));
    const unfiltered = await runBoth({ 2: 1, 7: -1 }, null);
    expect(tradesOf(unfiltered.full)).toEqual([
      { direction: 'long', entry: 3, exit: 8, entryPrice: 103, exitPrice: 108, reason: 'signal' },
      { direction: 'short', entry: 8, exit: 11, entryPrice: 108, exitPrice: 111, reason: 'end_of_data' },
    ]);
    expect(tradesOf(unfiltered.replayed)).toEqual(tradesOf(unfiltered.full));
  });

  it('opens nothing while the regime is not allowed, and trades normally once it is', async () => {
    // Only 'down' allowed: the long signal at bar 2 (up) is ignored; the flip to short at
    // bar 6 (down) opens a short at bar 7's open (107), closed at the last close 111.
    const { full, replayed } = await runBoth({ 2: 1, 6: -1 }, ['down']);
    expect(tradesOf(full)).toEqual([{ direction: 'short', entry: 7, exit: 11, entryPrice: 107, exitPrice: 111, reason: 'end_of_data' }]);
    expect(tradesOf(replayed)).toEqual(tradesOf(full));
  });
});

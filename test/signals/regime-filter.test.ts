/**
 * Regime-filtered trading on a hand-built fixture: a scripted classifier says 'up' on bars
 * 0-4 and 'down' from bar 5; a scripted strategy opens long while 'up' and signals after the
 * regime changed. Positions open only in the allowed regime, and the closing signal of a
 * position opened in it is honoured after the regime changed (boundary-aware), in a
 * backtest and identically in generation + replay.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../src/topology/run.ts';
import { generateSignals } from '../../src/topology/generate-signals.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { planFor, tempStore } from './helpers.ts';
import { fixtureConfig, fixtureSeries, patch, type Script } from './regime-fixture.ts';

async function runBoth(script: Script, regimes: string[] | null): Promise<{ full: RunOutcome; replayed: RunOutcome }> {
  const c = fixtureConfig(regimes);
  const full = runGraph(buildGraph(patch(planFor(c, 'backtest', null), script), fixtureSeries), { runId: 'b' });
  const store = tempStore('regime');
  await generateSignals(patch(planFor(c, 'signal_generation', store), script), fixtureSeries, { runId: 'g', topologyFile: null, startedAt: new Date(0) });
  const replayPlan = patch(planFor(c, 'signal_replay', store), script);
  const replayed = runGraph(buildGraph(replayPlan, fixtureSeries, await loadReplayInputs(replayPlan, fixtureSeries)), { runId: 'r' });
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

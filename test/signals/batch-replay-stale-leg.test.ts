/**
 * A stored leg on a bar older than its stream's latest at the signal (generation never writes
 * one, a hand-written or foreign store can): the price board then holds the later bar, and a
 * portfolio sizing at that signal values what it holds on the stream at the later bar's close,
 * in the event-driven replay and so in the batch replay (which reads that close from the
 * index's markClose rather than searching the board per signal).
 */
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph } from '../../src/topology/run.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { runBatchReplay } from '../../src/topology/batch-replay/index.ts';
import { generate, loadSeries, planFor, portfolioOutcomes, tempStore } from './helpers.ts';

const config = {
  name: 'stale-leg',
  data: {
    timezone: 'UTC',
    streams: [
      { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 31, bars: 400, start_price: 90 } },
      { symbol: 'BBB', timeframe: '4h', synthetic: { seed: 32, bars: 100, start_price: 40 } },
    ],
  },
  strategies: [{ id: 'pair', type: 'pairs_zscore', params: { period: 10 }, inputs: ['AAA_1h', 'BBB_4h'] }],
  portfolios: [{ id: 'eq', strategies: ['pair'], sizing: { type: 'percent_equity', pct: 30, fractional: true } }],
};

const closeTime = (s: BarSeries, b: number) => s.start[b] + s.timeframeMs;
/** The last bar of `s` closed at or before `ts`. */
function lastClosed(s: BarSeries, ts: number): number {
  let b = -1;
  while (b + 1 < s.length && closeTime(s, b + 1) <= ts) b++;
  return b;
}

describe('a stored leg older than its stream\'s latest bar', () => {
  it('sizes against the latest close of what is held on that stream, in the batch replay as in the event-driven one', async () => {
    const series = await loadSeries(config);
    const [aaa, bbb] = series;
    const store = tempStore('stale-leg');
    await generate(config, series, store);
    const plan = planFor(config, 'signal_replay', store);
    const loaded = await loadReplayInputs(plan, series);

    // Signal 0 opens a long on BBB at its latest bar b0. Signal 1, three BBB bars later (after
    // that order filled), repeats the BBB leg on b0 (stale: the board holds b1 > b0, and the
    // target is unchanged, so nothing is ordered) and opens AAA, sized on equity that values
    // the BBB position at b1's close.
    const a0 = 40;
    const t0 = closeTime(aaa, a0);
    const b0 = lastClosed(bbb, t0);
    const a1 = a0 + 12;
    const t1 = closeTime(aaa, a1);
    const b1 = lastClosed(bbb, t1);
    expect(b1).toBeGreaterThan(b0 + 1);
    expect(bbb.close[b1]).not.toBe(bbb.close[b0]);
    const rows = {
      seq: [0, 1, 1], barIdx: [b0, b0, a1], ts: [t0, t1, t1], stream: ['BBB_4h', 'BBB_4h', 'AAA_1h'],
      value: [1, 1, 1], weight: [1, 1, 1], price: [bbb.close[b0], bbb.close[b0], aaa.close[a1]],
    };
    const inputs = { ...loaded, strategies: loaded.strategies.map((s) => (s.id === 'pair' ? { ...s, rows: { ...s.rows, ...rows } } : s)) };

    const events = runGraph(buildGraph(plan, series, inputs), { runId: 'events' });
    const batch = runBatchReplay(plan, series, inputs, { runId: 'batch' });
    // (Fractional sizing, so the AAA quantity follows the equity exactly rather than rounding
    // a small difference away.) Both positions opened (the case is reached), and the runs agree to the bit.
    expect(events.portfolios[0].result.trades.length).toBe(2);
    expect(portfolioOutcomes(batch)).toStrictEqual(portfolioOutcomes(events));
  });
});

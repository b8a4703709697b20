/**
 * The batch replay's index (src/topology/batch-replay/replay-rows.ts) looks up, once per
 * loaded store, what every portfolio's simulation used to look up per signal: the tick of each
 * signal and regime change, the price board's bar of each leg's stream at the signal (its
 * mark), and the bar after it, where a next_open order fills (position, tick, open, start).
 * Checked here against the definitions, by plain scans over the schedule, on streams of two
 * timeframes (so the ticks of one stream are not the ticks of the other) up to the last bar
 * (where there is no next bar). The replay-equals-backtest properties check what the
 * simulation does with them.
 */
import { describe, expect, it } from 'vitest';
import { indexReplayRows } from '../../src/topology/batch-replay/replay-rows.ts';
import { timelineOf } from '../../src/topology/batch-replay/timeline.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { generate, loadSeries, planFor, tempStore } from './helpers.ts';

const config = {
  name: 'row-lookups',
  data: {
    timezone: 'UTC',
    streams: [
      { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 21, bars: 900, start_price: 90 } },
      { symbol: 'BBB', timeframe: '4h', synthetic: { seed: 22, bars: 225, start_price: 40 } },
    ],
  },
  classifiers: [{ id: 'trend', type: 'trend', params: { fast_period: 5, slow_period: 20 }, inputs: ['AAA_1h'] }],
  strategies: [
    { id: 'fast', type: 'sma_crossover', params: { fast_period: 2, slow_period: 5 }, inputs: ['AAA_1h'] },
    { id: 'slow', type: 'rsi_mean_reversion', params: { period: 3 }, inputs: ['BBB_4h'] },
    { id: 'pair', type: 'pairs_zscore', params: { period: 10 }, inputs: ['AAA_1h', 'BBB_4h'] },
  ],
  portfolios: [{ id: 'all', strategies: ['fast', 'slow', 'pair'] }],
};

describe('the batch replay index of each stored row', () => {
  it('gives each row its tick, its mark and the bar where its next_open order fills, as a scan of the schedule does', async () => {
    const series = await loadSeries(config);
    const store = tempStore('row-lookups');
    await generate(config, series, store);
    const loaded = await loadReplayInputs(planFor(config, 'signal_replay', store), series);
    // And signals written by hand for the cases generation does not produce: a leg on a bar
    // older than its stream's latest at the signal (its mark is a later bar), after one that is
    // not (the index shares the stored columns until its first such leg), and a leg on a
    // stream's last bar (no bar after it: the order can never fill).
    const [aaa, bbb] = series;
    const close = (s: typeof aaa, b: number) => s.start[b] + s.timeframeMs;
    const last = aaa.length - 1;
    const hand = {
      id: 'hand', type: 'by_hand',
      rows: {
        seq: [0, 1, 2], barIdx: [5, 0, last], ts: [close(aaa, 5), close(aaa, 10), close(aaa, last)], stream: ['AAA_1h', 'BBB_4h', 'AAA_1h'],
        value: [1, 1, -1], weight: [1, 1, 1], price: [aaa.close[5], bbb.close[0], aaa.close[last]],
      },
    };
    const inputs = { ...loaded, strategies: [...loaded.strategies, hand] };
    const timeline = timelineOf(series);
    const { schedule } = timeline;
    const rows = indexReplayRows(inputs, series, timeline);

    // Every schedule position's tick and each stream's bars in schedule order, by a plain walk.
    const tickOfPos: number[] = [];
    const barsAt: number[][] = series.map(() => []);
    let tick = 0;
    for (let p = 0; p < schedule.length; p++) {
      tickOfPos.push(tick);
      barsAt[schedule.streamIndex[p]].push(p);
      if (schedule.tickEnd[p] === 1) tick++;
    }
    // Each bar's tick (the timeline's barTick, which the lookups below read), as the walk finds it.
    series.forEach((_, s) => expect(Array.from(timeline.barTick[s]), series[s].id).toEqual(barsAt[s].map((p) => tickOfPos[p])));
    let legs = 0;
    let atLastBar = 0;
    let later = 0;
    for (const strategy of rows.strategies) {
      // Its rows that can open a position (what its portfolios reserve their books for).
      const stored = inputs.strategies.find((x) => x.id === strategy.id)!.rows;
      expect(strategy.openingLegs, strategy.id).toBe(Array.from(stored.value).filter((v, r) => v !== 0 && stored.weight[r] !== 0).length);
      for (let k = 0; k < strategy.count; k++) {
        const at = strategy.at[k];
        expect(strategy.tick[k], `${strategy.id} signal ${k}`).toBe(tickOfPos[at]);
        for (let r = strategy.start[k]; r < strategy.start[k + 1]; r++) {
          const s = strategy.stream[r];
          // The mark: the last bar of the leg's stream at or before the signal's position.
          let mark = -1;
          while (mark + 1 < barsAt[s].length && barsAt[s][mark + 1] <= at) mark++;
          const where = `${strategy.id} row ${r}`;
          expect(strategy.mark[r], where).toBe(mark);
          expect(strategy.markClose[r], where).toBe(series[s].close[mark]);
          if (mark > inputs.strategies.find((x) => x.id === strategy.id)!.rows.barIdx[r]) later++;
          if (mark + 1 < series[s].length) {
            expect(strategy.fillPos[r], where).toBe(barsAt[s][mark + 1]);
            expect(strategy.fillTick[r], where).toBe(tickOfPos[barsAt[s][mark + 1]]);
            expect(strategy.fillOpen[r], where).toBe(series[s].open[mark + 1]);
            expect(strategy.fillStart[r], where).toBe(series[s].start[mark + 1]);
          } else {
            atLastBar++;
            expect(strategy.fillPos[r], where).toBe(Infinity);
          }
          legs++;
        }
      }
    }
    for (const classifier of rows.classifiers) {
      for (let k = 0; k < classifier.count; k++) expect(classifier.tick[k], `${classifier.id} change ${k}`).toBe(tickOfPos[classifier.at[k]]);
    }
    // The fixture reaches what the lookups must get right: many legs, on both streams.
    expect(legs).toBeGreaterThan(100);
    expect(new Set(rows.strategies.flatMap((s) => [...s.stream])).size).toBe(2);
    expect(rows.classifiers[0].count).toBeGreaterThan(5);
    expect(later).toBeGreaterThanOrEqual(1);
    expect(atLastBar).toBeGreaterThanOrEqual(1);
  });
});

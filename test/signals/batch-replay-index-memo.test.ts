/**
 * The batch replay checks and indexes the stored rows of one loaded ReplayInputs once per set
 * of series (src/topology/batch-replay/replay-rows-memo.ts): replaying one store with setting
 * after setting indexes it once. Checked here: the index is reused only for the same objects,
 * every setting replayed from the once-loaded inputs still gives that setting's own backtest,
 * a failed check is never kept, and the index goes away with its inputs.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/data/bar-series.ts';
import type { ReplayInputs } from '../../src/topology/build.ts';
import { BatchReplayInputError, runBatchReplay } from '../../src/topology/batch-replay/index.ts';
import { indexedReplayRowsOf } from '../../src/topology/batch-replay/replay-rows-memo.ts';
import { timelineOf } from '../../src/topology/batch-replay/timeline.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { backtest, generate, loadSeries, planFor, portfolioOutcomes, tempStore } from './helpers.ts';

const data = {
  timezone: 'UTC',
  streams: [
    { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 11, bars: 1200, start_price: 90 } },
    { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 12, bars: 1200, start_price: 40 } },
  ],
};
const strategies = [
  { id: 'fast', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['AAA_1h'] },
  { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 7 }, inputs: ['BBB_1h'] },
  { id: 'pair', type: 'pairs_zscore', params: { period: 30 }, inputs: ['AAA_1h', 'BBB_1h'] },
];
/** One config per setting: the same strategies, other sizing, risk, costs and fill timing. */
const settings = [
  { sizing: { type: 'fixed_quantity', quantity: 10 }, execution: { fill: 'next_open', commission: { type: 'none' } } },
  { sizing: { type: 'percent_equity', pct: 50 }, risk: { stop_loss_pct: 1.5 }, execution: { fill: 'signal_close', commission: { type: 'percent', pct: 0.05 }, slippage_bps: 5 } },
  { sizing: { type: 'percent_cash', pct: 90 }, risk: { take_profit_pct: 3, trailing_stop_pct: 1 }, execution: { fill: 'next_open', commission: { type: 'fixed', amount: 1 }, slippage_bps: 1 } },
];
const configOf = (s: (typeof settings)[number]) => ({
  name: 'index-memo',
  data,
  strategies,
  portfolios: [
    { id: 'all', strategies: ['fast', 'rsi', 'pair'], sizing: s.sizing, ...(s.risk ? { risk: s.risk } : {}) },
    { id: 'fast-only', strategies: ['fast'], sizing: s.sizing },
  ],
  execution: s.execution,
});

async function storeOf(series: readonly BarSeries[]) {
  const store = tempStore('index-memo');
  await generate(configOf(settings[0]), series, store);
  return store;
}

describe('the batch replay index, once per loaded inputs', () => {
  it('is reused for the same inputs and series objects only', async () => {
    const series = await loadSeries(configOf(settings[0]));
    const store = await storeOf(series);
    const plan = planFor(configOf(settings[0]), 'signal_replay', store);
    const inputs = await loadReplayInputs(plan, series);
    const timeline = timelineOf(series);
    const first = indexedReplayRowsOf(inputs, series, timeline);
    expect(first.signals).toBeGreaterThan(20);
    expect(indexedReplayRowsOf(inputs, [...series], timeline)).toBe(first);
    // Other inputs objects (the same store read again), other series objects: indexed anew.
    const again = await loadReplayInputs(plan, series);
    const other = indexedReplayRowsOf(again, series, timeline);
    expect(other).not.toBe(first);
    expect(other).toStrictEqual(first);
    const copies = series.map((s) => ({ ...s }));
    const copied = indexedReplayRowsOf(inputs, copies, timelineOf(copies));
    expect(copied).not.toBe(first);
    expect(copied).toStrictEqual(first);
  });

  it('gives every setting replayed from one loaded store its own backtest', async () => {
    const series = await loadSeries(configOf(settings[0]));
    const store = await storeOf(series);
    const inputs = await loadReplayInputs(planFor(configOf(settings[0]), 'signal_replay', store), series);
    const outcomes = settings.map((s) => {
      const config = configOf(s);
      const replayed = runBatchReplay(planFor(config, 'signal_replay', store), series, inputs, { runId: 'memo' });
      const full = backtest(config, series);
      expect(portfolioOutcomes(replayed)).toStrictEqual(portfolioOutcomes(full));
      expect(replayed.portfolios.map((p) => p.metrics)).toStrictEqual(full.portfolios.map((p) => p.metrics));
      return JSON.stringify(portfolioOutcomes(replayed));
    });
    // The settings do trade differently: a reused index did not make them replay one setting.
    expect(new Set(outcomes).size).toBe(settings.length);
    expect(JSON.parse(outcomes[0]).flatMap((p: { trades: unknown[] }) => p.trades).length).toBeGreaterThan(10);
  });

  it('never keeps a failed check: rows that do not match the data are refused on every run', async () => {
    const series = await loadSeries(configOf(settings[0]));
    const store = await storeOf(series);
    const plan = planFor(configOf(settings[0]), 'signal_replay', store);
    const inputs = await loadReplayInputs(plan, series);
    const rows = inputs.strategies[0].rows;
    const tampered: ReplayInputs = { ...inputs, strategies: [{ ...inputs.strategies[0], rows: { ...rows, price: Array.from(rows.price, (p, i) => (i === 2 ? p * 1.01 : p)) } }, ...inputs.strategies.slice(1)] };
    for (let run = 0; run < 2; run++) expect(() => runBatchReplay(plan, series, tampered, { runId: 'x' })).toThrow(BatchReplayInputError);
    expect(runBatchReplay(plan, series, inputs, { runId: 'ok' }).stats.signals).toBeGreaterThan(20);
  });

  it('goes away with its inputs', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const series = await loadSeries(configOf(settings[0]));
    const store = await storeOf(series);
    const plan = planFor(configOf(settings[0]), 'signal_replay', store);
    const refs = await (async () => {
      const inputs = await loadReplayInputs(plan, series);
      runBatchReplay(plan, series, inputs, { runId: 'gone' });
      const index = indexedReplayRowsOf(inputs, series, timelineOf(series));
      return [new WeakRef(inputs), new WeakRef(index), new WeakRef(index.strategies[0].at)];
    })();
    // WeakRefs made in a job hold their targets until it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(refs.map((r) => r.deref() === undefined)).toEqual([true, true, true]);
  });
});

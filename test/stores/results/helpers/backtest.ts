/** A real backtest (synthetic daily bars, two portfolios) with the results store attached to its loop. */
import { planAndLoad } from '../../../engine/helpers/run-config.ts';
import { buildGraph, type Graph } from '../../../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../../../src/topology/run.ts';
import { attachResultsStore, type AttachedStore, type AttachOptions, type ResultsStore } from '../../../../src/stores/results/index.ts';

export const BACKTEST = {
  name: 'store-backtest',
  data: { timezone: 'UTC', streams: [{ symbol: 'SYN', timeframe: '1d', synthetic: { seed: 7, bars: 1500 } }] },
  strategies: [
    { id: 'fast', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['SYN_1d'] },
    { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 14 }, inputs: ['SYN_1d'] },
  ],
  portfolios: [
    { id: 'a', strategies: ['fast'], initial_cash: 100_000 },
    { id: 'b', strategies: ['rsi'], initial_cash: 50_000, sizing: { type: 'percent_equity', pct: 50 } },
  ],
  execution: { commission: { type: 'percent', pct: 0.05 } },
};

export interface StoredBacktest {
  readonly graph: Graph;
  readonly outcome: RunOutcome;
  readonly attached: AttachedStore;
  /** What onTickEnd returned at each tick (undefined: it never hands back a promise). */
  readonly returned: unknown[];
}

/**
 * Runs the backtest with the store attached; `observe(graph)` runs before the loop,
 * `onTick(i)` after the store's hook at tick i.
 */
export async function storedBacktest(
  store: ResultsStore, options: AttachOptions, hooks: { onTick?: (tick: number) => void; observe?: (graph: Graph) => void } = {},
): Promise<StoredBacktest> {
  const { onTick, observe } = hooks;
  const { plan, series } = await planAndLoad(BACKTEST);
  const graph = buildGraph(plan, series);
  observe?.(graph);
  const attached = attachResultsStore(store, graph, options);
  const returned: unknown[] = [];
  let tick = 0;
  const outcome = runGraph(graph, {
    runId: options.runId,
    onTickEnd: (ts) => {
      returned.push(attached.onTickEnd?.(ts) as unknown);
      onTick?.(tick++);
    },
  });
  return { graph, outcome, attached, returned };
}

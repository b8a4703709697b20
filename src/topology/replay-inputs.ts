/**
 * signal_replay: finds each configured strategy and classifier in the store by its
 * canonical hash (computed from the config and the data loaded now), and reads its rows.
 * When a hash is missing, the error says why: the data changed since generation, the params
 * differ, or it was never generated. Nothing is replayed against the wrong data.
 */
import type { BarSeries } from '../data/bar-series.ts';
import type { IndexRow } from '../signals/store-index.ts';
import { readClassifierRows, readReplaySignalRows, readStoreState, SignalStoreError } from '../signals/store-reader.ts';
import type { ReplayInputs } from './build.ts';
import { classifierHashOf, strategyHashOf } from './generate-signals.ts';
import type { Plan } from './plan.ts';

function explainMissing(kind: string, id: string, params: unknown, inputs: readonly string[], seriesById: ReadonlyMap<string, BarSeries>, rows: readonly IndexRow[], dir: string): string {
  const sameId = rows.filter((r) => r.id === id);
  const head = `${kind} ${id}: no stored ${kind === 'strategy' ? 'signals' : 'regime changes'} in ${dir} for its canonical hash`;
  if (sameId.length === 0) {
    return `${head}; the store has ${rows.length ? rows.map((r) => r.id).join(', ') : `no ${kind}s`}. Run signal_generation with this ${kind} first.`;
  }
  const reasons: string[] = [];
  for (const r of sameId) {
    for (const input of inputs) {
      const now = seriesById.get(input)?.hash;
      const then = r.datasets[input];
      if (then && now && then !== now) reasons.push(`dataset ${input} has changed since generation (stored ${then.slice(0, 12)}, now ${now.slice(0, 12)})`);
    }
    if (JSON.stringify(r.params) !== JSON.stringify(params)) reasons.push(`params differ (stored ${JSON.stringify(r.params)}, now ${JSON.stringify(params)})`);
    if (JSON.stringify(r.inputs) !== JSON.stringify(inputs)) reasons.push(`inputs differ (stored ${r.inputs.join(', ')}, now ${inputs.join(', ')})`);
  }
  return `${head}: ${reasons.length ? [...new Set(reasons)].join('; ') : 'the engine version or missing-bar policy differs'}. Nothing is replayed against the wrong data; regenerate the signals.`;
}

export async function loadReplayInputs(plan: Plan, series: readonly BarSeries[]): Promise<ReplayInputs> {
  const dir = plan.signalStore;
  if (!dir) throw new Error('signal_replay needs signals.store');
  const state = await readStoreState(dir);
  const seriesById = new Map(series.map((s) => [s.id, s]));
  const missing = plan.config.data.missing_bars;
  const byHash = new Map([...state.strategies, ...state.classifiers].map((r) => [r.hash, r]));
  const strategies = await Promise.all(plan.strategies.map(async (s) => {
    const row = byHash.get(strategyHashOf(s, seriesById, missing));
    if (!row) throw new SignalStoreError(explainMissing('strategy', s.id, s.params, s.inputs, seriesById, state.strategies, dir));
    return { id: s.id, type: s.definition.type, rows: await readReplaySignalRows(dir, row) };
  }));
  const classifiers = await Promise.all(plan.classifiers.map(async (c) => {
    const row = byHash.get(classifierHashOf(c, seriesById, missing));
    if (!row) throw new SignalStoreError(explainMissing('classifier', c.id, c.params, c.inputs, seriesById, state.classifiers, dir));
    return { id: c.id, rows: await readClassifierRows(dir, row) };
  }));
  return { strategies, classifiers };
}

/**
 * The data streams one signal generation group needs: the inputs of its strategies and
 * classifiers, the streams those are resampled from, and, when the run has a data.window,
 * the first stream (the window is counted in its bars). A strategy's calls depend only on
 * its own inputs (docs/semantics.md, Alignment: the base streams are among its inputs), so a
 * group of SPY-only instances computes the same signals without QQQ and NVDA, in about a third
 * of the work: every stream a generation loads is walked bar by bar through the feature container.
 */
import { streamId } from '../core/timeframe.ts';
import type { TopologyConfig } from '../topology/schema.ts';

type StreamConfig = TopologyConfig['data']['streams'][number];

export function streamsForGroup(config: TopologyConfig, strategyIds: ReadonlySet<string>, classifierIds: ReadonlySet<string>): StreamConfig[] {
  const all = config.data.streams;
  const byId = new Map(all.map((s) => [streamId(s.symbol, s.timeframe), s]));
  const needed = new Set<string>();
  const need = (id: string) => {
    if (needed.has(id)) return;
    needed.add(id);
    const from = byId.get(id)?.resample_from;
    if (from !== undefined) need(from);
  };
  for (const s of config.strategies) if (strategyIds.has(s.id)) s.inputs.forEach(need);
  for (const c of config.classifiers) if (classifierIds.has(c.id)) c.inputs.forEach(need);
  if (config.data.window !== undefined && all.length > 0) need(streamId(all[0].symbol, all[0].timeframe));
  // the declared order (the first stream stays first: it is the window's base stream)
  return all.filter((s) => needed.has(streamId(s.symbol, s.timeframe)));
}

/**
 * Loads the bars of every stream of a plan: files through the bar loaders, synthetic streams
 * through the seeded generator, resampled streams from their (already loaded) source.
 */
import { loadBars } from '../data/load-bars.ts';
import { resampleBars } from '../data/resample.ts';
import { generateSyntheticBars } from '../data/synthetic.ts';
import type { SkippedRow } from '../data/validation.ts';
import type { BarSeries } from '../data/bar-series.ts';
import type { Plan, StreamPlan } from './plan.ts';

export interface LoadedStreams {
  readonly series: BarSeries[];
  /** Rows dropped under `on_invalid_rows: skip`, per stream id. */
  readonly skipped: Record<string, SkippedRow[]>;
}

export async function loadStreams(plan: Plan): Promise<LoadedStreams> {
  const byId = new Map<string, BarSeries>();
  const skipped: Record<string, SkippedRow[]> = {};
  const onInvalid = plan.config.data.on_invalid_rows;
  // Sources first, resampled streams after (they derive from a loaded stream).
  const ordered = [...plan.streams].sort((a, b) => Number(a.source.kind === 'resample') - Number(b.source.kind === 'resample'));
  for (const stream of ordered) {
    try {
      await loadStream(stream);
    } catch (error) {
      const at = plan.streams.indexOf(stream);
      throw new Error(`data.streams[${at}] (${stream.id}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return { series: plan.streams.map((s) => byId.get(s.id)!), skipped };

  async function loadStream(stream: StreamPlan): Promise<void> {
    const { source } = stream;
    if (source.kind === 'file') {
      const loaded = await loadBars({ path: source.path, symbol: stream.symbol, timeframe: stream.timeframe, timezone: source.timezone, onInvalid });
      byId.set(stream.id, loaded.series);
      if (loaded.skipped.length > 0) skipped[stream.id] = loaded.skipped;
    } else if (source.kind === 'synthetic') {
      byId.set(stream.id, generateSyntheticBars({
        symbol: stream.symbol, timeframe: stream.timeframe, bars: source.bars, seed: source.seed, startPrice: source.startPrice, start: source.start,
      }));
    } else {
      const from = byId.get(source.from);
      if (!from) throw new Error(`stream ${stream.id}: resample source ${source.from} is not loaded`);
      byId.set(stream.id, resampleBars(from, stream.timeframe, { timezone: source.timezone }));
    }
  }
}

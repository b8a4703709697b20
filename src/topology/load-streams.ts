/**
 * Loads the bars of every stream of a plan: files through the bar loaders (and, with
 * data.store, imported into the market data store and read back through it), store streams
 * from the store or from a verified snapshot of it, synthetic streams from the seeded
 * generator, resampled streams from their (already loaded) source.
 */
import { cutAtWindowEnd } from './window.ts';
import { loadBars } from '../data/load-bars.ts';
import { resampleBars } from '../data/resample.ts';
import { generateSyntheticBars } from '../data/synthetic.ts';
import { localToUtc } from '../data/timezone.ts';
import type { SkippedRow } from '../data/validation.ts';
import type { BarSeries } from '../data/bar-series.ts';
import { loadBarsViaStore, MarketDataStore, openSnapshot } from '../stores/market-data/index.ts';
import type { Plan, StreamPlan } from './plan.ts';

export interface LoadedStreams {
  readonly series: BarSeries[];
  /** Rows dropped under `on_invalid_rows: skip`, per stream id. */
  readonly skipped: Record<string, SkippedRow[]>;
  /** The verified snapshot the bars came from, if the topology names one. */
  readonly snapshot: { readonly id: string; readonly rootHash: string; readonly store: string } | null;
}

/** `YYYY-MM-DD` is local midnight in `timezone`; anything else is parsed as an ISO datetime (no zone = UTC). */
function instant(text: string | undefined, timezone: string): number | undefined {
  if (text === undefined) return undefined;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) return localToUtc(timezone, Number(date[1]), Number(date[2]), Number(date[3]));
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new Error(`cannot read the time "${text}"`);
  return ms;
}

export async function loadStreams(plan: Plan): Promise<LoadedStreams> {
  const byId = new Map<string, BarSeries>();
  const skipped: Record<string, SkippedRow[]> = {};
  const onInvalid = plan.config.data.on_invalid_rows;
  const { dataStore } = plan;
  const snapshotView = dataStore?.snapshot ? await openSnapshot(dataStore.root, dataStore.snapshot) : null;
  const store = dataStore && !snapshotView ? await MarketDataStore.open(dataStore.root) : null;
  const reader = snapshotView ?? store;

  async function loadStream(stream: StreamPlan): Promise<void> {
    const { source } = stream;
    if (source.kind === 'file') {
      const options = { path: source.path, symbol: stream.symbol, timeframe: stream.timeframe, timezone: source.timezone, onInvalid };
      const loaded = store ? await loadBarsViaStore(store, options) : await loadBars(options);
      byId.set(stream.id, loaded.series);
      if (loaded.skipped.length > 0) skipped[stream.id] = loaded.skipped;
    } else if (source.kind === 'store') {
      if (!reader) throw new Error('a store stream needs data.store');
      const series = await reader.getBars(stream.symbol, stream.timeframe, instant(source.start, source.timezone), instant(source.end, source.timezone));
      if (series.length === 0) throw new Error(`the store ${dataStore!.root}${snapshotView ? ` (snapshot ${dataStore!.snapshot})` : ''} holds no ${stream.id} bars in the requested range`);
      byId.set(stream.id, series);
    } else if (source.kind === 'synthetic') {
      byId.set(stream.id, generateSyntheticBars({
        symbol: stream.symbol, timeframe: stream.timeframe, bars: source.bars, seed: source.seed, startPrice: source.startPrice, start: source.start,
      }));
    } else {
      const from = byId.get(source.from);
      if (!from) throw new Error(`resample source ${source.from} is not loaded`);
      byId.set(stream.id, resampleBars(from, stream.timeframe, { timezone: source.timezone }));
    }
  }

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
  return {
    series: cutAtWindowEnd(plan.config.data.window, plan.streams.map((s) => byId.get(s.id)!)),
    skipped,
    snapshot: snapshotView ? { id: snapshotView.snapshot.id, rootHash: snapshotView.snapshot.rootHash, store: snapshotView.root } : null,
  };
}

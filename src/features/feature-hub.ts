/**
 * FeatureHub: owns every incremental indicator of a run and computes each one once per
 * canonical name, however many strategies, classifiers or parameter variants ask for it.
 * Bar indicators are keyed `<stream>.<canonical>` (e.g. `SPY_1m.sma_20`); pair indicators
 * `<canonical>(<streamA>,<streamB>)` and are fed the two streams' closes at the end of
 * each tick, following the run's missing-bar policy.
 */
import type { BarSeries } from '../data/bar-series.ts';
import type { TimeAlignmentBuffer } from '../clock/alignment-buffer.ts';
import type { FeatureRequest } from '../strategies/types.ts';
import type { Indicator, PairIndicator } from './indicator.ts';
import { resolveFeature } from './feature-key.ts';

/** Where a consumer reads one feature: `values[index]` of a shared indicator. */
export interface FeatureSlot {
  readonly key: string;
  readonly values: Float64Array;
  readonly index: number;
}

interface PairEntry {
  readonly a: number;
  readonly b: number;
  readonly indicator: PairIndicator;
}

export class FeatureHub {
  private readonly barIndicators: Indicator[][];
  private readonly pairs: PairEntry[] = [];
  private readonly byKey = new Map<string, { values: Float64Array; outputs: readonly string[] }>();
  private updates = 0;

  constructor(private readonly series: readonly BarSeries[], private readonly buffer: TimeAlignmentBuffer) {
    this.barIndicators = series.map(() => []);
  }

  /**
   * Registers (or reuses) the indicator behind `request` and returns where to read it.
   * `streams` maps the consumer's input positions to run stream indices.
   */
  request(request: FeatureRequest, streams: readonly number[], consumer: string): FeatureSlot {
    const feature = resolveFeature(request, streams.map((s) => this.series[s]?.id), consumer);
    const [a, b] = feature.positions.map((position) => streams[position]);
    const { spec, params } = feature;
    let entry = this.byKey.get(feature.group);
    if (!entry) {
      let values: Float64Array;
      if (spec.kind === 'pair') {
        const indicator = spec.create(params as never);
        this.pairs.push({ a, b, indicator });
        values = indicator.values;
      } else {
        const indicator = spec.create(params as never);
        this.barIndicators[a].push(indicator);
        values = indicator.values;
      }
      entry = { values, outputs: spec.outputs };
      this.byKey.set(feature.group, entry);
    }
    return { key: feature.key, values: entry.values, index: entry.outputs.indexOf(feature.output) };
  }

  /** Feeds bar `barIdx` of stream `streamIndex` to every indicator on that stream. */
  updateBar(streamIndex: number, barIdx: number): void {
    const indicators = this.barIndicators[streamIndex];
    if (indicators.length === 0) return;
    const s = this.series[streamIndex];
    const o = s.open[barIdx], h = s.high[barIdx], l = s.low[barIdx], c = s.close[barIdx], v = s.volume[barIdx];
    for (let i = 0; i < indicators.length; i++) indicators[i].update(o, h, l, c, v);
    this.updates += indicators.length;
  }

  /** At the end of tick `now`: feeds pair indicators whose streams have a new bar (per the missing-bar policy). */
  updatePairs(now: number): void {
    const { buffer, series } = this;
    for (let i = 0; i < this.pairs.length; i++) {
      const { a, b, indicator } = this.pairs[i];
      const freshA = buffer.isFresh(a, now), freshB = buffer.isFresh(b, now);
      const update = buffer.policy === 'skip' ? freshA && freshB : (freshA || freshB) && buffer.lastBar[a] >= 0 && buffer.lastBar[b] >= 0;
      if (!update) continue;
      indicator.update(series[a].close[buffer.lastBar[a]], series[b].close[buffer.lastBar[b]]);
      this.updates++;
    }
  }

  /** Keys of every indicator instance in this run (one per indicator, whatever its outputs). */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Indicator updates performed so far (for dedup checks and benchmarks). */
  get updateCount(): number {
    return this.updates;
  }
}

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
import type { Indicator, IndicatorSpec, PairIndicator } from './indicator.ts';
import { canonicalFeatureName } from './canonical-name.ts';
import { getIndicator, resolveIndicatorParams } from './registry.ts';

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
    const streamAt = (position: number) => {
      const s = streams[position];
      if (s === undefined) throw new Error(`${consumer}: feature asks for input stream ${position} but only ${streams.length} input(s) are configured`);
      return s;
    };
    if ('pair' in request) {
      const spec = getIndicator(request.pair);
      if (spec.kind !== 'pair') throw new Error(`${consumer}: ${request.pair} is not a pair indicator`);
      const params = resolveIndicatorParams(request.pair, request.params ?? {});
      const a = streamAt(request.streams[0]);
      const b = streamAt(request.streams[1]);
      const names = featureNames(request.pair, params, request.output, spec);
      const streamsText = `(${this.series[a].id},${this.series[b].id})`;
      const group = `${names.group}${streamsText}`;
      const entry = this.byKey.get(group) ?? this.add(group, spec.outputs, () => {
        const indicator = spec.create(params);
        this.pairs.push({ a, b, indicator });
        return indicator.values;
      });
      return this.slot(`${names.full}${streamsText}`, entry, names.output, consumer);
    }
    const spec = getIndicator(request.indicator);
    if (spec.kind !== 'bar') throw new Error(`${consumer}: ${request.indicator} is a pair indicator; request it with "pair"`);
    const params = resolveIndicatorParams(request.indicator, request.params ?? {});
    const stream = streamAt(request.stream ?? 0);
    const names = featureNames(request.indicator, params, request.output, spec);
    const prefix = `${this.series[stream].id}.`;
    const group = prefix + names.group;
    const entry = this.byKey.get(group) ?? this.add(group, spec.outputs, () => {
      const indicator = spec.create(params);
      this.barIndicators[stream].push(indicator);
      return indicator.values;
    });
    return this.slot(prefix + names.full, entry, names.output, consumer);
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

  private add(key: string, outputs: readonly string[], create: () => Float64Array) {
    const entry = { values: create(), outputs };
    this.byKey.set(key, entry);
    return entry;
  }

  private slot(key: string, entry: { values: Float64Array; outputs: readonly string[] }, output: string, consumer: string): FeatureSlot {
    const index = entry.outputs.indexOf(output);
    if (index < 0) throw new Error(`${consumer}: feature ${key} has no output "${output}" (outputs: ${entry.outputs.join(', ')})`);
    return { key, values: entry.values, index };
  }
}

/**
 * `full` names one output (`bollinger_20_2.0_upper`); `group` names the indicator instance
 * that computes all its outputs (`bollinger_20_2.0`), so asking for upper and lower shares one.
 */
function featureNames(name: string, params: Readonly<Record<string, unknown>>, output: string | undefined, spec: IndicatorSpec) {
  const chosen = output ?? spec.outputs[0];
  if (!spec.outputs.includes(chosen)) throw new Error(`indicator ${name} has no output "${chosen}" (outputs: ${spec.outputs.join(', ')})`);
  const full = canonicalFeatureName(name, params, chosen, spec);
  const suffix = `_${chosen}`;
  const group = spec.outputs.length > 1 && full.endsWith(suffix) ? full.slice(0, -suffix.length) : full;
  return { full, group, output: chosen };
}

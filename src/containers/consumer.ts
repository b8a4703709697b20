/**
 * The shared machinery behind strategy and classifier instances: their stream requirement,
 * their feature slots in the FeatureHub, and the reusable views handed to the stateless
 * decision function. `readInputs` fills the views and answers whether the instance may be
 * called now (requirements met, every feature warm).
 */
import type { TimeAlignmentBuffer, Requirement } from '../clock/alignment-buffer.ts';
import type { BarSeries } from '../data/bar-series.ts';
import type { FeatureHub, FeatureSlot } from '../features/feature-hub.ts';
import type { BarView, FeatureRequest } from '../strategies/types.ts';

export class Consumer {
  readonly requirement: Requirement;
  readonly bars: BarView[];
  readonly features: Record<string, number> = {};
  private readonly aliases: string[];
  private readonly slots: FeatureSlot[];

  constructor(
    readonly id: string,
    readonly inputs: readonly number[],
    featureRequests: Record<string, FeatureRequest>,
    private readonly series: readonly BarSeries[],
    private readonly buffer: TimeAlignmentBuffer,
    hub: FeatureHub,
  ) {
    this.requirement = buffer.requirement(inputs);
    this.aliases = Object.keys(featureRequests);
    this.slots = this.aliases.map((alias) => hub.request(featureRequests[alias], inputs, id));
    for (const alias of this.aliases) this.features[alias] = NaN;
    this.bars = inputs.map((s) => ({
      symbol: series[s].symbol, timeframe: series[s].timeframe, barIdx: -1, start: NaN,
      open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN,
    }));
  }

  readInputs(now: number): boolean {
    if (!this.buffer.ready(this.requirement, now)) return false;
    const { slots, aliases, features } = this;
    for (let i = 0; i < slots.length; i++) {
      const value = slots[i].values[slots[i].index];
      if (!Number.isFinite(value)) return false;
      features[aliases[i]] = value;
    }
    const { inputs, bars, series, buffer } = this;
    for (let i = 0; i < inputs.length; i++) {
      const s = series[inputs[i]];
      const b = buffer.lastBar[inputs[i]];
      const view = bars[i];
      view.barIdx = b;
      view.start = s.start[b];
      view.open = s.open[b];
      view.high = s.high[b];
      view.low = s.low[b];
      view.close = s.close[b];
      view.volume = s.volume[b];
    }
    return true;
  }
}

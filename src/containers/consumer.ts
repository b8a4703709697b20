/**
 * The shared machinery behind strategy and classifier instances: their stream requirement,
 * their feature slots in the FeatureHub, and the reusable views handed to the stateless
 * decision function. `readInputs` refreshes the views and answers whether the instance may
 * be called now (requirements met, every feature warm).
 */
import type { TimeAlignmentBuffer, Requirement } from '../clock/alignment-buffer.ts';
import type { BarSeries } from '../data/bar-series.ts';
import type { FeatureHub, FeatureSlot } from '../features/feature-hub.ts';
import type { BarView, FeatureRequest } from '../strategies/types.ts';
import { createBarView, createFeatureValues, type MovableBarView } from './input-views.ts';

export class Consumer {
  readonly requirement: Requirement;
  /** One view per input; read lazily from the series at the bar readInputs last set (input-views.ts). */
  readonly bars: readonly BarView[];
  /** One field per alias, reading `values` (input-views.ts). */
  readonly features: Readonly<Record<string, number>>;
  private readonly views: readonly MovableBarView[];
  private readonly values: Float64Array;
  private readonly slotValues: readonly Float64Array[];
  private readonly slotIndex: Int32Array;

  constructor(
    readonly id: string,
    readonly inputs: readonly number[],
    featureRequests: Record<string, FeatureRequest>,
    series: readonly BarSeries[],
    private readonly buffer: TimeAlignmentBuffer,
    hub: FeatureHub,
  ) {
    this.requirement = buffer.requirement(inputs);
    const aliases = Object.keys(featureRequests);
    const slots: FeatureSlot[] = aliases.map((alias) => hub.request(featureRequests[alias], inputs, id));
    this.slotValues = slots.map((slot) => slot.values);
    this.slotIndex = Int32Array.from(slots, (slot) => slot.index);
    this.values = new Float64Array(aliases.length).fill(NaN);
    this.features = createFeatureValues(aliases, this.values);
    this.views = inputs.map((s) => createBarView(series[s]));
    this.bars = this.views;
  }

  /** At tick `now`: true (views refreshed) when the requirement is met and every feature is warm. */
  readInputs(now: number): boolean {
    return this.buffer.ready(this.requirement, now) && this.load();
  }

  /**
   * readInputs once the requirement is known to be met (the feature container asks the
   * buffer once per tick for all consumers): refreshes the views, false while a feature is
   * not warm.
   */
  load(): boolean {
    const { slotValues, slotIndex, values } = this;
    for (let i = 0; i < slotValues.length; i++) {
      const value = slotValues[i][slotIndex[i]];
      if (!Number.isFinite(value)) return false;
      values[i] = value;
    }
    const { inputs, views } = this;
    const lastBar = this.buffer.lastBar;
    for (let i = 0; i < inputs.length; i++) views[i].barIdx = lastBar[inputs[i]];
    return true;
  }
}

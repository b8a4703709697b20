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

/** Stands in for a missing first or second slot (never read: the slot count is checked first). */
const NO_SLOT = new Float64Array(1);

export class Consumer {
  readonly requirement: Requirement;
  /** One view per input; read lazily from the series at the bar readInputs last set (input-views.ts). */
  readonly bars: readonly BarView[];
  /** One field per alias, reading `values` (input-views.ts). */
  readonly features: Readonly<Record<string, number>>;
  private readonly views: readonly MovableBarView[];
  /** The features as of the last call that was let through, in alias order. */
  private readonly values: Float64Array;
  private readonly slotValues: readonly Float64Array[];
  private readonly slotIndex: Int32Array;
  // Slots 0 and 1 and input 0 again, as fields: almost every consumer has one or two features
  // and one input, and fields of this object are read faster than the per-slot arrays
  // (about 8% of the signal-generation loop).
  private readonly values0: Float64Array;
  private readonly index0: number;
  private readonly values1: Float64Array;
  private readonly index1: number;
  private readonly view0: MovableBarView;
  private readonly input0: number;

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
    this.values0 = slots.length > 0 ? slots[0].values : NO_SLOT;
    this.index0 = slots.length > 0 ? slots[0].index : 0;
    this.values1 = slots.length > 1 ? slots[1].values : NO_SLOT;
    this.index1 = slots.length > 1 ? slots[1].index : 0;
    // requirement() refused an empty input list, so there is an input 0.
    this.view0 = this.views[0];
    this.input0 = inputs[0];
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
    const n = this.slotIndex.length;
    const values = this.values;
    if (n > 0) {
      const v0 = this.values0[this.index0];
      if (!Number.isFinite(v0)) return false;
      values[0] = v0;
    }
    if (n > 1) {
      const v1 = this.values1[this.index1];
      if (!Number.isFinite(v1)) return false;
      values[1] = v1;
    }
    const { slotValues, slotIndex } = this;
    for (let i = 2; i < n; i++) {
      const value = slotValues[i][slotIndex[i]];
      if (!Number.isFinite(value)) return false;
      values[i] = value;
    }
    const lastBar = this.buffer.lastBar;
    this.view0.barIdx = lastBar[this.input0];
    const { inputs, views } = this;
    for (let i = 1; i < inputs.length; i++) views[i].barIdx = lastBar[inputs[i]];
    return true;
  }
}

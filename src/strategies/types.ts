import type { z } from 'zod';

/**
 * What a strategy or classifier asks the FeatureHub for. `stream` indexes the strategy's
 * own list of input streams (0 for single-symbol strategies; 0 and 1 for pairs).
 * A pair request names two streams and a pair indicator (correlation, spread_zscore),
 * fed with the two streams' closes.
 */
export type FeatureRequest =
  | { readonly indicator: string; readonly params?: Record<string, number>; readonly output?: string; readonly stream?: number }
  | { readonly pair: string; readonly params?: Record<string, number>; readonly output?: string; readonly streams: readonly [number, number] };

/**
 * The latest closed bar of one input stream, as a strategy sees it: a reused view whose
 * prices are read from the series on access (src/containers/input-views.ts), so read it
 * during the call only, and copy it (`{ ...bar }`) to keep it.
 */
export interface BarView {
  readonly symbol: string;
  readonly timeframe: string;
  readonly barIdx: number;
  readonly start: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Signal value: 1 long, -1 short, 0 flat; `null` means "no opinion: keep the current signal". */
export type SignalValue = -1 | 0 | 1;

export interface StrategyDefinition<S extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  readonly description: string;
  /** zod object; every key has a default. Unknown keys are rejected (z.strictObject). */
  readonly params: S;
  /** Values a sweep may try per parameter (documentation and defaults for sweeps). */
  readonly paramSpace: Readonly<Record<string, readonly number[]>>;
  /** How many input streams it needs: 1, or 2 for a pairs strategy. */
  readonly streams: number;
  /**
   * Weights of the traded legs (the first inputs): the signal value times the weight is the
   * direction of each leg. Absent: one leg, weight 1, on input 0.
   */
  legWeights?(params: z.infer<S>): readonly number[];
  /** Feature needs, derived from params only. Keys are local aliases used in `decide`. */
  features(params: z.infer<S>): Record<string, FeatureRequest>;
  /**
   * Stateless decision. `features` holds every alias declared by `features()`, all finite
   * (the runtime does not call a strategy before its features are warm); like `bars`, it is
   * a view reused from call to call (copy it to keep it). `bars[i]` is the latest closed bar
   * of input stream i.
   */
  decide(features: Readonly<Record<string, number>>, bars: readonly BarView[], params: z.infer<S>): SignalValue | null;
}

export interface Classification {
  readonly regime: string;
  readonly confidence: number;
}

export interface ClassifierDefinition<S extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  readonly description: string;
  readonly params: S;
  /** Every regime label this classifier can return. */
  readonly regimes: readonly string[];
  features(params: z.infer<S>): Record<string, FeatureRequest>;
  classify(features: Readonly<Record<string, number>>, bars: readonly BarView[], params: z.infer<S>): Classification | null;
}

import type { z } from 'zod';

/**
 * An incremental indicator: fed one closed bar at a time, O(1) per update, its current
 * outputs readable in `values` (NaN until warmed up). Instances are owned by the FeatureHub
 * and shared by every strategy that asks for the same canonical name.
 */
export interface Indicator {
  /** Current outputs, in the order of the spec's `outputs`. NaN while warming up. */
  readonly values: Float64Array;
  update(open: number, high: number, low: number, close: number, volume: number): void;
}

/** An indicator over two aligned series (e.g. the closes of two symbols). */
export interface PairIndicator {
  readonly values: Float64Array;
  update(a: number, b: number): void;
}

export interface IndicatorSpecBase<S extends z.ZodObject> {
  readonly name: string;
  readonly description: string;
  /** zod object with a default for every key; integer params use z.int(). */
  readonly params: S;
  /** Output names; a single-output indicator uses ['value']. */
  readonly outputs: readonly string[];
  /** Param keys whose values are floats in the canonical name (printed as `2.0`, not `2`). */
  readonly floatParams?: readonly string[];
}

export interface BarIndicatorSpec<S extends z.ZodObject = z.ZodObject> extends IndicatorSpecBase<S> {
  readonly kind: 'bar';
  create(params: z.infer<S>): Indicator;
}

export interface PairIndicatorSpec<S extends z.ZodObject = z.ZodObject> extends IndicatorSpecBase<S> {
  readonly kind: 'pair';
  create(params: z.infer<S>): PairIndicator;
}

export type IndicatorSpec = BarIndicatorSpec | PairIndicatorSpec;

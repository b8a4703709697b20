/**
 * The reusable objects a Consumer hands to `decide` / `classify`: the bar view of each input
 * stream and the features object. Both are built once per consumer and refreshed per call
 * with plain monomorphic stores; their fields are own enumerable accessors, so copies
 * (`{ ...features }`), `Object.keys` and `JSON.stringify` see the same keys, in the same
 * order, with the same values as the plain objects they replace.
 *
 * Why accessors: a strategy reads a handful of fields per call, but filling plain objects
 * cost every call a store per field, and the features store was a megamorphic keyed store
 * (`features[alias] = value` over objects of many shapes). Every getter below is one shared
 * function per field (or per feature position), so all views of one kind, and all features
 * objects with the same aliases, share one hidden class and the getters inline in `decide`.
 */
import type { BarSeries } from '../data/bar-series.ts';
import type { BarView } from '../strategies/types.ts';

/** Where a bar view reads its bar: kept under a symbol, not enumerable, so copies do not see it. */
const SERIES = Symbol('bar view series');

interface BarViewState {
  readonly [SERIES]: BarSeries;
  barIdx: number;
}

/** A bar view the Consumer points at a bar by setting `barIdx`; the prices are read from the series on access. */
export type MovableBarView = BarView & { barIdx: number };

/**
 * The OHLCV getters, in BarView's field order (after symbol, timeframe, barIdx). Before the
 * Consumer first points a view at a bar (barIdx -1) they give NaN, as the eager view did,
 * rather than an out-of-range read.
 */
const BAR_FIELDS = {
  start(this: BarViewState) { const i = this.barIdx; return i < 0 ? NaN : this[SERIES].start[i]; },
  open(this: BarViewState) { const i = this.barIdx; return i < 0 ? NaN : this[SERIES].open[i]; },
  high(this: BarViewState) { const i = this.barIdx; return i < 0 ? NaN : this[SERIES].high[i]; },
  low(this: BarViewState) { const i = this.barIdx; return i < 0 ? NaN : this[SERIES].low[i]; },
  close(this: BarViewState) { const i = this.barIdx; return i < 0 ? NaN : this[SERIES].close[i]; },
  volume(this: BarViewState) { const i = this.barIdx; return i < 0 ? NaN : this[SERIES].volume[i]; },
} as const;

/**
 * A view of bar `barIdx` of `series`. Only barIdx is stored per call; a strategy that never
 * reads the prices costs nothing more.
 */
export function createBarView(series: BarSeries): MovableBarView {
  const view = { symbol: series.symbol, timeframe: series.timeframe, barIdx: -1 };
  Object.defineProperty(view, SERIES, { value: series });
  for (const [name, get] of Object.entries(BAR_FIELDS)) Object.defineProperty(view, name, { get, enumerable: true });
  return view as MovableBarView;
}

/** Where a features object reads its values: the consumer's snapshot, one slot per alias. */
const VALUES = Symbol('feature values');

interface FeatureValuesState {
  readonly [VALUES]: Float64Array;
}

/** Getter k reads slot k; one function per position, shared by every features object. */
const positionGetters: Array<(this: FeatureValuesState) => number> = [];
function positionGetter(k: number): (this: FeatureValuesState) => number {
  return (positionGetters[k] ??= function (this: FeatureValuesState) {
    return this[VALUES][k];
  });
}

/**
 * A features object with one enumerable field per alias (in `aliases` order) reading
 * `values[k]`: the Consumer refreshes the values by writing the typed array.
 */
export function createFeatureValues(aliases: readonly string[], values: Float64Array): Readonly<Record<string, number>> {
  if (values.length !== aliases.length) throw new Error(`${aliases.length} feature aliases but ${values.length} values`);
  const features = {};
  Object.defineProperty(features, VALUES, { value: values });
  aliases.forEach((alias, k) => Object.defineProperty(features, alias, { get: positionGetter(k), enumerable: true }));
  return features;
}

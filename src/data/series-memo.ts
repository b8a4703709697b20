/**
 * Values derived from a run's bars alone (the clock schedule, the tick marks, the timeline of
 * the batch replay), computed once per set of series and reused by every later run on the same
 * BarSeries objects: a sweep runs dozens of chunks over the same bars, a research session
 * replays one store with many settings. Base data is immutable once loaded (ARCHITECTURE:
 * immutable base data; nothing writes into a BarSeries' columns), so a value derived from the
 * same objects never goes stale. Held weakly by the first series, it goes away with the bars.
 *
 * Derived values are shared between runs: callers must treat them as read only (they already
 * are: the curves of one run share one ts array the same way).
 */
import type { BarSeries } from './bar-series.ts';

interface Entry {
  readonly series: readonly BarSeries[];
  readonly value: unknown;
}

const memo = new WeakMap<BarSeries, Map<string, Entry[]>>();

/** The same series objects, in the same order. */
export const sameSeries = (a: readonly BarSeries[], b: readonly BarSeries[]) => a.length === b.length && a.every((s, i) => s === b[i]);

/** `build()` for this kind of value and these series (same objects, same order), computed at most once while the series live. */
export function memoOnSeries<T>(kind: string, series: readonly BarSeries[], build: () => T): T {
  if (series.length === 0) return build();
  let kinds = memo.get(series[0]);
  if (!kinds) memo.set(series[0], (kinds = new Map()));
  let entries = kinds.get(kind);
  if (!entries) kinds.set(kind, (entries = []));
  const found = entries.find((e) => sameSeries(e.series, series));
  if (found) return found.value as T;
  const value = build();
  entries.push({ series: [...series], value });
  return value;
}

/**
 * The clock: one deterministic k-way merge of every stream of a run into the order in which
 * bars become visible, by (close time, timeframe length, symbol, stream id). A bar labelled
 * 09:30 on a 5m stream closes, and is published, at 09:35, after every 1m bar closing at 09:35.
 * The result is computed once, as flat typed arrays, so the run loop does no merging.
 */
import type { BarSeries } from '../data/bar-series.ts';
import { memoOnSeries } from '../data/series-memo.ts';

export interface Schedule {
  readonly length: number;
  readonly streamIndex: Int32Array;
  readonly barIdx: Int32Array;
  readonly closeTime: Float64Array;
  /** 1 on the last entry of each tick (a run of entries sharing one close time). */
  readonly tickEnd: Uint8Array;
  /** Number of distinct close times. */
  readonly ticks: number;
}

/** Tie-break rank of each stream at equal close times: shorter timeframe first, then symbol, then id. */
function streamRanks(series: readonly BarSeries[]): Int32Array {
  const order = series.map((s, i) => i).sort((a, b) => {
    const x = series[a], y = series[b];
    if (x.timeframeMs !== y.timeframeMs) return x.timeframeMs - y.timeframeMs;
    if (x.symbol !== y.symbol) return x.symbol < y.symbol ? -1 : 1;
    return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
  });
  const rank = new Int32Array(series.length);
  order.forEach((streamIdx, r) => (rank[streamIdx] = r));
  return rank;
}

export function buildSchedule(series: readonly BarSeries[]): Schedule {
  const ids = new Set<string>();
  for (const s of series) {
    if (ids.has(s.id)) throw new Error(`stream ${s.id} appears twice in the run`);
    ids.add(s.id);
  }
  const rank = streamRanks(series);
  const total = series.reduce((n, s) => n + s.length, 0);
  const streamIndex = new Int32Array(total);
  const barIdx = new Int32Array(total);
  const closeTime = new Float64Array(total);
  const tickEnd = new Uint8Array(total);

  // Binary min-heap of stream indices keyed by (close time of their next bar, rank).
  const next = new Int32Array(series.length);
  const heap: number[] = [];
  const keyTime = (s: number) => series[s].start[next[s]] + series[s].timeframeMs;
  const less = (a: number, b: number) => {
    const ta = keyTime(a), tb = keyTime(b);
    return ta < tb || (ta === tb && rank[a] < rank[b]);
  };
  const push = (s: number) => {
    heap.push(s);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };

  series.forEach((s, i) => {
    if (s.length > 0) push(i);
  });
  let out = 0;
  let lastTime = -Infinity;
  let ticks = 0;
  while (heap.length > 0) {
    const s = pop();
    const t = keyTime(s);
    if (t < lastTime) throw new Error(`stream ${series[s].id} is not in time order at bar_idx ${next[s]}`);
    if (t !== lastTime) {
      if (out > 0) tickEnd[out - 1] = 1;
      ticks++;
      lastTime = t;
    }
    streamIndex[out] = s;
    barIdx[out] = next[s];
    closeTime[out] = t;
    out++;
    next[s]++;
    if (next[s] < series[s].length) push(s);
  }
  if (out > 0) tickEnd[out - 1] = 1;
  return { length: out, streamIndex, barIdx, closeTime, tickEnd, ticks };
}

/** The schedule of these series, built once while they live (series-memo.ts): read only. */
export function scheduleOf(series: readonly BarSeries[]): Schedule {
  return memoOnSeries('schedule', series, () => buildSchedule(series));
}

/**
 * The clock schedule turned into the lookups the batch engine needs: where each bar of each
 * stream sits in the schedule (its position), which tick each position belongs to, and the
 * close time and last position of each tick. Built once per run, shared by every portfolio.
 *
 * A position orders everything that happens in a run: the broker's work on the bar at
 * position p (open fills, then the close is marked), the stop checks of that bar, and, if p
 * ends a tick, the stored rows of that tick.
 */
import { scheduleOf, type Schedule } from '../../clock/schedule.ts';
import type { BarSeries } from '../../data/bar-series.ts';
import { memoOnSeries } from '../../data/series-memo.ts';

export interface Timeline {
  readonly schedule: Schedule;
  /** Per stream: the schedule position of each bar. */
  readonly pos: readonly Int32Array[];
  /** Per schedule position: the index of its tick. */
  readonly tickOf: Int32Array;
  /**
   * Per stream: the tick of each bar (tickOf of its position), so a bar's tick is one read
   * rather than two dependent ones (the index looks it up for every stored row).
   */
  readonly barTick: readonly Int32Array[];
  /** Per tick: its close time. */
  readonly tickTs: Float64Array;
  /** Per tick: the position of its last bar (where the tick's stored rows are published). */
  readonly tickEndPos: Int32Array;
  /** The tick end-of-data work belongs to (the last one; 0 for an empty run). */
  readonly lastTick: number;
}

export function buildTimeline(schedule: Schedule, series: readonly BarSeries[]): Timeline {
  const pos = series.map((s) => new Int32Array(s.length));
  const barTick = series.map((s) => new Int32Array(s.length));
  const tickOf = new Int32Array(schedule.length);
  const tickTs = new Float64Array(schedule.ticks);
  const tickEndPos = new Int32Array(schedule.ticks);
  const { streamIndex, barIdx, closeTime, tickEnd } = schedule;
  let tick = 0;
  for (let i = 0; i < schedule.length; i++) {
    pos[streamIndex[i]][barIdx[i]] = i;
    barTick[streamIndex[i]][barIdx[i]] = tick;
    tickOf[i] = tick;
    if (tickEnd[i] === 1) {
      tickTs[tick] = closeTime[i];
      tickEndPos[tick] = i;
      tick++;
    }
  }
  return { schedule, pos, tickOf, barTick, tickTs, tickEndPos, lastTick: Math.max(0, schedule.ticks - 1) };
}

/** The timeline of these series, built once while they live (series-memo.ts): read only. */
export function timelineOf(series: readonly BarSeries[]): Timeline {
  return memoOnSeries('timeline', series, () => buildTimeline(scheduleOf(series), series));
}

/** Index of the tick closing at `ts`, or -1 if no tick closes then; `hint` (a tick at or before it, or -1) speeds up time-ordered lookups. */
export function tickAt(timeline: Timeline, ts: number, hint: number): number {
  const { tickTs } = timeline;
  const n = tickTs.length;
  // Galloping from the hint, then a binary search in (lo, hi): tickTs[lo] < ts <= tickTs[hi].
  let lo = hint >= 0 && hint < n && tickTs[hint] < ts ? hint : -1;
  let hi = lo + 1;
  let step = 1;
  while (hi < n && tickTs[hi] < ts) {
    lo = hi;
    hi = lo + step;
    step += step;
  }
  if (hi > n) hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (tickTs[mid] < ts) lo = mid;
    else hi = mid;
  }
  return hi < n && tickTs[hi] === ts ? hi : -1;
}

/**
 * The last bar of a stream at or before schedule position `p`, searching forward from
 * `from` (a bar known to be at or before p, or -1): galloping, so a run of queries with
 * growing p costs O(log gap) each.
 */
export function lastBarAt(pos: Int32Array, from: number, p: number): number {
  const n = pos.length;
  let lo = from;
  let hi = lo + 1;
  if (hi >= n || pos[hi] > p) return lo;
  let step = 1;
  for (;;) {
    lo = hi;
    step += step;
    hi = lo + step;
    if (hi >= n) {
      hi = n;
      break;
    }
    if (pos[hi] > p) break;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (pos[mid] <= p) lo = mid;
    else hi = mid;
  }
  return lo;
}

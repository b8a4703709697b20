/**
 * TimeAlignmentBuffer: tracks the last closed bar of every stream and decides when a
 * consumer (strategy, classifier) with a set of stream requirements may be called.
 *
 * A requirement set is split into its base streams (those at the smallest timeframe in the
 * set) and its higher-timeframe streams. Higher timeframes always show their last *closed*
 * bar and never need to be fresh. At a clock tick `now`:
 * - policy `skip`: ready iff every base stream has a bar closing exactly at `now`
 *   (a missing bar in any base stream skips the call) and every stream has closed a bar;
 * - policy `ffill`: ready iff at least one base stream has a bar closing at `now` and every
 *   stream has closed a bar; base streams without a bar at `now` show their last one.
 */
import type { BarSeries } from '../data/bar-series.ts';

export type MissingBarPolicy = 'skip' | 'ffill';

export interface Requirement {
  /** Stream indices, in the consumer's declared order. */
  readonly streams: readonly number[];
  readonly base: readonly number[];
  readonly higher: readonly number[];
}

export class TimeAlignmentBuffer {
  /** bar_idx of the last closed bar per stream, -1 before the first. */
  readonly lastBar: Int32Array;
  /** Close time of that bar, -Infinity before the first. */
  readonly lastClose: Float64Array;

  constructor(readonly series: readonly BarSeries[], readonly policy: MissingBarPolicy) {
    this.lastBar = new Int32Array(series.length).fill(-1);
    this.lastClose = new Float64Array(series.length).fill(-Infinity);
  }

  onBar(streamIndex: number, barIdx: number, closeTime: number): void {
    this.lastBar[streamIndex] = barIdx;
    this.lastClose[streamIndex] = closeTime;
  }

  requirement(streams: readonly number[]): Requirement {
    if (streams.length === 0) throw new Error('a requirement needs at least one stream');
    const minTf = Math.min(...streams.map((s) => this.series[s].timeframeMs));
    return {
      streams,
      base: streams.filter((s) => this.series[s].timeframeMs === minTf),
      higher: streams.filter((s) => this.series[s].timeframeMs !== minTf),
    };
  }

  isFresh(streamIndex: number, now: number): boolean {
    return this.lastClose[streamIndex] === now;
  }

  ready(req: Requirement, now: number): boolean {
    const { base, higher } = req;
    let anyFresh = false;
    for (let i = 0; i < base.length; i++) {
      const s = base[i];
      if (this.lastClose[s] === now) anyFresh = true;
      else if (this.policy === 'skip' || this.lastBar[s] < 0) return false;
    }
    if (!anyFresh) return false;
    for (let i = 0; i < higher.length; i++) if (this.lastBar[higher[i]] < 0) return false;
    return true;
  }
}

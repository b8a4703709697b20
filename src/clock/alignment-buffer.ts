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
  /** Its index in the buffer's list of requirements: equal stream lists share one requirement. */
  readonly id: number;
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

  /** Every distinct requirement asked for, by id. */
  private readonly requirements: Requirement[] = [];
  private readonly byStreams = new Map<string, Requirement>();
  /** readiness()'s answer, one byte per requirement id (reused from tick to tick). */
  private readyFlags = new Uint8Array(0);

  constructor(readonly series: readonly BarSeries[], readonly policy: MissingBarPolicy) {
    this.lastBar = new Int32Array(series.length).fill(-1);
    this.lastClose = new Float64Array(series.length).fill(-Infinity);
  }

  onBar(streamIndex: number, barIdx: number, closeTime: number): void {
    this.lastBar[streamIndex] = barIdx;
    this.lastClose[streamIndex] = closeTime;
  }

  /**
   * The requirement of a consumer reading `streams`. Consumers with the same stream list get
   * the same requirement, so that readiness() decides it once per tick for all of them.
   */
  requirement(streams: readonly number[]): Requirement {
    if (streams.length === 0) throw new Error('a requirement needs at least one stream');
    const key = streams.join(',');
    const known = this.byStreams.get(key);
    if (known) return known;
    const minTf = Math.min(...streams.map((s) => this.series[s].timeframeMs));
    const requirement: Requirement = {
      id: this.requirements.length,
      streams: [...streams],
      base: streams.filter((s) => this.series[s].timeframeMs === minTf),
      higher: streams.filter((s) => this.series[s].timeframeMs !== minTf),
    };
    this.requirements.push(requirement);
    this.byStreams.set(key, requirement);
    return requirement;
  }

  /**
   * ready(requirement, now) of every requirement, indexed by requirement id (1 ready, 0 not).
   * The array is reused: read it before the next call.
   */
  readiness(now: number): Uint8Array {
    const { requirements } = this;
    if (this.readyFlags.length !== requirements.length) this.readyFlags = new Uint8Array(requirements.length);
    const flags = this.readyFlags;
    for (let i = 0; i < requirements.length; i++) flags[i] = this.ready(requirements[i], now) ? 1 : 0;
    return flags;
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

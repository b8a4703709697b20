/**
 * Consumer (src/containers/consumer.ts) driven bar by bar over two streams with different
 * missing minutes: at every tick, each consumer must be called exactly when its requirement
 * is met and its features are warm, and must then show the values of its own feature slots
 * (checked against a moving average computed here) and the last closed bar of each input.
 * The buffer's per-tick readiness (one answer per distinct stream list) must agree with
 * ready() of each consumer's requirement under both missing-bar policies.
 */
import { describe, expect, it } from 'vitest';
import { TimeAlignmentBuffer, type MissingBarPolicy } from '../../src/clock/alignment-buffer.ts';
import { buildSchedule } from '../../src/clock/schedule.ts';
import { Consumer } from '../../src/containers/consumer.ts';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { FeatureHub } from '../../src/features/feature-hub.ts';
import type { FeatureRequest } from '../../src/strategies/types.ts';
import { eagerView, minutesWithout, seriesAt } from './helpers.ts';

const spy = seriesAt('SPY', minutesWithout(80, [7, 8, 30, 31, 32, 55]));
const qqq = seriesAt('QQQ', minutesWithout(80, [3, 20, 21, 44, 60, 61]), { seed: 5 });
const spy5 = seriesAt('SPY', Array.from({ length: 16 }, (_, i) => i), { timeframe: '5m', step: 5, seed: 9 });
const SERIES: readonly BarSeries[] = [spy, qqq, spy5];

const sma = (period: number): FeatureRequest => ({ indicator: 'sma', params: { period } });
const bollinger = (output: string): FeatureRequest => ({ indicator: 'bollinger', params: { period: 6, std_dev: 2 }, output });

interface Case {
  readonly id: string;
  readonly inputs: readonly number[];
  readonly requests: Record<string, FeatureRequest>;
}

const CASES: readonly Case[] = [
  { id: 'cross', inputs: [0], requests: { fast: sma(3), slow: sma(9) } },
  // Same aliases in the other order, on another stream: must not read cross's slots.
  { id: 'cross_q', inputs: [1], requests: { slow: sma(9), fast: sma(3) } },
  // Three outputs of one indicator (outputs upper, middle, lower: every alias at another index than its position).
  { id: 'bands', inputs: [1], requests: { lower: bollinger('lower'), middle: bollinger('middle'), upper: bollinger('upper') } },
  { id: 'pair', inputs: [0, 1], requests: { a: sma(4), b: { indicator: 'sma', params: { period: 4 }, stream: 1 } } },
  { id: 'mtf', inputs: [1, 2], requests: { slow5: { indicator: 'sma', params: { period: 3 }, stream: 1 } } },
  { id: 'bars_only', inputs: [2, 0], requests: {} },
  // Same streams as cross: shares its requirement.
  { id: 'cross_twin', inputs: [0], requests: { fast: sma(5), slow: sma(7) } },
];

/** Mean of the last `period` closes of `s` up to bar `b`, or NaN while fewer. */
function meanClose(s: BarSeries, b: number, period: number): number {
  if (b + 1 < period) return NaN;
  let sum = 0;
  for (let i = b - period + 1; i <= b; i++) sum += s.close[i];
  return sum / period;
}

function run(policy: MissingBarPolicy) {
  const buffer = new TimeAlignmentBuffer(SERIES, policy);
  const hub = new FeatureHub(SERIES, buffer);
  const consumers = CASES.map((c) => new Consumer(c.id, c.inputs, c.requests, SERIES, buffer, hub));
  // The hub shares one indicator per canonical key: asking again gives the very slots the consumers read.
  const slotsOf = CASES.map((c) => Object.fromEntries(Object.entries(c.requests).map(([alias, r]) => [alias, hub.request(r, c.inputs, `${c.id}-check`)])));
  const schedule = buildSchedule(SERIES);
  const calls = CASES.map(() => 0);
  for (let i = 0; i < schedule.length; i++) {
    const now = schedule.closeTime[i];
    buffer.onBar(schedule.streamIndex[i], schedule.barIdx[i], now);
    hub.updateBar(schedule.streamIndex[i], schedule.barIdx[i]);
    if (schedule.tickEnd[i] !== 1) continue;
    const flags = buffer.readiness(now);
    consumers.forEach((consumer, k) => {
      const ready = buffer.ready(consumer.requirement, now);
      expect(flags[consumer.requirement.id]).toBe(ready ? 1 : 0);
      const slots = slotsOf[k];
      const warm = Object.values(slots).every((slot) => Number.isFinite(slot.values[slot.index]));
      const called = consumer.readInputs(now);
      expect(called).toBe(ready && warm);
      if (!called) return;
      calls[k]++;
      // Features: exactly the values of this consumer's slots, keyed by its aliases in declared order.
      expect(Object.keys(consumer.features)).toEqual(Object.keys(CASES[k].requests));
      for (const [alias, slot] of Object.entries(slots)) expect(consumer.features[alias]).toBe(slot.values[slot.index]);
      // Bars: the last closed bar of each input, every field.
      consumer.bars.forEach((view, j) => expect({ ...view }).toEqual(eagerView(SERIES[CASES[k].inputs[j]], buffer.lastBar[CASES[k].inputs[j]])));
      checkIndependently(CASES[k], consumer, buffer);
    });
  }
  return { calls, consumers, buffer };
}

/** The values recomputed here from the closes, so that a slot mix-up (fast <-> slow, upper <-> lower) fails. */
function checkIndependently(c: Case, consumer: Consumer, buffer: TimeAlignmentBuffer): void {
  const f = consumer.features;
  const last = (input: number) => buffer.lastBar[c.inputs[input]];
  if (c.id === 'cross' || c.id === 'cross_q') {
    const s = SERIES[c.inputs[0]];
    expect(f.fast).toBeCloseTo(meanClose(s, last(0), 3), 9);
    expect(f.slow).toBeCloseTo(meanClose(s, last(0), 9), 9);
  } else if (c.id === 'cross_twin') {
    expect(f.fast).toBeCloseTo(meanClose(spy, last(0), 5), 9);
    expect(f.slow).toBeCloseTo(meanClose(spy, last(0), 7), 9);
  } else if (c.id === 'bands') {
    expect(f.middle).toBeCloseTo(meanClose(qqq, last(0), 6), 9);
    expect(f.lower).toBeLessThan(f.middle);
    expect(f.upper).toBeGreaterThan(f.middle);
  } else if (c.id === 'pair') {
    expect(f.a).toBeCloseTo(meanClose(spy, last(0), 4), 9);
    expect(f.b).toBeCloseTo(meanClose(qqq, last(1), 4), 9);
  } else if (c.id === 'mtf') {
    expect(f.slow5).toBeCloseTo(meanClose(spy5, last(1), 3), 9);
  }
}

describe('Consumer', () => {
  for (const policy of ['skip', 'ffill'] as const) {
    it(`${policy}: called exactly when ready and warm, with its own slots and bars`, () => {
      const { calls } = run(policy);
      // Every consumer was called many times (the checks above ran).
      for (const n of calls) expect(n).toBeGreaterThan(8);
    });
  }

  it('consumers on the same stream list share one requirement; other lists get their own', () => {
    const { consumers, buffer } = run('ffill');
    const ids = consumers.map((c) => c.requirement.id);
    const byId = Object.fromEntries(CASES.map((c, k) => [c.id, ids[k]]));
    expect(byId.cross_twin).toBe(byId.cross);
    expect(consumers[CASES.findIndex((c) => c.id === 'cross_twin')].requirement).toBe(consumers[0].requirement);
    // [1] is shared by cross_q and bands; [0, 1], [1, 2] and [2, 0] are distinct lists.
    expect(byId.bands).toBe(byId.cross_q);
    expect(new Set(ids).size).toBe(5);
    expect(buffer.requirement([2, 0]).id).toBe(byId.bars_only);
    expect(buffer.requirement([0, 2]).id).toBe(5);
  });
});

/**
 * What the feature container publishes from the lazy views: FEATURES events carry plain
 * snapshots equal to what `decide` saw at that call (not live views that change with later
 * bars), and each SIGNAL leg points at the last closed bar of its own input (bar index and
 * close), recomputed here from the bars' close times.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildSchedule } from '../../src/clock/schedule.ts';
import { DataContainer } from '../../src/containers/data-container.ts';
import { FeatureContainer } from '../../src/containers/feature-container.ts';
import { Container, RunContext } from '../../src/core/container.ts';
import type { RuntimeEvent, SignalLeg } from '../../src/core/events.ts';
import type { BarSeries } from '../../src/data/bar-series.ts';
import type { SignalValue, StrategyDefinition } from '../../src/strategies/types.ts';
import { minutesWithout, seriesAt } from './helpers.ts';

const spy = seriesAt('SPY', minutesWithout(60, [10, 11, 40]));
const qqq = seriesAt('QQQ', minutesWithout(60, [5, 25, 26, 27]), { seed: 2 });
const SERIES: readonly BarSeries[] = [spy, qqq];

interface Seen { now: number; features: Record<string, number>; bars: Record<string, unknown>[] }

/** Records a copy of what it is shown and flips its signal every third call. */
function probe(seen: Seen[], clock: { now: number }, features: StrategyDefinition['features']): StrategyDefinition {
  let calls = 0;
  return {
    type: 'probe', description: 'test-only', params: z.strictObject({}), paramSpace: {}, streams: 2, features,
    decide: (f, bars) => {
      seen.push({ now: clock.now, features: { ...f }, bars: bars.map((b) => ({ ...b })) });
      calls++;
      return calls % 3 === 0 ? (((calls / 3) % 2 === 0 ? 1 : -1) as SignalValue) : null;
    },
  };
}

/** Bar index of the last bar of `s` closed by `now` (-1 if none). */
function lastClosed(s: BarSeries, now: number): number {
  let b = -1;
  for (let i = 0; i < s.length; i++) if (s.start[i] + s.timeframeMs <= now) b = i;
  return b;
}

function run(policy: 'skip' | 'ffill') {
  const context = new RunContext();
  const root = new Container('root', 'root', context);
  const data = SERIES.map((s, i) => root.addChild(new DataContainer(s, i, context)));
  const seenA: Seen[] = [], seenB: Seen[] = [];
  const a = probe(seenA, context, () => ({ fast: { indicator: 'sma', params: { period: 3 } }, slow: { indicator: 'sma', params: { period: 8 } } }));
  const b = probe(seenB, context, () => ({ rsi: { indicator: 'rsi', params: { period: 5 }, stream: 1 } }));
  const feature = root.addChild(new FeatureContainer('features', SERIES, [
    { id: 'a', definition: a, params: {}, inputs: [0, 1], legWeights: [1, -0.5] },
    { id: 'b', definition: b, params: {}, inputs: [1, 0], legWeights: [1] },
  ], [], policy, context));
  const features: RuntimeEvent<'FEATURES'>[] = [];
  const signals: RuntimeEvent<'SIGNAL'>[] = [];
  feature.bus.subscribe('FEATURES', (e) => features.push(e), { subscriber: 'test' });
  root.bus.subscribe('SIGNAL', (e) => signals.push(e), { subscriber: 'test', filter: { key: ['a', 'b'] } });
  root.initialize();
  root.start();
  const schedule = buildSchedule(SERIES);
  for (let i = 0; i < schedule.length; i++) {
    context.now = schedule.closeTime[i];
    data[schedule.streamIndex[i]].publishBar(schedule.barIdx[i], schedule.tickEnd[i] === 1);
  }
  return { features, signals, seenA, seenB };
}

describe('FeatureContainer with lazy views', () => {
  for (const policy of ['skip', 'ffill'] as const) {
    it(`${policy}: FEATURES events are plain snapshots of what decide saw`, () => {
      const { features, seenA, seenB } = run(policy);
      const byStrategy = (id: string) => features.filter((e) => e.payload.strategyId === id).map((e) => e.payload.values);
      expect(seenA.length).toBeGreaterThan(20);
      expect(seenB.length).toBeGreaterThan(20);
      expect(byStrategy('a')).toEqual(seenA.map((s) => s.features));
      expect(byStrategy('b')).toEqual(seenB.map((s) => s.features));
      for (const e of features) {
        for (const key of Object.keys(e.payload.values)) expect(Object.getOwnPropertyDescriptor(e.payload.values, key)).toHaveProperty('value');
      }
      // The bars decide saw are the last closed bars of its inputs, in its input order.
      for (const s of seenA) expect(s.bars.map((v) => v.barIdx)).toEqual([lastClosed(spy, s.now), lastClosed(qqq, s.now)]);
      for (const s of seenB) expect(s.bars.map((v) => [v.symbol, v.barIdx, v.close])).toEqual([['QQQ', lastClosed(qqq, s.now), qqq.close[lastClosed(qqq, s.now)]], ['SPY', lastClosed(spy, s.now), spy.close[lastClosed(spy, s.now)]]]);
    });

    it(`${policy}: each signal leg points at the last closed bar of its own input`, () => {
      const { signals } = run(policy);
      expect(signals.length).toBeGreaterThan(10);
      for (const e of signals) {
        const inputs = e.payload.strategyId === 'a' ? [spy, qqq] : [qqq];
        const weights = e.payload.strategyId === 'a' ? [1, -0.5] : [1];
        const expected: SignalLeg[] = inputs.map((s, i) => {
          const bar = lastClosed(s, e.ts);
          return { stream: s.id, streamIndex: SERIES.indexOf(s), symbol: s.symbol, timeframe: s.timeframe, barIdx: bar, weight: weights[i], price: s.close[bar] };
        });
        expect(e.payload.legs).toEqual(expected);
      }
    });
  }
});

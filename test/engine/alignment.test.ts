/**
 * Alignment on real data: SPY_1m and QQQ_1m (different missing minutes) plus SPY_5m. A
 * recording strategy with inputs [SPY_1m, QQQ_1m, SPY_5m] must be called exactly at the
 * ticks where its requirements are met, seeing exactly the right bars; the expectation is
 * computed here from the raw minute stamps, independently of the clock and the buffer.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StrategyDefinition } from '../../src/strategies/types.ts';
import type { Plan } from '../../src/topology/plan.ts';
import { hasSharedData, planAndLoad, runPlan } from './helpers/run-config.ts';

const MIN = 60_000;
const FIVE = 5 * MIN;

function configFor(policy: 'skip' | 'ffill') {
  return {
    name: `alignment-${policy}`,
    data: {
      timezone: 'America/New_York',
      missing_bars: policy,
      streams: [
        { symbol: 'SPY', timeframe: '1m', file: 'SPY_1m.csv' },
        { symbol: 'QQQ', timeframe: '1m', file: 'QQQ_1m.csv' },
        { symbol: 'SPY', timeframe: '5m', resample_from: 'SPY_1m' },
      ],
    },
    strategies: [{ id: 'rec', type: 'pairs_zscore', inputs: ['SPY_1m', 'QQQ_1m', 'SPY_5m'] }],
    portfolios: [{ id: 'p', strategies: ['rec'] }],
  };
}

interface Call { now: number; bars: number[] }

function recordCalls(plan: Plan, series: Parameters<typeof runPlan>[1]): Call[] {
  const calls: Call[] = [];
  let clock = { now: 0 };
  const recorder: StrategyDefinition = {
    type: 'recorder', description: 'records its calls', params: z.strictObject({}), paramSpace: {}, streams: 3,
    features: () => ({}),
    decide: (_f, bars) => {
      calls.push({ now: clock.now, bars: bars.map((b) => b.barIdx) });
      return null;
    },
  };
  const withRecorder: Plan = { ...plan, strategies: [{ id: 'rec', definition: recorder, params: {}, inputs: plan.strategies[0].inputs, legWeights: [1] }] };
  runPlan(withRecorder, series, (graph) => (clock = graph.context));
  return calls;
}

/** Index of the last element <= x in a sorted array, or -1. */
function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0, hi = sorted.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) (found = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  return found;
}

describe.skipIf(!hasSharedData)('TimeAlignmentBuffer on SPY_1m + QQQ_1m + SPY_5m', () => {
  for (const policy of ['skip', 'ffill'] as const) {
    it(`calls the strategy exactly when its requirements are met (${policy})`, async () => {
      const { plan, series } = await planAndLoad(configFor(policy));
      const spyClose = Array.from(series[0].start, (s) => s + MIN);
      const qqqClose = Array.from(series[1].start, (s) => s + MIN);
      // 5m buckets that contain at least one SPY minute, and their close times.
      const buckets = [...new Set(Array.from(series[0].start, (s) => Math.floor(s / FIVE) * FIVE))].sort((a, b) => a - b);
      const bucketClose = buckets.map((b) => b + FIVE);
      const spySet = new Set(spyClose);
      const qqqSet = new Set(qqqClose);

      const times = policy === 'skip'
        ? spyClose.filter((t) => qqqSet.has(t))
        : [...new Set([...spyClose, ...qqqClose])].sort((a, b) => a - b);
      const firstReady = Math.max(spyClose[0], qqqClose[0], bucketClose[0]);
      const expected: Call[] = times.filter((t) => t >= firstReady).map((t) => ({
        now: t,
        bars: [lastAtOrBefore(spyClose, t), lastAtOrBefore(qqqClose, t), lastAtOrBefore(bucketClose, t)],
      }));

      // The data really has different missing minutes, so skipping is exercised.
      if (policy === 'skip') expect(times.length).toBeLessThan(Math.min(spySet.size, qqqSet.size));
      expect([...qqqSet].filter((t) => !spySet.has(t)).length).toBeGreaterThan(0);
      expect(series[2].length).toBe(buckets.length);

      const calls = recordCalls(plan, series);
      expect(calls.length).toBe(expected.length);
      expect(calls).toEqual(expected);
      // Higher timeframe: only closed 5m bars, and never one closing after now.
      for (const call of calls) expect(bucketClose[call.bars[2]]).toBeLessThanOrEqual(call.now);
    });
  }
});

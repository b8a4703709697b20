import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLASSIFIERS, resolveClassifierParams } from '../../src/classifiers/registry.ts';
import { resolveStrategyParams, STRATEGIES } from '../../src/strategies/registry.ts';
import type { BarView } from '../../src/strategies/types.ts';
import { bar } from './helpers.ts';

/** Finite numbers: mostly price-like, sometimes anywhere in the double range (incl. 0, -0, tiny, huge). */
const finite = fc.oneof(
  fc.double({ min: -200, max: 200, noNaN: true }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, -1, 50, 100),
);

/** A params object drawn from the definition's paramSpace (each key optional, so defaults mix in). */
function paramSpaceArb(space: Readonly<Record<string, readonly number[]>>): fc.Arbitrary<Record<string, number>> {
  const entries = Object.entries(space).map(([key, values]) => [key, fc.constantFrom(...values)] as const);
  return fc.record(Object.fromEntries(entries), { requiredKeys: [] }) as fc.Arbitrary<Record<string, number>>;
}

function featuresArb(aliases: readonly string[]): fc.Arbitrary<Record<string, number>> {
  return fc.record(Object.fromEntries(aliases.map((alias) => [alias, finite])));
}

function barsArb(count: number): fc.Arbitrary<BarView[]> {
  return fc.array(finite, { minLength: count, maxLength: count }).map((closes) => closes.map((close) => bar(close)));
}

describe('strategy properties', () => {
  for (const [type, def] of STRATEGIES) {
    it(`${type}: decide returns only -1, 0, 1 or null; long_only never -1 and only maps -1 to 0`, () => {
      const aliases = Object.keys(def.features(resolveStrategyParams(type, {})));
      fc.assert(
        fc.property(paramSpaceArb(def.paramSpace), featuresArb(aliases), barsArb(def.streams), (space, features, bars) => {
          const params = resolveStrategyParams(type, { ...space, long_only: false });
          const longOnly = resolveStrategyParams(type, { ...space, long_only: true });
          expect(Object.keys(def.features(params)).sort()).toEqual([...aliases].sort());
          const signal = def.decide(features, bars, params);
          const signalLongOnly = def.decide(features, bars, longOnly);
          expect([-1, 0, 1, null]).toContain(signal);
          expect([0, 1, null]).toContain(signalLongOnly);
          expect(signalLongOnly).toBe(signal === -1 ? 0 : signal);
        }),
        { numRuns: 500 },
      );
    });
  }
});

describe('classifier properties', () => {
  for (const [type, def] of CLASSIFIERS) {
    it(`${type}: classify returns null or one of its regimes with a confidence in [0, 1]`, () => {
      const aliases = Object.keys(def.features(resolveClassifierParams(type, {})));
      fc.assert(
        fc.property(featuresArb(aliases), barsArb(1), (features, bars) => {
          const result = def.classify(features, bars, resolveClassifierParams(type, {}));
          if (result === null) return;
          expect(def.regimes).toContain(result.regime);
          expect(result.confidence).toBeGreaterThanOrEqual(0);
          expect(result.confidence).toBeLessThanOrEqual(1);
        }),
        { numRuns: 500 },
      );
    });
  }
});

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exitRuleFromRisk, exitRuleHash, normalizeExitRule, paramHash } from '../../../src/stores/backtests/index.ts';

/** Rebuilds an object with its keys (at every level) in another order. */
function shuffleKeys(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, order));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of order(Object.keys(value))) out[k] = shuffleKeys((value as Record<string, unknown>)[k], order);
    return out;
  }
  return value;
}

const params = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }) as fc.Arbitrary<Record<string, unknown>>;

describe('paramHash', () => {
  it('is 64 hex digits and does not depend on key order (at any depth)', () => {
    fc.assert(
      fc.property(params, fc.integer(), (p, seed) => {
        const reversed = shuffleKeys(p, (keys) => [...keys].reverse()) as Record<string, unknown>;
        const rotated = shuffleKeys(p, (keys) => (keys.length ? [...keys.slice(seed % keys.length), ...keys.slice(0, seed % keys.length)] : keys)) as Record<string, unknown>;
        const h = paramHash(p);
        expect(h).toMatch(/^[0-9a-f]{64}$/);
        expect(paramHash(reversed)).toBe(h);
        expect(paramHash(rotated)).toBe(h);
      }),
      { numRuns: 300 },
    );
  });

  it('is type-sensitive: a number, its string and a boolean differ', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: -1e6, max: 1e6 }), (key, n) => {
        const hashes = new Set([paramHash({ [key]: n }), paramHash({ [key]: String(n) }), paramHash({ [key]: [n] }), paramHash({ [key]: { v: n } })]);
        expect(hashes.size).toBe(4);
      }),
    );
    expect(paramHash({ a: 1 })).not.toBe(paramHash({ a: true }));
    expect(paramHash({ a: 0 })).not.toBe(paramHash({ a: false }));
    expect(paramHash({ a: null })).not.toBe(paramHash({ a: 'null' }));
    expect(paramHash({ a: 1 })).not.toBe(paramHash({ a: 1.5 }));
  });

  it('different params give different hashes (keys, values, array order)', () => {
    fc.assert(
      fc.property(params, params, (a, b) => {
        fc.pre(JSON.stringify(shuffleKeys(a, (k) => [...k].sort())) !== JSON.stringify(shuffleKeys(b, (k) => [...k].sort())));
        expect(paramHash(a)).not.toBe(paramHash(b));
      }),
      { numRuns: 300 },
    );
    expect(paramHash({ a: [1, 2] })).not.toBe(paramHash({ a: [2, 1] }));
    expect(paramHash({ a: 1 })).not.toBe(paramHash({ b: 1 }));
  });

  it('is stable: SHA-256 of the JSON text with sorted keys, written out by hand here', () => {
    const digest = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(paramHash({ b: 'x', a: 1 })).toBe(digest('{"a":1,"b":"x"}'));
    expect(paramHash({ z: { y: [1, { b: 2, a: 1 }] }, a: true })).toBe(digest('{"a":true,"z":{"y":[1,{"a":1,"b":2}]}}'));
  });

  it('refuses values JSON cannot carry exactly', () => {
    expect(() => paramHash({ a: Number.NaN })).toThrow(/paramHash\(params\): a/);
    expect(() => paramHash({ a: Number.POSITIVE_INFINITY })).toThrow(/a/);
    expect(() => paramHash({ a: undefined })).toThrow(/a/);
    expect(() => paramHash({ a: new Date(0) })).toThrow(/a/);
    expect(() => paramHash({ a: 1n } as never)).toThrow(/a/);
  });
});

describe('exit rules', () => {
  it('one form per set of exits, whichever type names it', () => {
    expect(normalizeExitRule({ type: 'profit_target', target_pct: 10, stop_pct: 5 })).toEqual({ type: 'fixed_stop', stop_pct: 5, target_pct: 10 });
    expect(normalizeExitRule({ type: 'fixed_stop', stop_pct: 5, trail_pct: 2 })).toEqual({ type: 'trailing_stop', trail_pct: 2, stop_pct: 5 });
    expect(exitRuleHash({ type: 'profit_target', target_pct: 10, stop_pct: 5 })).toBe(exitRuleHash({ type: 'fixed_stop', target_pct: 10, stop_pct: 5 }));
    expect(exitRuleHash({ type: 'fixed_stop', stop_pct: 5 })).not.toBe(exitRuleHash({ type: 'trailing_stop', trail_pct: 5 }));
    expect(exitRuleHash({ type: 'fixed_stop', stop_pct: 5 })).not.toBe(exitRuleHash({ type: 'fixed_stop', stop_pct: 5, target_pct: 10 }));
    expect(() => exitRuleHash({ type: 'fixed_stop', stop_pct: -1 })).toThrow(/exitRuleHash\(rule\): stop_pct/);
  });

  it('from portfolio risk settings', () => {
    expect(exitRuleFromRisk({})).toEqual({ type: 'signal' });
    expect(exitRuleFromRisk({ stop_loss_pct: 8 })).toEqual({ type: 'fixed_stop', stop_pct: 8 });
    expect(exitRuleFromRisk({ take_profit_pct: 15 })).toEqual({ type: 'profit_target', target_pct: 15 });
    expect(exitRuleFromRisk({ stop_loss_pct: 8, take_profit_pct: 15 })).toEqual({ type: 'fixed_stop', stop_pct: 8, target_pct: 15 });
    expect(exitRuleFromRisk({ trailing_stop_pct: 3 })).toEqual({ type: 'trailing_stop', trail_pct: 3 });
    expect(exitRuleFromRisk({ trailing_stop_pct: 3, take_profit_pct: 15 })).toEqual({ type: 'trailing_stop', trail_pct: 3, target_pct: 15 });
  });
});

/**
 * canonicalJson writes plain data directly (src/core/canonical-json.ts); whatever it writes must
 * be exactly the definition's string, JSON.stringify with every object's entries sorted by key,
 * or stored instance hashes would change. Checked on arbitrary values, including the ones the
 * direct writer leaves to the definition.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.ts';

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const definition = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byCodeUnits(a, b))) : v,
  );

describe('canonicalJson', () => {
  it('equals JSON.stringify with sorted keys on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withDate: true, withTypedArray: true, withMap: true, withSet: true, withSparseArray: true, withBoxedValues: true }), (value) => {
        let expected: string | undefined;
        try {
          expected = definition(value);
        } catch (error) {
          expect(() => canonicalJson(value)).toThrow((error as Error).message);
          return;
        }
        expect(canonicalJson(value)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('equals it on JSON-like data, keys in any insertion order, numbers of every kind', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.double()), (value, numbers) => {
        expect(canonicalJson(value)).toBe(definition(value));
        expect(canonicalJson({ b: numbers, a: value })).toBe(definition({ a: value, b: numbers }));
      }),
      { numRuns: 1000 },
    );
  });

  it('sorts keys by code units at every level, array-index keys as JSON.stringify enumerates them', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, 'x'], c: -0 }, B: 'é' })).toBe('{"B":"é","a":{"c":0,"d":[true,null,"x"]},"b":1}');
    expect(canonicalJson({ 10: 'a', 9: 'b', x: 1 })).toBe(definition({ 10: 'a', 9: 'b', x: 1 }));
    expect(canonicalJson({ a: undefined, b: () => 1, c: [undefined, Number.NaN, Infinity] })).toBe('{"c":[null,null,null]}');
    expect(canonicalJson({ when: new Date(0) })).toBe('{"when":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson({ z: { toJSON: () => 'x', b: 1 } })).toBe('{"z":"x"}');
  });

  it('fails on a cycle as the definition does (its sorted copies never repeat, so the stack overflows)', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(() => definition(a)).toThrow(RangeError);
    expect(() => canonicalJson(a)).toThrow(RangeError);
  });
});

/**
 * The lazy views a Consumer hands to decide/classify (src/containers/input-views.ts): a bar
 * view must read exactly the bar it points at, field by field, and look like the plain
 * object it replaced to anything that copies or serialises it; a features object must read
 * its own slots, in alias order.
 */
import { describe, expect, it } from 'vitest';
import { createBarView, createFeatureValues } from '../../src/containers/input-views.ts';
import { eagerView, seriesAt } from './helpers.ts';

describe('createBarView', () => {
  const spy = seriesAt('SPY', [0, 1, 2, 3, 4, 5, 6]);
  const qqq = seriesAt('QQQ', [0, 2, 4, 6], { seed: 3 });

  it('reads every field of the bar it points at, and follows barIdx', () => {
    const view = createBarView(spy);
    for (let b = 0; b < spy.length; b++) {
      view.barIdx = b;
      expect({ ...view }).toEqual(eagerView(spy, b));
      expect([view.start, view.open, view.high, view.low, view.close, view.volume])
        .toEqual([spy.start[b], spy.open[b], spy.high[b], spy.low[b], spy.close[b], spy.volume[b]]);
    }
  });

  it('reads NaN prices before it first points at a bar', () => {
    const view = createBarView(spy);
    expect(view.barIdx).toBe(-1);
    expect([view.start, view.open, view.high, view.low, view.close, view.volume]).toEqual([NaN, NaN, NaN, NaN, NaN, NaN]);
  });

  it('views of different series do not share their bars', () => {
    const a = createBarView(spy), b = createBarView(qqq);
    a.barIdx = 3;
    b.barIdx = 1;
    expect({ ...a }).toEqual(eagerView(spy, 3));
    expect({ ...b }).toEqual(eagerView(qqq, 1));
    expect(a.close).not.toBe(b.close);
  });

  it('copies, keys and JSON are those of the plain view (no hidden fields, same order)', () => {
    const view = createBarView(qqq);
    view.barIdx = 2;
    const plain = eagerView(qqq, 2);
    expect(Object.keys(view)).toEqual(Object.keys(plain));
    expect(JSON.stringify(view)).toBe(JSON.stringify(plain));
    expect(Object.keys({ ...view })).toEqual(Object.keys(plain));
    expect(Object.getOwnPropertySymbols({ ...view })).toEqual([]);
  });

  it('a copy is a snapshot: it keeps its values when the view moves on', () => {
    const view = createBarView(spy);
    view.barIdx = 1;
    const copy = { ...view };
    view.barIdx = 5;
    expect(copy).toEqual(eagerView(spy, 1));
    expect(view.close).toBe(spy.close[5]);
  });
});

describe('createFeatureValues', () => {
  it('field k reads values[k], in alias order', () => {
    const values = new Float64Array([1.5, -2.25, 3]);
    const f = createFeatureValues(['slow', 'fast', 'rsi'], values);
    expect(Object.keys(f)).toEqual(['slow', 'fast', 'rsi']);
    expect({ ...f }).toEqual({ slow: 1.5, fast: -2.25, rsi: 3 });
    values[1] = 7;
    values[2] = NaN;
    expect(f.fast).toBe(7);
    expect(f.rsi).toBeNaN();
    expect(f.slow).toBe(1.5);
  });

  it('objects with the same aliases read their own values', () => {
    const va = new Float64Array([1, 2]), vb = new Float64Array([10, 20]);
    const a = createFeatureValues(['fast', 'slow'], va);
    const b = createFeatureValues(['fast', 'slow'], vb);
    expect([a.fast, a.slow, b.fast, b.slow]).toEqual([1, 2, 10, 20]);
    vb[0] = 11;
    expect([a.fast, b.fast]).toEqual([1, 11]);
  });

  it('copies and JSON are plain data with the aliases only; a copy keeps its values', () => {
    const values = new Float64Array([0.5, 4]);
    const f = createFeatureValues(['macd', 'signal'], values);
    const copy = { ...f };
    values[0] = 9;
    expect(copy).toEqual({ macd: 0.5, signal: 4 });
    expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
    expect(JSON.stringify(f)).toBe('{"macd":9,"signal":4}');
  });

  it('no aliases give an empty object; a length mismatch is refused', () => {
    expect({ ...createFeatureValues([], new Float64Array(0)) }).toEqual({});
    expect(() => createFeatureValues(['a', 'b'], new Float64Array(1))).toThrow(/2 feature aliases but 1 values/);
  });
});

/** The sweep heatmap's aggregation: cells, ordering of values, combining, nulls and skipped rows. */
import { describe, expect, it } from 'vitest';
import { buildHeatmap, sweepParamNames, variedParamNames } from '../../src/ui/heatmap.ts';

const rows = [
  { id: 'a', params: { fast: 10, slow: 50, stop: 1 }, value: 1 },
  { id: 'b', params: { fast: 10, slow: 50, stop: 2 }, value: 3 },
  { id: 'c', params: { fast: 5, slow: 50, stop: 1 }, value: -2 },
  { id: 'd', params: { fast: 5, slow: 100, stop: 1 }, value: null },
  { id: 'e', params: { fast: 20 }, value: 9 },
];

describe('buildHeatmap', () => {
  it('sorts numeric axis values numerically and combines a shared cell by max, min or mean', () => {
    const max = buildHeatmap(rows, 'fast', 'slow', 'max');
    expect(max.xs).toEqual([5, 10]);
    expect(max.ys).toEqual([50, 100]);
    expect(max.values).toEqual([[-2, 3], [null, null]]);
    expect(max.ids).toEqual([['c', 'b'], ['d', null]]);
    expect(max.counts).toEqual([[1, 2], [0, 0]]);
    expect(max.skipped).toBe(1);
    expect([max.min, max.max]).toEqual([-2, 3]);
    const min = buildHeatmap(rows, 'fast', 'slow', 'min');
    expect(min.values[0][1]).toBe(1);
    expect(min.ids[0][1]).toBe('a');
    expect(buildHeatmap(rows, 'fast', 'slow', 'mean').values[0][1]).toBe(2);
  });

  it('orders mixed and boolean values and lists the varied parameters', () => {
    const map = buildHeatmap([{ id: 'x', params: { a: true, b: 'z' }, value: 1 }, { id: 'y', params: { a: false, b: 'm' }, value: 2 }], 'a', 'b', 'max');
    expect(map.xs).toEqual([false, true]);
    expect(map.ys).toEqual(['m', 'z']);
    expect(sweepParamNames(rows)).toEqual(['fast', 'slow', 'stop']);
    expect(variedParamNames(rows)).toEqual(['fast', 'slow', 'stop']);
    expect(variedParamNames(rows.slice(0, 1))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalFeatureName } from '../../src/features/canonical-name.ts';
import { getIndicator, INDICATORS, resolveIndicatorParams } from '../../src/features/registry.ts';

const ALL = [
  'adx', 'atr', 'bollinger', 'correlation', 'donchian', 'ema', 'macd', 'momentum', 'obv',
  'roc', 'rsi', 'sma', 'spread_zscore', 'stddev', 'stochastic', 'vwap', 'wma', 'zscore',
];

describe('registry', () => {
  it('holds every indicator under its own name, with the right kind', () => {
    expect([...INDICATORS.keys()].sort()).toEqual(ALL);
    for (const [name, spec] of INDICATORS) {
      expect(spec.name).toBe(name);
      expect(spec.kind).toBe(name === 'correlation' || name === 'spread_zscore' ? 'pair' : 'bar');
      expect(spec.description.length).toBeGreaterThan(10);
    }
  });

  it('every spec: defaults for every param, strict schema, values sized to outputs and NaN before any update', () => {
    for (const [name, spec] of INDICATORS) {
      const p = resolveIndicatorParams(name, {});
      expect(Object.keys(p).sort(), name).toEqual(Object.keys(spec.params.shape).sort());
      expect(() => spec.params.parse({ bogus: 1 }), name).toThrow();
      for (const f of spec.floatParams ?? []) expect(Object.keys(spec.params.shape), name).toContain(f);
      if (spec.outputs.length === 1) expect(spec.outputs, name).toEqual(['value']);
      const ind = spec.create(p as never);
      expect(ind.values).toBeInstanceOf(Float64Array);
      expect(ind.values.length, name).toBe(spec.outputs.length);
      expect(Array.from(ind.values).every(Number.isNaN), name).toBe(true);
    }
  });

  it('fills the documented defaults', () => {
    expect(resolveIndicatorParams('sma', {})).toEqual({ period: 20 });
    expect(resolveIndicatorParams('sma', undefined)).toEqual({ period: 20 });
    expect(resolveIndicatorParams('rsi', {})).toEqual({ period: 14 });
    expect(resolveIndicatorParams('bollinger', { period: 10 })).toEqual({ period: 10, std_dev: 2 });
    expect(resolveIndicatorParams('macd', {})).toEqual({ fast_period: 12, slow_period: 26, signal_period: 9 });
    expect(resolveIndicatorParams('stochastic', {})).toEqual({ k_period: 14, d_period: 3 });
    expect(resolveIndicatorParams('spread_zscore', {})).toEqual({ period: 20, hedge_ratio: 1 });
    expect(resolveIndicatorParams('obv', {})).toEqual({});
    expect(resolveIndicatorParams('momentum', {})).toEqual({ period: 10 });
  });

  it('getIndicator on an unknown name lists the known ones', () => {
    expect(() => getIndicator('smaa')).toThrow(/Unknown indicator "smaa"/);
    expect(() => getIndicator('smaa')).toThrow(new RegExp(`Known indicators: ${ALL.join(', ')}`));
    expect(() => resolveIndicatorParams('nope', {})).toThrow(/Unknown indicator "nope"/);
  });

  it('rejects unknown keys, naming the indicator and the key', () => {
    expect(() => resolveIndicatorParams('sma', { period: 5, lenght: 3 })).toThrow(/indicator "sma".*"lenght"/);
    expect(() => resolveIndicatorParams('obv', { period: 5 })).toThrow(/indicator "obv".*"period"/);
  });

  it('rejects wrong types and out-of-range values, naming the param', () => {
    expect(() => resolveIndicatorParams('sma', { period: '20' })).toThrow(/indicator "sma".*param "period"/);
    expect(() => resolveIndicatorParams('sma', { period: 2.5 })).toThrow(/indicator "sma".*param "period"/);
    expect(() => resolveIndicatorParams('rsi', { period: 0 })).toThrow(/indicator "rsi".*param "period"/);
    expect(() => resolveIndicatorParams('bollinger', { std_dev: -1 })).toThrow(/indicator "bollinger".*param "std_dev"/);
    expect(() => resolveIndicatorParams('spread_zscore', { hedge_ratio: Infinity })).toThrow(/param "hedge_ratio"/);
    expect(() => resolveIndicatorParams('macd', { fast_period: 26, slow_period: 12 })).toThrow(/indicator "macd".*param "fast_period"/);
    expect(() => resolveIndicatorParams('sma', 5)).toThrow(/indicator "sma"/);
  });

  it('accepts floats for float params', () => {
    expect(resolveIndicatorParams('bollinger', { std_dev: 2.5 })).toEqual({ period: 20, std_dev: 2.5 });
    expect(resolveIndicatorParams('spread_zscore', { hedge_ratio: -0.75 })).toEqual({ period: 20, hedge_ratio: -0.75 });
  });
});

describe('canonicalFeatureName', () => {
  const name = (ind: string, params: Record<string, unknown>, output = 'value') =>
    canonicalFeatureName(ind, resolveIndicatorParams(ind, params), output, getIndicator(ind));

  it('single-output indicators: name and params, no output suffix', () => {
    expect(name('sma', { period: 20 })).toBe('sma_20');
    expect(name('sma', {})).toBe('sma_20');
    expect(name('rsi', { period: 7 })).toBe('rsi_7');
    expect(name('obv', {})).toBe('obv');
    expect(name('correlation', { period: 30 })).toBe('correlation_30');
  });

  it('multi-output indicators get the output suffix; floats keep a decimal', () => {
    expect(name('bollinger', { period: 20, std_dev: 2 }, 'upper')).toBe('bollinger_20_2.0_upper');
    expect(name('bollinger', { std_dev: 2.5 }, 'lower')).toBe('bollinger_20_2.5_lower');
    expect(name('donchian', {}, 'middle')).toBe('donchian_20_middle');
    expect(name('spread_zscore', { period: 60 }, 'zscore')).toBe('spread_zscore_1.0_60_zscore');
    expect(name('spread_zscore', { hedge_ratio: 0.85 }, 'spread')).toBe('spread_zscore_0.85_20_spread');
  });

  it('orders params by key, not by declaration order', () => {
    // keys: fast_period, signal_period, slow_period
    expect(name('macd', {}, 'histogram')).toBe('macd_12_9_26_histogram');
    // keys: d_period, k_period
    expect(name('stochastic', { k_period: 5, d_period: 2 }, 'k')).toBe('stochastic_2_5_k');
    expect(canonicalFeatureName('bollinger', { std_dev: 3, period: 10 }, 'middle', getIndicator('bollinger'))).toBe('bollinger_10_3.0_middle');
  });

  it('rejects an output the spec does not have', () => {
    expect(() => name('sma', {}, 'upper')).toThrow(/no output "upper"/);
    expect(() => name('bollinger', {}, 'value')).toThrow(/no output "value"/);
  });
});

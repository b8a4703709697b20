import { describe, expect, it } from 'vitest';
import {
  CLASSIFIERS,
  getClassifier,
  resolveClassifierParams,
  safeResolveClassifierParams,
} from '../../src/classifiers/registry.ts';
import {
  getStrategy,
  ParamsError,
  resolveStrategyParams,
  safeResolveStrategyParams,
  STRATEGIES,
  UnknownTypeError,
} from '../../src/strategies/registry.ts';
import { INDICATOR_CATALOG } from './helpers.ts';

const STRATEGY_TYPES = [
  'bollinger_mean_reversion',
  'donchian_breakout',
  'ema_crossover',
  'macd_crossover',
  'momentum',
  'pairs_zscore',
  'rsi_mean_reversion',
  'sma_crossover',
  'vwap_deviation',
];
const CLASSIFIER_TYPES = ['momentum_regime', 'trend', 'volatility'];

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('strategy registry', () => {
  it('registers every strategy under its own type', () => {
    expect([...STRATEGIES.keys()].sort()).toEqual(STRATEGY_TYPES);
    for (const [type, def] of STRATEGIES) expect(def.type).toBe(type);
    expect(getStrategy('sma_crossover').type).toBe('sma_crossover');
  });

  it('fills in defaults', () => {
    expect(resolveStrategyParams('sma_crossover', {})).toEqual({ fast_period: 10, slow_period: 30, long_only: false });
    expect(resolveStrategyParams('sma_crossover', undefined)).toEqual({ fast_period: 10, slow_period: 30, long_only: false });
    expect(resolveStrategyParams('sma_crossover', { fast_period: 5 })).toEqual({ fast_period: 5, slow_period: 30, long_only: false });
    expect(resolveStrategyParams('pairs_zscore', { long_only: true })).toEqual({
      period: 20,
      hedge_ratio: 1,
      entry: 2,
      exit: 0.5,
      long_only: true,
    });
  });

  it('every strategy has a long_only param defaulting to false, and defaults that resolve', () => {
    for (const type of STRATEGY_TYPES) {
      expect(resolveStrategyParams(type, {}).long_only, type).toBe(false);
      expect(resolveStrategyParams(type, { long_only: true }).long_only, type).toBe(true);
    }
  });

  it('rejects an unknown type, listing the known ones', () => {
    const error = catchError(() => getStrategy('sma_cross'));
    expect(error).toBeInstanceOf(UnknownTypeError);
    const message = (error as Error).message;
    expect(message).toContain('"sma_cross"');
    for (const type of STRATEGY_TYPES) expect(message).toContain(type);
    expect((error as UnknownTypeError).known).toEqual(STRATEGY_TYPES);
    expect(() => resolveStrategyParams('nope', {})).toThrow(/unknown strategy type "nope".*sma_crossover/);
  });

  it('rejects an unknown param, naming it and the strategy', () => {
    const error = catchError(() => resolveStrategyParams('sma_crossover', { fast_period: 5, fastperiod: 7 }));
    expect(error).toBeInstanceOf(ParamsError);
    const e = error as ParamsError;
    expect(e.type).toBe('sma_crossover');
    expect(e.kind).toBe('strategy');
    expect(e.message).toContain('sma_crossover');
    expect(e.message).toContain('fastperiod');
    expect(e.issues).toEqual([{ path: ['fastperiod'], code: 'unrecognized_key', message: expect.stringContaining('fastperiod') }]);
  });

  it('rejects a wrong type, naming the param', () => {
    const e = catchError(() => resolveStrategyParams('ema_crossover', { slow_period: '26' })) as ParamsError;
    expect(e).toBeInstanceOf(ParamsError);
    expect(e.message).toMatch(/ema_crossover[\s\S]*slow_period/);
    expect(e.issues.map((i) => i.path)).toEqual([['slow_period']]);
    expect(e.issues[0].code).toBe('invalid_type');

    expect(catchError(() => resolveStrategyParams('sma_crossover', { long_only: 'yes' }))).toMatchObject({ issues: [{ path: ['long_only'] }] });
    expect(catchError(() => resolveStrategyParams('donchian_breakout', { period: 2.5 }))).toMatchObject({ issues: [{ path: ['period'] }] });
    expect(catchError(() => resolveStrategyParams('donchian_breakout', { period: 0 }))).toMatchObject({ issues: [{ path: ['period'] }] });
    expect(catchError(() => resolveStrategyParams('sma_crossover', 'fast'))).toMatchObject({ issues: [{ path: [] }] });
  });

  it('rejects failed constraints, naming the param', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['sma_crossover', { fast_period: 30, slow_period: 30 }, 'fast_period'],
      ['sma_crossover', { fast_period: 50 }, 'fast_period'],
      ['ema_crossover', { fast_period: 30, slow_period: 20 }, 'fast_period'],
      ['macd_crossover', { fast_period: 26, slow_period: 12 }, 'fast_period'],
      ['momentum', { threshold: -1 }, 'threshold'],
      ['rsi_mean_reversion', { oversold: 46 }, 'oversold'],
      ['rsi_mean_reversion', { overbought: 55 }, 'overbought'],
      ['rsi_mean_reversion', { overbought: 101 }, 'overbought'],
      ['bollinger_mean_reversion', { std_dev: 0 }, 'std_dev'],
      ['bollinger_mean_reversion', { exit_fraction: 1.5 }, 'exit_fraction'],
      ['vwap_deviation', { threshold: -0.01 }, 'threshold'],
      ['pairs_zscore', { entry: 1, exit: 1 }, 'exit'],
    ];
    for (const [type, params, path] of cases) {
      const e = catchError(() => resolveStrategyParams(type, params)) as ParamsError;
      expect(e, `${type} ${JSON.stringify(params)}`).toBeInstanceOf(ParamsError);
      expect(e.issues.map((i) => i.path)).toEqual([[path]]);
      expect(e.message).toContain(type);
      expect(e.message).toContain(path);
    }
    // the rsi exit band must lie strictly between oversold and overbought
    expect(resolveStrategyParams('rsi_mean_reversion', { oversold: 40, overbought: 60, exit_band: 9.5 }).exit_band).toBe(9.5);
    expect(catchError(() => resolveStrategyParams('rsi_mean_reversion', { oversold: 40, overbought: 60, exit_band: 10 }))).toMatchObject({
      issues: [{ path: ['oversold'] }, { path: ['overbought'] }],
    });
  });

  it('safeResolveStrategyParams returns structured issues instead of throwing', () => {
    expect(safeResolveStrategyParams('momentum', { period: 5 })).toEqual({ success: true, data: { period: 5, threshold: 0, long_only: false } });
    const result = safeResolveStrategyParams('momentum', { period: -5, foo: 1, bar: 2 });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues.map((i) => i.path).sort()).toEqual([['bar'], ['foo'], ['period']]);
  });

  it('every paramSpace key is a param, and every paramSpace combination resolves', () => {
    for (const [type, def] of STRATEGIES) {
      const keys = Object.keys(def.paramSpace);
      for (const key of keys) expect(Object.keys(def.params.shape), type).toContain(key);
      let combos: Record<string, number>[] = [{}];
      for (const key of keys) combos = combos.flatMap((c) => def.paramSpace[key].map((v) => ({ ...c, [key]: v })));
      for (const combo of combos) expect(() => resolveStrategyParams(type, combo), `${type} ${JSON.stringify(combo)}`).not.toThrow();
    }
  });

  it('every feature request names a known indicator, its params and one of its outputs', () => {
    for (const [type, def] of STRATEGIES) {
      const requests = Object.values(def.features(resolveStrategyParams(type, {})));
      expect(requests.length, type).toBeGreaterThan(0);
      for (const request of requests) {
        const name = 'pair' in request ? request.pair : request.indicator;
        const spec = INDICATOR_CATALOG[name];
        expect(spec, `${type}: ${name}`).toBeDefined();
        expect(spec.kind).toBe('pair' in request ? 'pair' : 'bar');
        for (const key of Object.keys(request.params ?? {})) expect(spec.params, `${type}: ${name}`).toContain(key);
        if (request.output === undefined) expect(spec.outputs).toEqual(['value']);
        else expect(spec.outputs).toContain(request.output);
        const streams = 'pair' in request ? [...request.streams] : [request.stream ?? 0];
        for (const s of streams) expect(s).toBeLessThan(def.streams);
      }
    }
  });
});

describe('classifier registry', () => {
  it('registers every classifier under its own type', () => {
    expect([...CLASSIFIERS.keys()].sort()).toEqual(CLASSIFIER_TYPES);
    for (const [type, def] of CLASSIFIERS) expect(def.type).toBe(type);
    expect(getClassifier('trend').type).toBe('trend');
  });

  it('fills in defaults', () => {
    expect(resolveClassifierParams('trend', {})).toEqual({ fast_period: 20, slow_period: 50, threshold: 0.001 });
    expect(resolveClassifierParams('volatility', null)).toEqual({ period: 20, low: 0.005, high: 0.015 });
    expect(resolveClassifierParams('momentum_regime', { period: 7 })).toEqual({ period: 7, overbought: 70, oversold: 30 });
  });

  it('rejects an unknown type, listing the known ones', () => {
    const error = catchError(() => getClassifier('regime'));
    expect(error).toBeInstanceOf(UnknownTypeError);
    expect((error as Error).message).toMatch(/unknown classifier type "regime".*momentum_regime, trend, volatility/);
  });

  it('rejects unknown params, wrong types and failed constraints, naming the param', () => {
    const cases: [string, unknown, string, string][] = [
      ['trend', { slow: 40 }, 'slow', 'unrecognized_key'],
      ['trend', { threshold: '0.01' }, 'threshold', 'invalid_type'],
      ['trend', { fast_period: 60 }, 'fast_period', 'custom'],
      ['trend', { threshold: 0 }, 'threshold', 'too_small'],
      ['volatility', { low: 0.02 }, 'low', 'custom'],
      ['momentum_regime', { oversold: 80 }, 'oversold', 'custom'],
    ];
    for (const [type, params, path, code] of cases) {
      const e = catchError(() => resolveClassifierParams(type, params)) as ParamsError;
      expect(e).toBeInstanceOf(ParamsError);
      expect(e.kind).toBe('classifier');
      expect(e.issues).toEqual([{ path: [path], code, message: expect.any(String) }]);
      expect(e.message).toContain(`classifier "${type}"`);
      expect(e.message).toContain(path);
    }
    const result = safeResolveClassifierParams('volatility', { period: 'x' });
    expect(result.success).toBe(false);
  });

  it('every feature request names a known indicator, its params and one of its outputs', () => {
    for (const [type, def] of CLASSIFIERS) {
      for (const request of Object.values(def.features(resolveClassifierParams(type, {})))) {
        expect('indicator' in request).toBe(true);
        if (!('indicator' in request)) continue;
        const spec = INDICATOR_CATALOG[request.indicator];
        expect(spec, `${type}: ${request.indicator}`).toBeDefined();
        for (const key of Object.keys(request.params ?? {})) expect(spec.params).toContain(key);
        if (request.output === undefined) expect(spec.outputs).toEqual(['value']);
        else expect(spec.outputs).toContain(request.output);
      }
    }
  });
});

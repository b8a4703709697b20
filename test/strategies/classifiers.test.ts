import { describe, expect, it } from 'vitest';
import { momentumRegime } from '../../src/classifiers/momentum_regime.ts';
import { trend } from '../../src/classifiers/trend.ts';
import { volatility } from '../../src/classifiers/volatility.ts';
import { bar } from './helpers.ts';

const BARS = [bar(100)];

describe('trend classifier', () => {
  // threshold 0.01: up above +1%, down below -1%, confidence saturates at 5%
  const p = trend.params.parse({ threshold: 0.01 });

  it('has the documented defaults and regimes', () => {
    expect(trend.params.parse({})).toEqual({ fast_period: 20, slow_period: 50, threshold: 0.001 });
    expect([...trend.regimes].sort()).toEqual(['down', 'flat', 'up']);
  });

  it('asks for sma(fast) and sma(slow)', () => {
    expect(trend.features(trend.params.parse({ fast_period: 10, slow_period: 40 }))).toEqual({
      fast: { indicator: 'sma', params: { period: 10 } },
      slow: { indicator: 'sma', params: { period: 40 } },
    });
  });

  it("is 'up' above threshold with confidence |spread| / (5 * threshold)", () => {
    const c = trend.classify({ fast: 102, slow: 100 }, BARS, p);
    expect(c?.regime).toBe('up');
    expect(c?.confidence).toBeCloseTo(0.4, 12);
  });

  it("is 'down' below -threshold, confidence capped at 1", () => {
    const c = trend.classify({ fast: 90, slow: 100 }, BARS, p);
    expect(c?.regime).toBe('down');
    expect(c?.confidence).toBe(1);
    const d = trend.classify({ fast: 97, slow: 100 }, BARS, p);
    expect(d?.regime).toBe('down');
    expect(d?.confidence).toBeCloseTo(0.6, 12);
  });

  it("is 'flat' within the threshold, boundaries included", () => {
    expect(trend.classify({ fast: 100, slow: 100 }, BARS, p)).toEqual({ regime: 'flat', confidence: 0 });
    expect(trend.classify({ fast: 100.5, slow: 100 }, BARS, p)?.regime).toBe('flat');
    expect(trend.classify({ fast: 100.5, slow: 100 }, BARS, p)?.confidence).toBeCloseTo(0.1, 12);
    const atBoundary = trend.params.parse({ threshold: 0.5 });
    expect(trend.classify({ fast: 3, slow: 2 }, BARS, atBoundary)?.regime).toBe('flat');
    expect(trend.classify({ fast: 1, slow: 2 }, BARS, atBoundary)?.regime).toBe('flat');
  });

  it('gives no classification while the slow SMA is not positive', () => {
    expect(trend.classify({ fast: 1, slow: 0 }, BARS, p)).toBeNull();
  });
});

describe('volatility classifier', () => {
  // low 1%, high 3% of close: half normal band width 1%
  const p = volatility.params.parse({ low: 0.01, high: 0.03 });

  it('has the documented defaults and regimes', () => {
    expect(volatility.params.parse({})).toEqual({ period: 20, low: 0.005, high: 0.015 });
    expect([...volatility.regimes].sort()).toEqual(['high', 'low', 'normal']);
  });

  it('asks for atr(period)', () => {
    expect(volatility.features(volatility.params.parse({ period: 30 }))).toEqual({ atr: { indicator: 'atr', params: { period: 30 } } });
  });

  it("is 'low' below low, 'high' above high, 'normal' in between", () => {
    expect(volatility.classify({ atr: 0.5 }, [bar(100)], p)?.regime).toBe('low');
    expect(volatility.classify({ atr: 4 }, [bar(100)], p)?.regime).toBe('high');
    expect(volatility.classify({ atr: 2 }, [bar(100)], p)?.regime).toBe('normal');
    expect(volatility.classify({ atr: 1 }, [bar(100)], p)?.regime).toBe('normal');
    expect(volatility.classify({ atr: 3 }, [bar(100)], p)?.regime).toBe('normal');
  });

  it('scores confidence by the distance to the nearest boundary over half the normal band', () => {
    expect(volatility.classify({ atr: 2 }, [bar(100)], p)?.confidence).toBeCloseTo(1, 12);
    expect(volatility.classify({ atr: 1.5 }, [bar(100)], p)?.confidence).toBeCloseTo(0.5, 12);
    expect(volatility.classify({ atr: 0.5 }, [bar(100)], p)?.confidence).toBeCloseTo(0.5, 12);
    expect(volatility.classify({ atr: 3.25 }, [bar(100)], p)?.confidence).toBeCloseTo(0.25, 12);
    expect(volatility.classify({ atr: 10 }, [bar(100)], p)?.confidence).toBe(1);
    expect(volatility.classify({ atr: 1 }, [bar(100)], p)?.confidence).toBeCloseTo(0, 12);
  });

  it('uses the close of the bar', () => {
    expect(volatility.classify({ atr: 2 }, [bar(400)], p)?.regime).toBe('low');
    expect(volatility.classify({ atr: 2 }, [bar(50)], p)?.regime).toBe('high');
  });

  it('gives no classification while close is not positive', () => {
    expect(volatility.classify({ atr: 2 }, [bar(0)], p)).toBeNull();
  });
});

describe('momentum_regime classifier', () => {
  const p = momentumRegime.params.parse({});

  it('has the documented defaults and regimes', () => {
    expect(p).toEqual({ period: 14, overbought: 70, oversold: 30 });
    expect([...momentumRegime.regimes].sort()).toEqual(['neutral', 'overbought', 'oversold']);
  });

  it('asks for rsi(period)', () => {
    expect(momentumRegime.features(momentumRegime.params.parse({ period: 7 }))).toEqual({ rsi: { indicator: 'rsi', params: { period: 7 } } });
  });

  it("is 'overbought' above overbought, 'oversold' below oversold, 'neutral' otherwise (boundaries neutral)", () => {
    expect(momentumRegime.classify({ rsi: 85 }, BARS, p)).toEqual({ regime: 'overbought', confidence: 0.5 });
    expect(momentumRegime.classify({ rsi: 15 }, BARS, p)).toEqual({ regime: 'oversold', confidence: 0.5 });
    expect(momentumRegime.classify({ rsi: 50 }, BARS, p)).toEqual({ regime: 'neutral', confidence: 1 });
    expect(momentumRegime.classify({ rsi: 40 }, BARS, p)).toEqual({ regime: 'neutral', confidence: 0.5 });
    expect(momentumRegime.classify({ rsi: 70 }, BARS, p)).toEqual({ regime: 'neutral', confidence: 0 });
    expect(momentumRegime.classify({ rsi: 30 }, BARS, p)).toEqual({ regime: 'neutral', confidence: 0 });
  });

  it('uses its thresholds', () => {
    const tight = momentumRegime.params.parse({ overbought: 60, oversold: 40 });
    expect(momentumRegime.classify({ rsi: 65 }, BARS, tight)?.regime).toBe('overbought');
    expect(momentumRegime.classify({ rsi: 35 }, BARS, tight)?.regime).toBe('oversold');
  });
});

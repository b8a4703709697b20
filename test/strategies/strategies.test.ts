import { describe, expect, it } from 'vitest';
import { bollingerMeanReversion } from '../../src/strategies/bollinger_mean_reversion.ts';
import { donchianBreakout } from '../../src/strategies/donchian_breakout.ts';
import { emaCrossover } from '../../src/strategies/ema_crossover.ts';
import { macdCrossover } from '../../src/strategies/macd_crossover.ts';
import { momentum } from '../../src/strategies/momentum.ts';
import { pairLegWeights, pairsZscore } from '../../src/strategies/pairs_zscore.ts';
import { rsiMeanReversion } from '../../src/strategies/rsi_mean_reversion.ts';
import { smaCrossover } from '../../src/strategies/sma_crossover.ts';
import { vwapDeviation } from '../../src/strategies/vwap_deviation.ts';
import { bar } from './helpers.ts';

const NO_BARS = [bar(100)];

describe('sma_crossover', () => {
  const p = smaCrossover.params.parse({});
  const pLong = smaCrossover.params.parse({ long_only: true });

  it('has the documented defaults', () => {
    expect(p).toEqual({ fast_period: 10, slow_period: 30, long_only: false });
  });

  it('asks for sma(fast) and sma(slow) from its params', () => {
    expect(smaCrossover.features(smaCrossover.params.parse({ fast_period: 7, slow_period: 21 }))).toEqual({
      fast: { indicator: 'sma', params: { period: 7 } },
      slow: { indicator: 'sma', params: { period: 21 } },
    });
    expect(smaCrossover.streams).toBe(1);
  });

  it('is long above, short below, flat when equal', () => {
    expect(smaCrossover.decide({ fast: 101.5, slow: 100 }, NO_BARS, p)).toBe(1);
    expect(smaCrossover.decide({ fast: 99.25, slow: 100 }, NO_BARS, p)).toBe(-1);
    expect(smaCrossover.decide({ fast: 100, slow: 100 }, NO_BARS, p)).toBe(0);
  });

  it('long_only maps short to flat and keeps long', () => {
    expect(smaCrossover.decide({ fast: 99.25, slow: 100 }, NO_BARS, pLong)).toBe(0);
    expect(smaCrossover.decide({ fast: 101.5, slow: 100 }, NO_BARS, pLong)).toBe(1);
  });
});

describe('ema_crossover', () => {
  const p = emaCrossover.params.parse({});
  const pLong = emaCrossover.params.parse({ long_only: true });

  it('has the documented defaults', () => {
    expect(p).toEqual({ fast_period: 12, slow_period: 26, long_only: false });
  });

  it('asks for ema(fast) and ema(slow) from its params', () => {
    expect(emaCrossover.features(emaCrossover.params.parse({ fast_period: 5, slow_period: 13 }))).toEqual({
      fast: { indicator: 'ema', params: { period: 5 } },
      slow: { indicator: 'ema', params: { period: 13 } },
    });
  });

  it('is long above, short below, flat when equal; long_only maps short to flat', () => {
    expect(emaCrossover.decide({ fast: 50.01, slow: 50 }, NO_BARS, p)).toBe(1);
    expect(emaCrossover.decide({ fast: 49.99, slow: 50 }, NO_BARS, p)).toBe(-1);
    expect(emaCrossover.decide({ fast: 50, slow: 50 }, NO_BARS, p)).toBe(0);
    expect(emaCrossover.decide({ fast: 49.99, slow: 50 }, NO_BARS, pLong)).toBe(0);
    expect(emaCrossover.decide({ fast: 50.01, slow: 50 }, NO_BARS, pLong)).toBe(1);
  });
});

describe('macd_crossover', () => {
  const p = macdCrossover.params.parse({});
  const pLong = macdCrossover.params.parse({ long_only: true });

  it('has the documented defaults', () => {
    expect(p).toEqual({ fast_period: 12, slow_period: 26, signal_period: 9, long_only: false });
  });

  it('asks for the macd and signal outputs of one macd with its params', () => {
    const params = { fast_period: 8, slow_period: 21, signal_period: 5 };
    expect(macdCrossover.features(macdCrossover.params.parse(params))).toEqual({
      macd: { indicator: 'macd', params, output: 'macd' },
      signal: { indicator: 'macd', params, output: 'signal' },
    });
  });

  it('is long when macd > signal, short when below, flat when equal; long_only maps short to flat', () => {
    expect(macdCrossover.decide({ macd: 0.3, signal: 0.1 }, NO_BARS, p)).toBe(1);
    expect(macdCrossover.decide({ macd: -0.2, signal: 0.1 }, NO_BARS, p)).toBe(-1);
    expect(macdCrossover.decide({ macd: -0.2, signal: -0.2 }, NO_BARS, p)).toBe(0);
    expect(macdCrossover.decide({ macd: -0.2, signal: 0.1 }, NO_BARS, pLong)).toBe(0);
    expect(macdCrossover.decide({ macd: 0.3, signal: 0.1 }, NO_BARS, pLong)).toBe(1);
  });
});

describe('momentum', () => {
  const p = momentum.params.parse({ threshold: 1.5 });
  const pLong = momentum.params.parse({ threshold: 1.5, long_only: true });

  it('has the documented defaults', () => {
    expect(momentum.params.parse({})).toEqual({ period: 10, threshold: 0, long_only: false });
  });

  it('asks for roc(period)', () => {
    expect(momentum.features(momentum.params.parse({ period: 15 }))).toEqual({ roc: { indicator: 'roc', params: { period: 15 } } });
  });

  it('is long above threshold, short below -threshold, flat in between and on the boundaries', () => {
    expect(momentum.decide({ roc: 2 }, NO_BARS, p)).toBe(1);
    expect(momentum.decide({ roc: -2 }, NO_BARS, p)).toBe(-1);
    expect(momentum.decide({ roc: 0.7 }, NO_BARS, p)).toBe(0);
    expect(momentum.decide({ roc: 1.5 }, NO_BARS, p)).toBe(0);
    expect(momentum.decide({ roc: -1.5 }, NO_BARS, p)).toBe(0);
  });

  it('with the default threshold 0, any positive roc is long and 0 is flat', () => {
    const p0 = momentum.params.parse({});
    expect(momentum.decide({ roc: 0.01 }, NO_BARS, p0)).toBe(1);
    expect(momentum.decide({ roc: -0.01 }, NO_BARS, p0)).toBe(-1);
    expect(momentum.decide({ roc: 0 }, NO_BARS, p0)).toBe(0);
  });

  it('long_only maps short to flat', () => {
    expect(momentum.decide({ roc: -2 }, NO_BARS, pLong)).toBe(0);
    expect(momentum.decide({ roc: 2 }, NO_BARS, pLong)).toBe(1);
  });
});

describe('rsi_mean_reversion', () => {
  const p = rsiMeanReversion.params.parse({});
  const pLong = rsiMeanReversion.params.parse({ long_only: true });

  it('has the documented defaults', () => {
    expect(p).toEqual({ period: 14, oversold: 30, overbought: 70, exit_band: 5, long_only: false });
  });

  it('asks for rsi(period)', () => {
    expect(rsiMeanReversion.features(rsiMeanReversion.params.parse({ period: 9 }))).toEqual({ rsi: { indicator: 'rsi', params: { period: 9 } } });
  });

  it('is long below oversold, short above overbought', () => {
    expect(rsiMeanReversion.decide({ rsi: 25 }, NO_BARS, p)).toBe(1);
    expect(rsiMeanReversion.decide({ rsi: 80 }, NO_BARS, p)).toBe(-1);
  });

  it('is flat inside the exit band, boundaries included', () => {
    expect(rsiMeanReversion.decide({ rsi: 50 }, NO_BARS, p)).toBe(0);
    expect(rsiMeanReversion.decide({ rsi: 45 }, NO_BARS, p)).toBe(0);
    expect(rsiMeanReversion.decide({ rsi: 55 }, NO_BARS, p)).toBe(0);
  });

  it('holds (null) between the thresholds and the exit band, and exactly on a threshold', () => {
    expect(rsiMeanReversion.decide({ rsi: 40 }, NO_BARS, p)).toBeNull();
    expect(rsiMeanReversion.decide({ rsi: 62 }, NO_BARS, p)).toBeNull();
    expect(rsiMeanReversion.decide({ rsi: 30 }, NO_BARS, p)).toBeNull();
    expect(rsiMeanReversion.decide({ rsi: 70 }, NO_BARS, p)).toBeNull();
    expect(rsiMeanReversion.decide({ rsi: 44.9 }, NO_BARS, p)).toBeNull();
  });

  it('long_only maps short to flat, keeps long and hold', () => {
    expect(rsiMeanReversion.decide({ rsi: 80 }, NO_BARS, pLong)).toBe(0);
    expect(rsiMeanReversion.decide({ rsi: 25 }, NO_BARS, pLong)).toBe(1);
    expect(rsiMeanReversion.decide({ rsi: 62 }, NO_BARS, pLong)).toBeNull();
  });
});

describe('bollinger_mean_reversion', () => {
  const p = bollingerMeanReversion.params.parse({});
  const pLong = bollingerMeanReversion.params.parse({ long_only: true });
  // bands: lower 90, middle 100, upper 110; exit zone |close - 100| <= 0.1 * 10 = 1
  const bands = { upper: 110, middle: 100, lower: 90 };

  it('has the documented defaults', () => {
    expect(p).toEqual({ period: 20, std_dev: 2, exit_fraction: 0.1, long_only: false });
  });

  it('asks for the three bollinger outputs with its period and std_dev', () => {
    const params = { period: 15, std_dev: 2.5 };
    expect(bollingerMeanReversion.features(bollingerMeanReversion.params.parse(params))).toEqual({
      upper: { indicator: 'bollinger', params, output: 'upper' },
      middle: { indicator: 'bollinger', params, output: 'middle' },
      lower: { indicator: 'bollinger', params, output: 'lower' },
    });
  });

  it('is long below the lower band, short above the upper band', () => {
    expect(bollingerMeanReversion.decide(bands, [bar(89.5)], p)).toBe(1);
    expect(bollingerMeanReversion.decide(bands, [bar(110.5)], p)).toBe(-1);
  });

  it('is flat within exit_fraction of the half band width around the middle, boundaries included', () => {
    expect(bollingerMeanReversion.decide(bands, [bar(100)], p)).toBe(0);
    expect(bollingerMeanReversion.decide(bands, [bar(101)], p)).toBe(0);
    expect(bollingerMeanReversion.decide(bands, [bar(99)], p)).toBe(0);
  });

  it('holds (null) between the bands and the exit zone, and exactly on a band', () => {
    expect(bollingerMeanReversion.decide(bands, [bar(105)], p)).toBeNull();
    expect(bollingerMeanReversion.decide(bands, [bar(95)], p)).toBeNull();
    expect(bollingerMeanReversion.decide(bands, [bar(101.5)], p)).toBeNull();
    expect(bollingerMeanReversion.decide(bands, [bar(110)], p)).toBeNull();
    expect(bollingerMeanReversion.decide(bands, [bar(90)], p)).toBeNull();
  });

  it('uses the exit_fraction param', () => {
    const wide = bollingerMeanReversion.params.parse({ exit_fraction: 0.5 });
    expect(bollingerMeanReversion.decide(bands, [bar(105)], wide)).toBe(0);
    expect(bollingerMeanReversion.decide(bands, [bar(105.5)], wide)).toBeNull();
  });

  it('long_only maps short to flat', () => {
    expect(bollingerMeanReversion.decide(bands, [bar(110.5)], pLong)).toBe(0);
    expect(bollingerMeanReversion.decide(bands, [bar(89.5)], pLong)).toBe(1);
  });
});

describe('donchian_breakout', () => {
  const p = donchianBreakout.params.parse({});
  const pLong = donchianBreakout.params.parse({ long_only: true });
  const channel = { upper: 120, lower: 80 };

  it('has the documented defaults', () => {
    expect(p).toEqual({ period: 20, long_only: false });
  });

  it('asks for the upper and lower donchian outputs with its period', () => {
    expect(donchianBreakout.features(donchianBreakout.params.parse({ period: 55 }))).toEqual({
      upper: { indicator: 'donchian', params: { period: 55 }, output: 'upper' },
      lower: { indicator: 'donchian', params: { period: 55 }, output: 'lower' },
    });
  });

  it('is long on a close above upper, short on a close below lower', () => {
    expect(donchianBreakout.decide(channel, [bar(120.01)], p)).toBe(1);
    expect(donchianBreakout.decide(channel, [bar(79.99)], p)).toBe(-1);
  });

  it('holds (null) inside the channel, including exactly on a boundary', () => {
    expect(donchianBreakout.decide(channel, [bar(100)], p)).toBeNull();
    expect(donchianBreakout.decide(channel, [bar(120)], p)).toBeNull();
    expect(donchianBreakout.decide(channel, [bar(80)], p)).toBeNull();
  });

  it('long_only maps a downside breakout to flat', () => {
    expect(donchianBreakout.decide(channel, [bar(79.99)], pLong)).toBe(0);
    expect(donchianBreakout.decide(channel, [bar(120.01)], pLong)).toBe(1);
    expect(donchianBreakout.decide(channel, [bar(100)], pLong)).toBeNull();
  });
});

describe('vwap_deviation', () => {
  const p = vwapDeviation.params.parse({ threshold: 0.04 });
  const pLong = vwapDeviation.params.parse({ threshold: 0.04, long_only: true });
  // vwap 100, threshold 4%: long below 96, short above 104, flat within [99, 101]
  const vwap = { vwap: 100 };

  it('has the documented defaults', () => {
    expect(vwapDeviation.params.parse({})).toEqual({ period: 20, threshold: 0.005, long_only: false });
  });

  it('asks for vwap(period)', () => {
    expect(vwapDeviation.features(vwapDeviation.params.parse({ period: 50 }))).toEqual({ vwap: { indicator: 'vwap', params: { period: 50 } } });
  });

  it('is long below vwap by more than threshold, short above', () => {
    expect(vwapDeviation.decide(vwap, [bar(95)], p)).toBe(1);
    expect(vwapDeviation.decide(vwap, [bar(105)], p)).toBe(-1);
  });

  it('is flat within threshold/4 of vwap', () => {
    expect(vwapDeviation.decide(vwap, [bar(100)], p)).toBe(0);
    expect(vwapDeviation.decide(vwap, [bar(100.5)], p)).toBe(0);
    expect(vwapDeviation.decide(vwap, [bar(99.5)], p)).toBe(0);
  });

  it('holds (null) between threshold/4 and threshold', () => {
    expect(vwapDeviation.decide(vwap, [bar(102)], p)).toBeNull();
    expect(vwapDeviation.decide(vwap, [bar(97)], p)).toBeNull();
    expect(vwapDeviation.decide(vwap, [bar(101.5)], p)).toBeNull();
  });

  it('has no opinion while vwap is not positive', () => {
    expect(vwapDeviation.decide({ vwap: 0 }, [bar(100)], p)).toBeNull();
  });

  it('long_only maps short to flat', () => {
    expect(vwapDeviation.decide(vwap, [bar(105)], pLong)).toBe(0);
    expect(vwapDeviation.decide(vwap, [bar(95)], pLong)).toBe(1);
  });
});

describe('pairs_zscore', () => {
  const p = pairsZscore.params.parse({});
  const pLong = pairsZscore.params.parse({ long_only: true });
  const ab = [bar(100, 'KO'), bar(50, 'PEP')];

  it('has the documented defaults and needs two streams', () => {
    expect(p).toEqual({ period: 20, hedge_ratio: 1, entry: 2, exit: 0.5, long_only: false });
    expect(pairsZscore.streams).toBe(2);
  });

  it('asks for the zscore of spread_zscore over streams 0 and 1 with its period and hedge ratio', () => {
    expect(pairsZscore.features(pairsZscore.params.parse({ period: 60, hedge_ratio: 0.8 }))).toEqual({
      zscore: { pair: 'spread_zscore', params: { period: 60, hedge_ratio: 0.8 }, output: 'zscore', streams: [0, 1] },
    });
  });

  it('shorts a rich spread, buys a cheap one', () => {
    expect(pairsZscore.decide({ zscore: 2.3 }, ab, p)).toBe(-1);
    expect(pairsZscore.decide({ zscore: -2.3 }, ab, p)).toBe(1);
  });

  it('is flat strictly inside the exit band', () => {
    expect(pairsZscore.decide({ zscore: 0 }, ab, p)).toBe(0);
    expect(pairsZscore.decide({ zscore: 0.4 }, ab, p)).toBe(0);
    expect(pairsZscore.decide({ zscore: -0.4 }, ab, p)).toBe(0);
  });

  it('holds (null) between exit and entry, and exactly on either', () => {
    expect(pairsZscore.decide({ zscore: 1.2 }, ab, p)).toBeNull();
    expect(pairsZscore.decide({ zscore: -1.2 }, ab, p)).toBeNull();
    expect(pairsZscore.decide({ zscore: 2 }, ab, p)).toBeNull();
    expect(pairsZscore.decide({ zscore: -2 }, ab, p)).toBeNull();
    expect(pairsZscore.decide({ zscore: 0.5 }, ab, p)).toBeNull();
    expect(pairsZscore.decide({ zscore: -0.5 }, ab, p)).toBeNull();
  });

  it('long_only never shorts the spread', () => {
    expect(pairsZscore.decide({ zscore: 2.3 }, ab, pLong)).toBe(0);
    expect(pairsZscore.decide({ zscore: -2.3 }, ab, pLong)).toBe(1);
  });

  it('pairLegWeights gives +1 on stream 0 and -hedge_ratio on stream 1', () => {
    expect(pairLegWeights(p)).toEqual([1, -1]);
    expect(pairLegWeights(pairsZscore.params.parse({ hedge_ratio: 0.75 }))).toEqual([1, -0.75]);
  });
});

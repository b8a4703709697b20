/** Small cases whose expected numbers were worked out by hand. */
import { describe, expect, it } from 'vitest';
import type { Indicator, PairIndicator } from '../../src/features/indicator.ts';
import { Adx } from '../../src/features/indicators/adx.ts';
import { Atr } from '../../src/features/indicators/atr.ts';
import { Bollinger } from '../../src/features/indicators/bollinger.ts';
import { Correlation } from '../../src/features/indicators/correlation.ts';
import { Donchian } from '../../src/features/indicators/donchian.ts';
import { Ema } from '../../src/features/indicators/ema.ts';
import { Macd } from '../../src/features/indicators/macd.ts';
import { Momentum } from '../../src/features/indicators/momentum.ts';
import { Obv } from '../../src/features/indicators/obv.ts';
import { Roc } from '../../src/features/indicators/roc.ts';
import { Rsi } from '../../src/features/indicators/rsi.ts';
import { Sma } from '../../src/features/indicators/sma.ts';
import { SpreadZscore } from '../../src/features/indicators/spread_zscore.ts';
import { Stddev } from '../../src/features/indicators/stddev.ts';
import { Stochastic } from '../../src/features/indicators/stochastic.ts';
import { Vwap } from '../../src/features/indicators/vwap.ts';
import { Wma } from '../../src/features/indicators/wma.ts';
import { Zscore } from '../../src/features/indicators/zscore.ts';
import { firstMismatch } from './helpers.ts';

const N = NaN;

/** Feeds closes only (open = high = low = close, volume 0). */
function closes(ind: Indicator, cs: number[]): number[][] {
  return cs.map((c) => {
    ind.update(c, c, c, c, 0);
    return Array.from(ind.values);
  });
}

/** Feeds [high, low, close, volume?] bars (open = close). */
function hlc(ind: Indicator, bars: number[][]): number[][] {
  return bars.map(([h, l, c, v = 0]) => {
    ind.update(c, h, l, c, v);
    return Array.from(ind.values);
  });
}

function pairs(ind: PairIndicator, a: number[], b: number[]): number[][] {
  return a.map((x, t) => {
    ind.update(x, b[t]);
    return Array.from(ind.values);
  });
}

const col = (xs: number[]) => xs.map((x) => [x]);
const check = (actual: number[][], expected: number[][]) => expect(firstMismatch(actual, expected, 1e-12)).toBeNull();

describe('hand-computed values', () => {
  it('sma of [1,2,3,4], period 2', () => {
    check(closes(new Sma(2), [1, 2, 3, 4]), col([N, 1.5, 2.5, 3.5]));
  });

  it('ema period 3 (alpha 0.5) seeded with the SMA', () => {
    // seed at bar 2 = (1+2+3)/3 = 2; then 0.5*4 + 0.5*2 = 3; 0.5*5 + 0.5*3 = 4; 0.5*0 + 0.5*4 = 2
    check(closes(new Ema(3), [1, 2, 3, 4, 5, 0]), col([N, N, 2, 3, 4, 2]));
  });

  it('wma period 3', () => {
    // (3*3 + 2*2 + 1*1)/6 = 14/6; (3*4 + 2*3 + 1*2)/6 = 20/6; (3*1 + 2*4 + 1*3)/6 = 14/6
    check(closes(new Wma(3), [1, 2, 3, 4, 1]), col([N, N, 14 / 6, 20 / 6, 14 / 6]));
  });

  it('rsi period 3 on [10, 11, 10, 12, 12, 11]', () => {
    // changes +1, -1, +2, 0, -1
    // bar 3: avgGain = (1+0+2)/3 = 1, avgLoss = (0+1+0)/3 = 1/3, RS = 3, RSI = 75
    // bar 4: avgGain = (1*2 + 0)/3 = 2/3, avgLoss = (1/3*2 + 0)/3 = 2/9, RS = 3, RSI = 75
    // bar 5: avgGain = (2/3*2 + 0)/3 = 4/9, avgLoss = (2/9*2 + 1)/3 = 13/27, RS = 12/13, RSI = 100 - 100*13/25 = 48
    check(closes(new Rsi(3), [10, 11, 10, 12, 12, 11]), col([N, N, N, 75, 75, 48]));
  });

  it('rsi is 100 with no losses and 50 with no changes', () => {
    check(closes(new Rsi(2), [1, 2, 3, 4]), col([N, N, 100, 100]));
    check(closes(new Rsi(2), [5, 5, 5, 5]), col([N, N, 50, 50]));
  });

  it('atr period 2', () => {
    // TR0 = 10-8 = 2; TR1 = max(2, |11-9|, |9-9|) = 2 -> ATR = 2
    // TR2 = max(3, |14-10.5|, |11-10.5|) = 3.5 -> ATR = (2*1 + 3.5)/2 = 2.75
    // TR3 = max(1, |12-13|, |11-13|) = 2 -> ATR = (2.75 + 2)/2 = 2.375
    check(hlc(new Atr(2), [[10, 8, 9], [11, 9, 10.5], [14, 11, 13], [12, 11, 11.5]]), col([N, 2, 2.75, 2.375]));
  });

  it('bollinger period 2, std_dev 2', () => {
    // [1,3]: mean 2, population std 1 -> 4, 2, 0; [3,3]: 3, 3, 3
    check(closes(new Bollinger(2, 2), [1, 3, 3]), [[N, N, N], [4, 2, 0], [3, 3, 3]]);
  });

  it('stddev of the classic [2,4,4,4,5,5,7,9] is 2', () => {
    check(closes(new Stddev(8), [2, 4, 4, 4, 5, 5, 7, 9]).slice(7), [[2]]);
  });

  it('zscore period 3', () => {
    // [1,2,3]: mean 2, std sqrt(2/3), z = 1/sqrt(2/3) = sqrt(1.5); [5,5,5]: std 0 -> 0
    check(closes(new Zscore(3), [1, 2, 3]), col([N, N, Math.sqrt(1.5)]));
    check(closes(new Zscore(3), [5, 5, 5, 5]), col([N, N, 0, 0]));
  });

  it('macd fast 2, slow 3, signal 2 on [1, 3, 2, 6, 4]', () => {
    // EMA2 (alpha 2/3): seed 2 @1; 2 @2; 14/3 @3; 38/9 @4
    // EMA3 (alpha 1/2): seed 2 @2; 4 @3; 4 @4
    // macd: 0 @2, 2/3 @3, 2/9 @4; signal (alpha 2/3): seed 1/3 @3; 2/3*2/9 + 1/3*1/3 = 7/27 @4
    check(closes(new Macd(2, 3, 2), [1, 3, 2, 6, 4]), [
      [N, N, N],
      [N, N, N],
      [0, N, N],
      [2 / 3, 1 / 3, 1 / 3],
      [2 / 9, 7 / 27, -1 / 27],
    ]);
  });

  it('donchian period 2 excludes the current bar', () => {
    // bar 2 sees bars 0-1: upper 6, lower 1; bar 3 sees bars 1-2: upper 6, lower 2
    check(hlc(new Donchian(2), [[5, 1, 3], [6, 2, 4], [4, 3, 3.5], [7, 0, 6]]), [
      [N, N, N],
      [N, N, N],
      [6, 1, 3.5],
      [6, 2, 4],
    ]);
  });

  it('stochastic k 2, d 2', () => {
    // bar 1: HH 12, LL 8, K = 100*3/4 = 75; bar 2: HH 12, LL 9, K = 100*1.5/3 = 50, D = 62.5
    // bar 3: flat window (10,10) -> K = 50, D = 50
    check(hlc(new Stochastic(2, 2), [[10, 8, 9], [12, 9, 11], [11, 10, 10.5], [10, 10, 10], [10, 10, 10]]), [
      [N, N],
      [75, N],
      [50, 62.5],
      [100 * (10 - 10) / (11 - 10), 25],
      [50, 25],
    ]);
  });

  it('momentum and roc period 2', () => {
    check(closes(new Momentum(2), [10, 11, 12, 9]), col([N, N, 2, -2]));
    check(closes(new Roc(2), [10, 11, 12, 9]), col([N, N, 20, (9 / 11 - 1) * 100]));
  });

  it('vwap period 2, with an all-zero-volume window', () => {
    // tp 2 (v 10), tp 5 (v 30): (20 + 150)/40 = 4.25; then tp 4 (v 0): (150 + 0)/30 = 5
    // then tp 6 (v 0): window volume 0 -> mean tp (4 + 6)/2 = 5
    check(hlc(new Vwap(2), [[3, 1, 2, 10], [6, 3, 6, 30], [5, 3, 4, 0], [7, 5, 6, 0]]), col([N, 4.25, 5, 5]));
  });

  it('adx of a steady uptrend is 100 with +DI 50 and -DI 0', () => {
    // h = 10+i, l = 8+i, c = 9+i: TR = 2, +DM = 1, -DM = 0 every bar from the second one
    const bars = Array.from({ length: 8 }, (_, i) => [10 + i, 8 + i, 9 + i]);
    const out = hlc(new Adx(3), bars);
    check(out, [[N, N, N], [N, N, N], [N, N, N], [N, 50, 0], [N, 50, 0], [100, 50, 0], [100, 50, 0], [100, 50, 0]]);
  });

  it('adx period 2 on a mixed sequence', () => {
    // bars (h,l,c): (10,8,9) (11,9,10) (10.5,7,8) (12,8,11) (13,11,12)
    // bar1: TR 2, up 1, down -1 -> +DM 1, -DM 0
    // bar2: TR max(3.5, 0.5, 3) = 3.5, up -0.5, down 2 -> +DM 0, -DM 2
    //   S(TR) = 5.5, S+ = 1, S- = 2 -> +DI = 100/5.5, -DI = 200/5.5, DX = 100*1/3
    // bar3: TR max(4, 4, 0) = 4, up 1.5, down -1 -> +DM 1.5, -DM 0
    //   S(TR) = 5.5 - 2.75 + 4 = 6.75, S+ = 0.5 + 1.5 = 2, S- = 1 -> +DI = 200/6.75, -DI = 100/6.75, DX = 100/3
    //   ADX = mean(100/3, 100/3) = 100/3
    // bar4: TR max(2, 2, 0) = 2, up 1, down -3 -> +DM 1, -DM 0
    //   S(TR) = 3.375 + 2 = 5.375, S+ = 1 + 1 = 2, S- = 0.5 -> +DI = 200/5.375, -DI = 50/5.375, DX = 100*1.5/2.5 = 60
    //   ADX = (100/3 + 60)/2 = 140/3
    const out = hlc(new Adx(2), [[10, 8, 9], [11, 9, 10], [10.5, 7, 8], [12, 8, 11], [13, 11, 12]]);
    check(out, [
      [N, N, N],
      [N, N, N],
      [N, 100 / 5.5, 200 / 5.5],
      [100 / 3, 200 / 6.75, 100 / 6.75],
      [140 / 3, 200 / 5.375, 50 / 5.375],
    ]);
  });

  it('obv on 5 bars', () => {
    const ind = new Obv();
    const rows = [[10, 100], [11, 200], [11, 300], [9, 400], [12, 500]].map(([c, v]) => {
      ind.update(c, c, c, c, v);
      return Array.from(ind.values);
    });
    check(rows, col([0, 200, 200, -200, 300]));
  });

  it('correlation period 3', () => {
    check(pairs(new Correlation(3), [1, 2, 3, 4], [2, 4, 6, 8]), col([N, N, 1, 1]));
    check(pairs(new Correlation(3), [1, 2, 3], [6, 4, 2]), col([N, N, -1]));
    check(pairs(new Correlation(3), [1, 2, 3], [5, 5, 5]), col([N, N, 0]));
    // a = [1,2,3], b = [1,3,2]: cov = (-1)(-1) + 0*1 + 1*0 = 1, var a = 2, var b = 2 -> 0.5
    check(pairs(new Correlation(3), [1, 2, 3], [1, 3, 2]), col([N, N, 0.5]));
  });

  it('spread_zscore period 3', () => {
    // spread = ln(e^k) - 1*ln(1) = k: [0, 1, 2] -> z = 1/sqrt(2/3)
    const out = pairs(new SpreadZscore(3, 1), [1, Math.E, Math.E ** 2], [1, 1, 1]);
    check(out, [[N, 0], [N, 1], [Math.sqrt(1.5), 2]]);
    // a = b with hedge 1: spread 0 everywhere -> z 0
    check(pairs(new SpreadZscore(2, 1), [3, 4, 5], [3, 4, 5]), [[N, 0], [0, 0], [0, 0]]);
  });
});

describe('flat markets are exact', () => {
  it('sma/bollinger/zscore/stddev of a constant non-representable price report it exactly', () => {
    const px = 0.1; // 0.1 + 0.1 + 0.1 != 0.3 in binary floating point
    const cs = [0.3, 0.7, ...new Array(10).fill(px)];
    expect(closes(new Sma(3), cs).at(-1)).toEqual([px]);
    expect(closes(new Bollinger(3, 2), cs).at(-1)).toEqual([px, px, px]);
    expect(closes(new Stddev(3), cs).at(-1)).toEqual([0]);
    expect(closes(new Zscore(3), cs).at(-1)).toEqual([0]);
  });
});

/**
 * Hand-computed buying-power checks, end-of-data handling and orders that cannot fill
 * (docs/semantics.md, "Cash, commission, buying power", "Fill prices", "Sizing"):
 * rejection vs resize (largest affordable whole quantity, commission included),
 * close_at_end true / false, a next-open order on the last bar, and the risk caps.
 * Initial cash 100,000 everywhere; every number is worked out in the comments.
 */
import { describe, expect, it } from 'vitest';
import { checkEquity, checkFill, checkNear, checkTrade, closeOf, flat, runScripted, startOf, type Ohlc } from './helpers/scripted.ts';

const FLAT4: Ohlc[] = [flat(100), flat(100), flat(100), flat(100)];

describe('case 7: not enough buying power', () => {
  it('reject: ORDER_REJECTED naming buying power, no position', () => {
    // 2,000 units at O2 = 100 cost 200,000 > buying power 100,000 (flat: equity - 0).
    const run = runScripted(FLAT4, { 1: 1 }, { sizing: { type: 'fixed_quantity', quantity: 2000 } });
    expect(run.fills).toEqual([]);
    expect(run.rejections).toHaveLength(1);
    expect(run.rejections[0].reason).toMatch(/buying power/i);
    expect(run.result.rejectedOrders).toBe(1);
    expect(run.result.trades).toEqual([]);
    checkNear(run.result.cash, 100_000, 'cash');
    expect(Array.from(run.result.equity.equity)).toEqual([100_000, 100_000, 100_000, 100_000]);
    expect(Array.from(run.result.equity.exposed)).toEqual([0, 0, 0, 0]);
  });

  it('resize with per_unit commission: the largest affordable whole quantity', () => {
    // per_unit 0.5 (no minimum): cost of q units at 100 = 100.5 q <= 100,000
    //   -> q = floor(100,000 / 100.5) = floor(995.02) = 995 (995 * 100.5 = 99,997.5; 996 * 100.5 = 100,098).
    // commission = 0.5 * 995 = 497.5; cash = 100,000 - 99,500 - 497.5 = 2.5.
    // End of data at C3 = 100: commission 497.5; cash = 2.5 + 99,500 - 497.5 = 99,005.
    // pnl = 0 - 995 = -995; return = -995 / 99,500 = -0.01.
    const run = runScripted(FLAT4, { 1: 1 }, {
      sizing: { type: 'fixed_quantity', quantity: 2000 },
      execution: { commission: { type: 'per_unit', amount: 0.5 }, on_insufficient_cash: 'resize' },
    });
    expect(run.rejections).toEqual([]);
    checkFill(run.fills[0], { quantity: 995, price: 100, basePrice: 100, commission: 497.5, barIdx: 2, fillTime: startOf(2), reason: 'signal', opening: true });
    checkEquity(run.result, { 2: 2.5 + 995 * 100 }); // 99,502.5
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 995, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 3, exitTime: closeOf(3), exitPrice: 100, commission: 995, pnl: -995, returnPct: -0.01, bars: 1, exitReason: 'end_of_data',
    });
    checkNear(run.result.cash, 99_005, 'final cash');
  });

  it('resize with fixed commission when the open gaps above the signal close', () => {
    // Sized at C1 = 100: 1,000 units (100,000). Fills at O2 = 101: cost 101,005 > 100,000.
    // Resize: 101 q + 5 <= 100,000 -> q = floor(99,995 / 101) = floor(990.05) = 990
    //   (990 * 101 + 5 = 99,995; 991 * 101 + 5 = 100,096). cash = 100,000 - 99,990 - 5 = 5.
    const bars = [flat(100), flat(100), { open: 101, high: 102, low: 100, close: 102 }, flat(102)];
    const run = runScripted(bars, { 1: 1 }, {
      sizing: { type: 'fixed_quantity', quantity: 1000 },
      execution: { commission: { type: 'fixed', amount: 5 }, on_insufficient_cash: 'resize' },
    });
    expect(run.rejections).toEqual([]);
    checkFill(run.fills[0], { quantity: 990, price: 101, basePrice: 101, commission: 5, barIdx: 2, fillTime: startOf(2), reason: 'signal', opening: true });
    checkEquity(run.result, { 2: 5 + 990 * 102 }); // 100,985
  });

  it('100% of equity plus percent commission: reject, or resize to 999', () => {
    // units = floor(100,000 / 100) = 1,000; cost = 100,000 + 0.1% * 100,000 = 100,100 > 100,000.
    const commission = { type: 'percent', pct: 0.1 };
    const rejected = runScripted(FLAT4, { 1: 1 }, { sizing: { type: 'percent_equity', pct: 100 }, execution: { commission } });
    expect(rejected.fills).toEqual([]);
    expect(rejected.rejections).toHaveLength(1);
    expect(rejected.rejections[0].reason).toMatch(/buying power/i);
    // Resize: 100 q * 1.001 <= 100,000 -> q = floor(999.000999) = 999; commission = 0.001 * 99,900 = 99.9;
    // cash = 100,000 - 99,900 - 99.9 = 0.1.
    const resized = runScripted(FLAT4, { 1: 1 }, { sizing: { type: 'percent_equity', pct: 100 }, execution: { commission, on_insufficient_cash: 'resize' } });
    expect(resized.rejections).toEqual([]);
    checkFill(resized.fills[0], { quantity: 999, price: 100, basePrice: 100, commission: 99.9, barIdx: 2, fillTime: startOf(2), reason: 'signal', opening: true });
    checkEquity(resized.result, { 2: 0.1 + 99_900 });
  });

  it('opening a short needs buying power equal to its value', () => {
    // fill signal_close at C1 = 100. Short 1,200: |q| * p = 120,000 > buying power 100,000 -> rejected.
    const bars = [flat(100), flat(100), flat(100), flat(100)];
    const big = runScripted(bars, { 1: -1 }, { sizing: { type: 'fixed_quantity', quantity: 1200 }, execution: { fill: 'signal_close' } });
    expect(big.fills).toEqual([]);
    expect(big.rejections).toHaveLength(1);
    expect(big.rejections[0].reason).toMatch(/buying power/i);
    // resize: floor(100,000 / 100) = 1,000 units short; cash = 100,000 + 100,000 = 200,000;
    // equity point 1 = 200,000 - 1,000 * 100 = 100,000.
    const resized = runScripted(bars, { 1: -1 }, {
      sizing: { type: 'fixed_quantity', quantity: 1200 }, execution: { fill: 'signal_close', on_insufficient_cash: 'resize' },
    });
    checkFill(resized.fills[0], { quantity: -1000, price: 100, basePrice: 100, commission: 0, barIdx: 1, fillTime: closeOf(1), reason: 'signal', opening: true });
    checkEquity(resized.result, { 1: 100_000, 3: 100_000 });
  });

  it('a reversal checks buying power after its closing leg', () => {
    // fill signal_close, fixed_quantity 600. Short 600 at C1 = 100: cash 160,000; buying power
    // while short = equity 100,000 - gross 60,000 = 40,000 (< 60,000 for the new long).
    // Reverse to long at C2 = 100: the closing buy of 600 leaves cash 100,000, flat, buying
    // power 100,000 -> the 600-unit long (60,000) fills. End: sell 600 at 100.
    const bars = [flat(100), flat(100), flat(100), flat(100)];
    const run = runScripted(bars, { 1: -1, 2: 1 }, { sizing: { type: 'fixed_quantity', quantity: 600 }, execution: { fill: 'signal_close' } });
    expect(run.rejections).toEqual([]);
    expect(run.fills.map((f) => [f.barIdx, f.quantity, f.opening])).toEqual([[1, -600, true], [2, 600, false], [2, 600, true], [3, -600, false]]);
    checkNear(run.result.cash, 100_000, 'final cash');
  });
});

describe('case 8: end of data', () => {
  const FIVE: Ohlc[] = [
    flat(100), flat(100),
    { open: 100, high: 102, low: 99, close: 101 }, // 2  signal long
    { open: 103, high: 106, low: 102, close: 105 }, // 3  entry at 103
    { open: 104, high: 108, low: 103, close: 107 }, // 4  last close 107
  ];

  it('close_at_end: closes at the last close, with slippage', () => {
    // 100 units, slippage 10 bps: buy at 103 * 1.001 = 103.103 (cash 100,000 - 10,310.3 = 89,689.7).
    // End: sell at 107 * 0.999 = 106.893 at closeOf(4): cash = 89,689.7 + 10,689.3 = 100,379.
    // pnl = (106.893 - 103.103) * 100 = 379; return = 379 / 10,310.3.
    const run = runScripted(FIVE, { 2: 1 }, { sizing: { type: 'fixed_quantity', quantity: 100 }, execution: { slippage_bps: 10 } });
    checkFill(run.fills[1], { quantity: -100, price: 106.893, basePrice: 107, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'end_of_data', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 3, entryTime: startOf(3), entryPrice: 103.103,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 106.893, commission: 0, pnl: 379, returnPct: 379 / 10_310.3, bars: 1, exitReason: 'end_of_data',
    });
    // Point 3 = 89,689.7 + 100 * 105 = 100,189.7; last point after the close = 100,379.
    checkEquity(run.result, { 3: 100_189.7, 4: 100_379 });
    expect(run.result.equity.exposed[4]).toBe(0);
    checkNear(run.result.cash, 100_379, 'final cash');
  });

  it('close_at_end false: the position stays open, the last point is marked at the last close', () => {
    // 495 units at 103 (50% of 100,000 at C2 = 101 -> floor(495.05)): cash = 49,015.
    // Last point = 49,015 + 495 * 107 = 49,015 + 52,965 = 101,980; no trade; cash stays 49,015.
    const run = runScripted(FIVE, { 2: 1 }, { sizing: { type: 'percent_equity', pct: 50 }, close_at_end: false });
    expect(run.fills).toHaveLength(1);
    expect(run.result.trades).toEqual([]);
    checkNear(run.result.cash, 49_015, 'cash');
    checkEquity(run.result, { 3: 49_015 + 495 * 105, 4: 101_980 }); // point 3 = 100,990
    expect(run.result.equity.exposed[4]).toBe(1);
  });
});

describe('case 10: a next_open order on the last bar', () => {
  it('is rejected at the end of the data: no fill', () => {
    const run = runScripted(FLAT4, { 3: 1 }, { sizing: { type: 'percent_equity', pct: 50 } });
    expect(run.fills).toEqual([]);
    expect(run.rejections).toHaveLength(1);
    expect(run.result.rejectedOrders).toBe(1);
    expect(run.result.trades).toEqual([]);
    checkNear(run.result.cash, 100_000, 'cash');
    checkEquity(run.result, { 3: 100_000 });
    expect(run.result.equity.exposed[3]).toBe(0);
  });

  it('an exit decided on the last bar is rejected; close_at_end then closes at the last close', () => {
    // Long 100 at O2 = 100. Flat signal at C3 = 104 (last bar): its next-open order is rejected;
    // end of data sells 100 at C3 = 104: pnl = 400, cash = 100,400.
    const bars = [flat(100), flat(100), { open: 100, high: 102, low: 100, close: 102 }, { open: 102, high: 104, low: 102, close: 104 }];
    const run = runScripted(bars, { 1: 1, 3: 0 }, { sizing: { type: 'fixed_quantity', quantity: 100 } });
    expect(run.rejections).toHaveLength(1);
    expect(run.fills.map((f) => [f.barIdx, f.quantity, f.reason])).toEqual([[2, 100, 'signal'], [3, -100, 'end_of_data']]);
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 3, exitTime: closeOf(3), exitPrice: 104, commission: 0, pnl: 400, returnPct: 0.04, bars: 1, exitReason: 'end_of_data',
    });
    checkNear(run.result.cash, 100_400, 'final cash');
  });

  it('with close_at_end false, the rejected exit leaves the position open', () => {
    // cash = 100,000 - 10,000 = 90,000; last point = 90,000 + 100 * 104 = 100,400.
    const bars = [flat(100), flat(100), { open: 100, high: 102, low: 100, close: 102 }, { open: 102, high: 104, low: 102, close: 104 }];
    const run = runScripted(bars, { 1: 1, 3: 0 }, { sizing: { type: 'fixed_quantity', quantity: 100 }, close_at_end: false });
    expect(run.rejections).toHaveLength(1);
    expect(run.fills).toHaveLength(1);
    checkNear(run.result.cash, 90_000, 'cash');
    checkEquity(run.result, { 3: 100_400 });
    expect(run.result.equity.exposed[3]).toBe(1);
  });
});

describe('risk caps on the opening notional', () => {
  const FIVE: Ohlc[] = [flat(100), flat(100), { open: 100, high: 102, low: 99, close: 101 }, { open: 103, high: 106, low: 102, close: 105 }, flat(107)];

  it('max_position_pct caps percent sizing', () => {
    // 50% of 100,000 = 50,000 capped at 20% = 20,000; units = floor(20,000 / 101) = floor(198.02) = 198.
    const run = runScripted(FIVE, { 2: 1 }, { sizing: { type: 'percent_equity', pct: 50 }, risk: { max_position_pct: 20 } });
    expect(run.fills[0].quantity).toBe(198);
  });

  it('max_position_pct caps fixed_quantity', () => {
    // 1,000 units * 101 = 101,000 > cap 20,000 -> floor(20,000 / 101) = 198 units.
    const run = runScripted(FIVE, { 2: 1 }, { sizing: { type: 'fixed_quantity', quantity: 1000 }, risk: { max_position_pct: 20 } });
    expect(run.fills[0].quantity).toBe(198);
  });

  it('max_gross_exposure_pct rejects an opening order above the limit', () => {
    // Notional 50,000 > 40% of 100,000 = 40,000 (no other positions) -> rejected, no fill.
    const run = runScripted(FIVE, { 2: 1 }, { sizing: { type: 'percent_equity', pct: 50 }, risk: { max_gross_exposure_pct: 40 } });
    expect(run.fills).toEqual([]);
    expect(run.rejections).toHaveLength(1);
    expect(run.rejections[0].reason).toMatch(/gross exposure/i);
  });
});

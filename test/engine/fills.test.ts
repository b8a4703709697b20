/**
 * Hand-computed fills and costs (docs/semantics.md, "Fill prices", "Sizing", "Cash,
 * commission, buying power", "Trades and the equity curve"): the real engine runs on
 * literal bars with a scripted strategy; every expected number below is worked out by hand
 * in the comments, never by calling engine code.
 *
 * Conventions: bar i starts at 2024-01-01Z + i days (startOf(i)) and closes at closeOf(i);
 * equity point i is the point of the tick of bar i (ts = closeOf(i)). Initial cash 100,000.
 */
import { describe, expect, it } from 'vitest';
import {
  checkEquity, checkFill, checkNear, checkTrade, closeOf, flat, runScripted, startOf, type Ohlc,
} from './helpers/scripted.ts';

/** Five bars; the scripted signal goes long at bar 2's close (C2 = 101). */
const FIVE: Ohlc[] = [
  flat(100), // 0
  flat(100), // 1
  { open: 100, high: 102, low: 99, close: 101 }, // 2  signal bar
  { open: 103, high: 106, low: 102, close: 105 }, // 3  next open O3 = 103
  { open: 104, high: 108, low: 103, close: 107 }, // 4  last bar, C4 = 107
];
const HALF_EQUITY = { type: 'percent_equity', pct: 50 };

describe('case 1: fill next_open', () => {
  // Equity at bar 2's close = 100,000 (flat). notional = 50% * 100,000 = 50,000.
  // units = floor(50,000 / C2) = floor(50,000 / 101) = floor(495.0495...) = 495.
  // Fill at O3 = 103: cash = 100,000 - 495 * 103 = 100,000 - 50,985 = 49,015.
  // Equity point 3 = 49,015 + 495 * C3 = 49,015 + 495 * 105 = 49,015 + 51,975 = 100,990.
  // End of data (close_at_end default): sell 495 at C4 = 107: cash = 49,015 + 52,965 = 101,980.
  // Equity point 4 (recorded after the end-of-data close) = 101,980.
  // Trade: pnl = (107 - 103) * 495 = 1,980; return = 1,980 / (495 * 103) = 1,980 / 50,985 = 4/103.
  const run = runScripted(FIVE, { 2: 1 }, { sizing: HALF_EQUITY });

  it('buys floor(50% equity / signal close) units at the next open', () => {
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[0], { quantity: 495, price: 103, basePrice: 103, commission: 0, barIdx: 3, fillTime: startOf(3), reason: 'signal', opening: true });
    checkFill(run.fills[1], { quantity: -495, price: 107, basePrice: 107, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'end_of_data', opening: false });
    expect(run.rejections).toEqual([]);
  });

  it('cash and equity points of bars 0, 1, 3 and 4', () => {
    expect(run.result.equity.ts).toHaveLength(5);
    checkEquity(run.result, { 0: 100_000, 1: 100_000, 3: 100_990, 4: 101_980 });
    expect(run.result.equity.exposed[3]).toBe(1);
    expect(run.result.equity.exposed[4]).toBe(0); // recorded after the end-of-data close
    checkNear(run.result.cash, 101_980, 'final cash');
  });

  it('one trade with hand-computed pnl and return', () => {
    expect(run.result.trades).toHaveLength(1);
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 495,
      entryBarIdx: 3, entryTime: startOf(3), entryPrice: 103,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 107,
      commission: 0, pnl: 1980, returnPct: 1980 / 50_985, bars: 1, exitReason: 'end_of_data',
    });
  });
});

describe('equity point of the signal tick (next_open)', () => {
  // "The equity curve has one point per tick of the run, recorded after everything of that
  // tick (including close fills), marked at the latest closes." At the close of bar 2 the
  // order is only pending: the account is still 100,000 cash, flat. The fill at O3 happens in
  // the next tick (its price is not known at bar 2's close; counting it here would be
  // look-ahead: 49,015 + 495 * 101 = 99,010 depends on O3).
  const run = runScripted(FIVE, { 2: 1 }, { sizing: HALF_EQUITY });

  it('is 100,000 and not exposed', () => {
    checkEquity(run.result, { 2: 100_000 });
    expect(run.result.equity.exposed[2]).toBe(0);
  });
});

describe('case 2: fill signal_close', () => {
  // units = floor(50,000 / 101) = 495, filled at C2 = 101 (time = bar 2's close).
  // cash = 100,000 - 495 * 101 = 100,000 - 49,995 = 50,005.
  // Equity point 2 = 50,005 + 495 * 101 = 100,000; point 3 = 50,005 + 495 * 105 = 101,980.
  // End: sell 495 at 107: cash = 50,005 + 52,965 = 102,970 = point 4.
  // pnl = (107 - 101) * 495 = 2,970; return = 2,970 / 49,995 = 6/101.
  const run = runScripted(FIVE, { 2: 1 }, { sizing: HALF_EQUITY, execution: { fill: 'signal_close' } });

  it('fills at the signal bar close', () => {
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[0], { quantity: 495, price: 101, basePrice: 101, commission: 0, barIdx: 2, fillTime: closeOf(2), reason: 'signal', opening: true });
    checkEquity(run.result, { 0: 100_000, 1: 100_000, 2: 100_000, 3: 101_980, 4: 102_970 });
    expect(run.result.equity.exposed[2]).toBe(1);
    checkNear(run.result.cash, 102_970, 'final cash');
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 495,
      entryBarIdx: 2, entryTime: closeOf(2), entryPrice: 101,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 107,
      commission: 0, pnl: 2970, returnPct: 2970 / 49_995, bars: 2, exitReason: 'end_of_data',
    });
  });
});

describe('case 3: percent commission 0.1% and slippage 10 bps, entry and exit by signal', () => {
  const bars: Ohlc[] = [
    flat(100), // 0
    flat(100), // 1  signal long at C1 = 100
    { open: 100, high: 111, low: 99, close: 110 }, // 2  entry at O2
    { open: 112, high: 115, low: 111, close: 114 }, // 3  signal flat at C3
    { open: 120, high: 121, low: 118, close: 119 }, // 4  exit at O4
  ];
  // Sizing at C1: notional = 50% * 100,000 = 50,000; units = floor(50,000 / 100) = 500
  // (basis signal_close: slippage does not change the size).
  // Entry: buy at 100 * (1 + 10/10,000) = 100.1; commission = 0.1% * 500 * 100.1 = 50.05.
  //   cash = 100,000 - 500 * 100.1 - 50.05 = 100,000 - 50,050 - 50.05 = 49,899.95.
  // Equity point 2 = 49,899.95 + 500 * 110 = 104,899.95.
  // Exit: sell at 120 * (1 - 0.001) = 119.88; commission = 0.1% * 500 * 119.88 = 59.94.
  //   cash = 49,899.95 + 500 * 119.88 - 59.94 = 49,899.95 + 59,940 - 59.94 = 109,780.01.
  // pnl = (119.88 - 100.1) * 500 - 50.05 - 59.94 = 9,890 - 109.99 = 9,780.01 (= cash - 100,000).
  // return = 9,780.01 / (500 * 100.1) = 9,780.01 / 50,050.
  const run = runScripted(bars, { 1: 1, 3: 0 }, {
    sizing: HALF_EQUITY,
    execution: { commission: { type: 'percent', pct: 0.1 }, slippage_bps: 10 },
  });

  it('exact fill prices and commissions', () => {
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[0], { quantity: 500, price: 100.1, basePrice: 100, commission: 50.05, barIdx: 2, fillTime: startOf(2), reason: 'signal', opening: true });
    checkFill(run.fills[1], { quantity: -500, price: 119.88, basePrice: 120, commission: 59.94, barIdx: 4, fillTime: startOf(4), reason: 'signal', opening: false });
  });

  it('trade pnl, return and final cash', () => {
    expect(run.result.trades).toHaveLength(1);
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 500,
      entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100.1,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 119.88,
      commission: 109.99, pnl: 9780.01, returnPct: 9780.01 / 50_050, bars: 2, exitReason: 'signal',
    });
    checkNear(run.result.cash, 109_780.01, 'final cash');
    checkEquity(run.result, { 0: 100_000, 2: 104_899.95, 4: 109_780.01 });
  });
});

describe('case 4: per_unit and fixed commissions', () => {
  const bars: Ohlc[] = [
    flat(50), // 0
    flat(50), // 1  signal long
    { open: 50, high: 52, low: 50, close: 52 }, // 2  entry at 50
    { open: 53, high: 54, low: 53, close: 54 }, // 3  signal flat
    flat(55), // 4  exit at 55
  ];
  const script = { 1: 1, 3: 0 } as const;

  it('per_unit below the minimum charges min_per_order', () => {
    // 100 units, 0.01 per unit = 1.00 < min 5 -> 5 per fill.
    // cash = 100,000 - 100 * 50 - 5 = 94,995; then + 100 * 55 - 5 = 100,490.
    // pnl = (55 - 50) * 100 - 5 - 5 = 490; return = 490 / 5,000.
    const run = runScripted(bars, script, {
      sizing: { type: 'fixed_quantity', quantity: 100 },
      execution: { commission: { type: 'per_unit', amount: 0.01, min_per_order: 5 } },
    });
    checkFill(run.fills[0], { quantity: 100, price: 50, basePrice: 50, commission: 5, barIdx: 2, fillTime: startOf(2), reason: 'signal', opening: true });
    checkFill(run.fills[1], { quantity: -100, price: 55, basePrice: 55, commission: 5, barIdx: 4, fillTime: startOf(4), reason: 'signal', opening: false });
    checkEquity(run.result, { 2: 94_995 + 100 * 52 }); // 94,995 + 5,200 = 100,195
    checkNear(run.result.cash, 100_490, 'final cash');
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 50,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 55, commission: 10, pnl: 490, returnPct: 490 / 5000, bars: 2, exitReason: 'signal',
    });
  });

  it('per_unit above the minimum charges amount * units', () => {
    // 1,000 units, 0.01 per unit = 10 > min 5 -> 10 per fill.
    // cash = 100,000 - 50,000 - 10 = 49,990; then + 55,000 - 10 = 104,980.
    // pnl = 5 * 1,000 - 20 = 4,980; return = 4,980 / 50,000.
    const run = runScripted(bars, script, {
      sizing: { type: 'fixed_quantity', quantity: 1000 },
      execution: { commission: { type: 'per_unit', amount: 0.01, min_per_order: 5 } },
    });
    checkFill(run.fills[0], { quantity: 1000, price: 50, basePrice: 50, commission: 10, barIdx: 2, fillTime: startOf(2), reason: 'signal', opening: true });
    checkFill(run.fills[1], { quantity: -1000, price: 55, basePrice: 55, commission: 10, barIdx: 4, fillTime: startOf(4), reason: 'signal', opening: false });
    checkNear(run.result.cash, 104_980, 'final cash');
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 1000, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 50,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 55, commission: 20, pnl: 4980, returnPct: 4980 / 50_000, bars: 2, exitReason: 'signal',
    });
  });

  it('fixed commission per fill', () => {
    // 7 per fill: cash = 100,000 - 5,000 - 7 = 94,993; then + 5,500 - 7 = 100,486.
    // pnl = 500 - 14 = 486; return = 486 / 5,000.
    const run = runScripted(bars, script, {
      sizing: { type: 'fixed_quantity', quantity: 100 },
      execution: { commission: { type: 'fixed', amount: 7 } },
    });
    checkFill(run.fills[0], { quantity: 100, price: 50, basePrice: 50, commission: 7, barIdx: 2, fillTime: startOf(2), reason: 'signal', opening: true });
    checkFill(run.fills[1], { quantity: -100, price: 55, basePrice: 55, commission: 7, barIdx: 4, fillTime: startOf(4), reason: 'signal', opening: false });
    checkNear(run.result.cash, 100_486, 'final cash');
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 50,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 55, commission: 14, pnl: 486, returnPct: 486 / 5000, bars: 2, exitReason: 'signal',
    });
  });
});

describe('case 5: reversal long -> short on one signal', () => {
  const bars: Ohlc[] = [
    flat(100), // 0
    flat(100), // 1  signal long at 100
    { open: 100, high: 105, low: 99, close: 104 }, // 2  buy at 100
    { open: 104, high: 112, low: 103, close: 110 }, // 3  signal short at C3 = 110
    { open: 108, high: 109, low: 100, close: 101 }, // 4  both legs at O4 = 108
    { open: 100, high: 102, low: 96, close: 98 }, // 5  last bar: end-of-data buy-back at 98
  ];
  // Commission 0.1%, no slippage, 50% of equity.
  // Long: units = floor(50,000 / 100) = 500 at 100; commission = 0.001 * 500 * 100 = 50.
  //   cash = 100,000 - 50,000 - 50 = 49,950.
  // Signal short at C3: equity = 49,950 + 500 * 110 = 104,950; notional = 52,475;
  //   units = floor(52,475 / 110) = floor(477.04...) = 477.
  // Bar 4 open 108: close long: sell 500 at 108, commission 0.001 * 500 * 108 = 54:
  //   cash = 49,950 + 54,000 - 54 = 103,896.
  // open short: sell 477 at 108, commission 0.001 * 477 * 108 = 51.516:
  //   cash = 103,896 + 51,516 - 51.516 = 155,360.484.
  // Equity point 4 = 155,360.484 - 477 * 101 = 155,360.484 - 48,177 = 107,183.484.
  // End: buy 477 at 98, commission 0.001 * 477 * 98 = 46.746:
  //   cash = 155,360.484 - 46,746 - 46.746 = 108,567.738.
  // Trade 1: pnl = (108 - 100) * 500 - 50 - 54 = 3,896; return = 3,896 / 50,000.
  // Trade 2: pnl = (98 - 108) * -477 - 51.516 - 46.746 = 4,770 - 98.262 = 4,671.738;
  //   return = 4,671.738 / (477 * 108) = 4,671.738 / 51,516.
  // Check: 100,000 + 3,896 + 4,671.738 = 108,567.738.
  const run = runScripted(bars, { 1: 1, 3: -1 }, { sizing: HALF_EQUITY, execution: { commission: { type: 'percent', pct: 0.1 } } });

  it('two fills at the same price, each with its own commission', () => {
    expect(run.fills).toHaveLength(4);
    checkFill(run.fills[1], { quantity: -500, price: 108, basePrice: 108, commission: 54, barIdx: 4, fillTime: startOf(4), reason: 'signal', opening: false });
    checkFill(run.fills[2], { quantity: -477, price: 108, basePrice: 108, commission: 51.516, barIdx: 4, fillTime: startOf(4), reason: 'signal', opening: true });
    checkFill(run.fills[3], { quantity: 477, price: 98, basePrice: 98, commission: 46.746, barIdx: 5, fillTime: closeOf(5), reason: 'end_of_data', opening: false });
  });

  it('trades, equity and cash', () => {
    expect(run.result.trades).toHaveLength(2);
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 500, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 108, commission: 104, pnl: 3896, returnPct: 3896 / 50_000, bars: 2, exitReason: 'signal',
    }, 'long trade');
    checkTrade(run.result.trades[1], {
      direction: 'short', quantity: 477, entryBarIdx: 4, entryTime: startOf(4), entryPrice: 108,
      exitBarIdx: 5, exitTime: closeOf(5), exitPrice: 98, commission: 98.262, pnl: 4671.738, returnPct: 4671.738 / 51_516, bars: 1, exitReason: 'end_of_data',
    }, 'short trade');
    checkEquity(run.result, { 2: 49_950 + 500 * 104, 4: 107_183.484, 5: 108_567.738 }); // point 2 = 101,950
    checkNear(run.result.cash, 108_567.738, 'final cash');
  });
});

describe('case 9: basis fill_price', () => {
  // 50% of equity at C2: notional = 50,000 (equity 100,000). Slippage 10 bps.
  // Fill price = O3 * 1.001 = 103 * 1.001 = 103.103.
  // units = floor(50,000 / 103.103) = floor(484.95...) = 484
  //   (484 * 103.103 = 49,901.852 <= 50,000 < 485 * 103.103 = 50,004.955).
  // cash = 100,000 - 49,901.852 = 50,098.148. Point 3 = 50,098.148 + 484 * 105 = 100,918.148.
  // End: sell at 107 * 0.999 = 106.893: cash = 50,098.148 + 484 * 106.893 = 50,098.148 + 51,736.212 = 101,834.36.
  // pnl = (106.893 - 103.103) * 484 = 3.79 * 484 = 1,834.36; return = 1,834.36 / 49,901.852.
  const run = runScripted(FIVE, { 2: 1 }, {
    sizing: { type: 'percent_equity', pct: 50, basis: 'fill_price' },
    execution: { slippage_bps: 10 },
  });

  it('sizes at the fill price after slippage', () => {
    checkFill(run.fills[0], { quantity: 484, price: 103.103, basePrice: 103, commission: 0, barIdx: 3, fillTime: startOf(3), reason: 'signal', opening: true });
    checkFill(run.fills[1], { quantity: -484, price: 106.893, basePrice: 107, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'end_of_data', opening: false });
    checkEquity(run.result, { 3: 100_918.148, 4: 101_834.36 });
    checkNear(run.result.cash, 101_834.36, 'final cash');
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 484, entryBarIdx: 3, entryTime: startOf(3), entryPrice: 103.103,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 106.893, commission: 0, pnl: 1834.36, returnPct: 1834.36 / 49_901.852, bars: 1, exitReason: 'end_of_data',
    });
  });

  it('basis signal_close with the same slippage sizes at the signal close instead', () => {
    // units = floor(50,000 / 101) = 495, bought at 103.103: cash = 100,000 - 51,035.985 = 48,964.015.
    const other = runScripted(FIVE, { 2: 1 }, { sizing: HALF_EQUITY, execution: { slippage_bps: 10 } });
    expect(other.fills[0].quantity).toBe(495);
    checkNear(other.fills[0].price, 103.103, 'fill price');
    checkEquity(other.result, { 3: 48_964.015 + 495 * 105 }); // = 100,939.015
  });
});

describe('sizing: percent_cash and zero units', () => {
  it('percent_cash sizes from cash, not equity', () => {
    // signal_close fills. Long at C1 = 100: cash 100,000 -> notional 50,000 -> 500 units;
    // cash after the entry = 100,000 - 500 * 100 = 50,000.
    // Reverse to short at C3 = 110: sized at the signal, before the closing leg fills, from
    // cash = 50,000 -> notional = 25,000 -> units = floor(25,000 / 110) = floor(227.27) = 227.
    // (percent_equity would use equity 50,000 + 500 * 110 = 105,000 -> floor(52,500 / 110) = 477.)
    // Fills: +500 @100, -500 @110, -227 @110, end-of-data +227 @110.
    const bars: Ohlc[] = [flat(100), flat(100), flat(100), flat(110), flat(110)];
    const run = runScripted(bars, { 1: 1, 3: -1 }, {
      sizing: { type: 'percent_cash', pct: 50 },
      execution: { fill: 'signal_close' },
    });
    expect(run.fills.map((f) => f.quantity)).toEqual([500, -500, -227, 227]);
  });

  it('a size that rounds to zero units is rejected', () => {
    // 0.05% of 100,000 = 50 < one unit at 100 -> 0 units -> ORDER_REJECTED, no fill.
    const run = runScripted([flat(100), flat(100), flat(100), flat(100)], { 1: 1 }, { sizing: { type: 'percent_equity', pct: 0.05 } });
    expect(run.fills).toEqual([]);
    expect(run.rejections).toHaveLength(1);
    expect(run.result.rejectedOrders).toBe(1);
    checkNear(run.result.cash, 100_000, 'cash');
  });
});

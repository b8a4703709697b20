/**
 * Hand-computed stop-loss and take-profit fills (docs/semantics.md, "Fill prices"):
 * levels from the entry fill price, gap-aware fills (at the open when the bar opens through
 * the level, else at the level), slippage on stops but not on take-profits, stop before
 * take-profit when one bar reaches both, the entry bar of a next-open entry checked after
 * the open, and no re-entry on the same signal after a stop.
 *
 * Every case: fixed_quantity 100, no commission, signal at bar 1's close (C1 = 100), entry at
 * bar 2's open O2 = 100 (time startOf(2)); initial cash 100,000.
 */
import { describe, expect, it } from 'vitest';
import { checkFill, checkNear, checkTrade, closeOf, flat, runScripted, startOf, type Ohlc } from './helpers/scripted.ts';

const HUNDRED = { type: 'fixed_quantity', quantity: 100 };

/** Bars 0..3 that trigger nothing for a long entered at about 100 with a 5% stop / 10% target. */
const LONG_LEAD: Ohlc[] = [
  flat(100), // 0
  flat(100), // 1  signal
  { open: 100, high: 101, low: 98, close: 99 }, // 2  entry at the open
  { open: 97, high: 98, low: 96, close: 97 }, // 3
];
/** Mirror for a short entered at about 100 with a 5% stop / 10% target. */
const SHORT_LEAD: Ohlc[] = [
  flat(100), // 0
  flat(100), // 1  signal
  { open: 100, high: 102, low: 99, close: 101 }, // 2  entry at the open
  { open: 102, high: 104, low: 101, close: 103 }, // 3
];

describe('long stop-loss', () => {
  it('a gap through the stop fills at the open, with slippage', () => {
    // Slippage 10 bps. Entry: buy at 100 * 1.001 = 100.1 -> cash = 100,000 - 10,010 = 89,990.
    // Stop level = 100.1 * (1 - 5/100) = 100.1 * 0.95 = 95.095.
    // Bars 2 (low 98) and 3 (low 96) stay above 95.095.
    // Bar 4 opens at 93 <= 95.095: fills at the open 93, then slippage: 93 * 0.999 = 92.907,
    // at time startOf(4) (an open fill).
    // cash = 89,990 + 100 * 92.907 = 89,990 + 9,290.7 = 99,280.7.
    // pnl = (92.907 - 100.1) * 100 = -719.3; return = -719.3 / 10,010.
    const bars = [...LONG_LEAD, { open: 93, high: 94, low: 90, close: 92 }, flat(92), flat(95)];
    const run = runScripted(bars, { 1: 1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5 }, execution: { slippage_bps: 10 } });
    expect(run.fills).toHaveLength(2); // no re-entry: the signal stays long but does not change
    checkFill(run.fills[1], { quantity: -100, price: 92.907, basePrice: 93, commission: 0, barIdx: 4, fillTime: startOf(4), reason: 'stop_loss', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100.1,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 92.907, commission: 0, pnl: -719.3, returnPct: -719.3 / 10_010, bars: 2, exitReason: 'stop_loss',
    });
    checkNear(run.result.cash, 99_280.7, 'final cash');
    expect(run.result.equity.exposed[4]).toBe(0);
  });

  it('a low crossing the stop without a gap fills at the stop level; no re-entry until the script changes', () => {
    // No slippage: entry 100, stop = 95. Bar 4 opens at 96 > 95, low 94 <= 95: fills at 95,
    // at bar 4's close time (an intrabar stop). pnl = (95 - 100) * 100 = -500; cash 99,500.
    // The signal stays long (bars 5, 6: no fill). Script: flat at bar 6 (no order: already
    // flat), long again at bar 7 -> buy 100 at O8 = 98; end of data: sell at C9 = 100.
    // Second trade pnl = (100 - 98) * 100 = 200; final cash = 99,500 + 200 = 99,700.
    const bars = [
      ...LONG_LEAD,
      { open: 96, high: 97, low: 94, close: 95.5 }, // 4  stop at 95
      flat(95), // 5
      flat(96), // 6  script 0
      flat(97), // 7  script 1
      { open: 98, high: 99, low: 98, close: 99 }, // 8  re-entry at 98
      flat(100), // 9  end of data
    ];
    const run = runScripted(bars, { 1: 1, 6: 0, 7: 1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5 } });
    expect(run.fills.map((f) => [f.barIdx, f.quantity, f.reason])).toEqual([
      [2, 100, 'signal'], [4, -100, 'stop_loss'], [8, 100, 'signal'], [9, -100, 'end_of_data'],
    ]);
    checkFill(run.fills[1], { quantity: -100, price: 95, basePrice: 95, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'stop_loss', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 95, commission: 0, pnl: -500, returnPct: -500 / 10_000, bars: 2, exitReason: 'stop_loss',
    }, 'stopped trade');
    checkTrade(run.result.trades[1], {
      direction: 'long', quantity: 100, entryBarIdx: 8, entryTime: startOf(8), entryPrice: 98,
      exitBarIdx: 9, exitTime: closeOf(9), exitPrice: 100, commission: 0, pnl: 200, returnPct: 200 / 9800, bars: 1, exitReason: 'end_of_data',
    }, 'second trade');
    expect(Array.from(run.result.equity.exposed)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 1, 0]);
    // Points 4..7: flat with 99,500 cash.
    for (const i of [4, 5, 6, 7]) checkNear(run.result.equity.equity[i], 99_500, `equity[${i}]`);
    checkNear(run.result.cash, 99_700, 'final cash');
  });

  it('the entry bar of a next-open entry is checked after the open', () => {
    // Entry at O2 = 100, stop 95; bar 2's low 94 <= 95 (open 100 > 95): stopped at 95 on bar 2,
    // time closeOf(2). pnl = -500; bars = 2 - 2 = 0.
    const bars = [flat(100), flat(100), { open: 100, high: 101, low: 94, close: 96 }, flat(96)];
    const run = runScripted(bars, { 1: 1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5 } });
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 2, exitTime: closeOf(2), exitPrice: 95, commission: 0, pnl: -500, returnPct: -0.05, bars: 0, exitReason: 'stop_loss',
    });
    expect(run.fills).toHaveLength(2);
    checkNear(run.result.cash, 99_500, 'final cash');
  });
});

describe('short stop-loss', () => {
  it('a gap through the stop fills at the open, with slippage', () => {
    // Slippage 10 bps. Entry: sell at 100 * 0.999 = 99.9 -> cash = 100,000 + 9,990 = 109,990.
    // Stop level = 99.9 * 1.05 = 104.895. Bars 2 (high 102) and 3 (high 104) stay below.
    // Bar 4 opens at 107 >= 104.895: buy back at 107 * 1.001 = 107.107, time startOf(4).
    // cash = 109,990 - 10,710.7 = 99,279.3; pnl = (107.107 - 99.9) * -100 = -720.7;
    // return = -720.7 / 9,990.
    const bars = [...SHORT_LEAD, { open: 107, high: 110, low: 106, close: 108 }, flat(108)];
    const run = runScripted(bars, { 1: -1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5 }, execution: { slippage_bps: 10 } });
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[0], { quantity: -100, price: 99.9, basePrice: 100, commission: 0, barIdx: 2, fillTime: startOf(2), reason: 'signal', opening: true });
    checkFill(run.fills[1], { quantity: 100, price: 107.107, basePrice: 107, commission: 0, barIdx: 4, fillTime: startOf(4), reason: 'stop_loss', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'short', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 99.9,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 107.107, commission: 0, pnl: -720.7, returnPct: -720.7 / 9990, bars: 2, exitReason: 'stop_loss',
    });
    checkNear(run.result.cash, 99_279.3, 'final cash');
  });

  it('a high crossing the stop without a gap fills at the stop level', () => {
    // No slippage: entry 100, stop 105. Bar 4 opens 103 < 105, high 106 >= 105: buy at 105,
    // time closeOf(4). pnl = (105 - 100) * -100 = -500; cash = 110,000 - 10,500 = 99,500.
    const bars = [...SHORT_LEAD, { open: 103, high: 106, low: 102, close: 104 }, flat(104)];
    const run = runScripted(bars, { 1: -1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5 } });
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[1], { quantity: 100, price: 105, basePrice: 105, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'stop_loss', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'short', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 105, commission: 0, pnl: -500, returnPct: -0.05, bars: 2, exitReason: 'stop_loss',
    });
    checkNear(run.result.cash, 99_500, 'final cash');
  });
});

describe('take-profit (limit fills: no slippage)', () => {
  // Long with slippage 10 bps: entry 100.1 (cash 89,990), level = 100.1 * 1.10 = 110.11.
  // LONG_LEAD highs (101, 98) stay below 110.11; the lows (98, 96) stay above the 5% stop
  // 95.095 when one is set.
  it('long, without a gap: fills at the level', () => {
    // Bar 4: open 108 < 110.11, high 112 >= 110.11 -> sell at 110.11 (no slippage), closeOf(4).
    // pnl = (110.11 - 100.1) * 100 = 1,001; return = 1,001 / 10,010 = 0.1; cash = 89,990 + 11,011 = 101,001.
    const bars = [...LONG_LEAD, { open: 108, high: 112, low: 107, close: 109 }, flat(109)];
    const run = runScripted(bars, { 1: 1 }, { sizing: HUNDRED, risk: { take_profit_pct: 10 }, execution: { slippage_bps: 10 } });
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[1], { quantity: -100, price: 110.11, basePrice: 110.11, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'take_profit', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100.1,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 110.11, commission: 0, pnl: 1001, returnPct: 0.1, bars: 2, exitReason: 'take_profit',
    });
    checkNear(run.result.cash, 101_001, 'final cash');
  });

  it('long, with a gap: fills at the open', () => {
    // Bar 4 opens at 113 >= 110.11 -> sell at 113 (no slippage), time startOf(4).
    // pnl = (113 - 100.1) * 100 = 1,290; return = 1,290 / 10,010; cash = 89,990 + 11,300 = 101,290.
    const bars = [...LONG_LEAD, { open: 113, high: 115, low: 112, close: 114 }, flat(114)];
    const run = runScripted(bars, { 1: 1 }, { sizing: HUNDRED, risk: { take_profit_pct: 10 }, execution: { slippage_bps: 10 } });
    checkFill(run.fills[1], { quantity: -100, price: 113, basePrice: 113, commission: 0, barIdx: 4, fillTime: startOf(4), reason: 'take_profit', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100.1,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 113, commission: 0, pnl: 1290, returnPct: 1290 / 10_010, bars: 2, exitReason: 'take_profit',
    });
    checkNear(run.result.cash, 101_290, 'final cash');
  });

  it('short, without a gap: fills at the level', () => {
    // No slippage: entry 100 (cash 110,000), level = 100 * 0.90 = 90. SHORT_LEAD lows 99, 101.
    // Bar 4: open 92 > 90, low 89 <= 90 -> buy at 90, closeOf(4). pnl = (90 - 100) * -100 = 1,000;
    // cash = 110,000 - 9,000 = 101,000.
    const bars = [...SHORT_LEAD, { open: 92, high: 93, low: 89, close: 91 }, flat(91)];
    const run = runScripted(bars, { 1: -1 }, { sizing: HUNDRED, risk: { take_profit_pct: 10 } });
    checkFill(run.fills[1], { quantity: 100, price: 90, basePrice: 90, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'take_profit', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'short', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 90, commission: 0, pnl: 1000, returnPct: 0.1, bars: 2, exitReason: 'take_profit',
    });
    checkNear(run.result.cash, 101_000, 'final cash');
  });

  it('short, with a gap: fills at the open (no slippage even when slippage is set)', () => {
    // Slippage 10 bps: entry sell at 99.9 (cash 109,990), level = 99.9 * 0.9 = 89.91.
    // Bar 4 opens at 88 <= 89.91 -> buy at 88 exactly, startOf(4).
    // pnl = (88 - 99.9) * -100 = 1,190; return = 1,190 / 9,990; cash = 109,990 - 8,800 = 101,190.
    const bars = [...SHORT_LEAD, { open: 88, high: 89, low: 86, close: 87 }, flat(87)];
    const run = runScripted(bars, { 1: -1 }, { sizing: HUNDRED, risk: { take_profit_pct: 10 }, execution: { slippage_bps: 10 } });
    checkFill(run.fills[1], { quantity: 100, price: 88, basePrice: 88, commission: 0, barIdx: 4, fillTime: startOf(4), reason: 'take_profit', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'short', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 99.9,
      exitBarIdx: 4, exitTime: startOf(4), exitPrice: 88, commission: 0, pnl: 1190, returnPct: 1190 / 9990, bars: 2, exitReason: 'take_profit',
    });
    checkNear(run.result.cash, 101_190, 'final cash');
  });
});

describe('a bar reaching both the stop and the take-profit', () => {
  it('long: the stop wins', () => {
    // Entry 100, stop 5% = 95, target 5% = 105. Bars 2, 3 stay inside (98..101, 97..99).
    // Bar 4: open 100, high 106 >= 105 and low 94 <= 95 -> stop at 95 (closeOf(4)); pnl -500.
    const bars = [
      flat(100), flat(100),
      { open: 100, high: 101, low: 98, close: 99 },
      { open: 98, high: 99, low: 97, close: 98 },
      { open: 100, high: 106, low: 94, close: 100 },
      flat(100),
    ];
    const run = runScripted(bars, { 1: 1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5, take_profit_pct: 5 } });
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[1], { quantity: -100, price: 95, basePrice: 95, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'stop_loss', opening: false });
    expect(run.result.trades[0].exitReason).toBe('stop_loss');
    checkNear(run.result.trades[0].pnl, -500, 'pnl');
    checkNear(run.result.cash, 99_500, 'final cash');
  });

  it('short: the stop wins', () => {
    // Entry 100 (sell), stop 105, target 95. Bar 4: high 106 >= 105 and low 94 <= 95 -> stop at 105.
    const bars = [
      flat(100), flat(100),
      { open: 100, high: 101, low: 99, close: 100 },
      { open: 100, high: 102, low: 99, close: 101 },
      { open: 100, high: 106, low: 94, close: 100 },
      flat(100),
    ];
    const run = runScripted(bars, { 1: -1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5, take_profit_pct: 5 } });
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[1], { quantity: 100, price: 105, basePrice: 105, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'stop_loss', opening: false });
    checkNear(run.result.trades[0].pnl, -500, 'pnl');
    checkNear(run.result.cash, 99_500, 'final cash');
  });
});

describe('stop with commission', () => {
  it('charges commission on the stop fill and counts both commissions in the pnl', () => {
    // Percent commission 0.1%, no slippage. Entry 100 x 100: commission 10; cash = 89,990.
    // Stop 95 (no gap, bar 4 as in the long no-gap case): commission = 0.001 * 100 * 95 = 9.5;
    // cash = 89,990 + 9,500 - 9.5 = 99,480.5. pnl = -500 - 10 - 9.5 = -519.5; return = -519.5 / 10,000.
    const bars = [...LONG_LEAD, { open: 96, high: 97, low: 94, close: 95.5 }, flat(95)];
    const run = runScripted(bars, { 1: 1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5 }, execution: { commission: { type: 'percent', pct: 0.1 } } });
    checkFill(run.fills[1], { quantity: -100, price: 95, basePrice: 95, commission: 9.5, barIdx: 4, fillTime: closeOf(4), reason: 'stop_loss', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 4, exitTime: closeOf(4), exitPrice: 95, commission: 19.5, pnl: -519.5, returnPct: -519.5 / 10_000, bars: 2, exitReason: 'stop_loss',
    });
    checkNear(run.result.cash, 99_480.5, 'final cash');
  });
});

describe('stop checks and signal_close entries', () => {
  it('a position entered at a bar close is not checked against that same bar range', () => {
    // fill: signal_close. Signal at bar 2's close: buy 100 at C2 = 100 (entry time closeOf(2)).
    // Stop 5% -> 95. Bar 2's own low is 90: it traded before the entry, so it must not stop
    // the position. Bar 3 (low 96) does not reach 95; bar 4 (open 97, low 94) does: fills
    // at the level 95 at closeOf(4). pnl = (95 - 100) * 100 = -500.
    const bars: Ohlc[] = [
      flat(100), // 0
      flat(100), // 1
      { open: 100, high: 101, low: 90, close: 100 }, // 2  signal + entry at the close
      { open: 99, high: 100, low: 96, close: 98 }, // 3
      { open: 97, high: 98, low: 94, close: 96 }, // 4  stop at 95
      flat(96), // 5
    ];
    const run = runScripted(bars, { 2: 1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5 }, execution: { fill: 'signal_close' } });
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[0], { quantity: 100, price: 100, basePrice: 100, commission: 0, barIdx: 2, fillTime: closeOf(2), reason: 'signal', opening: true });
    checkFill(run.fills[1], { quantity: -100, price: 95, basePrice: 95, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'stop_loss', opening: false });
    checkNear(run.result.trades[0].pnl, -500, 'pnl');
  });
});

describe('trailing stop (risk.trailing_stop_pct)', () => {
  it('long: the level follows the highest high of the bars survived, from the bar before; a crossing fills at the level', () => {
    // Entry at O2 = 100; trail 10%: level starts at 100 * 0.9 = 90.
    // Bar 2 (high 101, low 98): 98 > 90 survives; best = 101 -> level 90.9.
    // Bar 3 (high 110, low 100): 100 > 90.9 survives; best = 110 -> level 99.
    // Bar 4 (open 105, high 120, low 99.5): level 99 (from bars before), low 99.5 > 99 survives
    //   although its own high would have put the level at 108; best = 120 -> level 108.
    // Bar 5 (open 112, high 113, low 107): 107 <= 108 and the open 112 > 108: fills at 108,
    //   at bar 5's close time (intrabar). pnl = (108 - 100) * 100 = 800.
    const bars = [
      ...LONG_LEAD.slice(0, 3),
      { open: 101, high: 110, low: 100, close: 109 }, // 3
      { open: 105, high: 120, low: 99.5, close: 119 }, // 4
      { open: 112, high: 113, low: 107, close: 108 }, // 5  trailing stop at 108
      flat(108), // 6
    ];
    const run = runScripted(bars, { 1: 1 }, { sizing: HUNDRED, risk: { trailing_stop_pct: 10 } });
    expect(run.fills).toHaveLength(2);
    checkFill(run.fills[1], { quantity: -100, price: 108, basePrice: 108, commission: 0, barIdx: 5, fillTime: closeOf(5), reason: 'trailing_stop', opening: false });
    checkTrade(run.result.trades[0], {
      direction: 'long', quantity: 100, entryBarIdx: 2, entryTime: startOf(2), entryPrice: 100,
      exitBarIdx: 5, exitTime: closeOf(5), exitPrice: 108, commission: 0, pnl: 800, returnPct: 0.08, bars: 3, exitReason: 'trailing_stop',
    });
  });

  it('short, gap through the level: fills at the open with slippage', () => {
    // Slippage 10 bps: sell at 100 * 0.999 = 99.9; trail 5%: level 99.9 * 1.05 = 104.895.
    // Bar 2 (high 102, low 99): survives; best = 99 -> level 103.95.
    // Bar 3 (high 98, low 90): survives; best = 90 -> level 94.5.
    // Bar 4 opens at 96 >= 94.5: fills at the open 96, buy with slippage 96 * 1.001 = 96.096,
    //   at startOf(4). pnl = (99.9 - 96.096) * 100 = 380.4.
    const bars = [
      ...SHORT_LEAD.slice(0, 2),
      { open: 100, high: 102, low: 99, close: 99 }, // 2  entry at the open
      { open: 97, high: 98, low: 90, close: 91 }, // 3
      { open: 96, high: 97, low: 95, close: 96 }, // 4  gap through 94.5
      flat(96), // 5
    ];
    const run = runScripted(bars, { 1: -1 }, { sizing: HUNDRED, risk: { trailing_stop_pct: 5 }, execution: { slippage_bps: 10 } });
    checkFill(run.fills[1], { quantity: 100, price: 96.096, basePrice: 96, commission: 0, barIdx: 4, fillTime: startOf(4), reason: 'trailing_stop', opening: false });
    checkNear(run.result.trades[0].pnl, 380.4, 'pnl');
  });

  it('with a fixed stop too, the tighter level applies and names the exit', () => {
    // Entry 100, fixed stop 5% -> 95, trail 8% from best. Bar 2 best 101 -> trail 92.92 < 95:
    // the fixed stop is tighter. Bar 3 (low 96) survives, best 101. Bar 4 (open 96, low 94.5):
    // level max(95, 92.92) = 95 -> stop_loss at 95.
    const bars = [...LONG_LEAD, { open: 96, high: 96, low: 94.5, close: 95 }, flat(95)];
    const run = runScripted(bars, { 1: 1 }, { sizing: HUNDRED, risk: { stop_loss_pct: 5, trailing_stop_pct: 8 } });
    checkFill(run.fills[1], { quantity: -100, price: 95, basePrice: 95, commission: 0, barIdx: 4, fillTime: closeOf(4), reason: 'stop_loss', opening: false });
  });
});

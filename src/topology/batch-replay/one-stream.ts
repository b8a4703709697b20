/**
 * The batch simulator's one-stream path: a portfolio of one strategy on one stream, with no
 * regime filter and no price exits (simulate-portfolio.ts decides; 96 of the bench store's 100
 * portfolios), simulated with its one sub-position's state in local variables.
 *
 * The rules are the general path's (PortfolioSimulator: onSignal, the next_open queue,
 * openingSize, execute, fill, markPrice, endOfData), step for step, with the same
 * floating-point operations in the same order, for one sub-position: no merge of sources, no
 * scan of streams or of open positions, no queue, and no per-slot arrays. What makes it worth
 * a second implementation: the general path keeps a sub-position's state in typed arrays
 * indexed by slot and its moment in object fields (a double argument of a method V8 does not
 * inline is boxed, so execute and fill take theirs through fields), and reading and writing
 * those was most of its time; here they are registers. Simulating the bench store's 100
 * portfolios (96 on this path), minimum of 30 rounds: 16.0-17.2 -> 11.7-13.5 ms over three
 * interleaved pairs (the general path's one-stream loop, which called its shared methods, vs
 * this function); with the one-count FillLedger too, medians 15.7-16.2 -> 8.4-9.5 ms.
 *
 * Kept in step with the general path by a differential property test
 * (test/signals/batch-replay-one-stream.test.ts: identical trades, curves, cash, rejected
 * orders, counters and metrics for random strategies, sizing, caps, costs, fill timings,
 * buying-power modes, close_at_end and windows, plus a hand-built superseded order) and by the
 * replay-equals-backtest properties against the event-driven engine.
 */
import { affordableQuantity, type Commission } from '../../execution/config.ts';
import type { FillLedger } from '../../portfolio/fill-ledger.ts';
import type { TradeColumns } from '../../portfolio/trade-columns.ts';
import { costOf, END_OF_DATA, FIXED_QUANTITY, PERCENT_EQUITY, SIGNAL } from './codes.ts';
import type { StrategySignals } from './replay-rows.ts';

/** What the one-stream path reads of a portfolio's settings and of its stream. */
export interface OneStreamSetup {
  /** The run stream index the strategy trades, and that stream's bars: closes, starts, timeframe. */
  readonly stream: number;
  readonly close: Float64Array;
  readonly start: Float64Array;
  readonly timeframeMs: number;
  readonly initialCash: number;
  readonly closeAtEnd: boolean;
  readonly firstActivePos: number;
  readonly lastTick: number;
  readonly sizingType: number;
  readonly sizingQuantity: number;
  readonly sizingPct: number;
  readonly sizingOnFillPrice: boolean;
  readonly sizingFractional: boolean;
  readonly maxPositionPct: number | undefined;
  readonly maxGrossPct: number | undefined;
  readonly fillAtClose: boolean;
  readonly commission: Commission;
  readonly commissionType: number;
  readonly commissionRate: number;
  readonly commissionMin: number;
  readonly slipBuy: number;
  readonly slipSell: number;
  readonly resize: boolean;
}

/** The counters a run ends with (its trades and fills are in the books it was given). */
export interface OneStreamOutcome {
  readonly cash: number;
  readonly rejected: number;
  readonly signalsReceived: number;
  readonly fillsReceived: number;
}

/**
 * Simulates the portfolio over `src`'s signals, booking its trades into `trades` and its fills
 * into `ledger`. One function, with no closures: a local double captured by a closure lives in
 * a heap context and is boxed on every write.
 */
export function simulateOneStream(o: OneStreamSetup, src: StrategySignals, trades: TradeColumns, ledger: FillLedger): OneStreamOutcome {
  const { close, start, stream: s, commission, commissionType, commissionRate, commissionMin, slipBuy, slipSell } = o;
  // the run's counters and cash
  let cash = o.initialCash;
  let orderSeq = 0;
  let rejected = 0;
  let signalsReceived = 0;
  let fillsReceived = 0;
  // the sub-position: signed units held (0: none), its entry, its projected direction and latest order
  let held = 0;
  let entryPrice = 0;
  let entryCommission = 0;
  let entryTime = 0;
  let entryBarIdx = 0;
  let projected = 0;
  let latestOrder = 0;
  // its order waiting for the next bar (next_open), and that bar
  let pending = false;
  let pendingTarget = 0;
  let pendingNotional = false;
  let pendingAmount = 0;
  let pendingFractional = false;
  let pendingOrderId = 0;
  let nextBar = 0;
  let nextPos = Infinity;
  let nextTick = 0;
  let nextOpen = 0;
  let nextStart = 0;
  // the tick of the moment (the ledger's)
  let tick = 0;
  // the order being executed: target, sizing, id, reason, bar, base price and time
  let target = 0;
  let notional = false;
  let amount = 0;
  let fractional = false;
  let orderId = 0;
  let reason = SIGNAL;
  let barIdx = 0;
  let fillBase = 0;
  let fillTime = 0;

  for (let k = 0, n = src.count; k <= n; k++) {
    // advance: the order waiting for its bar fills at that bar's open (at the end of the data:
    // the one waiting for a bar that exists)
    const at = k < n ? src.at[k] : Infinity;
    let execute = false;
    if (pending && nextPos <= at && nextPos !== Infinity) {
      barIdx = nextBar;
      tick = nextTick;
      nextPos = Infinity;
      pending = false;
      fillBase = nextOpen;
      fillTime = nextStart;
      target = pendingTarget;
      notional = pendingNotional;
      amount = pendingAmount;
      fractional = pendingFractional;
      orderId = pendingOrderId;
      reason = SIGNAL;
      execute = true;
    }
    // the stored signal k, unless an order executes first (then it comes round again: the
    // loop's next pass takes signal k with nothing waiting)
    if (!execute && k < n) {
      tick = src.tick[k];
      if (at < o.firstActivePos) continue;
      signalsReceived++;
      const r = k; // one row per signal
      const value = src.value[r];
      const weight = src.weight[r];
      // The price board: the only moment a sub-position is valued is a signal (sizing's equity),
      // where the board's bar is that signal's mark, so the general path's board (and its
      // search at a fill's moment) is one read here; buying power is asked with nothing held (a
      // held position closes first).
      const boardClose = src.markClose[r];
      // (no regime filter: every signal may open)
      const wanted = value === 0 || weight === 0 ? 0 : value * Math.sign(weight);
      if (wanted === projected) continue;
      const id = ++orderSeq;
      if (wanted === 0) {
        notional = false;
        amount = 0;
        fractional = false;
      } else {
        // openingSize: the leg's price, its share of the signal's weights (one row: |w| / (0 + |w|)) and its weight's size
        const price = src.price[r];
        const share = Math.abs(weight) / Math.abs(weight);
        const legWeight = Math.abs(weight);
        // equityNow
        let equity = cash;
        if (held !== 0) equity += held * (boardClose === boardClose ? boardClose : entryPrice);
        const cap = o.maxPositionPct === undefined ? Infinity : (o.maxPositionPct / 100) * equity;
        let size: number;
        if (o.sizingType === FIXED_QUANTITY) {
          const whole = Number.isInteger(o.sizingQuantity * legWeight);
          let quantity = o.sizingQuantity * legWeight;
          if (quantity * price > cap) quantity = whole ? Math.floor(cap / price) : cap / price;
          notional = false;
          amount = quantity;
          fractional = false;
          size = quantity * price;
        } else {
          const base = o.sizingType === PERCENT_EQUITY ? equity : cash;
          size = Math.min((o.sizingPct / 100) * base * share, cap);
          fractional = o.sizingFractional;
          if (o.sizingOnFillPrice) {
            notional = true;
            amount = size;
          } else {
            notional = false;
            amount = o.sizingFractional ? size / price : Math.floor(size / price);
          }
        }
        let refused = (!notional && !(amount > 0)) || !(size > 0);
        if (!refused && o.maxGrossPct !== undefined) {
          // the other open sub-positions' gross: there are none
          const gross = 0;
          const limit = (o.maxGrossPct / 100) * equity;
          refused = gross + size > limit + 1e-9;
        }
        if (refused) {
          rejected++;
          continue;
        }
      }
      latestOrder = id;
      projected = wanted;
      const m = src.mark[r];
      if (!o.fillAtClose) {
        // enqueue: a newer order supersedes the waiting one, and the queue then waits for this row's next bar
        if (pending) rejected++;
        nextBar = m + 1;
        nextPos = src.fillPos[r];
        nextTick = src.fillTick[r];
        nextOpen = src.fillOpen[r];
        nextStart = src.fillStart[r];
        pending = true;
        pendingTarget = wanted;
        pendingNotional = notional;
        pendingAmount = amount;
        pendingFractional = fractional;
        pendingOrderId = id;
        continue;
      }
      barIdx = m;
      fillBase = close[m];
      fillTime = start[m] + o.timeframeMs;
      target = wanted;
      orderId = id;
      reason = SIGNAL;
    } else if (!execute) {
      // endOfData: the order still waiting is rejected (its bar never came), then with
      // close_at_end the position closes at the stream's last close (this pass is the last:
      // k is n, and the loop ends after it)
      tick = o.lastTick;
      // (the general path's reject also resets the projected direction: nothing reads it after)
      if (pending) {
        pending = false;
        rejected++;
      }
      if (!o.closeAtEnd || held === 0) break;
      const last = close.length - 1;
      orderId = ++orderSeq;
      latestOrder = orderId;
      projected = 0;
      fillBase = close[last];
      fillTime = start[last] + o.timeframeMs;
      target = 0;
      notional = false;
      amount = 0;
      fractional = false;
      reason = END_OF_DATA;
      barIdx = last;
    } else {
      // the fill takes this pass; signal k comes on the next
      k--;
    }

    // ---- execute: bring the sub-position to `target` at fillBase: close what is held, then open ----
    const direction = Math.sign(held);
    if (target === direction) continue;
    // (no take-profit here: every fill gets slippage)
    if (held !== 0) {
      const price = fillBase * (direction > 0 ? slipSell : slipBuy);
      const fee = costOf(commissionType, commissionRate, commissionMin, held, price);
      const quantity = -held;
      // fill (closing)
      fillsReceived++;
      cash -= quantity * price + fee;
      const total = entryCommission + fee;
      const pnl = (price - entryPrice) * held - total;
      trades.push(0, s, held > 0, Math.abs(held), entryTime, entryBarIdx, entryPrice, fillTime, barIdx, price, total, pnl, pnl / (Math.abs(held) * entryPrice), reason);
      if (reason !== SIGNAL) projected = 0;
      held = 0;
      ledger.record(tick, s, quantity, cash, 0);
    }
    if (target === 0) continue;
    const price = fillBase * (target > 0 ? slipBuy : slipSell);
    let units = !notional ? amount : fractional ? amount / price : Math.floor(amount / price);
    const isFractional = notional ? fractional : !Number.isInteger(units);
    // buyingPower: nothing is held now (a held position was closed above)
    const net = 0;
    const gross = 0;
    const power = cash + net - gross;
    const cost = units * price + costOf(commissionType, commissionRate, commissionMin, units, price);
    let refused = false;
    if (cost > power + 1e-9) {
      const affordable = affordableQuantity(commission, price, power, isFractional);
      if (!o.resize || affordable <= 0) refused = true;
      else units = affordable;
    }
    if (refused || !(units > 0)) {
      rejected++;
      if (latestOrder === orderId) projected = Math.sign(held);
      continue;
    }
    const quantity = target * units;
    const fee = costOf(commissionType, commissionRate, commissionMin, quantity, price);
    // fill (opening)
    fillsReceived++;
    cash -= quantity * price + fee;
    held = quantity;
    entryPrice = price;
    entryCommission = fee;
    entryTime = fillTime;
    entryBarIdx = barIdx;
    ledger.record(tick, s, quantity, cash, 1);
  }
  return { cash, rejected, signalsReceived, fillsReceived };
}

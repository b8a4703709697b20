/**
 * One portfolio of a signal replay, simulated directly: the portfolio container's rules
 * (sizing, risk, regime filter, trades, fill ledger) and the simulated broker's (target
 * orders, next_open queue with superseding, signal_close fills, gap-aware stops, buying
 * power, reject/resize, end of data) in one object over typed arrays, with no bus, events or
 * containers. Portfolios never interact in the event-driven graph (the broker's queues and
 * the price board are shared, but nothing one portfolio does changes another's numbers), so
 * each is simulated alone, visiting only what can change it, in schedule order:
 *
 * - at a bar with orders waiting for it: the open fills, valued before the bar's close is
 *   marked (position p, exclusive marks);
 * - on the bars of a stream where it holds a position and has stops: the stop checks
 *   (scanned in a tight loop over the bar ranges, up to the next thing that can change the
 *   stream);
 * - at the end of a tick with its rows: the regime change of its filter's classifier, then its
 *   strategies' signals in the plan's order (what the replay container publishes), with
 *   signal_close orders filled at once.
 *
 * Every floating-point operation is the event path's, in the same order (cash -= q*p + c,
 * sums over the positions in opening order, the same sizing expressions), so the results are
 * identical to the bit. docs/semantics.md is the spec; the event-driven code it mirrors is
 * src/containers/portfolio-container.ts and src/containers/execution-container.ts.
 */
import type { BarSeries } from '../../data/bar-series.ts';
import { affordableQuantity, type Commission, type ExecutionConfig } from '../../execution/config.ts';
import { hasPriceExits, stopLevel, type PortfolioConfig } from '../../portfolio/config.ts';
import { FillLedger } from '../../portfolio/fill-ledger.ts';
import type { Trade } from '../../portfolio/trade.ts';
import { TradeColumns } from '../../portfolio/trade-columns.ts';
import type { ClassifierChanges, IndexedReplayRows, StrategySignals } from './replay-rows.ts';
import { BatchReplayInputError } from './errors.ts';
import { lastBarAt, type Timeline } from './timeline.ts';
import { simulateOneStream } from './one-stream.ts';
import { firstTickFrom } from '../window.ts';
import { COMMISSION_FIXED, COMMISSION_NONE, COMMISSION_PER_UNIT, COMMISSION_PERCENT, costOf, END_OF_DATA, FIXED_QUANTITY, PERCENT_CASH, PERCENT_EQUITY, SIGNAL, STOP_LOSS, TAKE_PROFIT, TRAILING_STOP } from './codes.ts';

/** The one-stream path (runOneStream) on: off only in the tests that compare it with the general path. */
let ONE_STREAM_PATH = true;
/** For tests: runs every portfolio on the general path (false) or lets eligible ones take the one-stream path (true). */
export function useOneStreamPath(on: boolean): void {
  ONE_STREAM_PATH = on;
}
let oneStreamRuns = 0;
/** For tests: how many portfolios the one-stream path has simulated in this process. */
export const oneStreamPathRuns = (): number => oneStreamRuns;

export interface SimulatedPortfolio {
  readonly cash: number;
  /** Its closed trades as columns (what the metrics read). */
  readonly tradeColumns: TradeColumns;
  /** Its closed trades as Trade objects, built on each call (only for callers that want objects). */
  trades(): Trade[];
  readonly ledger: FillLedger;
  readonly rejectedOrders: number;
  readonly signalsReceived: number;
  readonly fillsReceived: number;
}

/** Where a portfolio's stored rows come from: one strategy (delivered `times` times per signal) or its filter's classifier. */
interface Source {
  readonly at: Int32Array;
  readonly tick: Int32Array;
  readonly count: number;
  readonly strategy: StrategySignals | null;
  readonly classifier: ClassifierChanges | null;
  readonly local: number;
  readonly times: number;
}

/**
 * One simulator, stripped, kept from one run to the next. V8 keeps a class's instance shapes
 * (maps) only while some object has them: map transitions are weak. When a replay ends, all
 * its simulators (and their trade and fill books) die, and the next full collection (the idle
 * one of a long-lived process, such as the UI's, or a forced one) frees their maps and throws
 * away all the optimized code specialised on them: the next replay ran cold again, 160-190
 * instead of ~120 ms for 100 portfolios (~190 deoptimizations). A stripped instance keeps the
 * maps for a few hundred bytes.
 */
let shapeKeeper: PortfolioSimulator | null = null;

/** The simulator kept between runs ({@link PortfolioSimulator.keepShape}); for tests. */
export const keptSimulator = (): PortfolioSimulator | null => shapeKeeper;

export class PortfolioSimulator {
  // ---- the run (read only) ----
  private readonly pos: readonly Int32Array[];
  private readonly tickOf: Int32Array;
  private readonly open: readonly Float64Array[];
  private readonly high: readonly Float64Array[];
  private readonly low: readonly Float64Array[];
  private readonly close: readonly Float64Array[];
  private readonly start: readonly Float64Array[];
  private readonly timeframeMs: Float64Array;
  private readonly streamCount: number;

  // ---- settings ----
  private readonly sizingType: number;
  private readonly sizingQuantity: number;
  private readonly sizingPct: number;
  private readonly sizingOnFillPrice: boolean;
  private readonly sizingFractional: boolean;
  private readonly maxPositionPct: number | undefined;
  private readonly maxGrossPct: number | undefined;
  private readonly stopLossPct: number | undefined;
  private readonly takeProfitPct: number | undefined;
  private readonly trailingPct: number | undefined;
  private readonly hasStops: boolean;
  private readonly fillAtClose: boolean;
  private readonly commission: Commission;
  /**
   * Costs with their divisions done once (a division per fill on the cash's dependency chain
   * was ~5% of the simulation): slipped(price, side, bps) is price * (1 + (side * bps) / 1e4),
   * and with side = +-1, side * bps is +-bps exactly, so price * slipBuy (or slipSell) is the
   * same number to the bit; commissionFor's percent is (pct / 100) * units * price, the same
   * operations with pct / 100 as commissionRate. See costOf and execute.
   */
  private readonly slipBuy: number;
  private readonly slipSell: number;
  private readonly commissionType: number;
  private readonly commissionRate: number;
  private readonly commissionMin: number;
  private readonly resize: boolean;
  private readonly allowedRegimes: readonly string[] | null;

  // ---- what it trades ----
  private readonly sources: Source[] = [];
  private readonly strategyIds: string[] = [];
  /** Streams its strategies' legs trade, ascending. */
  private readonly streams: Int32Array;
  /** (local strategy, stream) -> sub-position slot, -1 until first used. */
  private readonly slotOf: Int32Array;
  private slots = 0;

  // ---- per sub-position (slot) ----
  private readonly slotStream: Int32Array;
  private readonly slotStrategy: Int32Array;
  /** Direction the sub-position will have once its latest order is done. */
  private readonly projected: Int8Array;
  /** Id of the latest order sent for it (0: none). */
  private readonly latestOrder: Float64Array;
  /** Signed units held (0: no position). */
  private readonly quantity: Float64Array;
  private readonly entryPrice: Float64Array;
  private readonly entryCommission: Float64Array;
  private readonly entryTime: Float64Array;
  private readonly entryBarIdx: Int32Array;
  private readonly stopPrice: Float64Array;
  private readonly takeProfitPrice: Float64Array;
  /** Best price since entry of the bars checked so far (long: highest high, short: lowest low), for a trailing stop. */
  private readonly best: Float64Array;
  /** Its order waiting in the next_open queue of its stream (at most one: a newer one supersedes it). */
  private readonly pendingActive: Uint8Array;
  private readonly pendingTarget: Int8Array;
  private readonly pendingNotional: Uint8Array;
  private readonly pendingAmount: Float64Array;
  private readonly pendingFractional: Uint8Array;
  private readonly pendingOrderId: Float64Array;

  // ---- open positions, in opening order (the order the event path's Map iterates) ----
  private readonly openSlots: Int32Array;
  private openCount = 0;
  private readonly scratch: Int32Array;

  // ---- per stream ----
  /** next_open queue: slots in arrival order. */
  private readonly queue: Int32Array[];
  private readonly queueLength: Int32Array;
  /** Bar the queue fills at, and its schedule position (Infinity: none / after the data). */
  private readonly nextBar: Int32Array;
  private readonly nextPos: Float64Array;
  /** That bar's tick, open and start time (from the index: StrategySignals.fillTick, fillOpen, fillStart). */
  private readonly nextTick: Int32Array;
  private readonly nextOpen: Float64Array;
  private readonly nextStart: Float64Array;
  private readonly openOnStream: Int32Array;
  /** Next bar whose range the stops have not checked yet. */
  private readonly scanBar: Int32Array;
  /** A bar found to trigger a stop, not yet processed (-1: none). */
  private readonly trigger: Int32Array;
  /** Price board: the last marked bar per stream (as of the latest position asked). */
  private readonly markBar: Int32Array;
  /**
   * The board's bar's close (NaN for none) and the position of the bar after it (Infinity:
   * none; -1 until the board is first set): while the moment is before that position, the
   * board still stands, and a price is one read rather than a search and two cache misses.
   */
  private readonly boardClose: Float64Array;
  private readonly boardNext: Float64Array;

  /**
   * Signals published before this schedule position are ignored (those closing before
   * data.window's start, as the portfolio container does). A position, not a time: looking up
   * each signal's close time was a cache miss per signal (~7 ms of a 100-portfolio replay).
   */
  private readonly firstActivePos: number;

  // ---- the moment being simulated ----
  private nowPos = 0;
  /** The stream whose bar at nowPos fills its open orders now: that bar's close is not marked yet. */
  private exclusiveStream = -1;
  private tick = 0;
  /** First bar the stops of a position opened now check (the fill bar for an open fill, the next for a close fill). */
  private checkFrom = 0;
  private sizeNotional = false;
  private sizeAmount = 0;
  private sizeFractional = false;
  /**
   * The order being executed (its price before slippage and its fill time, set by execute's
   * caller) and the fill being booked (its price and commission, set by execute for fill).
   * Fields rather than arguments: V8 passes a double to a method it does not inline as a heap
   * number, one allocation each, and execute and fill are too large to inline: as arguments
   * they were ~18 MB of garbage per replay of 100 portfolios, an extra young-generation
   * collection. A double field is written in place.
   */
  private fillBase = Number.NaN;
  private fillTime = Number.NaN;
  /** The leg being sized (openingSize): its signal bar's close, its share of the signal's weights and its weight's size; fields for the same reason. */
  private legPrice = Number.NaN;
  private legShare = Number.NaN;
  private legWeight = Number.NaN;
  private fillPrice = Number.NaN;
  private fillCommission = Number.NaN;

  // ---- results ----
  /**
   * Initialised with a double: a class field declared without a value starts as undefined
   * (ES2022 fields), and a field that has held undefined stores every later number as a new
   * heap number, one allocation per fill (~3.5 MB per replay of the bench store).
   */
  private cash = Number.NaN;
  private readonly trades: TradeColumns;
  readonly ledger: FillLedger;
  private orderSeq = 0;
  private rejected = 0;
  private signalsReceived = 0;
  private fillsReceived = 0;
  private regimeAllows: boolean;

  constructor(
    private readonly config: PortfolioConfig,
    execution: ExecutionConfig,
    private readonly series: readonly BarSeries[],
    private readonly timeline: Timeline,
    rows: IndexedReplayRows,
    /** Signals before this time are ignored (data.window), as by the portfolio container. */
    activeFrom = -Infinity,
  ) {
    this.firstActivePos = firstTickFrom(timeline.schedule.closeTime, activeFrom);
    this.pos = timeline.pos;
    this.tickOf = timeline.tickOf;
    this.open = series.map((s) => s.open);
    this.high = series.map((s) => s.high);
    this.low = series.map((s) => s.low);
    this.close = series.map((s) => s.close);
    this.start = series.map((s) => s.start);
    this.timeframeMs = Float64Array.from(series, (s) => s.timeframeMs);
    const S = (this.streamCount = series.length);

    const { sizing, risk } = config;
    if (sizing.type === 'fixed_quantity') {
      this.sizingType = FIXED_QUANTITY;
      this.sizingQuantity = sizing.quantity;
      this.sizingPct = 0;
      this.sizingOnFillPrice = false;
      this.sizingFractional = false;
    } else {
      this.sizingType = sizing.type === 'percent_equity' ? PERCENT_EQUITY : PERCENT_CASH;
      this.sizingQuantity = 0;
      this.sizingPct = sizing.pct;
      this.sizingOnFillPrice = sizing.basis === 'fill_price';
      this.sizingFractional = sizing.fractional;
    }
    this.maxPositionPct = risk.max_position_pct;
    this.maxGrossPct = risk.max_gross_exposure_pct;
    this.stopLossPct = risk.stop_loss_pct;
    this.takeProfitPct = risk.take_profit_pct;
    this.trailingPct = risk.trailing_stop_pct;
    this.hasStops = hasPriceExits(risk);
    this.fillAtClose = execution.fill === 'signal_close';
    this.commission = execution.commission;
    const bps = execution.slippage_bps;
    this.slipBuy = 1 + bps / 10_000;
    this.slipSell = 1 + -bps / 10_000;
    const c = execution.commission;
    this.commissionType = c.type === 'none' ? COMMISSION_NONE : c.type === 'percent' ? COMMISSION_PERCENT : c.type === 'per_unit' ? COMMISSION_PER_UNIT : COMMISSION_FIXED;
    this.commissionRate = c.type === 'percent' ? c.pct / 100 : c.type === 'none' ? 0 : c.amount;
    this.commissionMin = c.type === 'per_unit' ? c.min_per_order : 0;
    this.resize = execution.on_insufficient_cash === 'resize';
    this.allowedRegimes = config.regime_filter ? config.regime_filter.regimes : null;
    this.regimeAllows = !config.regime_filter;
    this.cash = config.initial_cash;

    // Sources in the replay container's order at one tick: the filter's classifier, then the
    // strategies in plan order (a strategy listed twice hears each signal twice, as on the bus).
    const filter = config.regime_filter;
    if (filter) {
      const classifier = rows.classifiers.find((c) => c.id === filter.classifier);
      if (!classifier) throw new BatchReplayInputError(`portfolio ${config.id}: no stored regime changes for classifier ${filter.classifier}`);
      this.sources.push({ at: classifier.at, tick: classifier.tick, count: classifier.count, strategy: null, classifier, local: -1, times: 1 });
    }
    const streams = new Set<number>();
    rows.strategies.forEach((strategy) => {
      const times = config.strategies.filter((id) => id === strategy.id).length;
      if (times === 0) return;
      const local = this.strategyIds.length;
      this.strategyIds.push(strategy.id);
      this.sources.push({ at: strategy.at, tick: strategy.tick, count: strategy.count, strategy, classifier: null, local, times });
      for (const s of strategy.streams) streams.add(s);
    });
    for (const id of config.strategies) {
      if (!this.strategyIds.includes(id)) throw new BatchReplayInputError(`portfolio ${config.id}: no stored signals for strategy ${id}`);
    }
    this.streams = Int32Array.from([...streams].sort((a, b) => a - b));
    // Every trade is opened by a delivered signal leg that can open one, so these bound the
    // trades: reserving them saves regrowing 15 columns (capped: a huge store grows instead of
    // over-reserving). Not every row: an exit's cannot open, and reserving for them was ~5 of
    // the ~24 MB of books a replay of the bench store allocates (its 109,681 opening legs open
    // 109,675 trades). Young array buffers past 32 MB make V8 scavenge at once, twice.
    let legs = 0;
    for (const src of this.sources) if (src.strategy) legs += src.strategy.openingLegs * src.times;
    this.trades = new TradeColumns(Math.min(legs, 1 << 16));
    // and every trade is two fills
    this.ledger = new FillLedger(config.initial_cash, Math.min(2 * legs, 1 << 17));

    const capacity = Math.max(1, this.strategyIds.length * S);
    this.slotOf = new Int32Array(this.strategyIds.length * S).fill(-1);
    this.slotStream = new Int32Array(capacity);
    this.slotStrategy = new Int32Array(capacity);
    this.projected = new Int8Array(capacity);
    this.latestOrder = new Float64Array(capacity);
    this.quantity = new Float64Array(capacity);
    this.entryPrice = new Float64Array(capacity);
    this.entryCommission = new Float64Array(capacity);
    this.entryTime = new Float64Array(capacity);
    this.entryBarIdx = new Int32Array(capacity);
    this.stopPrice = new Float64Array(capacity);
    this.takeProfitPrice = new Float64Array(capacity);
    this.best = new Float64Array(capacity);
    this.pendingActive = new Uint8Array(capacity);
    this.pendingTarget = new Int8Array(capacity);
    this.pendingNotional = new Uint8Array(capacity);
    this.pendingAmount = new Float64Array(capacity);
    this.pendingFractional = new Uint8Array(capacity);
    this.pendingOrderId = new Float64Array(capacity);
    this.openSlots = new Int32Array(capacity);
    this.scratch = new Int32Array(capacity);
    this.queue = series.map(() => new Int32Array(capacity));
    this.queueLength = new Int32Array(S);
    this.nextBar = new Int32Array(S);
    this.nextPos = new Float64Array(S).fill(Infinity);
    this.nextTick = new Int32Array(S);
    this.nextOpen = new Float64Array(S);
    this.nextStart = new Float64Array(S);
    this.openOnStream = new Int32Array(S);
    this.scanBar = new Int32Array(S);
    this.trigger = new Int32Array(S).fill(-1);
    this.markBar = new Int32Array(S).fill(-1);
    this.boardClose = new Float64Array(S).fill(Number.NaN);
    this.boardNext = new Float64Array(S).fill(-1);
  }

  /**
   * Keeps this simulator as the one that outlives its run (see {@link keepShapes}): every
   * typed array becomes an empty one of the same type, every array an empty array, the trade
   * and fill books empty ones, so it holds no buffer and nothing of the run's data (bars,
   * stored rows, trades), only its shape. Call after `run()`; it cannot run again.
   */
  keepShape(): void {
    const fields = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      if (value instanceof TradeColumns) fields[key] = new TradeColumns(1);
      else if (value instanceof FillLedger) fields[key] = new FillLedger(0, 1);
      else if (ArrayBuffer.isView(value)) fields[key] = new (value.constructor as new (length: number) => ArrayBufferView)(0);
      else if (Array.isArray(value)) fields[key] = [];
    }
    shapeKeeper = this;
  }

  /** Runs the whole replay for this portfolio. */
  run(): SimulatedPortfolio {
    const { sources } = this;
    const oneStream = ONE_STREAM_PATH ? this.oneStreamSource() : null;
    if (oneStream !== null) {
      this.runOneStream(oneStream);
      return this.result();
    }
    const n = sources.length;
    const heads = new Int32Array(n);
    for (;;) {
      // The next stored row: earliest position; at one position, sources are in publishing order.
      let best = -1;
      let bestAt = Infinity;
      for (let i = 0; i < n; i++) {
        const src = sources[i];
        const k = heads[i];
        if (k < src.count && src.at[k] < bestAt) {
          bestAt = src.at[k];
          best = i;
        }
      }
      if (best < 0) break;
      const src = sources[best];
      const k = heads[best]++;
      this.advance(bestAt);
      this.nowPos = bestAt;
      this.exclusiveStream = -1;
      this.tick = src.tick[k];
      if (src.classifier) {
        this.regimeAllows = this.allowedRegimes!.includes(src.classifier.regime[k]);
      } else {
        for (let t = 0; t < src.times; t++) this.onSignal(src.strategy!, src.local, k);
      }
    }
    this.advance(Infinity);
    this.endOfData();
    return this.result();
  }

  private result(): SimulatedPortfolio {
    const { trades, strategyIds, series, config } = this;
    return {
      cash: this.cash, tradeColumns: trades, trades: () => trades.toTrades(config.id, strategyIds, series), ledger: this.ledger, rejectedOrders: this.rejected,
      signalsReceived: this.signalsReceived, fillsReceived: this.fillsReceived,
    };
  }

  // ---- one strategy on one stream: the same rules with one sub-position ----

  /**
   * The source of a portfolio the one-stream path can run: one strategy heard once, no regime
   * filter, every signal one leg, all on one stream, and no price exits; null otherwise.
   */
  private oneStreamSource(): StrategySignals | null {
    if (this.sources.length !== 1 || this.hasStops) return null;
    const { strategy, times } = this.sources[0];
    if (strategy === null || times !== 1 || strategy.streams.length !== 1) return null;
    // every signal one row: the starts are 0, 1, 2, ...
    if (strategy.start[strategy.count] !== strategy.count) return null;
    return strategy;
  }

  /** run() for a portfolio oneStreamSource accepts: one-stream.ts, over this simulator's settings and books. */
  private runOneStream(src: StrategySignals): void {
    oneStreamRuns++;
    const s = src.streams[0];
    const outcome = simulateOneStream({
      stream: s, close: this.close[s], start: this.start[s], timeframeMs: this.timeframeMs[s],
      initialCash: this.config.initial_cash, closeAtEnd: this.config.close_at_end, firstActivePos: this.firstActivePos, lastTick: this.timeline.lastTick,
      sizingType: this.sizingType, sizingQuantity: this.sizingQuantity, sizingPct: this.sizingPct, sizingOnFillPrice: this.sizingOnFillPrice, sizingFractional: this.sizingFractional,
      maxPositionPct: this.maxPositionPct, maxGrossPct: this.maxGrossPct, fillAtClose: this.fillAtClose,
      commission: this.commission, commissionType: this.commissionType, commissionRate: this.commissionRate, commissionMin: this.commissionMin,
      slipBuy: this.slipBuy, slipSell: this.slipSell, resize: this.resize,
    }, src, this.trades, this.ledger);
    this.cash = outcome.cash;
    this.rejected = outcome.rejected;
    this.signalsReceived = outcome.signalsReceived;
    this.fillsReceived = outcome.fillsReceived;
  }

  // ---- the clock between stored rows: open fills and stop checks, in schedule order ----

  /** Does every open fill and stop check at positions up to `limit`, in schedule order. */
  private advance(limit: number): void {
    const { streams, pos } = this;
    for (;;) {
      let bestPos = Infinity;
      let bestStream = -1;
      let bestIsStop = false;
      for (let i = 0; i < streams.length; i++) {
        const s = streams[i];
        const waiting = this.nextPos[s];
        if (this.hasStops && this.openOnStream[s] > 0) {
          if (this.trigger[s] < 0) this.trigger[s] = this.scanStops(s, waiting <= limit ? waiting - 1 : limit);
          const bar = this.trigger[s];
          if (bar >= 0 && pos[s][bar] < bestPos) {
            bestPos = pos[s][bar];
            bestStream = s;
            bestIsStop = true;
          }
        }
        if (waiting <= limit && waiting < bestPos) {
          bestPos = waiting;
          bestStream = s;
          bestIsStop = false;
        }
      }
      if (bestStream < 0) return;
      if (bestIsStop) this.checkStops(bestStream, this.trigger[bestStream]);
      else this.fillQueue(bestStream);
    }
  }

  /**
   * First bar of stream s, from scanBar, at a position up to `horizon`, whose range reaches a
   * stop-loss or take-profit of a position held on s; -1 if none (scanBar then moves past the
   * horizon). Nothing else changes these positions before the horizon.
   */
  private scanStops(s: number, horizon: number): number {
    const p = this.pos[s];
    const low = this.low[s];
    const high = this.high[s];
    const n = p.length;
    let b = this.scanBar[s];
    if (this.openOnStream[s] === 1) {
      let slot = -1;
      for (let i = 0; i < this.openCount; i++) if (this.slotStream[this.openSlots[i]] === s) slot = this.openSlots[i];
      const stop = this.stopPrice[slot];
      const take = this.takeProfitPrice[slot];
      const trailing = this.trailingPct;
      if (trailing !== undefined) {
        // The level moves with every bar survived: check the bar against it, then raise it.
        const long = this.quantity[slot] > 0;
        let best = this.best[slot];
        for (; b < n && p[b] <= horizon; b++) {
          const level = stopLevel(long, stop, trailing, best);
          if (long ? low[b] <= level || high[b] >= take : high[b] >= level || low[b] <= take) break;
          if (long ? high[b] > best : low[b] < best) best = long ? high[b] : low[b];
        }
        this.best[slot] = best;
      } else if (this.quantity[slot] > 0) {
        for (; b < n && p[b] <= horizon; b++) if (low[b] <= stop || high[b] >= take) break;
      } else {
        for (; b < n && p[b] <= horizon; b++) if (high[b] >= stop || low[b] <= take) break;
      }
    } else {
      for (; b < n && p[b] <= horizon; b++) {
        if (this.anyStopHit(s, low[b], high[b])) break;
        if (this.trailingPct !== undefined) this.raiseBest(s, low[b], high[b]);
      }
    }
    this.scanBar[s] = b;
    return b < n && p[b] <= horizon ? b : -1;
  }

  private anyStopHit(s: number, low: number, high: number): boolean {
    for (let i = 0; i < this.openCount; i++) {
      const slot = this.openSlots[i];
      if (this.slotStream[slot] !== s) continue;
      const long = this.quantity[slot] > 0;
      const stop = stopLevel(long, this.stopPrice[slot], this.trailingPct, this.best[slot]);
      if (long ? low <= stop || high >= this.takeProfitPrice[slot] : high >= stop || low <= this.takeProfitPrice[slot]) return true;
    }
    return false;
  }

  /** A bar of stream s survived by its positions: each one's best price moves with its range. */
  private raiseBest(s: number, low: number, high: number): void {
    for (let i = 0; i < this.openCount; i++) {
      const slot = this.openSlots[i];
      if (this.slotStream[slot] !== s) continue;
      if (this.quantity[slot] > 0 ? high > this.best[slot] : low < this.best[slot]) this.best[slot] = this.quantity[slot] > 0 ? high : low;
    }
  }

  /** The broker at bar nextBar[s]: the stream's queued orders fill at its open, in arrival order. */
  private fillQueue(s: number): void {
    const b = this.nextBar[s];
    this.nowPos = this.nextPos[s];
    this.exclusiveStream = s;
    this.tick = this.nextTick[s];
    this.checkFrom = b;
    const queue = this.queue[s];
    const length = this.queueLength[s];
    this.queueLength[s] = 0;
    this.nextPos[s] = Infinity;
    for (let i = 0; i < length; i++) {
      const slot = queue[i];
      this.pendingActive[slot] = 0;
      this.fillBase = this.nextOpen[s];
      this.fillTime = this.nextStart[s];
      this.execute(slot, this.pendingTarget[slot], this.pendingNotional[slot] === 1, this.pendingAmount[slot], this.pendingFractional[slot] === 1,
        this.pendingOrderId[slot], SIGNAL, b);
    }
    this.exclusiveStream = -1;
    // Stops check this bar's range next (after its open fills), from here on.
    if (this.openOnStream[s] > 0) this.scanBar[s] = b;
  }

  /** Stop-loss before take-profit when one bar reaches both; positions in opening order. */
  private checkStops(s: number, b: number): void {
    const at = this.pos[s][b];
    this.nowPos = at;
    this.tick = this.tickOf[at];
    const snapshot = this.scratch;
    const n = this.openCount;
    for (let i = 0; i < n; i++) snapshot[i] = this.openSlots[i];
    const low = this.low[s][b];
    const high = this.high[s][b];
    for (let i = 0; i < n; i++) {
      const slot = snapshot[i];
      if (this.slotStream[slot] !== s) continue;
      const long = this.quantity[slot] > 0;
      const stop = stopLevel(long, this.stopPrice[slot], this.trailingPct, this.best[slot]);
      const stopHit = long ? low <= stop : high >= stop;
      const takeHit = long ? high >= this.takeProfitPrice[slot] : low <= this.takeProfitPrice[slot];
      if (stopHit) this.exitAtLevel(slot, stop !== this.stopPrice[slot] ? TRAILING_STOP : STOP_LOSS, stop, s, b);
      else if (takeHit) this.exitAtLevel(slot, TAKE_PROFIT, this.takeProfitPrice[slot], s, b);
      else if (long ? high > this.best[slot] : low < this.best[slot]) this.best[slot] = long ? high : low;
    }
    this.scanBar[s] = b + 1;
    this.trigger[s] = -1;
  }

  /** A stop order, filled at once against bar b, gap-aware: at the open if the bar opened through the level. */
  private exitAtLevel(slot: number, reason: number, level: number, s: number, b: number): void {
    const orderId = ++this.orderSeq;
    this.latestOrder[slot] = orderId;
    this.projected[slot] = 0;
    const open = this.open[s][b];
    const holdingLong = this.quantity[slot] > 0;
    const gapped = reason !== TAKE_PROFIT ? (holdingLong ? open <= level : open >= level) : holdingLong ? open >= level : open <= level;
    this.fillBase = gapped ? open : level;
    this.fillTime = gapped ? this.start[s][b] : this.start[s][b] + this.timeframeMs[s];
    this.execute(slot, 0, false, 0, false, orderId, reason, b);
  }

  // ---- a stored signal ----

  private onSignal(src: StrategySignals, local: number, k: number): void {
    if (src.at[k] < this.firstActivePos) return;
    this.signalsReceived++;
    const r0 = src.start[k];
    const r1 = src.start[k + 1];
    const value = src.value[r0];
    let weightSum = 0;
    for (let r = r0; r < r1; r++) weightSum += Math.abs(src.weight[r]);
    const mayOpen = this.regimeAllows;
    for (let r = r0; r < r1; r++) {
      const s = src.stream[r];
      // The price board's bar of the leg's stream now, known from the index: equityNow and the
      // order below find it at once.
      this.markBar[s] = src.mark[r];
      this.boardClose[s] = src.markClose[r];
      this.boardNext[s] = src.fillPos[r];
      const slot = this.slotFor(local, s);
      const weight = src.weight[r];
      let target = value === 0 || weight === 0 ? 0 : value * Math.sign(weight);
      // Outside the allowed regimes a signal may only close what is held (boundary-aware filter).
      if (target !== 0 && !mayOpen) target = 0;
      if (target === this.projected[slot]) continue;
      const orderId = ++this.orderSeq;
      if (target === 0) {
        this.sizeNotional = false;
        this.sizeAmount = 0;
        this.sizeFractional = false;
      } else {
        this.legPrice = src.price[r];
        this.legShare = Math.abs(weight) / weightSum;
        this.legWeight = Math.abs(weight);
        if (!this.openingSize(slot)) {
          this.rejected++;
          continue;
        }
      }
      this.latestOrder[slot] = orderId;
      this.projected[slot] = target;
      const m = src.mark[r]; // what markedBar(s) gives now (no stream's open fills are under way)
      if (this.fillAtClose) {
        this.checkFrom = m + 1;
        this.fillBase = this.close[s][m];
        this.fillTime = this.start[s][m] + this.timeframeMs[s];
        this.execute(slot, target, this.sizeNotional, this.sizeAmount, this.sizeFractional, orderId, SIGNAL, m);
      } else {
        this.enqueue(slot, s, m, target, orderId, src, r);
      }
    }
  }

  private slotFor(local: number, s: number): number {
    const key = local * this.streamCount + s;
    let slot = this.slotOf[key];
    if (slot < 0) {
      slot = this.slotOf[key] = this.slots++;
      this.slotStream[slot] = s;
      this.slotStrategy[slot] = local;
    }
    return slot;
  }

  /** A next_open order: it waits for bar m + 1 of its stream; a pending one of the same sub-position is superseded. */
  private enqueue(slot: number, s: number, m: number, target: number, orderId: number, src: StrategySignals, r: number): void {
    const queue = this.queue[s];
    if (this.pendingActive[slot] === 1) {
      let i = 0;
      while (queue[i] !== slot) i++;
      for (let j = i + 1; j < this.queueLength[s]; j++) queue[j - 1] = queue[j];
      this.queueLength[s]--;
      this.rejected++; // superseded (the sub-position's projection already follows the newer order)
    }
    if (this.queueLength[s] === 0) {
      // Bar m + 1 (row r's fillPos and the rest are that bar's: m is row r's mark).
      this.nextBar[s] = m + 1;
      this.nextPos[s] = src.fillPos[r];
      this.nextTick[s] = src.fillTick[r];
      this.nextOpen[s] = src.fillOpen[r];
      this.nextStart[s] = src.fillStart[r];
    }
    queue[this.queueLength[s]++] = slot;
    this.pendingActive[slot] = 1;
    this.pendingTarget[slot] = target;
    this.pendingNotional[slot] = this.sizeNotional ? 1 : 0;
    this.pendingAmount[slot] = this.sizeAmount;
    this.pendingFractional[slot] = this.sizeFractional ? 1 : 0;
    this.pendingOrderId[slot] = orderId;
  }

  /**
   * Opening size for the leg in legPrice / legShare / legWeight (into sizeNotional /
   * sizeAmount / sizeFractional), or false if refused. Notional sizing is valued at the signal
   * bar's close; with basis `fill_price` the broker converts it at the fill price.
   */
  private openingSize(slot: number): boolean {
    const price = this.legPrice;
    const share = this.legShare;
    const weight = this.legWeight;
    const equity = this.equityNow();
    const cap = this.maxPositionPct === undefined ? Infinity : (this.maxPositionPct / 100) * equity;
    let notional: number;
    if (this.sizingType === FIXED_QUANTITY) {
      const whole = Number.isInteger(this.sizingQuantity * weight);
      let quantity = this.sizingQuantity * weight;
      if (quantity * price > cap) quantity = whole ? Math.floor(cap / price) : cap / price;
      this.sizeNotional = false;
      this.sizeAmount = quantity;
      this.sizeFractional = false;
      notional = quantity * price;
    } else {
      const base = this.sizingType === PERCENT_EQUITY ? equity : this.cash;
      notional = Math.min((this.sizingPct / 100) * base * share, cap);
      this.sizeFractional = this.sizingFractional;
      if (this.sizingOnFillPrice) {
        this.sizeNotional = true;
        this.sizeAmount = notional;
      } else {
        this.sizeNotional = false;
        this.sizeAmount = this.sizingFractional ? notional / price : Math.floor(notional / price);
      }
    }
    if (!this.sizeNotional && !(this.sizeAmount > 0)) return false;
    if (!(notional > 0)) return false;
    if (this.maxGrossPct !== undefined) {
      let gross = 0;
      for (let i = 0; i < this.openCount; i++) {
        const other = this.openSlots[i];
        if (other !== slot) gross += Math.abs(this.quantity[other] * this.markPrice(other));
      }
      const limit = (this.maxGrossPct / 100) * equity;
      if (gross + notional > limit + 1e-9) return false;
    }
    return true;
  }

  // ---- the broker ----

  /** Brings the sub-position to `target` at fillBase (at fillTime): close what is held, then open (checking buying power). */
  private execute(slot: number, target: number, notional: boolean, amount: number, fractional: boolean, orderId: number, reason: number, barIdx: number): void {
    const basePrice = this.fillBase;
    const held = this.quantity[slot];
    const direction = Math.sign(held);
    if (target === direction) return;
    // A take-profit (limit) fill gets no slippage.
    const slip = reason !== TAKE_PROFIT;
    if (held !== 0) {
      const price = slip ? basePrice * (direction > 0 ? this.slipSell : this.slipBuy) : basePrice;
      this.fillPrice = price;
      this.fillCommission = this.costOf(held, price);
      this.fill(slot, -held, reason, barIdx, false);
    }
    if (target === 0) return;
    const price = slip ? basePrice * (target > 0 ? this.slipBuy : this.slipSell) : basePrice;
    let units = !notional ? amount : fractional ? amount / price : Math.floor(amount / price);
    const isFractional = notional ? fractional : !Number.isInteger(units);
    const power = this.buyingPower();
    const cost = units * price + this.costOf(units, price);
    if (cost > power + 1e-9) {
      const affordable = affordableQuantity(this.commission, price, power, isFractional);
      if (!this.resize || affordable <= 0) {
        this.reject(slot, orderId);
        return;
      }
      units = affordable;
    }
    if (!(units > 0)) {
      this.reject(slot, orderId);
      return;
    }
    const quantity = target * units;
    this.fillPrice = price;
    this.fillCommission = this.costOf(quantity, price);
    this.fill(slot, quantity, reason, barIdx, true);
  }

  /** The commission of a fill of `quantity` at `price` (codes.ts: costOf). */
  private costOf(quantity: number, price: number): number {
    return costOf(this.commissionType, this.commissionRate, this.commissionMin, quantity, price);
  }

  /** ORDER_REJECTED: the sub-position keeps whatever direction it really has now (if that order was its latest). */
  private reject(slot: number, orderId: number): void {
    this.rejected++;
    if (this.latestOrder[slot] === orderId) this.projected[slot] = Math.sign(this.quantity[slot]);
  }

  // ---- the portfolio's books ----

  /** Books a fill of `quantity` at fillPrice, paying fillCommission, at fillTime. */
  private fill(slot: number, quantity: number, reason: number, barIdx: number, opening: boolean): void {
    const price = this.fillPrice;
    const commission = this.fillCommission;
    const fillTime = this.fillTime;
    this.fillsReceived++;
    const s = this.slotStream[slot];
    this.cash -= quantity * price + commission;
    if (opening) {
      const long = quantity > 0;
      const sl = this.stopLossPct;
      const tp = this.takeProfitPct;
      this.quantity[slot] = quantity;
      this.entryPrice[slot] = price;
      this.entryCommission[slot] = commission;
      this.entryTime[slot] = fillTime;
      this.entryBarIdx[slot] = barIdx;
      this.stopPrice[slot] = sl === undefined ? (long ? -Infinity : Infinity) : price * (long ? 1 - sl / 100 : 1 + sl / 100);
      this.takeProfitPrice[slot] = tp === undefined ? (long ? Infinity : -Infinity) : price * (long ? 1 + tp / 100 : 1 - tp / 100);
      this.best[slot] = price;
      this.openSlots[this.openCount++] = slot;
      if (this.openOnStream[s]++ === 0) this.scanBar[s] = this.checkFrom;
    } else {
      const held = this.quantity[slot];
      if (held === 0 || held !== -quantity) {
        throw new Error(`portfolio ${this.config.id}: closing fill of ${quantity} ${this.series[s].symbol} does not match the open position (${held})`);
      }
      this.quantity[slot] = 0;
      let i = 0;
      while (this.openSlots[i] !== slot) i++;
      for (let j = i + 1; j < this.openCount; j++) this.openSlots[j - 1] = this.openSlots[j];
      this.openCount--;
      this.openOnStream[s]--;
      const entryPrice = this.entryPrice[slot];
      const entryBarIdx = this.entryBarIdx[slot];
      const total = this.entryCommission[slot] + commission;
      const pnl = (price - entryPrice) * held - total;
      this.trades.push(this.slotStrategy[slot], s, held > 0, Math.abs(held), this.entryTime[slot], entryBarIdx, entryPrice,
        fillTime, barIdx, price, total, pnl, pnl / (Math.abs(held) * entryPrice), reason);
      if (reason !== SIGNAL) this.projected[slot] = 0;
    }
    this.trigger[s] = -1;
    this.ledger.record(this.tick, s, quantity, this.cash, this.openCount);
  }

  /** The last marked bar of stream s at the current position (the price board). */
  private markedBar(s: number): number {
    const p = this.pos[s];
    let m = lastBarAt(p, this.markBar[s], this.nowPos);
    if (m !== this.markBar[s]) {
      this.markBar[s] = m;
      this.boardClose[s] = m < 0 ? NaN : this.close[s][m];
      this.boardNext[s] = m + 1 < p.length ? p[m + 1] : Infinity;
    }
    if (s === this.exclusiveStream && m >= 0 && p[m] === this.nowPos) m--;
    return m;
  }

  private markPrice(slot: number): number {
    const s = this.slotStream[slot];
    // The board's bar is the last at or before now unless the next one has come (or is this
    // moment's exclusive bar, whose close is not marked yet: the search says which). Each
    // branch returns on its own: merged into one variable, the price was boxed as a heap
    // number on every call (~1.2 MB of garbage per replay of the bench store).
    if (s !== this.exclusiveStream && this.nowPos < this.boardNext[s]) {
      const board = this.boardClose[s];
      return board === board ? board : this.entryPrice[slot];
    }
    const m = this.markedBar(s);
    if (m < 0) return this.entryPrice[slot];
    const close = this.close[s][m];
    return close === close ? close : this.entryPrice[slot];
  }

  private equityNow(): number {
    let equity = this.cash;
    for (let i = 0; i < this.openCount; i++) {
      const slot = this.openSlots[i];
      equity += this.quantity[slot] * this.markPrice(slot);
    }
    return equity;
  }

  private buyingPower(): number {
    let net = 0;
    let gross = 0;
    for (let i = 0; i < this.openCount; i++) {
      const slot = this.openSlots[i];
      const value = this.quantity[slot] * this.markPrice(slot);
      net += value;
      gross += Math.abs(value);
    }
    return this.cash + net - gross;
  }

  // ---- SYSTEM_STOP ----

  /** Queued orders are rejected (the data ended first), then, with close_at_end, every position closes at its stream's last close. */
  private endOfData(): void {
    this.tick = this.timeline.lastTick;
    for (let i = 0; i < this.streams.length; i++) {
      const s = this.streams[i];
      const length = this.queueLength[s];
      this.queueLength[s] = 0;
      this.nextPos[s] = Infinity;
      for (let q = 0; q < length; q++) {
        const slot = this.queue[s][q];
        this.pendingActive[slot] = 0;
        this.reject(slot, this.pendingOrderId[slot]);
      }
    }
    if (!this.config.close_at_end) return;
    const snapshot = this.scratch;
    const n = this.openCount;
    for (let i = 0; i < n; i++) snapshot[i] = this.openSlots[i];
    for (let i = 0; i < n; i++) {
      const slot = snapshot[i];
      const s = this.slotStream[slot];
      const last = this.series[s].length - 1;
      const orderId = ++this.orderSeq;
      this.latestOrder[slot] = orderId;
      this.projected[slot] = 0;
      this.fillBase = this.close[s][last];
      this.fillTime = this.start[s][last] + this.timeframeMs[s];
      this.execute(slot, 0, false, 0, false, orderId, END_OF_DATA, last);
    }
  }
}

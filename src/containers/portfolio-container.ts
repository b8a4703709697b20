/**
 * A portfolio: cash, sub-positions (one per strategy and traded stream), sizing, risk checks,
 * its trade list and the ledger its equity curve is built from. It hears only its own
 * strategies' signals and only its own fills (keyed subscriptions), and bars only of the
 * streams it trades, only when it has stops to check. Prices come from the shared PriceBoard.
 * On a SIGNAL it sizes and sends target orders; on a FILL it updates cash and positions.
 */
import { Container, type RunContext } from '../core/container.ts';
import type { OrderKind, OrderSize, RuntimeEvent } from '../core/events.ts';
import type { BarSeries } from '../data/bar-series.ts';
import type { ExecutionConfig } from '../execution/config.ts';
import type { AccountView } from '../portfolio/account.ts';
import type { EquityCurveData } from '../portfolio/equity-curve.ts';
import { FillLedger } from '../portfolio/fill-ledger.ts';
import type { PriceBoard } from '../portfolio/price-board.ts';
import { hasPriceExits, stopLevel, type PortfolioConfig } from '../portfolio/config.ts';
import type { Trade } from '../portfolio/trade.ts';
import type { SignalValue } from '../strategies/types.ts';

interface Position {
  readonly key: string;
  readonly positionId: number;
  readonly strategyId: string;
  readonly streamIndex: number;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly entryCommission: number;
  readonly entryTime: number;
  readonly entryBarIdx: number;
  readonly stopPrice: number;
  readonly takeProfitPrice: number;
  /** Best price since entry (long: highest high, short: lowest low) of the bars checked so far, for a trailing stop. */
  best: number;
  readonly openCorrelationId: number;
}

export interface PortfolioResult {
  readonly id: string;
  readonly initialCash: number;
  readonly cash: number;
  readonly equity: { readonly ts: Float64Array; readonly equity: Float64Array; readonly exposed: Uint8Array };
  readonly trades: readonly Trade[];
  readonly rejectedOrders: number;
  readonly signalsReceived: number;
  readonly fillsReceived: number;
}


export class PortfolioContainer extends Container implements AccountView {
  /** Starts as a double, not undefined (see PortfolioSimulator's cash): else each fill's cash is a new heap number. */
  private cash = Number.NaN;
  private readonly positions = new Map<string, Position>();
  /** Direction each sub-position will have once its pending order fills (to skip no-op orders). */
  private readonly projected = new Map<string, SignalValue>();
  /** The latest order sent per sub-position (an older pending one is superseded). */
  private readonly pendingOrder = new Map<string, number>();
  private readonly hasStops: boolean;
  readonly ledger: FillLedger;
  private readonly trades: Trade[] = [];
  private nextPositionId = 1;
  private rejected = 0;
  /** Latest regime of the regime filter's classifier (null before its first classification). */
  private regime: string | null = null;
  private signalsReceived = 0;
  private fillsReceived = 0;

  constructor(
    readonly config: PortfolioConfig,
    /** Execution settings in force for this portfolio (topology defaults plus its overrides). */
    readonly execution: ExecutionConfig,
    private readonly series: readonly BarSeries[],
    private readonly board: PriceBoard,
    /** Run stream indices this portfolio's strategies trade (their legs). */
    private readonly tradedStreams: readonly number[],
    private readonly orderIds: { next(): number },
    context: RunContext,
    /** Signals before this time are ignored (data.window: the bars before only warm up). */
    private readonly activeFrom = -Infinity,
  ) {
    super(`portfolio.${config.id}`, 'portfolio', context);
    this.cash = config.initial_cash;
    this.ledger = new FillLedger(config.initial_cash);
    this.hasStops = hasPriceExits(config.risk);
  }

  protected override onInitialize(): void {
    const bus = this.root.bus;
    const id = this.config.id;
    if (this.hasStops && this.tradedStreams.length > 0) {
      const keys = [...new Set(this.tradedStreams.map((s) => this.series[s].id))];
      bus.subscribe('BAR', (e) => this.checkStops(e), { subscriber: this.id, filter: { key: keys } });
    }
    bus.subscribe('SIGNAL', (e) => this.onSignal(e), { subscriber: this.id, filter: { key: this.config.strategies } });
    bus.subscribe('FILL', (e) => this.onFill(e), { subscriber: this.id, filter: { key: id } });
    bus.subscribe('ORDER_REJECTED', (e) => this.onRejected(e), { subscriber: this.id, filter: { key: id } });
    bus.subscribe('SYSTEM_STOP', (e) => this.onSystemStop(e), { subscriber: this.id });
    const filter = this.config.regime_filter;
    if (filter) {
      bus.subscribe('CLASSIFICATION', (e) => (this.regime = e.payload.regime), { subscriber: this.id, filter: { key: filter.classifier } });
    }
  }

  /** Whether the regime filter (if any) allows opening a position now. */
  private regimeAllowsOpening(): boolean {
    const filter = this.config.regime_filter;
    return !filter || (this.regime !== null && filter.regimes.includes(this.regime));
  }

  /** `strategy|stream` keys, built once per sub-position rather than on every signal and fill. */
  private readonly keyCache = new Map<string, string[]>();
  private subKey(strategyId: string, streamIndex: number): string {
    let keys = this.keyCache.get(strategyId);
    if (!keys) this.keyCache.set(strategyId, (keys = []));
    return (keys[streamIndex] ??= `${strategyId}|${streamIndex}`);
  }

  // ---- AccountView (read by the simulated broker) ----

  buyingPower(): number {
    let net = 0;
    let gross = 0;
    for (const p of this.positions.values()) {
      const value = p.quantity * this.markPrice(p);
      net += value;
      gross += Math.abs(value);
    }
    return this.cash + net - gross;
  }

  /** Whether a stop-loss or take-profit must watch this stream's bars now. */
  watchesStream(streamIndex: number): boolean {
    if (!this.hasStops) return false;
    for (const p of this.positions.values()) if (p.streamIndex === streamIndex) return true;
    return false;
  }

  positionQuantity(strategyId: string, streamIndex: number): number {
    return this.positions.get(this.subKey(strategyId, streamIndex))?.quantity ?? 0;
  }

  equityNow(): number {
    let equity = this.cash;
    for (const p of this.positions.values()) equity += p.quantity * this.markPrice(p);
    return equity;
  }

  // ---- event handlers ----

  /**
   * Stop (fixed or trailing, whichever is tighter) before take-profit when one bar reaches
   * both (the conservative reading). A trailing stop's level comes from the bars before this
   * one; a position that survives the bar then moves its best price with the bar's range.
   */
  private checkStops(event: RuntimeEvent<'BAR'>): void {
    if (this.positions.size === 0) return;
    const bar = event.payload;
    const trailingPct = this.config.risk.trailing_stop_pct;
    for (const p of [...this.positions.values()]) {
      if (p.streamIndex !== bar.streamIndex) continue;
      const long = p.quantity > 0;
      const stop = stopLevel(long, p.stopPrice, trailingPct, p.best);
      const stopHit = long ? bar.low <= stop : bar.high >= stop;
      const takeHit = long ? bar.high >= p.takeProfitPrice : bar.low <= p.takeProfitPrice;
      if (stopHit) this.sendExit(p, stop !== p.stopPrice ? 'trailing_stop' : 'stop_loss', stop, event);
      else if (takeHit) this.sendExit(p, 'take_profit', p.takeProfitPrice, event);
      else if (long ? bar.high > p.best : bar.low < p.best) p.best = long ? bar.high : bar.low;
    }
  }

  private sendExit(p: Position, kind: OrderKind, triggerPrice: number | undefined, cause: RuntimeEvent): void {
    const s = this.series[p.streamIndex];
    const orderId = this.orderIds.next();
    this.pendingOrder.set(p.key, orderId);
    this.projected.set(p.key, 0);
    this.publish(this.event('ORDER', {
      orderId, portfolioId: this.config.id, strategyId: p.strategyId, stream: s.id, streamIndex: p.streamIndex,
      symbol: s.symbol, kind, target: 0, size: { quantity: 0 }, triggerPrice, decisionBarIdx: -1,
    }, cause));
  }

  private onSignal(event: RuntimeEvent<'SIGNAL'>): void {
    if (event.ts < this.activeFrom) return;
    this.signalsReceived++;
    const { strategyId, value, legs } = event.payload;
    let weightSum = 0;
    for (const leg of legs) weightSum += Math.abs(leg.weight);
    const mayOpen = this.regimeAllowsOpening();
    for (const leg of legs) {
      const key = this.subKey(strategyId, leg.streamIndex);
      const projected = this.projected.get(key) ?? 0;
      let target = (value === 0 || leg.weight === 0 ? 0 : value * Math.sign(leg.weight)) as SignalValue;
      // Outside the allowed regimes a signal may only close what is held (boundary-aware filter).
      if (target !== 0 && !mayOpen) target = 0;
      if (target === projected) continue;
      const orderId = this.orderIds.next();
      const size = target === 0 ? { quantity: 0 } : this.openingSize(leg.price, Math.abs(leg.weight) / weightSum, Math.abs(leg.weight), key);
      if (typeof size === 'string') {
        this.publish(this.event('ORDER_REJECTED', { orderId, portfolioId: this.config.id, strategyId, symbol: leg.symbol, reason: size }, event));
        continue;
      }
      this.pendingOrder.set(key, orderId);
      this.projected.set(key, target);
      this.publish(this.event('ORDER', {
        orderId, portfolioId: this.config.id, strategyId, stream: leg.stream, streamIndex: leg.streamIndex, symbol: leg.symbol,
        kind: 'market', target, size, decisionBarIdx: leg.barIdx,
      }, event));
    }
  }

  /**
   * Opening size for one leg, or the reason it is refused. Notional sizing is valued at the
   * signal bar's close; with basis `fill_price` the broker converts it at the fill price.
   */
  private openingSize(price: number, share: number, weight: number, key: string): OrderSize | string {
    const { sizing, risk } = this.config;
    const equity = this.equityNow();
    const cap = risk.max_position_pct === undefined ? Infinity : (risk.max_position_pct / 100) * equity;
    let size: OrderSize;
    let notional: number;
    if (sizing.type === 'fixed_quantity') {
      const whole = Number.isInteger(sizing.quantity * weight);
      let quantity = sizing.quantity * weight;
      if (quantity * price > cap) quantity = whole ? Math.floor(cap / price) : cap / price;
      size = { quantity };
      notional = quantity * price;
    } else {
      const base = sizing.type === 'percent_equity' ? equity : this.cash;
      notional = Math.min((sizing.pct / 100) * base * share, cap);
      if (sizing.basis === 'fill_price') size = { notional, fractional: sizing.fractional };
      else size = { quantity: sizing.fractional ? notional / price : Math.floor(notional / price) };
    }
    if ('quantity' in size && !(size.quantity > 0)) return `size rounds to 0 units (notional ${notional.toFixed(2)} at ${price}, equity ${equity.toFixed(2)})`;
    if (!(notional > 0)) return `size is not positive (equity ${equity.toFixed(2)})`;
    if (risk.max_gross_exposure_pct !== undefined) {
      let gross = 0;
      for (const p of this.positions.values()) if (p.key !== key) gross += Math.abs(p.quantity * this.markPrice(p));
      const limit = (risk.max_gross_exposure_pct / 100) * equity;
      if (gross + notional > limit + 1e-9) {
        return `max gross exposure: ${(gross + notional).toFixed(2)} would exceed ${limit.toFixed(2)} (${risk.max_gross_exposure_pct}% of equity)`;
      }
    }
    return size;
  }

  private onFill(event: RuntimeEvent<'FILL'>): void {
    this.fillsReceived++;
    const f = event.payload;
    const key = this.subKey(f.strategyId, f.streamIndex);
    this.cash -= f.quantity * f.price + f.commission;
    if (f.opening) {
      const long = f.quantity > 0;
      const { stop_loss_pct: sl, take_profit_pct: tp } = this.config.risk;
      const position: Position = {
        key, positionId: this.nextPositionId++, strategyId: f.strategyId, streamIndex: f.streamIndex,
        quantity: f.quantity, entryPrice: f.price, entryCommission: f.commission, entryTime: f.fillTime, entryBarIdx: f.barIdx,
        stopPrice: sl === undefined ? (long ? -Infinity : Infinity) : f.price * (long ? 1 - sl / 100 : 1 + sl / 100),
        takeProfitPrice: tp === undefined ? (long ? Infinity : -Infinity) : f.price * (long ? 1 + tp / 100 : 1 - tp / 100),
        best: f.price,
        openCorrelationId: event.correlationId,
      };
      this.positions.set(key, position);
      // Position events are built only when someone listens (a trace, a store, a UI).
      if (this.root.bus.hasSubscribers('POSITION_OPEN')) this.publish(this.event('POSITION_OPEN', {
        portfolioId: this.config.id, strategyId: f.strategyId, positionId: position.positionId, symbol: f.symbol,
        quantity: f.quantity, entryPrice: f.price, barIdx: f.barIdx,
      }, event));
    } else {
      const p = this.positions.get(key);
      if (!p || p.quantity !== -f.quantity) {
        throw new Error(`portfolio ${this.config.id}: closing fill of ${f.quantity} ${f.symbol} does not match the open position (${p?.quantity ?? 0})`);
      }
      this.positions.delete(key);
      const commission = p.entryCommission + f.commission;
      const pnl = (f.price - p.entryPrice) * p.quantity - commission;
      this.trades.push({
        portfolioId: this.config.id, strategyId: p.strategyId, symbol: f.symbol, stream: f.stream,
        direction: p.quantity > 0 ? 'long' : 'short', quantity: Math.abs(p.quantity),
        entryTime: p.entryTime, entryBarIdx: p.entryBarIdx, entryPrice: p.entryPrice,
        exitTime: f.fillTime, exitBarIdx: f.barIdx, exitPrice: f.price,
        commission, pnl, returnPct: pnl / (Math.abs(p.quantity) * p.entryPrice), bars: f.barIdx - p.entryBarIdx, exitReason: f.reason,
      });
      if (this.root.bus.hasSubscribers('POSITION_CLOSE')) this.publish(this.event('POSITION_CLOSE', {
        portfolioId: this.config.id, strategyId: p.strategyId, positionId: p.positionId, symbol: f.symbol,
        quantity: p.quantity, entryPrice: p.entryPrice, barIdx: f.barIdx, exitPrice: f.price, pnl, reason: f.reason,
        openCorrelationId: p.openCorrelationId,
      }, event));
      if (f.reason !== 'signal') this.projected.set(key, 0);
    }
    this.ledger.record(this.context.tick, f.streamIndex, f.quantity, this.cash, this.positions.size);
    if (this.bus.hasSubscribers('PORTFOLIO_UPDATE')) {
      let gross = 0;
      for (const p of this.positions.values()) gross += Math.abs(p.quantity * this.markPrice(p));
      this.publish(this.event('PORTFOLIO_UPDATE', { portfolioId: this.config.id, cash: this.cash, equity: this.equityNow(), grossExposure: gross }, event), 'local');
    }
  }

  private onRejected(event: RuntimeEvent<'ORDER_REJECTED'>): void {
    this.rejected++;
    const r = event.payload;
    // The sub-position keeps whatever direction it really has now.
    for (const [key, orderId] of this.pendingOrder) {
      if (orderId !== r.orderId) continue;
      const held = this.positions.get(key)?.quantity ?? 0;
      this.projected.set(key, Math.sign(held) as SignalValue);
    }
  }

  private onSystemStop(event: RuntimeEvent<'SYSTEM_STOP'>): void {
    if (!this.config.close_at_end) return;
    for (const p of [...this.positions.values()]) this.sendExit(p, 'end_of_data', undefined, event);
  }

  private markPrice(p: Position): number {
    const price = this.board.close(p.streamIndex);
    return Number.isNaN(price) ? p.entryPrice : price;
  }

  /** The run's outcome for this portfolio, given its equity curve (built from its ledger after the run). */
  result(curve: EquityCurveData): PortfolioResult {
    return {
      id: this.config.id,
      initialCash: this.config.initial_cash,
      cash: this.cash,
      equity: curve,
      trades: this.trades,
      rejectedOrders: this.rejected,
      signalsReceived: this.signalsReceived,
      fillsReceived: this.fillsReceived,
    };
  }

  override describe(): string {
    const c = this.config;
    return `portfolio ${this.id}: cash ${c.initial_cash}, strategies [${c.strategies.join(', ')}], sizing ${JSON.stringify(c.sizing)}, risk ${JSON.stringify(c.risk)}, execution ${JSON.stringify(this.execution)}`;
  }
}

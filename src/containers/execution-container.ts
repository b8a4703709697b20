/**
 * The simulated broker. Market orders fill at the next bar's open of their stream
 * (`next_open`) or at once at the deciding bar's close (`signal_close`); stop-loss and
 * take-profit orders fill at once against the bar that triggered them, gap-aware: a bar
 * that opens beyond the level fills at the open, otherwise at the level. End-of-data orders
 * fill at the stream's last close. Orders are target orders: a fill first closes the
 * sub-position if its direction differs, then opens the new direction, checking the
 * account's buying power (reject or resize). A newer market order for the same
 * sub-position supersedes a pending older one.
 */
import { Container, type RunContext } from '../core/container.ts';
import type { FillReason, OrderPayload, RuntimeEvent } from '../core/events.ts';
import type { BarSeries } from '../data/bar-series.ts';
import { affordableQuantity, commissionFor, slipped, type ExecutionConfig } from '../execution/config.ts';
import type { AccountView } from '../portfolio/account.ts';
import type { PriceBoard } from '../portfolio/price-board.ts';

interface PendingOrder {
  readonly order: OrderPayload;
  readonly event: RuntimeEvent<'ORDER'>;
}

export class ExecutionContainer extends Container {
  private readonly pending: PendingOrder[][];
  private readonly lastBar: Int32Array;
  private readonly accounts = new Map<string, { account: AccountView; settings: ExecutionConfig }>();
  private fills = 0;

  constructor(id: string, private readonly series: readonly BarSeries[], private readonly board: PriceBoard, context: RunContext) {
    super(id, 'execution', context);
    this.pending = series.map(() => []);
    this.lastBar = new Int32Array(series.length).fill(-1);
  }

  /** Wires a portfolio's account view and its execution settings (done by the topology builder). */
  registerAccount(portfolioId: string, account: AccountView, settings: ExecutionConfig): void {
    if (this.accounts.has(portfolioId)) throw new Error(`execution ${this.id}: portfolio ${portfolioId} registered twice`);
    this.accounts.set(portfolioId, { account, settings });
  }

  protected override onInitialize(): void {
    const bus = this.root.bus;
    bus.subscribe('BAR', (e) => this.onBar(e), { subscriber: this.id });
    bus.subscribe('ORDER', (e) => this.onOrder(e), { subscriber: this.id });
    bus.subscribe('SYSTEM_STOP', (e) => this.onSystemStop(e), { subscriber: this.id });
  }

  /** Whether orders wait for the next bar of this stream (that bar must be published). */
  hasPending(streamIndex: number): boolean {
    return this.pending[streamIndex].length > 0;
  }

  /**
   * A bar the (sparse) clock did not publish because nothing waits for it: the broker still
   * knows it happened and its close is marked, exactly as if it had been published.
   */
  skipBar(streamIndex: number, barIdx: number): void {
    if (this.pending[streamIndex].length > 0) throw new Error(`bar ${barIdx} of stream ${streamIndex} skipped while orders wait for it`);
    this.lastBar[streamIndex] = barIdx;
    this.board.mark(streamIndex, barIdx);
  }

  /** Fills the stream's pending orders at this bar's open, then marks its close on the board. */
  private onBar(event: RuntimeEvent<'BAR'>): void {
    const bar = event.payload;
    const s = bar.streamIndex;
    this.lastBar[s] = bar.barIdx;
    const queue = this.pending[s];
    if (queue.length > 0) {
      this.pending[s] = [];
      for (const { order, event: orderEvent } of queue) this.execute(order, orderEvent, bar.open, bar.start, 'signal');
    }
    this.board.mark(s, bar.barIdx);
  }

  private onOrder(event: RuntimeEvent<'ORDER'>): void {
    const order = event.payload;
    const entry = this.account(order.portfolioId);
    const s = order.streamIndex;
    const barIdx = this.lastBar[s];
    const series = this.series[s];
    switch (order.kind) {
      case 'market': {
        if (entry.settings.fill === 'signal_close') {
          this.execute(order, event, series.close[barIdx], series.start[barIdx] + series.timeframeMs, 'signal');
          return;
        }
        const queue = this.pending[s];
        for (let i = queue.length - 1; i >= 0; i--) {
          const older = queue[i].order;
          if (older.portfolioId === order.portfolioId && older.strategyId === order.strategyId) {
            queue.splice(i, 1);
            this.reject(older, 'superseded by a newer order for the same position', event);
          }
        }
        queue.push({ order, event });
        return;
      }
      case 'stop_loss':
      case 'trailing_stop':
      case 'take_profit': {
        const level = order.triggerPrice!;
        const open = series.open[barIdx];
        // Gap-aware: if the bar opened through the level, the order fills at the open.
        const holdingLong = entry.account.positionQuantity(order.strategyId, s) > 0;
        const gapped = order.kind !== 'take_profit' ? (holdingLong ? open <= level : open >= level) : holdingLong ? open >= level : open <= level;
        this.execute(order, event, gapped ? open : level, gapped ? series.start[barIdx] : series.start[barIdx] + series.timeframeMs, order.kind);
        return;
      }
      case 'end_of_data':
        this.execute(order, event, series.close[barIdx], series.start[barIdx] + series.timeframeMs, 'end_of_data');
        return;
    }
  }

  private onSystemStop(event: RuntimeEvent<'SYSTEM_STOP'>): void {
    for (let s = 0; s < this.pending.length; s++) {
      for (const { order } of this.pending[s]) this.reject(order, 'not filled: the data ended before the next bar', event);
      this.pending[s] = [];
    }
  }

  /** Brings the sub-position to the order's target direction at `basePrice`. */
  private execute(order: OrderPayload, cause: RuntimeEvent<'ORDER'>, basePrice: number, fillTime: number, reason: FillReason): void {
    const { account, settings } = this.account(order.portfolioId);
    const held = account.positionQuantity(order.strategyId, order.streamIndex);
    const direction = Math.sign(held);
    if (order.target === direction) return; // already there: nothing to do
    const slippage = reason === 'take_profit' ? 0 : settings.slippage_bps;
    if (held !== 0) {
      const price = slipped(basePrice, -direction, slippage);
      this.fill(order, cause, -held, price, basePrice, commissionFor(settings.commission, held, price), fillTime, reason, false);
    }
    if (order.target === 0) return;
    const price = slipped(basePrice, order.target, slippage);
    let units = 'quantity' in order.size ? order.size.quantity
      : order.size.fractional ? order.size.notional / price : Math.floor(order.size.notional / price);
    const fractional = 'notional' in order.size ? order.size.fractional : !Number.isInteger(units);
    const power = account.buyingPower();
    const cost = units * price + commissionFor(settings.commission, units, price);
    if (cost > power + 1e-9) {
      const affordable = affordableQuantity(settings.commission, price, power, fractional);
      if (settings.on_insufficient_cash === 'reject' || affordable <= 0) {
        this.reject(order, `insufficient buying power: ${units} ${order.symbol} at ${price} costs ${cost.toFixed(2)}, buying power ${power.toFixed(2)}`, cause);
        return;
      }
      units = affordable;
    }
    if (!(units > 0)) {
      this.reject(order, `size rounds to 0 units at ${price}`, cause);
      return;
    }
    const quantity = order.target * units;
    this.fill(order, cause, quantity, price, basePrice, commissionFor(settings.commission, quantity, price), fillTime, reason, true);
  }

  private fill(
    order: OrderPayload, cause: RuntimeEvent<'ORDER'>, quantity: number, price: number, basePrice: number,
    commission: number, fillTime: number, reason: FillReason, opening: boolean,
  ): void {
    this.fills++;
    this.publish(this.event('FILL', {
      orderId: order.orderId, portfolioId: order.portfolioId, strategyId: order.strategyId, stream: order.stream,
      streamIndex: order.streamIndex, symbol: order.symbol, quantity, price, basePrice, commission,
      barIdx: this.lastBar[order.streamIndex], fillTime, reason, opening,
    }, cause));
  }

  private reject(order: OrderPayload, reason: string, cause: RuntimeEvent): void {
    this.publish(this.event('ORDER_REJECTED', {
      orderId: order.orderId, portfolioId: order.portfolioId, strategyId: order.strategyId, symbol: order.symbol, reason,
    }, cause));
  }

  private account(portfolioId: string) {
    const entry = this.accounts.get(portfolioId);
    if (!entry) throw new Error(`execution ${this.id}: order from unknown portfolio ${portfolioId}`);
    return entry;
  }

  get fillCount(): number {
    return this.fills;
  }

  override describe(): string {
    return `execution ${this.id}: ${this.accounts.size} account(s): ${[...this.accounts].map(([id, a]) => `${id} ${JSON.stringify(a.settings)}`).join('; ')}`;
  }
}

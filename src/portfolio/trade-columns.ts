/**
 * Closed trades as columns: what the batch replay records per trade, without building a Trade
 * object. A replay of 100 portfolios closes ~110k trades; as objects (17 fields, ~8 of them
 * boxed doubles) they cost ~20-30 ms and as much again in garbage collection, and a sweep,
 * which only wants their metrics, never reads them. The metrics read the pnl, returnPct and
 * bars columns directly (computeMetrics accepts TradeColumnsView); Trade objects are built only
 * when asked for (toTrades), with the same fields, values and key order as the event path's.
 */
import type { BarSeries } from '../data/bar-series.ts';
import type { TradeColumnsView } from '../metrics/compute.ts';
import type { Trade } from './trade.ts';

/** Exit reasons by code (the batch engine's numbering). */
export const EXIT_REASONS = ['signal', 'stop_loss', 'take_profit', 'end_of_data', 'trailing_stop'] as const satisfies readonly Trade['exitReason'][];

export class TradeColumns implements TradeColumnsView {
  count = 0;
  /** Index of the trade's strategy in the portfolio's strategy list (toTrades' strategyIds). */
  strategy!: Int32Array;
  /** Run stream index of the traded stream. */
  stream!: Int32Array;
  long!: Uint8Array;
  quantity!: Float64Array;
  entryTime!: Float64Array;
  entryBarIdx!: Int32Array;
  entryPrice!: Float64Array;
  exitTime!: Float64Array;
  exitBarIdx!: Int32Array;
  exitPrice!: Float64Array;
  commission!: Float64Array;
  pnl!: Float64Array;
  returnPct!: Float64Array;
  bars!: Int32Array;
  reason!: Uint8Array;

  /** `capacity`: the expected number of trades (an upper bound saves every regrowth). */
  constructor(capacity = 64) {
    this.allocate(Math.max(16, capacity));
  }

  /**
   * Every column as a view of one buffer: a typed array of its own costs a backing-store
   * allocation (~2.5 µs), and a replay makes one set per portfolio. 8-byte columns first, so
   * every view is aligned.
   */
  private allocate(n: number): void {
    const buffer = new ArrayBuffer(n * (8 * 8 + 5 * 4 + 2 * 1));
    let at = 0;
    const f64 = () => {
      const a = new Float64Array(buffer, at, n);
      at += n * 8;
      return a;
    };
    const i32 = () => {
      const a = new Int32Array(buffer, at, n);
      at += n * 4;
      return a;
    };
    const u8 = () => {
      const a = new Uint8Array(buffer, at, n);
      at += n;
      return a;
    };
    this.quantity = f64();
    this.entryTime = f64();
    this.entryPrice = f64();
    this.exitTime = f64();
    this.exitPrice = f64();
    this.commission = f64();
    this.pnl = f64();
    this.returnPct = f64();
    this.strategy = i32();
    this.stream = i32();
    this.entryBarIdx = i32();
    this.exitBarIdx = i32();
    this.bars = i32();
    this.long = u8();
    this.reason = u8();
  }

  push(
    strategy: number, stream: number, long: boolean, quantity: number,
    entryTime: number, entryBarIdx: number, entryPrice: number,
    exitTime: number, exitBarIdx: number, exitPrice: number,
    commission: number, pnl: number, returnPct: number, reason: number,
  ): void {
    const i = this.count;
    if (i === this.pnl.length) this.grow();
    this.strategy[i] = strategy;
    this.stream[i] = stream;
    this.long[i] = long ? 1 : 0;
    this.quantity[i] = quantity;
    this.entryTime[i] = entryTime;
    this.entryBarIdx[i] = entryBarIdx;
    this.entryPrice[i] = entryPrice;
    this.exitTime[i] = exitTime;
    this.exitBarIdx[i] = exitBarIdx;
    this.exitPrice[i] = exitPrice;
    this.commission[i] = commission;
    this.pnl[i] = pnl;
    this.returnPct[i] = returnPct;
    this.bars[i] = exitBarIdx - entryBarIdx;
    this.reason[i] = reason;
    this.count = i + 1;
  }

  private grow(): void {
    const old = { ...this };
    this.allocate(this.pnl.length * 2);
    this.quantity.set(old.quantity);
    this.entryTime.set(old.entryTime);
    this.entryPrice.set(old.entryPrice);
    this.exitTime.set(old.exitTime);
    this.exitPrice.set(old.exitPrice);
    this.commission.set(old.commission);
    this.pnl.set(old.pnl);
    this.returnPct.set(old.returnPct);
    this.strategy.set(old.strategy);
    this.stream.set(old.stream);
    this.entryBarIdx.set(old.entryBarIdx);
    this.exitBarIdx.set(old.exitBarIdx);
    this.bars.set(old.bars);
    this.long.set(old.long);
    this.reason.set(old.reason);
  }

  /** The trades as objects, in closing order (the portfolio container's Trade records). */
  toTrades(portfolioId: string, strategyIds: readonly string[], series: readonly BarSeries[]): Trade[] {
    const out = new Array<Trade>(this.count);
    for (let i = 0; i < this.count; i++) {
      const s = series[this.stream[i]];
      out[i] = {
        portfolioId, strategyId: strategyIds[this.strategy[i]], symbol: s.symbol, stream: s.id,
        direction: this.long[i] === 1 ? 'long' : 'short', quantity: this.quantity[i],
        entryTime: this.entryTime[i], entryBarIdx: this.entryBarIdx[i], entryPrice: this.entryPrice[i],
        exitTime: this.exitTime[i], exitBarIdx: this.exitBarIdx[i], exitPrice: this.exitPrice[i],
        commission: this.commission[i], pnl: this.pnl[i], returnPct: this.returnPct[i], bars: this.bars[i], exitReason: EXIT_REASONS[this.reason[i]],
      };
    }
    return out;
  }
}

/** One round trip of a sub-position (one strategy, one stream): opened by one fill, closed by another. */
export interface Trade {
  readonly portfolioId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly stream: string;
  readonly direction: 'long' | 'short';
  /** Units held (always positive). */
  readonly quantity: number;
  readonly entryTime: number;
  readonly entryBarIdx: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitBarIdx: number;
  readonly exitPrice: number;
  /** Entry plus exit commission. */
  readonly commission: number;
  /** Net profit: (exit - entry) * signed quantity - commission. */
  readonly pnl: number;
  /** pnl as a fraction of the entry notional (quantity * entry price). */
  readonly returnPct: number;
  /** Bars held, counted in the traded stream: exit bar_idx - entry bar_idx. */
  readonly bars: number;
  readonly exitReason: 'signal' | 'stop_loss' | 'trailing_stop' | 'take_profit' | 'end_of_data';
}

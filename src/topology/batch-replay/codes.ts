/**
 * The batch simulator's numeric codes, shared by its general path (simulate-portfolio.ts) and
 * its one-stream path (one-stream.ts): numbers rather than strings for the per-signal and
 * per-fill switches.
 */

// Exit reason codes: indices into EXIT_REASONS (src/portfolio/trade-columns.ts), which names them in trades.
export const SIGNAL = 0;
export const STOP_LOSS = 1;
export const TAKE_PROFIT = 2;
export const END_OF_DATA = 3;
export const TRAILING_STOP = 4;

// Commission models (Commission['type']).
export const COMMISSION_NONE = 0;
export const COMMISSION_PERCENT = 1;
export const COMMISSION_PER_UNIT = 2;
export const COMMISSION_FIXED = 3;

// Sizing types (PortfolioConfig['sizing']['type']).
export const FIXED_QUANTITY = 0;
export const PERCENT_EQUITY = 1;
export const PERCENT_CASH = 2;

/**
 * commissionFor(commission, quantity, price), with percent's pct / 100 done once (`rate`);
 * kept in step with it by the replay-equals-backtest properties, whose random costs cover
 * every commission model.
 */
export function costOf(type: number, rate: number, min: number, quantity: number, price: number): number {
  const units = Math.abs(quantity);
  switch (type) {
    case COMMISSION_NONE:
      return 0;
    case COMMISSION_PERCENT:
      return rate * units * price;
    case COMMISSION_PER_UNIT:
      return Math.max(rate * units, min);
    default:
      return rate;
  }
}

/**
 * What the simulated broker may ask a portfolio, like a real broker checking an account:
 * its buying power and the size of one sub-position. Read-only.
 */
export interface AccountView {
  /** Equity minus gross exposure, marked at the last known prices (a 1x cash account). */
  buyingPower(): number;
  /** Signed units held by the sub-position (strategy, stream); 0 when flat. */
  positionQuantity(strategyId: string, streamIndex: number): number;
}

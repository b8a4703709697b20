/**
 * Timeframes are written as `<n><unit>` with unit m (minutes), h (hours) or d (days):
 * `1m`, `5m`, `1h`, `1d`. A bar is labelled by its start time and closes at start + duration.
 */
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const TIMEFRAME_PATTERN = /^([1-9][0-9]*)(m|h|d)$/;

export function isTimeframe(text: string): boolean {
  return TIMEFRAME_PATTERN.test(text);
}

/** Duration of one bar of `timeframe` in milliseconds; throws on a malformed timeframe. */
export function timeframeMs(timeframe: string): number {
  const match = TIMEFRAME_PATTERN.exec(timeframe);
  if (!match) throw new Error(`invalid timeframe "${timeframe}": expected <n>m, <n>h or <n>d, e.g. 1m, 5m, 1h, 1d`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** Stream id used everywhere a (symbol, timeframe) pair is named: `SPY_1m`. */
export function streamId(symbol: string, timeframe: string): string {
  return `${symbol}_${timeframe}`;
}

export { MetricsSchema } from './types.ts';
export type { EquityCurve, Metrics, MetricsOptions, TradeRecord } from './types.ts';
export { computeMetrics, ZERO_DEVIATION } from './compute.ts';
export {
  periodsPerYear,
  countSessions,
  TRADING_DAYS_PER_YEAR,
  WEEKS_PER_YEAR,
  DEFAULT_SESSION_TIMEZONE,
} from './annualisation.ts';

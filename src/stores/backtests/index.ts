/** The backtest store: one central, queryable store of every backtest (docs/backtest-store.md). */
export { BacktestStore, BacktestStoreClosedError, paramValueJson, type BacktestStoreOptions } from './store.ts';
export { BacktestStoreLockedError } from './db.ts';
export { exitRuleFromRisk, exitRuleHash, normalizeExitRule, paramHash } from './hash.ts';
export {
  BacktestFiltersSchema, BacktestInputSchema, BacktestMetricsSchema, BacktestStoreInputError, EXIT_RULE_TYPES, ExitRuleSchema, METRIC_NAMES,
  SORT_FIELDS, SortSchema, TradeRowSchema,
  type BacktestDetail, type BacktestFilters, type BacktestInput, type BacktestMetrics, type BacktestSort, type BacktestSummary, type ExitRule,
  type ExitRuleType, type JsonValue, type MetricName, type SortField, type TradeRow,
} from './schema.ts';
export { backtestMetricsOf, backtestsOfRun, type RunForStore, type RunPortfolio, type RunStrategy } from './from-run.ts';

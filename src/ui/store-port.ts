/** The part of the BacktestStore (src/stores/backtests) the web UI's API uses. */
import type { BacktestStore } from '../stores/backtests/index.ts';

export type { BacktestFilters, BacktestSummary, ExitRule } from '../stores/backtests/index.ts';

export type UiStore = Pick<BacktestStore, 'query' | 'getDetailed' | 'delete' | 'sweeps'>;

/** The package's public surface for use from TypeScript. */
export { runTopology, runTopologyFile, dryRunTopologyFile, type RunTopologyOptions, type TopologyRun } from './topology/run-topology.ts';
export { loadTopologyFile, parseTopology, validateTopology, TopologyError } from './topology/load.ts';
export { TopologySchema, type TopologyConfig, type TopologyInput } from './topology/schema.ts';
export { planTopology, type Plan } from './topology/plan.ts';
export { buildGraph, type Graph } from './topology/build.ts';
export { runGraph, RunError, type RunOutcome } from './topology/run.ts';
export { loadBars, writeBarsParquet } from './data/load-bars.ts';
export { generateSyntheticBars } from './data/synthetic.ts';
export { resampleBars } from './data/resample.ts';
export type { BarSeries } from './data/bar-series.ts';
export { STRATEGIES, getStrategy } from './strategies/registry.ts';
export { CLASSIFIERS, getClassifier } from './classifiers/registry.ts';
export { INDICATORS, getIndicator } from './features/registry.ts';
export { computeMetrics, type Metrics } from './metrics/index.ts';
export { EventBus } from './core/bus.ts';
export { Container, RunContext } from './core/container.ts';
export type { AnyEvent, EventType, RuntimeEvent } from './core/events.ts';
export {
  BacktestStore, BacktestStoreInputError, BacktestStoreLockedError, paramHash, exitRuleHash, normalizeExitRule, exitRuleFromRisk, backtestsOfRun,
  type BacktestInput, type BacktestSummary, type BacktestDetail, type BacktestFilters, type BacktestSort, type ExitRule, type TradeRow,
} from './stores/backtests/index.ts';
export {
  runSweep, defaultSweepDir, SweepInterruptedError, SweepOptionsError,
  type RunSweepOptions, type SweepRun, type SweepResult, type SweepStats,
} from './sweep/run-sweep.ts';
export { readSweepParquet, type SweepRow, type ParamValue } from './sweep/results.ts';
export { SweepFolderError } from './sweep/journal.ts';
export type { SweepProgress } from './sweep/progress.ts';
export { ObjectiveSchema, objectiveValue, describeObjective, type Objective } from './sweep/objective.ts';
export { ObjectiveObserver, attachObservers, runWithObservers, type ObservedPortfolio, type ObservedRun } from './sweep/observer.ts';
export {
  runWorkflow, validateWorkflow, loadWorkflowFile, WorkflowError, walkForwardWindows,
  type RunWorkflowOptions, type WorkflowResult, type WorkflowReport, type WalkForwardSpec, type WalkForwardWindow,
} from './workflow/index.ts';

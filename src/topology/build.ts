/**
 * Instantiates a plan as a container graph:
 *
 *   root
 *   ├── data.<stream>      one per symbol-timeframe dataset, publishes BAR at close time
 *   ├── execution          simulated broker (BAR, ORDER, SYSTEM_STOP)
 *   ├── portfolio.<id>     one per portfolio (BAR, SIGNAL by strategy key, FILL by own key)
 *   └── features           alignment, FeatureHub, classifiers, strategies (BAR)
 *
 * Children are initialized in this order, so every BAR reaches the broker first (fills at
 * the open, then the bar's close is marked on the shared PriceBoard), then the portfolios
 * with stops on that stream, then the strategies (the close).
 */
import { Container, RunContext } from '../core/container.ts';
import { EventIdSequence } from '../core/events.ts';
import { EventTracer } from '../core/tracer.ts';
import { DataContainer } from '../containers/data-container.ts';
import { ExecutionContainer } from '../containers/execution-container.ts';
import { FeatureContainer } from '../containers/feature-container.ts';
import { PortfolioContainer } from '../containers/portfolio-container.ts';
import type { BarSeries } from '../data/bar-series.ts';
import { PriceBoard } from '../portfolio/price-board.ts';
import type { Plan } from './plan.ts';

export interface Graph {
  readonly plan: Plan;
  readonly series: readonly BarSeries[];
  readonly context: RunContext;
  readonly root: Container;
  readonly data: readonly DataContainer[];
  readonly execution: ExecutionContainer;
  readonly portfolios: readonly PortfolioContainer[];
  readonly feature: FeatureContainer;
  readonly tracer: EventTracer;
}

export function buildGraph(plan: Plan, series: readonly BarSeries[]): Graph {
  const context = new RunContext(plan.config.engine.on_handler_error);
  const root = new Container('root', 'root', context);
  const streamIndex = new Map(series.map((s, i) => [s.id, i]));
  const indexOf = (id: string) => {
    const i = streamIndex.get(id);
    if (i === undefined) throw new Error(`unknown stream ${id}`);
    return i;
  };
  const data = series.map((s, i) => root.addChild(new DataContainer(s, i, context)));
  const board = new PriceBoard(series);
  const execution = root.addChild(new ExecutionContainer('execution', series, board, context));
  const orderIds = new EventIdSequence();
  const legStreams = new Map(plan.strategies.map((s) => [s.id, s.inputs.slice(0, s.legWeights.length).map(indexOf)]));
  const portfolios = plan.portfolios.map((p) => {
    const traded = [...new Set(p.config.strategies.flatMap((id) => legStreams.get(id) ?? []))];
    const portfolio = root.addChild(new PortfolioContainer(p.config, p.execution, series, board, traded, orderIds, context));
    execution.registerAccount(p.config.id, portfolio, p.execution);
    return portfolio;
  });
  const feature = root.addChild(new FeatureContainer(
    'features',
    series,
    plan.strategies.map((s) => ({ id: s.id, definition: s.definition, params: s.params, inputs: s.inputs.map(indexOf), legWeights: s.legWeights })),
    plan.classifiers.map((c) => ({ id: c.id, definition: c.definition, params: c.params, inputs: c.inputs.map(indexOf) })),
    plan.config.data.missing_bars,
    context,
  ));
  const tracer = new EventTracer(plan.config.engine.trace);
  // A tracer that keeps nothing is not attached: observers make lazily built events
  // (FEATURES, PORTFOLIO_UPDATE) get built, which a `none` trace would throw away.
  if (plan.config.engine.trace.retention !== 'none') for (const container of root.walk()) tracer.attach(container.bus);
  return { plan, series, context, root, data, execution, portfolios, feature, tracer };
}

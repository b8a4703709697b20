/**
 * Instantiates a plan as a container graph. One config shape, one graph per mode:
 *
 *   backtest            root ── data.<stream> ── execution ── portfolio.<id> ── features
 *   signal_generation   root ── data.<stream> ── features ── signal_writer
 *   signal_replay       root ── data.<stream> ── execution ── portfolio.<id> ── signal_replay
 *
 * Children are initialized in this order, so every BAR reaches the broker first (fills at
 * the open, then the bar's close is marked on the shared PriceBoard), then the portfolios
 * with stops on that stream, then whatever produces signals (features or the stored signals).
 */
import { windowActiveFrom } from './window.ts';
import { Container, RunContext } from '../core/container.ts';
import { EventIdSequence } from '../core/events.ts';
import { EventTracer } from '../core/tracer.ts';
import { DataContainer } from '../containers/data-container.ts';
import { ExecutionContainer } from '../containers/execution-container.ts';
import { FeatureContainer } from '../containers/feature-container.ts';
import { PortfolioContainer } from '../containers/portfolio-container.ts';
import type { BarSeries } from '../data/bar-series.ts';
import { PriceBoard } from '../portfolio/price-board.ts';
import { SignalReplayContainer, type ReplayClassifier, type ReplayStrategy } from '../signals/signal-replay-container.ts';
import { SignalWriterContainer } from '../signals/signal-writer.ts';
import type { Plan } from './plan.ts';

/** Stored rows for a replay graph, in the plan's strategy and classifier order. */
export interface ReplayInputs {
  readonly strategies: readonly ReplayStrategy[];
  readonly classifiers: readonly ReplayClassifier[];
}

export interface Graph {
  readonly plan: Plan;
  readonly series: readonly BarSeries[];
  readonly context: RunContext;
  readonly root: Container;
  readonly data: readonly DataContainer[];
  readonly execution: ExecutionContainer | null;
  readonly portfolios: readonly PortfolioContainer[];
  readonly feature: FeatureContainer | null;
  readonly writer: SignalWriterContainer | null;
  readonly replay: SignalReplayContainer | null;
  readonly tracer: EventTracer;
}

export function buildGraph(plan: Plan, series: readonly BarSeries[], replayInputs?: ReplayInputs): Graph {
  const context = new RunContext(plan.config.engine.on_handler_error);
  const root = new Container('root', 'root', context);
  const streamIndex = new Map(series.map((s, i) => [s.id, i]));
  const indexOf = (id: string) => {
    const i = streamIndex.get(id);
    if (i === undefined) throw new Error(`unknown stream ${id}`);
    return i;
  };
  const data = series.map((s, i) => root.addChild(new DataContainer(s, i, context)));

  let execution: ExecutionContainer | null = null;
  let portfolios: PortfolioContainer[] = [];
  if (plan.mode !== 'signal_generation') {
    const board = new PriceBoard(series);
    execution = root.addChild(new ExecutionContainer('execution', series, board, context));
    const orderIds = new EventIdSequence();
    const legStreams = new Map(plan.strategies.map((s) => [s.id, s.inputs.slice(0, s.legWeights.length).map(indexOf)]));
    portfolios = plan.portfolios.map((p) => {
      const traded = [...new Set(p.config.strategies.flatMap((id) => legStreams.get(id) ?? []))];
      const portfolio = root.addChild(new PortfolioContainer(p.config, p.execution, series, board, traded, orderIds, context, windowActiveFrom(plan.config.data.window, series)));
      execution!.registerAccount(p.config.id, portfolio, p.execution);
      return portfolio;
    });
  }

  let feature: FeatureContainer | null = null;
  let replay: SignalReplayContainer | null = null;
  if (plan.mode === 'signal_replay') {
    if (!replayInputs) throw new Error('a signal_replay graph needs the stored signals (ReplayInputs)');
    replay = root.addChild(new SignalReplayContainer('signal_replay', series, replayInputs.strategies, replayInputs.classifiers, context));
  } else {
    feature = root.addChild(new FeatureContainer(
      'features',
      series,
      plan.strategies.map((s) => ({ id: s.id, definition: s.definition, params: s.params, inputs: s.inputs.map(indexOf), legWeights: s.legWeights })),
      plan.classifiers.map((c) => ({ id: c.id, definition: c.definition, params: c.params, inputs: c.inputs.map(indexOf) })),
      plan.config.data.missing_bars,
      context,
    ));
  }
  const writer = plan.mode === 'signal_generation'
    ? root.addChild(new SignalWriterContainer('signal_writer', plan.strategies.map((s) => s.id), plan.classifiers.map((c) => c.id), context))
    : null;

  const tracer = new EventTracer(plan.config.engine.trace);
  // A tracer that keeps nothing is not attached: observers make lazily built events
  // (FEATURES, PORTFOLIO_UPDATE) get built, which a `none` trace would throw away.
  if (plan.config.engine.trace.retention !== 'none') for (const container of root.walk()) tracer.attach(container.bus);
  return { plan, series, context, root, data, execution, portfolios, feature, writer, replay, tracer };
}

/**
 * Connecting a ResultsStore to a backtest: `attachResultsStore(store, graph, { runId })`
 * returns the `onTickEnd` hook for runGraph (or undefined when the mode needs none) and a
 * `finish(outcome)` for after the run. Nothing here ever waits inside the loop: the loop is
 * synchronous and must never wait on I/O.
 *
 * Where the per-timestep results (equity and cash per portfolio, trades) are handed over:
 *
 *   performance: 'curve' (the default) - after the loop. The engine computes equity after
 *     the loop, from each portfolio's fill ledger (topology/run.ts, portfolio/equity-curve.ts):
 *     that is where its P&L calculation sits, so that is where the store sits. finish()
 *     hands every tick's row to storeTimestepResults, in tick order, from the engine's own
 *     curve (cash per tick from the same ledger), then the trades. No hook runs in the loop:
 *     even an empty per-tick hook measured about 4% of the NVDA minute loop.
 *
 *   performance: 'tick' - inside the loop, as a live loop would: at the end of every tick
 *     the hook computes each portfolio's equity (equityNow) and hands the row, and the
 *     trades closed in that tick, to storeTimestepResults. Measured on the NVDA minute bench
 *     it costs far more than 5% of that loop, most of it equityNow and the call itself (see
 *     docs/results-store.md); use it when rows must leave during the run. Its last row
 *     precedes the end-of-data closes (they come after the last tick; the engine's curve
 *     books them on the last tick), whose trades finish() stores.
 *
 * Event rows (eventTypes) are handed over by the bus subscription as the events happen, in
 * both modes. finish() ends with the backtest's summary (storeBacktestResults) and resolves
 * once the run's files are complete and the store is flushed.
 *
 * The graph and outcome are described structurally (a store never imports the topology);
 * the topology's Graph and RunOutcome fit them.
 */
import type { EventBus } from '../../core/bus.ts';
import type { EventIdSequence, EventType } from '../../core/events.ts';
import type { EquityCurveData } from '../../portfolio/equity-curve.ts';
import type { Trade } from '../../portfolio/trade.ts';
import { busEmitter, type StoreEmit } from './emit.ts';
import { QueueFullError, StoreInputError } from './errors.ts';
import type { JsonValue } from './json.ts';
import type { EventRecord, PerformanceRow, TimestepResults } from './records.ts';
import type { ResultsStore } from './store.ts';

/** What the hook reads from a portfolio container. */
export interface PortfolioSource {
  readonly config: { readonly id: string };
  equityNow(): number;
  readonly ledger: {
    readonly length: number;
    readonly initialCash: number;
    readonly tick: { toArray(): ArrayLike<number> };
    readonly cashAfter: { toArray(): Float64Array };
  };
  result(curve: EquityCurveData): { readonly cash: number; readonly trades: readonly Trade[] };
}

/** What the hook reads from a graph (topology/build.ts's Graph has all of it). */
export interface GraphSource {
  readonly portfolios: readonly PortfolioSource[];
  readonly root: { readonly bus: EventBus };
  readonly context: { readonly ids: EventIdSequence; readonly now: number };
}

/** What finish() reads from the run's outcome (topology/run.ts's RunOutcome has all of it). */
export interface OutcomeSource {
  readonly runId: string;
  readonly stats: object;
  readonly portfolios: readonly {
    readonly result: { readonly id: string; readonly cash: number; readonly equity: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number> } };
    readonly metrics: object;
  }[];
}

export interface AttachOptions {
  readonly runId: string;
  /** Where performance rows come from (see the file header); default 'curve'. */
  readonly performance?: 'curve' | 'tick';
  /** Runtime event types to store as event rows (default none; RESULTS_STORED cannot be one). */
  readonly eventTypes?: readonly EventType[];
  /**
   * When the store refuses a tick inside the loop (QueueFullError: its memory bound is
   * reached while storage is failing): `continue` counts it and goes on (the default: the
   * run goes on, the refusal is reported by the store's status and events), `fail` rethrows
   * and fails the run.
   */
  readonly onRefused?: 'continue' | 'fail';
  /** Where RESULTS_STORED events of this run go (default: published on the graph's root bus). */
  readonly emit?: StoreEmit;
}

export interface AttachedStore {
  /** For runGraph's onTickEnd; undefined in 'curve' mode (nothing to do inside the loop). */
  readonly onTickEnd: ((ts: number) => void) | undefined;
  /** Stores what is left and the summary; resolves when the run's files are complete and the store is flushed. */
  finish(outcome: OutcomeSource, options?: { timeoutMs?: number }): Promise<void>;
  /** Ticks the store refused inside the loop (its bound reached while storage was failing). */
  readonly refusedTicks: () => number;
}

const EMPTY_CURVE: EquityCurveData = { ts: new Float64Array(0), equity: new Float64Array(0), exposed: new Uint8Array(0) };

export function attachResultsStore(store: ResultsStore, graph: GraphSource, options: AttachOptions): AttachedStore {
  const { runId } = options;
  const perTick = (options.performance ?? 'curve') === 'tick';
  if (store.config.queue.policy === 'wait') {
    throw new StoreInputError('attachResultsStore', 'queue policy "wait" needs a producer that can await; a backtest loop is synchronous: use "spill" or "error"');
  }
  const eventTypes = options.eventTypes ?? [];
  if (eventTypes.includes('RESULTS_STORED')) throw new StoreInputError('attachResultsStore', 'eventTypes cannot include RESULTS_STORED (the store would store its own reports forever)');
  store.openRun(runId, {
    mode: 'backtest',
    emit: options.emit ?? busEmitter(graph.root.bus, graph.context.ids, { now: () => graph.context.now }),
  });

  const portfolios = graph.portfolios;
  const rows: PerformanceRow[] = portfolios.map((p) => ({ portfolioId: p.config.id, equity: Number.NaN, cash: p.result(EMPTY_CURVE).cash }));
  const seenFills = portfolios.map((p) => p.ledger.length);
  const seenTrades = portfolios.map((p) => p.result(EMPTY_CURVE).trades.length);
  const results: { runId: string; portfolios: PerformanceRow[]; trades: Trade[] | undefined } = { runId, portfolios: rows, trades: undefined };
  const failOnRefusal = options.onRefused === 'fail';
  let refused = 0;

  /** Hands `results` over; a refusal (bound reached while storage fails) is counted, or fails the run. */
  const hand = (ts: number, handed: TimestepResults): void => {
    try {
      store.storeTimestepResults(ts, handed);
    } catch (error) {
      if (!(error instanceof QueueFullError) || failOnRefusal) throw error;
      refused++;
    }
  };

  const event: EventRecord[] = [];
  const eventResults: TimestepResults = { runId, events: event };
  const unsubscribe = eventTypes.map((type) =>
    graph.root.bus.subscribe(type, (e) => {
      event[0] = { ts: e.ts, type: e.type, source: e.source, payload: e.payload as unknown as JsonValue };
      hand(e.ts, eventResults);
    }, { subscriber: 'results-store', filter: { where: () => true, describe: 'every event (results store)' } }),
  );

  /** Cash and trades closed since the last look, from every portfolio whose ledger grew. */
  const collectFills = (): Trade[] | undefined => {
    let trades: Trade[] | undefined;
    for (let i = 0; i < portfolios.length; i++) {
      const fills = portfolios[i].ledger.length;
      if (fills === seenFills[i]) continue;
      seenFills[i] = fills;
      const result = portfolios[i].result(EMPTY_CURVE);
      rows[i].cash = result.cash;
      const all = result.trades;
      if (all.length > seenTrades[i]) {
        trades ??= [];
        for (let t = seenTrades[i]; t < all.length; t++) trades.push(all[t]);
        seenTrades[i] = all.length;
      }
    }
    return trades;
  };

  const onTickEnd = !perTick ? undefined : (ts: number): void => {
    // Fills are rare: only when a ledger grew are cash and trades looked at.
    let grew = false;
    for (let i = 0; i < portfolios.length; i++) {
      const p = portfolios[i];
      if (p.ledger.length !== seenFills[i]) grew = true;
      rows[i].equity = p.equityNow();
    }
    results.trades = grew ? collectFills() : undefined;
    hand(ts, results);
  };

  const finish = async (outcome: OutcomeSource, finishOptions: { timeoutMs?: number } = {}): Promise<void> => {
    for (const off of unsubscribe) off();
    if (!perTick) await storeCurves(store, runId, portfolios, outcome);
    // In 'curve' mode these are all the run's trades: stored in order of exit (then portfolio).
    const trades = collectFills() ?? [];
    if (!perTick) trades.sort((x, y) => x.exitTime - y.exitTime);
    await store.storeBacktestResults(runId, { summary: summaryOf(outcome), trades });
    await store.flush(finishOptions);
  };

  return { onTickEnd, finish, refusedTicks: () => refused };
}

/**
 * Hands every tick's performance rows to the store, from the engine's equity curves; cash
 * per tick from each portfolio's fill ledger (cash after the last fill of that tick or
 * before). Waits (flushes) when the store's queue refuses, since this runs after the loop.
 */
async function storeCurves(store: ResultsStore, runId: string, portfolios: readonly PortfolioSource[], outcome: OutcomeSource): Promise<void> {
  const curves = outcome.portfolios.map((p) => p.result.equity);
  if (curves.length !== portfolios.length) throw new StoreInputError('finish', `the outcome has ${curves.length} portfolios, the graph ${portfolios.length}`);
  const ticks = curves.length === 0 ? 0 : curves[0].ts.length;
  const fillTick = portfolios.map((p) => p.ledger.tick.toArray());
  const cashAfter = portfolios.map((p) => p.ledger.cashAfter.toArray());
  const cash = portfolios.map((p) => p.ledger.initialCash);
  const next = portfolios.map(() => 0);
  const rows: PerformanceRow[] = outcome.portfolios.map((p) => ({ portfolioId: p.result.id, equity: Number.NaN, cash: Number.NaN }));
  const results = { runId, portfolios: rows };
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < rows.length; i++) {
      while (next[i] < fillTick[i].length && fillTick[i][next[i]] <= t) cash[i] = cashAfter[i][next[i]++];
      rows[i].equity = curves[i].equity[t];
      rows[i].cash = cash[i];
    }
    for (;;) {
      try {
        const accepted = store.storeTimestepResults(curves[0].ts[t], results);
        if (accepted !== true) await accepted;
        break;
      } catch (error) {
        if (!(error instanceof QueueFullError)) throw error;
        await store.flush(); // after the loop there is time to wait for room
      }
    }
  }
}

/**
 * The summary stored for a backtest: its stats and each portfolio's metrics and final cash.
 * Metrics can be NaN or infinite (a Sharpe ratio without variance, a profit factor without
 * losses); JSON has no such numbers, so they are stored as null, explicitly, here.
 */
export function summaryOf(outcome: OutcomeSource): JsonValue {
  return jsonSafe({
    run_id: outcome.runId,
    stats: outcome.stats,
    portfolios: Object.fromEntries(outcome.portfolios.map((p) => [p.result.id, { final_cash: p.result.cash, metrics: p.metrics }])),
  });
}

function jsonSafe(value: unknown): JsonValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, jsonSafe(v)]));
  return null;
}

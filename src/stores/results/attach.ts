/**
 * Connecting a ResultsStore to a backtest: `attachResultsStore(store, graph, { runId })`
 * returns the `onTickEnd` hook for runGraph and a `finish()` for after the run.
 *
 * At the end of every clock tick the hook hands the store one row per portfolio (equity,
 * cash) and the trades closed since the previous tick, without waiting for anything: the
 * loop is synchronous and must never wait on I/O. The row objects are reused tick after
 * tick (the store copies them), and cash and trades are looked at only when the
 * portfolio's fill ledger has grown, so a tick without fills costs a few array stores.
 *
 * `finish(outcome)` stores the trades closed at the end of the data (after the last tick),
 * then the backtest's summary (storeBacktestResults), and resolves once the run's files
 * are complete and everything is flushed.
 *
 * The graph is described structurally (a store never imports the topology); the topology's
 * Graph fits it.
 */
import type { EventBus } from '../../core/bus.ts';
import type { EventIdSequence, EventType } from '../../core/events.ts';
import type { EquityCurveData } from '../../portfolio/equity-curve.ts';
import type { Trade } from '../../portfolio/trade.ts';
import { busEmitter, type StoreEmit } from './emit.ts';
import { QueueFullError, StoreInputError } from './errors.ts';
import type { JsonValue } from './json.ts';
import type { EventRecord, PerformanceRow } from './records.ts';
import type { ResultsStore } from './store.ts';

/** What the hook reads from a portfolio container. */
export interface PortfolioSource {
  readonly config: { readonly id: string };
  equityNow(): number;
  readonly ledger: { readonly length: number };
  result(curve: EquityCurveData): { readonly cash: number; readonly trades: readonly Trade[] };
}

/** What the hook reads from a graph (topology/build.ts's Graph has all of it). */
export interface GraphSource {
  readonly portfolios: readonly PortfolioSource[];
  readonly root: { readonly bus: EventBus };
  readonly context: { readonly ids: EventIdSequence; readonly now: number };
}

/** What finish() summarises (topology/run.ts's RunOutcome has all of it). */
export interface OutcomeSource {
  readonly runId: string;
  readonly stats: object;
  readonly portfolios: readonly { readonly result: { readonly id: string; readonly cash: number }; readonly metrics: object }[];
}

export interface AttachOptions {
  readonly runId: string;
  /** Runtime event types to store as event rows (default none; RESULTS_STORED cannot be one). */
  readonly eventTypes?: readonly EventType[];
  /**
   * When the store refuses a tick (QueueFullError: its memory bound is reached while storage
   * is failing): `continue` counts it and goes on (the default: the run goes on, the refusal
   * is reported by the store's status and events), `fail` rethrows and fails the run.
   */
  readonly onRefused?: 'continue' | 'fail';
  /** Where RESULTS_STORED events of this run go (default: published on the graph's root bus). */
  readonly emit?: StoreEmit;
}

export interface AttachedStore {
  readonly onTickEnd: (ts: number) => void;
  /** Stores the final results and resolves when they are written and the store is flushed. */
  finish(outcome?: OutcomeSource, options?: { timeoutMs?: number }): Promise<void>;
  /** Ticks the store refused (policy bound reached while storage was failing). */
  readonly refusedTicks: () => number;
}

const EMPTY_CURVE: EquityCurveData = { ts: new Float64Array(0), equity: new Float64Array(0), exposed: new Uint8Array(0) };

export function attachResultsStore(store: ResultsStore, graph: GraphSource, options: AttachOptions): AttachedStore {
  const { runId } = options;
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
  const rows: PerformanceRow[] = portfolios.map((p) => ({ portfolioId: p.config.id, equity: 0, cash: p.result(EMPTY_CURVE).cash }));
  const seenFills = portfolios.map((p) => p.ledger.length);
  const seenTrades = portfolios.map((p) => p.result(EMPTY_CURVE).trades.length);
  const results: { runId: string; portfolios: PerformanceRow[]; trades: Trade[] | undefined; events: EventRecord[] | undefined } = {
    runId, portfolios: rows, trades: undefined, events: undefined,
  };
  let events: EventRecord[] = [];
  const unsubscribe = eventTypes.map((type) =>
    graph.root.bus.subscribe(type, (e) => {
      events.push({ ts: e.ts, type: e.type, source: e.source, payload: e.payload as unknown as JsonValue });
    }, { subscriber: 'results-store', filter: { where: () => true, describe: 'every event (results store)' } }),
  );
  const failOnRefusal = options.onRefused === 'fail';
  let refused = 0;

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

  const onTickEnd = (ts: number): void => {
    // Fills are rare: only when a ledger grew is anything more than equity looked at.
    let grew = false;
    for (let i = 0; i < portfolios.length; i++) {
      const p = portfolios[i];
      if (p.ledger.length !== seenFills[i]) grew = true;
      rows[i].equity = p.equityNow();
    }
    if (grew) results.trades = collectFills();
    if (events.length > 0) {
      results.events = events;
      events = [];
    }
    try {
      store.storeTimestepResults(ts, results);
    } catch (error) {
      if (!(error instanceof QueueFullError) || failOnRefusal) throw error;
      refused++;
    } finally {
      results.trades = undefined;
      results.events = undefined;
    }
  };

  const finish = async (outcome?: OutcomeSource, finishOptions: { timeoutMs?: number } = {}): Promise<void> => {
    for (const off of unsubscribe) off();
    const trades = collectFills() ?? [];
    const lateEvents = events;
    events = [];
    await store.storeBacktestResults(runId, { summary: outcome ? summaryOf(outcome) : {}, trades, events: lateEvents });
    await store.flush(finishOptions);
  };

  return { onTickEnd, finish, refusedTicks: () => refused };
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

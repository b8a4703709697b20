/**
 * The store attached to a real backtest: the hook hands every tick over without waiting,
 * and what ends up on disk is what the engine computed on its own: its equity curve (built
 * after the run from the fill ledger, a separate code path), its trades, its metrics.
 */
import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../../src/core/events.ts';
import { ResultsStore } from '../../../src/stores/results/index.ts';
import { storedBacktest } from './helpers/backtest.ts';
import { tempRoot } from './helpers/tmp.ts';

const next = tempRoot('results-attach');

describe('attachResultsStore on a real backtest', () => {
  it('stores every tick of every portfolio (the engine\'s equity curve), every trade and the summary', async () => {
    const store = await ResultsStore.open({ root: next() });
    const { graph, outcome, attached, returned } = await storedBacktest(store, { runId: 'bt-1', eventTypes: ['FILL'] });
    expect(returned.every((r) => r === undefined)).toBe(true);
    await attached.finish(outcome);

    const perf = await store.readResults('bt-1', 'performance', { format: 'parquet' });
    const [a, b] = outcome.portfolios.map((p) => p.result);
    const ticks = a.equity.ts.length;
    expect(perf.length).toBe(2 * ticks);
    for (let i = 0; i < ticks; i++) {
      for (const [k, p] of [a, b].entries()) {
        const row = perf[2 * i + k];
        expect(row.portfolioId).toBe(p.id);
        expect(row.ts).toBe(p.equity.ts[i]);
        expect(row.equity).toBe(p.equity.equity[i]);
      }
    }
    // The last cash is the portfolio's final cash (end-of-data closes booked on the last tick).
    expect(perf[2 * ticks - 2].cash).toBe(a.cash);
    expect(perf[2 * ticks - 1].cash).toBe(b.cash);
    const trades = await store.readResults('bt-1', 'trades', { format: 'csv' });
    const engineTrades = [...a.trades, ...b.trades];
    expect(trades.length).toBe(engineTrades.length);
    expect(trades.map(({ seq: _seq, ...t }) => t).sort(byExit)).toEqual([...engineTrades].sort(byExit));
    expect(engineTrades.some((t) => t.exitReason === 'end_of_data')).toBe(true);
    const fills = await store.readResults('bt-1', 'events');
    expect(fills.length).toBe(outcome.stats.fills);
    expect(fills.every((e) => e.type === 'FILL')).toBe(true);
    const summary = await store.readSummary('bt-1');
    expect(summary).toMatchObject({ final: true, mode: 'backtest' });
    const stored = summary!.summary as { portfolios: Record<string, { final_cash: number; metrics: unknown }> };
    expect(stored.portfolios.a.final_cash).toBe(a.cash);
    // JSON.stringify is the independent oracle here: it also writes non-finite numbers as null.
    for (const p of outcome.portfolios) expect(stored.portfolios[p.result.id].metrics).toEqual(JSON.parse(JSON.stringify(p.metrics)));
    expect(store.getStorageStatus()).toMatchObject({ healthy: true, queueDepth: 0, refused: 0 });
    expect(graph.context.errors).toEqual([]);
    await store.close();
  });

  it('performance: tick computes the rows inside the loop; they match the curve, cash the ledger, up to the end-of-data closes', async () => {
    const curveStore = await ResultsStore.open({ root: next(), formats: ['json'] });
    const curveRun = await storedBacktest(curveStore, { runId: 'curve' });
    await curveRun.attached.finish(curveRun.outcome);
    const tickStore = await ResultsStore.open({ root: next(), formats: ['json'] });
    const tickRun = await storedBacktest(tickStore, { runId: 'tick', performance: 'tick' });
    await tickRun.attached.finish(tickRun.outcome);
    const fromCurve = await curveStore.readResults('curve', 'performance');
    const fromTicks = await tickStore.readResults('tick', 'performance');
    expect(fromTicks.length).toBe(fromCurve.length);
    const last = fromCurve.length - 2;
    for (let k = 0; k < last; k++) {
      // Two computations (equityNow during the run, the ledger replay after it): equal up to summation order.
      expect(Math.abs(fromTicks[k].equity - fromCurve[k].equity)).toBeLessThanOrEqual(1e-9 * Math.abs(fromCurve[k].equity));
      expect(fromTicks[k].cash).toBe(fromCurve[k].cash);
      expect(fromTicks[k].ts).toBe(fromCurve[k].ts);
    }
    const unnumbered = <T extends { seq: number }>(rows: T[]) => rows.map(({ seq: _seq, ...t }) => t);
    const curveTrades = unnumbered(await curveStore.readResults('curve', 'trades'));
    expect(curveTrades.map((t) => t.exitTime)).toEqual([...curveTrades.map((t) => t.exitTime)].sort((x, y) => x - y));
    expect(unnumbered(await tickStore.readResults('tick', 'trades')).sort(byExit)).toEqual(curveTrades.sort(byExit));
    await curveStore.close();
    await tickStore.close();
  });

  it('RESULTS_STORED events reach the graph bus; with a small queue the loop spills and memory stays bounded', async () => {
    const store = await ResultsStore.open({ root: next(), formats: ['json'], queue: { capacity: 200, overflow: 0 } });
    const stored: RuntimeEvent<'RESULTS_STORED'>[] = [];
    let maxDepth = 0;
    let duringLoop = 0;
    const { outcome, attached } = await storedBacktest(store, { runId: 'bt-spill', performance: 'tick' }, {
      observe: (graph) => graph.root.bus.subscribe('RESULTS_STORED', (e) => stored.push(e), { subscriber: 'test' }),
      onTick: () => {
        maxDepth = Math.max(maxDepth, store.getStorageStatus().queueDepth);
      },
    });
    duringLoop = stored.length;
    expect(maxDepth).toBeLessThanOrEqual(200);
    // Spilled, hence acknowledged, during the loop: journal appends reported on the bus as they happened.
    expect(store.getStorageStatus().acknowledged).toBeGreaterThan(2 * 1400);
    expect(duringLoop).toBeGreaterThan(10);
    expect(stored.slice(0, duringLoop).every((e) => e.payload.kind === 'journal')).toBe(true);
    await attached.finish(outcome);
    expect(stored.length).toBeGreaterThan(duringLoop);
    expect(stored.every((e) => e.source === 'results-store' && e.payload.runId === 'bt-spill')).toBe(true);
    expect(stored.some((e) => e.payload.kind === 'performance' && e.payload.file?.endsWith('.jsonl'))).toBe(true);
    const perf = await store.readResults('bt-spill', 'performance');
    expect(perf.length).toBe(2 * outcome.portfolios[0].result.equity.ts.length);
    await store.close();
  });

  it('refuses the wait policy (a synchronous loop cannot await) and storing its own reports', async () => {
    const store = await ResultsStore.open({ root: next(), queue: { policy: 'wait' } });
    await expect(storedBacktest(store, { runId: 'w' })).rejects.toThrow(/queue policy "wait" needs a producer that can await/);
    const other = await ResultsStore.open({ root: next() });
    await expect(storedBacktest(other, { runId: 'x', eventTypes: ['RESULTS_STORED'] })).rejects.toThrow(/cannot include RESULTS_STORED/);
    await store.close();
    await other.close();
  });
});

function byExit(x: { exitTime: number; portfolioId: string; strategyId: string }, y: typeof x): number {
  return x.exitTime - y.exitTime || x.portfolioId.localeCompare(y.portfolioId) || x.strategyId.localeCompare(y.strategyId);
}

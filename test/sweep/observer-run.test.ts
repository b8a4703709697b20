/**
 * Observers on real runs: a topology with several portfolios (long/short, stops, a pairs
 * strategy holding two streams, two strategies in one portfolio, positions left open), each
 * observer fed only its own portfolio's events and equity stream, against the run's batch
 * metrics; under every trace retention, daily and intraday, with and without a risk-free rate.
 */
import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../src/clock/schedule.ts';
import { buildEquityCurve, tickMarks } from '../../src/portfolio/equity-curve.ts';
import { visitEquity } from '../../src/portfolio/equity-stream.ts';
import { attachObservers, runWithObservers } from '../../src/sweep/observer.ts';
import { objectiveValue } from '../../src/sweep/objective.ts';
import { validateTopology } from '../../src/topology/load.ts';
import { planTopology } from '../../src/topology/plan.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph } from '../../src/topology/run.ts';
import { expectSameMetrics } from './observer-helpers.ts';

function topology(options: { timeframe: string; bars: number; retention: string; rf: number; window?: { start_bar: number; end_bar?: number } }) {
  const tf = options.timeframe;
  return {
    name: 'observer-run',
    data: {
      timezone: 'UTC',
      ...(options.window ? { window: options.window } : {}),
      streams: [
        { symbol: 'AAA', timeframe: tf, synthetic: { seed: 11, bars: options.bars, start_price: 100 } },
        { symbol: 'BBB', timeframe: tf, synthetic: { seed: 12, bars: options.bars, start_price: 40 } },
      ],
    },
    strategies: [
      { id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: [`AAA_${tf}`] },
      { id: 'ema', type: 'ema_crossover', params: { fast_period: 8, slow_period: 30, long_only: true }, inputs: [`BBB_${tf}`] },
      { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 10, oversold: 35, overbought: 65 }, inputs: [`AAA_${tf}`] },
      { id: 'pairs', type: 'pairs_zscore', params: { period: 30, entry: 1.5, exit: 0.3 }, inputs: [`AAA_${tf}`, `BBB_${tf}`] },
    ],
    portfolios: [
      { id: 'trend', strategies: ['sma'], sizing: { type: 'percent_equity', pct: 90 }, risk: { stop_loss_pct: 3 } },
      { id: 'two', strategies: ['ema', 'rsi'], sizing: { type: 'percent_equity', pct: 45, fractional: true }, risk: { trailing_stop_pct: 4, take_profit_pct: 6 } },
      { id: 'pair', strategies: ['pairs'], sizing: { type: 'percent_cash', pct: 40 }, execution: { slippage_bps: 10 } },
      { id: 'open_end', strategies: ['sma', 'ema'], sizing: { type: 'fixed_quantity', quantity: 50 }, close_at_end: false },
    ],
    execution: { fill: 'next_open', commission: { type: 'percent', pct: 0.05 }, slippage_bps: 2 },
    engine: { trace: options.retention === 'window' ? { retention: 'window', size: 64 } : { retention: options.retention } },
    metrics: { risk_free_rate: options.rf },
  };
}

async function graphOf(config: unknown) {
  const plan = planTopology(validateTopology(config), '/');
  const { series } = await loadStreams(plan);
  return { plan, series, graph: buildGraph(plan, series) };
}

describe('observers on real runs', () => {
  for (const [retention, timeframe, rf, window] of [
    ['none', '1d', 0, undefined], ['trade_complete', '1d', 0.03, undefined], ['window', '1h', 0.02, undefined], ['none', '5m', 0, undefined],
    ['none', '1d', 0.01, { start_bar: 600, end_bar: 1400 }], ['trade_complete', '1h', 0, { start_bar: 300 }],
  ] as const) {
    it(`every portfolio's streamed metrics equal the run's batch metrics (trace ${retention}, ${timeframe}, rf ${rf}, window ${JSON.stringify(window)})`, async () => {
      const { graph } = await graphOf(topology({ timeframe, bars: 1500, retention, rf, window }));
      const observed = runWithObservers(graph, { weights: { sharpe: 1, max_drawdown: 2 } });
      const { outcome } = observed;
      expect(observed.portfolios.map((p) => p.id)).toEqual(['trend', 'two', 'pair', 'open_end']);
      outcome.portfolios.forEach((batch, i) => {
        const streamed = observed.portfolios[i];
        expect(batch.metrics.trades, batch.result.id).toBeGreaterThan(3);
        expect(streamed.metrics.trades).toBe(batch.result.trades.length);
        expectSameMetrics(streamed.metrics, batch.metrics, batch.result.id);
        expect(observed.periodsPerYear).toBe(batch.periodsPerYear);
        const want = objectiveValue(batch.metrics, { weights: { sharpe: 1, max_drawdown: 2 } });
        if (want === null) expect(streamed.objective).toBeNull();
        else expect(Math.abs(streamed.objective! - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
      });
      // the pairs portfolio held two streams at once, and one portfolio ended with a position open
      expect(outcome.portfolios[2].result.trades.some((t) => t.stream === 'BBB_' + timeframe)).toBe(true);
      expect(outcome.portfolios[3].result.equity.exposed.at(-1)).toBe(1);
      if (retention === 'none') expect(outcome.trace.retained).toBe(0);
      if (window) expect(outcome.portfolios[0].metrics.periods).toBeLessThan(1500 - window.start_bar);
    });
  }

  it('each observer hears only its own portfolio: trades it received equal that portfolio\'s trades', async () => {
    const { graph } = await graphOf(topology({ timeframe: '1d', bars: 800, retention: 'none', rf: 0 }));
    const attached = attachObservers(graph, 'sharpe');
    const outcome = runGraph(graph, { runId: 't' });
    // before finish(): only trades have arrived (the equity stream comes after the loop)
    attached.observers.forEach((o) => expect(o.points).toBe(0));
    const trades = attached.observers.map((o) => {
      o.onEquity(0, 1, false);
      return o.result(1).trades;
    });
    expect(trades).toEqual(outcome.portfolios.map((p) => p.result.trades.length));
    expect(new Set(trades).size).toBeGreaterThan(1);
  });

  it('the equity stream is the equity curve, point for point and to the bit', async () => {
    const { graph, series } = await graphOf(topology({ timeframe: '1h', bars: 1000, retention: 'none', rf: 0 }));
    const outcome = runGraph(graph, { runId: 't' });
    const marks = tickMarks(buildSchedule(series), series);
    graph.portfolios.forEach((p, i) => {
      const curve = buildEquityCurve(marks, p.ledger);
      const ts: number[] = [];
      const equity: number[] = [];
      const exposed: number[] = [];
      let expected = 0;
      visitEquity(marks, p.ledger, (tick, t, e, x) => {
        expect(tick).toBe(expected++);
        ts.push(t);
        equity.push(e);
        exposed.push(x ? 1 : 0);
      });
      expect(equity).toEqual(Array.from(curve.equity));
      expect(equity).toEqual(Array.from(outcome.portfolios[i].result.equity.equity));
      expect(ts).toEqual(Array.from(curve.ts));
      expect(exposed).toEqual(Array.from(curve.exposed));
    });
  });

  it('refuses an unbounded trace and a graph that already ran', async () => {
    const { graph } = await graphOf(topology({ timeframe: '1d', bars: 300, retention: 'all', rf: 0 }));
    expect(() => runWithObservers(graph, 'sharpe')).toThrow(/retention: all/);
    const ok = runWithObservers(graph, 'sharpe', { allowUnboundedTrace: true });
    expect(ok.portfolios).toHaveLength(4);
    expect(() => attachObservers(graph, 'sharpe')).toThrow(/must not have run/);
  });
});

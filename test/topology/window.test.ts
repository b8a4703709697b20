/**
 * data.window (src/topology/window.ts): a run over bars [start_bar, end_bar) of the first
 * stream never loads data from after the window, keeps the base data's bar indices, trades
 * and records equity only from the close of start_bar, and replays exactly like it backtests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateTopology } from '../../src/topology/load.ts';
import { planTopology } from '../../src/topology/plan.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../src/topology/run.ts';
import { generateSignals } from '../../src/topology/generate-signals.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { batchReplayMetrics, runBatchReplay } from '../../src/topology/batch-replay/index.ts';
import { firstTickFrom, windowActiveFrom } from '../../src/topology/window.ts';
import { tickMarksOf } from '../../src/portfolio/equity-curve.ts';
import { runPeriodsPerYear } from '../../src/topology/portfolio-metrics.ts';

const START = 600;
const END = 1500;

function topology(mode: string, store: string, window?: { start_bar?: number; end_bar?: number }) {
  return {
    name: 'w', mode, signals: { store },
    data: {
      timezone: 'UTC',
      streams: [
        { symbol: 'X', timeframe: '1m', synthetic: { seed: 3, bars: 2400 } },
        { symbol: 'X', timeframe: '5m', resample_from: 'X_1m' },
        { symbol: 'Y', timeframe: '1m', synthetic: { seed: 4, bars: 2400 } },
      ],
      ...(window ? { window } : {}),
    },
    strategies: [
      { id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['X_1m'] },
      { id: 'macd5', type: 'macd_crossover', params: { fast_period: 3, slow_period: 8, signal_period: 3 }, inputs: ['X_5m'] },
      { id: 'pairs', type: 'pairs_zscore', params: { period: 30 }, inputs: ['X_1m', 'Y_1m'] },
    ],
    portfolios: [
      { id: 'a', strategies: ['sma', 'pairs'], risk: { stop_loss_pct: 0.5, trailing_stop_pct: 0.8 } },
      { id: 'b', strategies: ['macd5'], execution: { fill: 'signal_close' }, sizing: { type: 'percent_cash', pct: 40 } },
    ],
    engine: { trace: { retention: 'none' } },
  };
}

async function backtest(window?: { start_bar?: number; end_bar?: number }) {
  const plan = planTopology(validateTopology(topology('backtest', '/nonexistent', window)), process.cwd());
  const { series } = await loadStreams(plan);
  return { series, outcome: runGraph(buildGraph(plan, series), { runId: 'w' }) };
}

const fingerprint = (o: RunOutcome) => JSON.stringify(o.portfolios.map((p) => [p.result.trades, Array.from(p.result.equity.ts), Array.from(p.result.equity.equity), p.metrics]));

describe('data.window', () => {
  it('loads nothing closing after base bar end_bar - 1, in any stream, and keeps the bar indices', async () => {
    const full = await backtest();
    const { series } = await backtest({ start_bar: START, end_bar: END });
    const lastClose = full.series[0].start[END - 1] + full.series[0].timeframeMs;
    expect(series[0].length).toBe(END);
    for (const [i, s] of series.entries()) {
      expect(s.start[s.length - 1] + s.timeframeMs, s.id).toBeLessThanOrEqual(lastClose);
      expect(full.series[i].start[s.length] + full.series[i].timeframeMs, `${s.id}: the next bar closes after`).toBeGreaterThan(lastClose);
      expect(Array.from(s.close), s.id).toEqual(Array.from(full.series[i].close.subarray(0, s.length)));
    }
  });

  it('trades and records equity only from the close of start_bar', async () => {
    const { series, outcome } = await backtest({ start_bar: START, end_bar: END });
    const activeFrom = series[0].start[START] + series[0].timeframeMs;
    for (const p of outcome.portfolios) {
      expect(p.result.equity.ts[0], p.result.id).toBeGreaterThanOrEqual(activeFrom);
      expect(p.result.equity.equity[0], `${p.result.id}: flat at the start`).toBe(p.result.initialCash);
      expect(p.result.trades.length, p.result.id).toBeGreaterThan(0);
      for (const t of p.result.trades) expect(t.entryTime, `${p.result.id} entry`).toBeGreaterThanOrEqual(activeFrom - series[0].timeframeMs);
    }
    // Without the window the same portfolios trade earlier.
    const full = await backtest();
    expect(Math.min(...full.outcome.portfolios.flatMap((p) => p.result.trades.map((t) => t.entryTime)))).toBeLessThan(activeFrom);
  });

  it('the window of a longer dataset gives the same run as the data cut by hand (nothing after it matters)', async () => {
    const a = await backtest({ start_bar: START, end_bar: END });
    const b = await backtest({ start_bar: START, end_bar: END + 300 });
    // b sees 300 more bars: every trade closed before END is also in b, the rest differ only by the later data.
    const closedBefore = (o: RunOutcome, t: number) => o.portfolios.map((p) => p.result.trades.filter((x) => x.exitTime < t && x.exitReason !== 'end_of_data'));
    const cut = a.series[0].start[END - 1];
    expect(closedBefore(b.outcome, cut)).toEqual(closedBefore(a.outcome, cut));
  });

  it('backtest == generation + replay (events) == batch replay, inside a window', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'window-')), 'store');
    const window = { start_bar: START, end_bar: END };
    const { outcome } = await backtest(window);
    const gen = planTopology(validateTopology(topology('signal_generation', store, window)), process.cwd());
    const { series } = await loadStreams(gen);
    await generateSignals(gen, series, { runId: 'g', topologyFile: null, startedAt: new Date() });
    const rep = planTopology(validateTopology(topology('signal_replay', store, window)), process.cwd());
    const inputs = await loadReplayInputs(rep, series);
    const replayed = runGraph(buildGraph(rep, series, inputs), { runId: 'r' });
    const batched = runBatchReplay(rep, series, inputs, { runId: 'b' });
    expect(fingerprint(replayed)).toBe(fingerprint(outcome));
    expect(fingerprint(batched)).toBe(fingerprint(outcome));
    // The metrics-only replay (sweeps) measures the same windowed curves.
    const metricsOnly = batchReplayMetrics(rep, series, inputs);
    expect(metricsOnly.map((r) => [r.id, r.metrics, r.periodsPerYear])).toStrictEqual(outcome.portfolios.map((p) => [p.result.id, p.metrics, p.periodsPerYear]));
    expect(metricsOnly[0].metrics.periods).toBe(outcome.portfolios[0].result.equity.equity.length - 1);
  });

  it('a signal at the close of start_bar itself is acted on, by every engine', async () => {
    // The window starts exactly at the bar of a stored signal: that signal is the first active one.
    const store = join(mkdtempSync(join(tmpdir(), 'window-edge-')), 'store');
    const gen = planTopology(validateTopology(topology('signal_generation', store)), process.cwd());
    const { series: all } = await loadStreams(gen);
    await generateSignals(gen, all, { runId: 'g', topologyFile: null, startedAt: new Date() });
    const sma = (await loadReplayInputs(planTopology(validateTopology(topology('signal_replay', store)), process.cwd()), all)).strategies.find((s) => s.id === 'sma')!;
    const bars = Array.from(sma.rows.barIdx);
    const start = bars.find((b, i) => b > START && sma.rows.value[i] !== 0)!;
    expect(start).toBeDefined();
    const window = { start_bar: start, end_bar: END };
    const { outcome } = await backtest(window);
    // (the window's end cuts the data, so its signals are a generation of their own)
    const windowed = join(store, '..', 'windowed');
    const genWindow = planTopology(validateTopology(topology('signal_generation', windowed, window)), process.cwd());
    const { series } = await loadStreams(genWindow);
    await generateSignals(genWindow, series, { runId: 'g', topologyFile: null, startedAt: new Date() });
    const rep = planTopology(validateTopology(topology('signal_replay', windowed, window)), process.cwd());
    const inputs = await loadReplayInputs(rep, series);
    expect(fingerprint(runBatchReplay(rep, series, inputs, { runId: 'b' }))).toBe(fingerprint(outcome));
    expect(fingerprint(runGraph(buildGraph(rep, series, inputs), { runId: 'r' }))).toBe(fingerprint(outcome));
    // portfolio a's first trade is the one that signal opened (next_open: the bar after)
    expect(outcome.portfolios[0].result.trades[0]).toMatchObject({ strategyId: 'sma', entryBarIdx: start + 1 });
  });

  it('firstTickFrom finds the first time at or after the start, among repeated times too', () => {
    const ts = Float64Array.of(1, 2, 2, 2, 5, 7);
    // against the obvious linear scan, for every start around the values
    for (const from of [-Infinity, 0, 1, 1.5, 2, 3, 5, 6, 7, 8, Infinity]) {
      let expected = 0;
      while (expected < ts.length && ts[expected] < from) expected++;
      expect(firstTickFrom(ts, from), `from ${from}`).toBe(expected);
    }
    expect(firstTickFrom(new Float64Array(0), 3)).toBe(0);
  });

  it('rejects windows outside the data or upside down, naming the field', async () => {
    expect(() => validateTopology(topology('backtest', '/x', { start_bar: 10, end_bar: 5 }))).toThrow(/data\.window\.end_bar: end_bar must be greater than start_bar/);
    const plan = planTopology(validateTopology(topology('backtest', '/x', { end_bar: 99_999 })), process.cwd());
    await expect(loadStreams(plan)).rejects.toThrow(/data\.window\.end_bar 99999 is past the end of X_1m/);
  });

  it('each batch replay over the same loaded bars gets the periods per year of its own window and override (computed once per series, window start, timezone and override)', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'window-ppy-')), 'store');
    const gen = planTopology(validateTopology(topology('signal_generation', store)), process.cwd());
    const { series } = await loadStreams(gen);
    await generateSignals(gen, series, { runId: 'g', topologyFile: null, startedAt: new Date() });
    const marks = tickMarksOf(series);
    const seen: number[] = [];
    const cases = [undefined, { start_bar: START }, undefined, { start_bar: START + 300 }, { start_bar: START }];
    for (const [k, window] of cases.entries()) {
      const config = { ...topology('signal_replay', store, window), ...(k === 2 ? { metrics: { periods_per_year: 1000 } } : {}) };
      const rep = planTopology(validateTopology(config), process.cwd());
      const batched = runBatchReplay(rep, series, await loadReplayInputs(rep, series), { runId: `b${k}` });
      const from = firstTickFrom(marks.ts, windowActiveFrom(rep.config.data.window, series));
      const expected = runPeriodsPerYear(rep, series, marks.ts.subarray(from));
      expect(batched.portfolios.map((p) => p.periodsPerYear), `case ${k}`).toStrictEqual([expected, expected]);
      seen.push(expected);
    }
    // The cases differ, so a run handed another's figure would fail above.
    expect(seen[2]).toBe(1000);
    expect(new Set(seen).size).toBe(4);
  });
});

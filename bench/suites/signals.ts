/**
 * Signal store figures (issue: signal generation and replay), for 100 strategy instances
 * over SPY_1m, QQQ_1m and NVDA_1m, each traded by its own portfolio:
 * - storage: rows and bytes of the sparse store versus a dense per-bar store (written here
 *   the same way, one Parquet file per instance), classifier changes versus dense states;
 * - replay-vs-regenerate: full backtest (features + strategies + portfolios) versus replay
 *   (reading the store + portfolios), interleaved in one process, both checked exact; the batch
 *   replay also once more reading every trade and equity curve (it builds them on first read),
 *   and once per round with another execution setting over inputs read once (a user trying
 *   setting after setting reads the store once), checked against that setting's backtest;
 * - metrics-from-ledger: the replay's metrics step, from each fill ledger in WebAssembly versus
 *   each curve built and measured in JavaScript (signals-metrics.ts);
 * - regenerate-memory / replay-memory (event graph) / batch-replay-memory (the default engine):
 *   each alone in its own process, for peak memory.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, promises as fsp, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite } from '../suite.ts';
import { collector } from '../collector.ts';
import { DATA } from './pipeline-cases.ts';
import { metricsFromLedger } from './signals-metrics.ts';
import { validateTopology } from '../../src/topology/load.ts';
import { planTopology, type Plan } from '../../src/topology/plan.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../src/topology/run.ts';
import { generateSignals } from '../../src/topology/generate-signals.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { runBatchReplay } from '../../src/topology/batch-replay/index.ts';
import { readClassifierRows, readSignalRows, readStoreState } from '../../src/signals/store-reader.ts';
import { classifierColumns, signalColumns, UNCOMPRESSED } from '../../src/signals/store-writer.ts';
import type { ClassifierRows, SignalRows } from '../../src/signals/signal-writer.ts';
import { writeParquetFile } from '../../src/parquet/index.ts';
import type { BarSeries } from '../../src/data/bar-series.ts';

const SYMBOLS = ['SPY', 'QQQ', 'NVDA'];
const ROUNDS = 7;

function instances() {
  const strategies: { id: string; type: string; params: Record<string, number>; inputs: string[] }[] = [];
  for (const sym of SYMBOLS) {
    const input = [`${sym}_1m`];
    for (const fast of [5, 10, 20]) for (const slow of [50, 100, 200]) {
      strategies.push({ id: `${sym}_sma_${fast}_${slow}`, type: 'sma_crossover', params: { fast_period: fast, slow_period: slow }, inputs: input });
      strategies.push({ id: `${sym}_ema_${fast}_${slow}`, type: 'ema_crossover', params: { fast_period: fast, slow_period: slow }, inputs: input });
    }
    for (const period of [7, 14, 21]) for (const [oversold, overbought] of [[30, 70], [25, 75]]) {
      strategies.push({ id: `${sym}_rsi_${period}_${oversold}`, type: 'rsi_mean_reversion', params: { period, oversold, overbought }, inputs: input });
    }
    for (const period of [20, 40]) for (const std of [2, 2.5]) {
      strategies.push({ id: `${sym}_boll_${period}_${std}`, type: 'bollinger_mean_reversion', params: { period, std_dev: std }, inputs: input });
    }
    strategies.push({ id: `${sym}_macd`, type: 'macd_crossover', params: {}, inputs: input });
    for (const period of [20, 50, 100]) strategies.push({ id: `${sym}_donchian_${period}`, type: 'donchian_breakout', params: { period }, inputs: input });
  }
  for (const period of [60, 120]) {
    strategies.push({ id: `pairs_spy_qqq_${period}`, type: 'pairs_zscore', params: { period }, inputs: ['SPY_1m', 'QQQ_1m'] });
    strategies.push({ id: `pairs_qqq_nvda_${period}`, type: 'pairs_zscore', params: { period }, inputs: ['QQQ_1m', 'NVDA_1m'] });
  }
  return strategies;
}

/** Execution settings: the default, and the other settings the 'further setting' figure replays (cheaper and dearer costs, the other fill timing). */
const EXECUTION = { commission: { type: 'percent', pct: 0.01 }, slippage_bps: 1 };
const OTHER_SETTINGS = [
  { commission: { type: 'percent', pct: 0.005 }, slippage_bps: 0 },
  { commission: { type: 'percent', pct: 0.02 }, slippage_bps: 3, fill: 'signal_close' },
  { commission: { type: 'fixed', amount: 1 }, slippage_bps: 2 },
];

export function benchTopology(mode: string, store: string, execution: Record<string, unknown> = EXECUTION) {
  const strategies = instances();
  return {
    name: 'bench-signals',
    mode,
    signals: { store },
    data: { timezone: 'America/New_York', missing_bars: 'ffill', streams: SYMBOLS.map((symbol) => ({ symbol, timeframe: '1m', file: join(DATA, `${symbol}_1m.csv`) })) },
    classifiers: SYMBOLS.flatMap((sym) => [
      { id: `${sym}_trend`, type: 'trend', params: { fast_period: 50, slow_period: 200 }, inputs: [`${sym}_1m`] },
      { id: `${sym}_vol`, type: 'volatility', params: { period: 30, low: 0.0005, high: 0.0015 }, inputs: [`${sym}_1m`] },
    ]),
    strategies,
    portfolios: strategies.map((s) => ({ id: `p_${s.id}`, strategies: [s.id] })),
    execution,
    engine: { trace: { retention: 'none' } },
  };
}

const plans = (store: string) => ({
  backtest: planTopology(validateTopology(benchTopology('backtest', store)), DATA),
  generation: planTopology(validateTopology(benchTopology('signal_generation', store)), DATA),
  replay: planTopology(validateTopology(benchTopology('signal_replay', store)), DATA),
});

async function prepared(store: string) {
  const p = plans(store);
  const { series } = await loadStreams(p.backtest);
  return { ...p, series };
}

const regenerate = (plan: Plan, series: readonly BarSeries[]) => runGraph(buildGraph(plan, series), { runId: 'regenerate' });
async function replay(plan: Plan, series: readonly BarSeries[]) {
  return runGraph(buildGraph(plan, series, await loadReplayInputs(plan, series)), { runId: 'replay' });
}
const fingerprint = (o: RunOutcome) => JSON.stringify(o.portfolios.map((p) => [p.result.trades, Array.from(p.result.equity.equity)]));
/** The fingerprint's hash: what a round keeps of an outcome to compare it with another's. */
const print = (o: RunOutcome) => createHash('sha256').update(fingerprint(o)).digest('hex');
const peakRssMb = () => (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await fsp.readdir(dir)) total += statSync(join(dir, f)).size;
  return total;
}

/** Leg l's state at every bar of its stream: the last stored value, weight and seq at or before the bar (value and weight 0, seq -1 before the first). */
function denseSignals(sparse: SignalRows, streams: readonly BarSeries[], legs: number): SignalRows {
  const out = { seq: [] as number[], leg: [] as number[], barIdx: [] as number[], ts: [] as number[], stream: [] as string[], symbol: [] as string[], timeframe: [] as string[], value: [] as number[], weight: [] as number[], price: [] as number[] };
  for (let l = 0; l < legs; l++) {
    const s = streams[Math.min(l, streams.length - 1)];
    const rows: number[] = [];
    for (let r = 0; r < sparse.seq.length; r++) if (sparse.leg[r] === l) rows.push(r);
    let k = -1;
    for (let b = 0; b < s.length; b++) {
      while (k + 1 < rows.length && sparse.barIdx[rows[k + 1]] <= b) k++;
      const r = k >= 0 ? rows[k] : -1;
      out.seq.push(r >= 0 ? sparse.seq[r] : -1);
      out.leg.push(l);
      out.barIdx.push(b);
      out.ts.push(s.start[b] + s.timeframeMs);
      out.stream.push(s.id);
      out.symbol.push(s.symbol);
      out.timeframe.push(s.timeframe);
      out.value.push(r >= 0 ? sparse.value[r] : 0);
      out.weight.push(r >= 0 ? sparse.weight[r] : 0);
      out.price.push(s.close[b]);
    }
  }
  return out;
}

/** The regime at every bar of the classifier's stream ('' and confidence 0 before its first change; no old regime: a state, not a change). */
function denseRegimes(sparse: ClassifierRows, s: BarSeries): ClassifierRows {
  const out = { seq: [] as number[], barIdx: [] as number[], ts: [] as number[], stream: [] as string[], oldRegime: [] as (string | null)[], newRegime: [] as string[], confidence: [] as number[] };
  let k = -1;
  for (let b = 0; b < s.length; b++) {
    while (k + 1 < sparse.seq.length && sparse.barIdx[k + 1] <= b) k++;
    out.seq.push(b);
    out.barIdx.push(b);
    out.ts.push(s.start[b] + s.timeframeMs);
    out.stream.push(s.id);
    out.oldRegime.push(null);
    out.newRegime.push(k >= 0 ? sparse.newRegime[k] : '');
    out.confidence.push(k >= 0 ? sparse.confidence[k] : 0);
  }
  return out;
}

async function storage() {
  const store = join(mkdtempSync(join(tmpdir(), 'bench-signals-')), 'store');
  const { generation, series } = await prepared(store);
  const started = performance.now();
  await generateSignals(generation, series, { runId: 'bench', topologyFile: null, startedAt: new Date() });
  const generateMs = performance.now() - started;
  const state = await readStoreState(store);
  // The dense alternative: the same files with one row per bar (and leg) per instance, the
  // stored signals forward-filled over the bars (what a per-bar store would hold), written with
  // the store's own columns and layout (src/signals/store-writer.ts).
  const dense = join(store, '..', 'dense');
  await fsp.mkdir(join(dense, 'signals'), { recursive: true });
  await fsp.mkdir(join(dense, 'classifiers'), { recursive: true });
  const byId = new Map(series.map((s) => [s.id, s]));
  let denseSignalRows = 0;
  for (const row of state.strategies) {
    const rows = denseSignals(await readSignalRows(store, row), row.inputs.map((id) => byId.get(id)!), Math.max(1, row.legWeights.length));
    denseSignalRows += rows.seq.length;
    await writeParquetFile(join(dense, 'signals', `${row.hash}.parquet`), signalColumns(rows), UNCOMPRESSED);
  }
  let denseClassifierRows = 0;
  for (const row of state.classifiers) {
    const rows = denseRegimes(await readClassifierRows(store, row), byId.get(row.inputs[0])!);
    denseClassifierRows += rows.seq.length;
    await writeParquetFile(join(dense, 'classifiers', `${row.hash}.parquet`), classifierColumns(rows), UNCOMPRESSED);
  }
  const t = state.manifest.totals;
  return {
    instances: t.strategies,
    classifiers: t.classifiers,
    generateMs,
    signalRows: t.signal_rows,
    denseSignalRows,
    signalBytes: await dirBytes(join(store, 'signals')),
    denseSignalBytes: await dirBytes(join(dense, 'signals')),
    classifierRows: t.classifier_rows,
    denseClassifierRows,
    classifierBytes: await dirBytes(join(store, 'classifiers')),
    denseClassifierBytes: await dirBytes(join(dense, 'classifiers')),
    compressionRatio: t.compression_ratio,
    peakRssMb: peakRssMb(),
  };
}

async function replayVsRegenerate() {
  const store = join(mkdtempSync(join(tmpdir(), 'bench-signals-')), 'store');
  const { backtest, generation, replay: replayPlan, series } = await prepared(store);
  await generateSignals(generation, series, { runId: 'bench', topologyFile: null, startedAt: new Date() });
  const regenMs: number[] = [];
  const replayMs: number[] = [];
  const batchMs: number[] = [];
  const batchTradesMs: number[] = [];
  const settingMs: number[] = [];
  let exact = true;
  let batchExact = true;
  let settingExact = true;
  // A user (or the UI) trying setting after setting reads the store once: these replays use
  // inputs loaded once, before the rounds, each round with another execution setting.
  const settingPlans = OTHER_SETTINGS.map((execution) => planTopology(validateTopology(benchTopology('signal_replay', store, execution)), DATA));
  const loadedOnce = await loadReplayInputs(settingPlans[0], series);
  // A collection before each timed run: none of them pays for the garbage the one before left.
  const gc = collector();
  // 7 rounds, medians: the first round of each runs on cold code (the 'alone' cases below
  // give that one-shot figure, in fresh processes); with 3 the median was still warming up.
  // Each timed run starts from the same live heap: no outcome of an earlier run is held while
  // another is timed (only its fingerprint's hash, for the exactness checks of round 0, and
  // the counts the two batch runs are compared on). Holding the regeneration's and the event
  // replay's outcomes (~250 MB of curves and trades) made every collection inside the batch
  // replay slower than in the run timed first.
  for (let i = 0; i < ROUNDS; i++) {
    const first = i === 0;
    gc();
    let t = performance.now();
    let full: RunOutcome | null = regenerate(backtest, series);
    regenMs.push(performance.now() - t);
    const fullPrint = first ? print(full) : '';
    full = null;
    gc();
    t = performance.now();
    let replayed: RunOutcome | null = await replay(replayPlan, series);
    replayMs.push(performance.now() - t);
    if (first) exact = print(replayed) === fullPrint;
    replayed = null;
    gc();
    t = performance.now();
    let batched: RunOutcome | null = runBatchReplay(replayPlan, series, await loadReplayInputs(replayPlan, series), { runId: 'batch' });
    batchMs.push(performance.now() - t);
    if (first) batchExact = print(batched) === fullPrint;
    const batchedTrades = batched.portfolios.reduce((n, p) => n + p.result.trades.length, 0);
    const batchedPoints = batched.portfolios.reduce((n, p) => n + p.result.equity.equity.length, 0);
    batched = null;
    // The batch engine builds Trade objects and equity curves only when they are read (the
    // metrics need neither): the same run again, reading every trade and every curve, is what
    // a caller that wants them pays.
    gc();
    t = performance.now();
    let withTrades: RunOutcome | null = runBatchReplay(replayPlan, series, await loadReplayInputs(replayPlan, series), { runId: 'batch' });
    let trades = 0;
    let points = 0;
    for (const p of withTrades.portfolios) {
      trades += p.result.trades.length;
      points += p.result.equity.equity.length;
    }
    batchTradesMs.push(performance.now() - t);
    withTrades = null;
    if (trades !== batchedTrades) throw new Error('bench: the two batch replays closed different numbers of trades');
    if (points !== batchedPoints) throw new Error('bench: the two batch replays built curves of different lengths');
    gc();
    const settingPlan = settingPlans[i % settingPlans.length];
    t = performance.now();
    let setting: RunOutcome | null = runBatchReplay(settingPlan, series, loadedOnce, { runId: 'setting' });
    settingMs.push(performance.now() - t);
    const settingPrint = first ? print(setting) : '';
    setting = null;
    if (first) {
      // The other setting's own backtest, once (outside the timings).
      const settingFull = print(regenerate(planTopology(validateTopology(benchTopology('backtest', store, OTHER_SETTINGS[0])), DATA), series));
      settingExact = settingFull === settingPrint && settingFull !== fullPrint;
    }
  }
  const bars = series.reduce((n, s) => n + s.length, 0);
  // Every round's figures too: on a shared machine the rounds of one run spread widely, and the
  // medians alone hide how much (round 0 runs on cold code).
  const rounds = { regenerateMs: regenMs, replayMs, batchReplayMs: batchMs, batchReplayWithTradesMs: batchTradesMs, furtherSettingMs: settingMs };
  return {
    instances: backtest.strategies.length, bars,
    regenerateMedianMs: median(regenMs), replayMedianMs: median(replayMs), batchReplayMedianMs: median(batchMs), batchReplayWithTradesMedianMs: median(batchTradesMs),
    speedup: median(regenMs) / median(replayMs), batchSpeedup: median(regenMs) / median(batchMs), batchWithTradesSpeedup: median(regenMs) / median(batchTradesMs),
    furtherSettingMedianMs: median(settingMs), furtherSettingSpeedup: median(regenMs) / median(settingMs),
    exact, batchExact, settingExact, peakRssMb: peakRssMb(), rounds,
  };
}

async function alone(which: 'regenerate' | 'replay' | 'batch replay') {
  const store = join(mkdtempSync(join(tmpdir(), 'bench-signals-')), 'store');
  if (which !== 'regenerate') {
    const { generation, series } = await prepared(store);
    await generateSignals(generation, series, { runId: 'bench', topologyFile: null, startedAt: new Date() });
  }
  const { backtest, replay: replayPlan, series } = await prepared(store);
  const baseline = peakRssMb();
  const t = performance.now();
  const outcome = which === 'regenerate' ? regenerate(backtest, series)
    : which === 'replay' ? await replay(replayPlan, series)
    : runBatchReplay(replayPlan, series, await loadReplayInputs(replayPlan, series), { runId: 'batch' });
  return { which, ms: performance.now() - t, trades: outcome.portfolios.reduce((n, p) => n + p.result.trades.length, 0), peakRssMb: peakRssMb(), rssBeforeRunMb: baseline };
}

export const suite: BenchSuite = {
  name: 'signals',
  cases: () => ['storage', 'replay-vs-regenerate', 'metrics-from-ledger', 'regenerate-memory', 'replay-memory', 'batch-replay-memory'],
  skip: () => (existsSync(join(DATA, 'SPY_1m.csv')) ? null : `${DATA} is absent`),
  runCase: async (name) => {
    if (name === 'storage') {
      const f = await storage();
      return {
        figure: f,
        line: `storage: ${f.instances} instances, signals ${f.signalRows.toLocaleString('en-US')} rows / ${(f.signalBytes / 1024).toFixed(0)} KiB sparse vs ${f.denseSignalRows.toLocaleString('en-US')} rows / ${(f.denseSignalBytes / 1024).toFixed(0)} KiB dense; ` +
          `classifiers ${f.classifierRows.toLocaleString('en-US')} rows / ${(f.classifierBytes / 1024).toFixed(0)} KiB vs ${f.denseClassifierRows.toLocaleString('en-US')} rows / ${(f.denseClassifierBytes / 1024).toFixed(0)} KiB; ratio ${f.compressionRatio?.toFixed(1)}x rows; generation ${f.generateMs.toFixed(0)} ms`,
      };
    }
    if (name === 'replay-vs-regenerate') {
      const f = await replayVsRegenerate();
      const warm = (xs: number[]) => `${Math.min(...xs.slice(1)).toFixed(0)}-${Math.max(...xs.slice(1)).toFixed(0)}`;
      return { figure: f, line: `${f.instances} instances over ${f.bars.toLocaleString('en-US')} bars: regenerate ${f.regenerateMedianMs.toFixed(0)} ms (rounds 1-${ROUNDS - 1}: ${warm(f.rounds.regenerateMs)}); replay (events) ${f.replayMedianMs.toFixed(0)} ms = ${f.speedup.toFixed(1)}x, exact ${f.exact}; replay (batch) ${f.batchReplayMedianMs.toFixed(0)} ms (${warm(f.rounds.batchReplayMs)}) = ${f.batchSpeedup.toFixed(1)}x, exact ${f.batchExact}; batch reading every trade and curve ${f.batchReplayWithTradesMedianMs.toFixed(0)} ms = ${f.batchWithTradesSpeedup.toFixed(1)}x; a further setting over the store already read ${f.furtherSettingMedianMs.toFixed(0)} ms = ${f.furtherSettingSpeedup.toFixed(1)}x, exact ${f.settingExact}` };
    }
    if (name === 'metrics-from-ledger') {
      const f = await metricsFromLedger(plans);
      return { figure: f, line: `metrics of ${f.portfolios} portfolios (${(f.points / 1e6).toFixed(1)}M curve points): curve built + computeMetrics ${f.curveMedianMs.toFixed(1)} ms; from the ledger (WebAssembly) ${f.ledgerMedianMs.toFixed(1)} ms = ${f.speedup.toFixed(1)}x, identical ${f.identical} (medians of ${f.rounds} interleaved rounds)` };
    }
    const f = await alone(name === 'replay-memory' ? 'replay' : name === 'batch-replay-memory' ? 'batch replay' : 'regenerate');
    return { figure: f, line: `${f.which} alone: ${f.ms.toFixed(0)} ms, ${f.trades} trades, peak RSS ${f.peakRssMb.toFixed(0)} MB (${f.rssBeforeRunMb.toFixed(0)} MB before the run)` };
  },
};

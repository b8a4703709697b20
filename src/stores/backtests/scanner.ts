/**
 * The scanner: evaluates the latest bars of a universe of symbols with chosen strategies and
 * lists the current signal of each (symbol, strategy, params), enriched with the historical
 * stats of that combination from the BacktestStore (win_rate, num_trades, sharpe, cagr; null
 * when the store has none).
 *
 * Strategies are evaluated by the engine itself, not by a copy of it: the universe becomes a
 * signal-generation topology (one stream per symbol, one strategy instance per symbol and
 * strategy), built and run like any other (feature container: alignment, FeatureHub, the
 * registry's strategy functions), and the signal writer's last change per instance is the
 * current signal. Nothing is written to disk. (This file imports the topology layer to do so;
 * the store itself does not, and index.ts does not re-export this file, so run-topology can
 * import the store without a cycle.)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { streamId } from '../../core/timeframe.ts';
import type { BarSeries } from '../../data/bar-series.ts';
import { createBarSeries } from '../../data/series.ts';
import { getStrategy, resolveStrategyParams, strategyTypes } from '../../strategies/registry.ts';
import { buildGraph } from '../../topology/build.ts';
import { validateTopologyShape } from '../../topology/load.ts';
import { loadStreams } from '../../topology/load-streams.ts';
import { planTopology } from '../../topology/plan.ts';
import { runGraph } from '../../topology/run.ts';
import { DB_FILE } from './core.ts';
import { paramHashOf } from './hash.ts';
import { ExitRuleSchema, JsonValueSchema, parseInput, SymbolSchema, type ExitRule, type JsonValue } from './schema.ts';
import { BacktestStore } from './store.ts';

export const ScanStrategySchema = z.strictObject({
  type: z.string().min(1),
  params: z.record(z.string(), JsonValueSchema).default({}),
});

export const ScanOptionsSchema = z
  .strictObject({
    symbols: z.array(SymbolSchema).min(1).max(5_000),
    timeframe: z.string().regex(/^[1-9][0-9]*[mhd]$/, 'a timeframe looks like 1m, 5m, 1h or 1d').default('1d'),
    strategies: z.array(ScanStrategySchema).min(1).max(1_000),
    /**
     * A folder of bar files named <SYMBOL>_<timeframe>.csv|.parquet, or <SYMBOL>_<timeframe>_<anything>.csv|.parquet
     * when only one such file exists (e.g. SPY_1d_lean.csv).
     */
    dataDir: z.string().min(1).optional(),
    /** Or a market data store (src/stores/market-data): bars of <SYMBOL> at <timeframe>. */
    marketData: z.string().min(1).optional(),
    /** Zone of naive time stamps in the files (default America/New_York). */
    timezone: z.string().min(1).default('America/New_York'),
    /** Evaluate only the last N bars of each symbol (indicator warm-up included); default all. */
    bars: z.int().positive().max(100_000_000).optional(),
    /** The BacktestStore to enrich from (a folder; null or absent: no enrichment). */
    backtestStore: z.string().min(1).nullable().optional(),
    /** Enrich with backtests of this exit rule only (default: the latest whatever its exit rule). */
    exitRule: ExitRuleSchema.optional(),
  })
  .refine((o) => (o.dataDir === undefined) !== (o.marketData === undefined), { message: 'give exactly one of dataDir and marketData', path: ['dataDir'] });
export type ScanOptions = z.input<typeof ScanOptionsSchema>;

export interface ScanStats {
  readonly backtestId: string;
  readonly win_rate: number | null;
  readonly num_trades: number | null;
  readonly sharpe: number | null;
  readonly cagr: number | null;
}

export interface ScanRow {
  readonly symbol: string;
  readonly strategy: string;
  /** Full params (defaults filled in), as a run stores them. */
  readonly params: Record<string, JsonValue>;
  readonly paramHash: string;
  /** The current signal: 1 long, -1 short, 0 flat (also when the strategy never signalled). */
  readonly signal: number;
  /** When the current signal appeared (the close time of the bar that produced it), or null. */
  readonly since: number | null;
  /** Start time and close of the last bar evaluated. */
  readonly lastBar: number;
  readonly close: number;
  /** Stats of the latest stored backtest of this (symbol, strategy, params), or null. */
  readonly stats: ScanStats | null;
}

/** The bar file of `symbol` at `timeframe` in `dir`: exact name first, else the one file with that prefix. */
export function findBarFile(dir: string, symbol: string, timeframe: string): string {
  const names = readdirSync(dir);
  for (const ext of ['.parquet', '.csv']) {
    const exact = `${symbol}_${timeframe}${ext}`;
    if (names.includes(exact)) return join(dir, exact);
  }
  const prefix = `${symbol}_${timeframe}_`;
  const candidates = names.filter((n) => n.startsWith(prefix) && /\.(csv|parquet)$/.test(n)).sort();
  if (candidates.length === 1) return join(dir, candidates[0]);
  if (candidates.length === 0) throw new Error(`no ${symbol} ${timeframe} bars in ${dir} (looked for ${symbol}_${timeframe}.csv|.parquet and ${prefix}*)`);
  throw new Error(`several ${symbol} ${timeframe} bar files in ${dir}: ${candidates.join(', ')} (name one ${symbol}_${timeframe}.csv)`);
}

function lastBars(series: BarSeries, n: number | undefined): BarSeries {
  if (n === undefined || series.length <= n) return series;
  const from = series.length - n;
  const cut = (a: Float64Array) => a.slice(from);
  return createBarSeries({
    symbol: series.symbol, timeframe: series.timeframe, source: series.source,
    columns: { start: cut(series.start), open: cut(series.open), high: cut(series.high), low: cut(series.low), close: cut(series.close), volume: cut(series.volume) },
  });
}

export async function scan(options: ScanOptions): Promise<ScanRow[]> {
  const o = parseInput(ScanOptionsSchema, options, 'scan(options)');
  const strategies = o.strategies.map((s, i) => {
    if (!strategyTypes().includes(s.type)) throw new Error(`scan(options): strategies[${i}]: unknown strategy type "${s.type}" (known: ${strategyTypes().join(', ')})`);
    const definition = getStrategy(s.type);
    if (definition.streams > 1) throw new Error(`scan(options): strategies[${i}]: ${s.type} needs ${definition.streams} input streams; the scanner evaluates one symbol per strategy`);
    let params: Record<string, JsonValue>;
    try {
      params = resolveStrategyParams(s.type, s.params) as Record<string, JsonValue>;
    } catch (error) {
      throw new Error(`scan(options): strategies[${i}] (${s.type}): ${(error as Error).message}`, { cause: error });
    }
    return { type: s.type, params, paramHash: paramHashOf(params) };
  });
  const symbols = [...new Set(o.symbols)];
  const dataDir = o.dataDir === undefined ? undefined : resolve(o.dataDir);
  if (dataDir !== undefined && !existsSync(dataDir)) throw new Error(`scan: data folder ${dataDir} does not exist`);
  const streams = symbols.map((symbol) => ({
    symbol, timeframe: o.timeframe,
    ...(dataDir !== undefined ? { file: findBarFile(dataDir, symbol, o.timeframe) } : { store: {} }),
  }));
  const instances = symbols.flatMap((symbol, k) => strategies.map((s, j) => ({ id: `s${k}_${j}`, symbol, ...s })));
  const config = validateTopologyShape({
    name: 'scan',
    mode: 'signal_generation',
    signals: { store: 'unused-by-the-scanner' },
    data: { timezone: o.timezone, ...(o.marketData !== undefined ? { store: resolve(o.marketData) } : {}), streams },
    strategies: instances.map((s) => ({ id: s.id, type: s.type, params: s.params, inputs: [streamId(s.symbol, o.timeframe)] })),
    engine: { trace: { retention: 'none' } },
  }, 'scan');
  const plan = planTopology(config, process.cwd());
  const loaded = await loadStreams(plan);
  const series = loaded.series.map((s) => lastBars(s, o.bars));
  const graph = buildGraph(plan, series);
  runGraph(graph, { runId: 'scan' });
  const signals = graph.writer!.signals;

  const storeRoot = o.backtestStore ? resolve(o.backtestStore) : null;
  const store = storeRoot && existsSync(join(storeRoot, DB_FILE)) ? await BacktestStore.open({ root: storeRoot }) : null;
  try {
    const rows: ScanRow[] = [];
    for (const inst of instances) {
      const s = series[symbols.indexOf(inst.symbol)];
      const changes = signals.get(inst.id)!;
      const last = changes.seq.length - 1;
      const found = store ? await store.get(inst.symbol, inst.type, inst.params, o.exitRule as ExitRule | undefined) : null;
      rows.push({
        symbol: inst.symbol, strategy: inst.type, params: inst.params, paramHash: inst.paramHash,
        signal: last >= 0 ? changes.value[last] : 0,
        since: last >= 0 ? changes.ts[last] : null,
        lastBar: s.start[s.length - 1], close: s.close[s.length - 1],
        stats: found ? { backtestId: found.id, win_rate: found.win_rate, num_trades: found.num_trades, sharpe: found.sharpe, cagr: found.cagr } : null,
      });
    }
    return rows;
  } finally {
    await store?.close();
  }
}

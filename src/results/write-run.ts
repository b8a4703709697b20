/**
 * The results folder of one run:
 *   manifest.json   run id, topology, validated config and its hash, datasets with content
 *                   hashes, package and engine versions, start/end, stats
 *   metrics.json    metrics per portfolio
 *   trades.parquet / trades.csv   one row per round trip, all portfolios
 *   equity.parquet / equity.csv   one row per portfolio and clock tick
 */
import { join } from 'node:path';
import { writeParquetFile } from '../parquet/index.ts';
import type { BarSeries } from '../data/bar-series.ts';
import type { SkippedRow } from '../data/validation.ts';
import type { RunOutcome } from '../topology/run.ts';
import type { Plan } from '../topology/plan.ts';
import { writeDirAtomically, writeFileSynced } from './atomic-dir.ts';
import { toCsv, type CsvCell } from './csv.ts';
import { ENGINE_VERSION, PACKAGE_NAME, PACKAGE_VERSION } from '../version.ts';

export interface RunRecord {
  readonly plan: Plan;
  readonly topologyFile: string | null;
  readonly series: readonly BarSeries[];
  readonly skipped: Readonly<Record<string, readonly SkippedRow[]>>;
  /** The verified market-data snapshot the bars came from, if any. */
  readonly snapshot: { readonly id: string; readonly rootHash: string; readonly store: string } | null;
  readonly outcome: RunOutcome;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

const TRADE_COLUMNS = [
  'portfolio_id', 'strategy_id', 'symbol', 'stream', 'direction', 'quantity', 'entry_time', 'entry_bar_idx', 'entry_price',
  'exit_time', 'exit_bar_idx', 'exit_price', 'commission', 'pnl', 'return', 'bars', 'exit_reason',
] as const;

export function manifestOf(record: RunRecord) {
  const { plan, outcome } = record;
  return {
    run_id: outcome.runId,
    topology: plan.name,
    topology_file: record.topologyFile,
    config_hash: plan.configHash,
    config: plan.config,
    strategies: plan.strategies.map((s) => ({ id: s.id, type: s.definition.type, params: s.params, inputs: s.inputs })),
    datasets: record.series.map((s) => ({
      stream: s.id, symbol: s.symbol, timeframe: s.timeframe, source: s.source, hash: s.hash, bars: s.length,
      first_bar_start: s.length ? new Date(s.start[0]).toISOString() : null,
      last_bar_start: s.length ? new Date(s.start[s.length - 1]).toISOString() : null,
      skipped_rows: record.skipped[s.id]?.length ?? 0,
    })),
    data_snapshot: record.snapshot ? { id: record.snapshot.id, root_hash: record.snapshot.rootHash, store: record.snapshot.store } : null,
    package: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
    engine_version: ENGINE_VERSION,
    node_version: process.version,
    started_at: record.startedAt.toISOString(),
    finished_at: record.finishedAt.toISOString(),
    stats: outcome.stats,
    errors: outcome.errors,
    trace: outcome.trace,
    files: ['manifest.json', 'metrics.json', 'trades.parquet', 'trades.csv', 'equity.parquet', 'equity.csv'],
  };
}

export function metricsOf(outcome: RunOutcome) {
  return Object.fromEntries(outcome.portfolios.map((p) => [p.result.id, p.metrics]));
}

export async function writeRunResults(dir: string, record: RunRecord): Promise<void> {
  const trades = record.outcome.portfolios.flatMap((p) => p.result.trades);
  const tradeRows: CsvCell[][] = trades.map((t) => [
    t.portfolioId, t.strategyId, t.symbol, t.stream, t.direction, t.quantity, t.entryTime, t.entryBarIdx, t.entryPrice,
    t.exitTime, t.exitBarIdx, t.exitPrice, t.commission, t.pnl, t.returnPct, t.bars, t.exitReason,
  ]);
  const equityPortfolio: string[] = [];
  const equityTs: number[] = [];
  const equityValue: number[] = [];
  const equityExposed: boolean[] = [];
  for (const p of record.outcome.portfolios) {
    const { ts, equity, exposed } = p.result.equity;
    for (let i = 0; i < ts.length; i++) {
      equityPortfolio.push(p.result.id);
      equityTs.push(ts[i]);
      equityValue.push(equity[i]);
      equityExposed.push(exposed[i] === 1);
    }
  }
  await writeDirAtomically(dir, async (temp) => {
    await writeFileSynced(join(temp, 'manifest.json'), JSON.stringify(manifestOf(record), null, 2) + '\n');
    await writeFileSynced(join(temp, 'metrics.json'), JSON.stringify(metricsOf(record.outcome), null, 2) + '\n');
    const column = (name: string, type: 'STRING' | 'DOUBLE' | 'INT32' | 'TIMESTAMP_MILLIS' | 'BOOLEAN', data: ArrayLike<unknown>) => ({ name, type, data });
    await writeParquetFile(join(temp, 'trades.parquet'), [
      column('portfolio_id', 'STRING', trades.map((t) => t.portfolioId)),
      column('strategy_id', 'STRING', trades.map((t) => t.strategyId)),
      column('symbol', 'STRING', trades.map((t) => t.symbol)),
      column('stream', 'STRING', trades.map((t) => t.stream)),
      column('direction', 'STRING', trades.map((t) => t.direction)),
      column('quantity', 'DOUBLE', trades.map((t) => t.quantity)),
      column('entry_time', 'TIMESTAMP_MILLIS', trades.map((t) => t.entryTime)),
      column('entry_bar_idx', 'INT32', trades.map((t) => t.entryBarIdx)),
      column('entry_price', 'DOUBLE', trades.map((t) => t.entryPrice)),
      column('exit_time', 'TIMESTAMP_MILLIS', trades.map((t) => t.exitTime)),
      column('exit_bar_idx', 'INT32', trades.map((t) => t.exitBarIdx)),
      column('exit_price', 'DOUBLE', trades.map((t) => t.exitPrice)),
      column('commission', 'DOUBLE', trades.map((t) => t.commission)),
      column('pnl', 'DOUBLE', trades.map((t) => t.pnl)),
      column('return', 'DOUBLE', trades.map((t) => t.returnPct)),
      column('bars', 'INT32', trades.map((t) => t.bars)),
      column('exit_reason', 'STRING', trades.map((t) => t.exitReason)),
    ]);
    await writeFileSynced(join(temp, 'trades.csv'), toCsv(TRADE_COLUMNS, tradeRows.map((r) => {
      const copy = [...r];
      copy[6] = new Date(r[6] as number).toISOString();
      copy[9] = new Date(r[9] as number).toISOString();
      return copy;
    })));
    await writeParquetFile(join(temp, 'equity.parquet'), [
      column('portfolio_id', 'STRING', equityPortfolio),
      column('time', 'TIMESTAMP_MILLIS', equityTs),
      column('equity', 'DOUBLE', equityValue),
      column('exposed', 'BOOLEAN', equityExposed),
    ]);
    await writeFileSynced(join(temp, 'equity.csv'), toCsv(['portfolio_id', 'time', 'equity', 'exposed'],
      equityTs.map((t, i) => [equityPortfolio[i], new Date(t).toISOString(), equityValue[i], equityExposed[i]])));
  });
}

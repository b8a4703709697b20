/**
 * Runs a Backtest Manager request through the library entry `runTopology` and stores its
 * backtest in the BacktestStore, reporting the job's phases and bar progress.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runTopology } from '../topology/run-topology.ts';
import { exitRuleFromRisk, type BacktestInput, type BacktestStore } from '../stores/backtests/index.ts';
import type { JobReporter } from './jobs.ts';
import type { ResolvedRun } from './run-request.ts';

export interface RunnerOptions {
  readonly store: BacktestStore;
  /** Parent folder of the runs' results folders (manifest, trades, equity); null writes none. */
  readonly resultsDir: string | null;
}

function runIdNow(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

export function backtestRunner(options: RunnerOptions): (run: ResolvedRun, report: JobReporter) => Promise<string[]> {
  return async (run, report) => {
    report.phase('loading data');
    const runId = runIdNow();
    let running = false;
    const result = await runTopology(run.topology, {
      runId,
      outDir: options.resultsDir === null ? null : join(options.resultsDir, runId),
      onProgress: ({ done, total }) => {
        if (!running) {
          report.phase('running');
          running = true;
        }
        report.progress(done, total);
      },
    });
    if (result.mode === 'signal_generation') throw new Error('a Backtest Manager run must be a backtest');
    report.phase('storing');
    const inputs: BacktestInput[] = result.outcome.portfolios.map((p) => {
      const risk = result.record.plan.config.portfolios.find((c) => c.id === p.result.id)?.risk ?? {};
      const { ts, equity } = p.result.equity;
      const m = p.metrics;
      return {
        symbols: [...run.symbols],
        timeframe: run.timeframe,
        strategy: run.strategy,
        params: run.params as BacktestInput['params'],
        exitRule: exitRuleFromRisk(risk),
        start: ts.length ? ts[0] : 0,
        end: ts.length ? ts[ts.length - 1] : 0,
        runManifest: result.dir,
        source: 'ui',
        metrics: {
          win_rate: m.win_rate, num_trades: m.trades, total_return: m.total_return, cagr: m.cagr, sharpe: m.sharpe, sortino: m.sortino,
          max_drawdown: m.max_drawdown, expectancy: m.expectancy, profit_factor: m.profit_factor, exposure: m.exposure,
        },
        equity: { ts: Array.from(ts), equity: Array.from(equity) },
        trades: p.result.trades.map((t) => ({ ...t })),
      };
    });
    const stored = await options.store.storeMany(inputs);
    return stored.map((s) => s.id);
  };
}

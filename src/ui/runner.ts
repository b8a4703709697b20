/**
 * Runs a Backtest Manager request through the library entry `runTopology`, which writes the
 * run's results folder (manifest, trades, equity) and stores its backtest in the BacktestStore
 * (option `backtestStore`, source `ui`), reporting the job's phases and bar progress.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runTopology } from '../topology/run-topology.ts';
import type { BacktestStore } from '../stores/backtests/index.ts';
import type { JobReporter } from './jobs.ts';
import type { ResolvedRun } from './run-request.ts';

export interface RunnerOptions {
  /** The store the UI serves; runs store their backtests under its root. */
  readonly store: BacktestStore;
  /** Parent folder of the runs' results folders (the stored backtests link to their manifest). */
  readonly resultsDir: string;
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
      outDir: join(options.resultsDir, runId),
      backtestStore: options.store.root,
      backtestSource: 'ui',
      onProgress: ({ done, total }) => {
        if (!running) {
          report.phase('running');
          running = true;
        }
        report.progress(done, total);
      },
    });
    if (result.mode === 'signal_generation') throw new Error('a Backtest Manager run must be a backtest');
    if (result.backtests.length === 0) throw new Error(`the run wrote ${result.dir} but stored no backtest`);
    return result.backtests.map((b) => b.id);
  };
}

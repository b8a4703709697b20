/**
 * `npm run topology -- <file.yaml> [--out DIR] [--json] [--dry-run]`
 * Runs any topology file: prints a metrics table (or JSON with --json) and writes a results
 * folder; --dry-run prints the container tree and every subscription without running.
 * Errors go to stderr with a non-zero exit and leave no results folder behind.
 */
import { Command, CommanderError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { dryRunTopologyFile, runTopologyFile, type GenerationRun } from '../topology/run-topology.ts';
import { metricsOf } from '../results/write-run.ts';
import { metricsTable } from './metrics-table.ts';

interface Flags {
  out?: string;
  json?: boolean;
  dryRun?: boolean;
  write: boolean;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('topology')
    .description('Run a topology file (event-driven backtest).')
    .argument('<file>', 'topology YAML file')
    .option('--out <dir>', 'results folder of a backtest or replay (default results/<name>/<run id>); must not exist')
    .option('--json', 'print the metrics as JSON on stdout (no table, no progress bar)')
    .option('--dry-run', 'print the container tree and every subscription, without running')
    .option('--no-write', 'run without writing a results folder')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const [file] = program.args;
  const flags = program.opts<Flags>();
  if (flags.dryRun) {
    const { text } = await dryRunTopologyFile(file);
    process.stdout.write(text + '\n');
    return 0;
  }
  const showProgress = !flags.json && process.stderr.isTTY === true;
  const bar = showProgress ? new SingleBar({ format: 'backtest [{bar}] {percentage}% | {value}/{total} bars | ETA {eta}s', hideCursor: true }, Presets.shades_classic) : null;
  let started = false;
  const run = await runTopologyFile(file, {
    outDir: flags.write ? flags.out : null,
    onProgress: bar
      ? ({ done, total }) => {
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        }
      : undefined,
  });
  if (started) bar!.stop();
  if (run.mode === 'signal_generation') return reportGeneration(run, flags.json === true);
  const { outcome, dir } = run;
  if (flags.json) {
    process.stdout.write(JSON.stringify({ run_id: outcome.runId, results_dir: dir, metrics: metricsOf(outcome), stats: outcome.stats, errors: outcome.errors }, null, 2) + '\n');
    return 0;
  }
  const s = outcome.stats;
  process.stdout.write(`run ${outcome.runId}: ${s.bars.toLocaleString('en-US')} bars, ${s.signals} signals, ${s.fills} fills in ${s.loopMs.toFixed(0)} ms\n\n`);
  process.stdout.write(metricsTable(outcome.portfolios.map((p) => ({ id: p.result.id, metrics: p.metrics }))) + '\n');
  if (outcome.errors.length > 0) process.stdout.write(`\n${outcome.errors.length} handler error(s) (on_handler_error: continue):\n${outcome.errors.map((e) => `  ${e}`).join('\n')}\n`);
  if (dir) process.stdout.write(`\nresults: ${dir}\n`);
  return 0;
}

function reportGeneration(run: GenerationRun, json: boolean): number {
  const { generation: g } = run;
  const computed = g.entries.filter((e) => e.status === 'computed');
  if (json) {
    process.stdout.write(JSON.stringify({ run_id: run.runId, store: g.storeDir, entries: g.entries, totals: g.manifest?.totals ?? null, stats: g.stats }, null, 2) + '\n');
    return 0;
  }
  if (computed.length === 0) {
    process.stdout.write(`nothing to compute: all ${g.entries.length} instances are already in the signal store ${g.storeDir}\n`);
  } else {
    const s = g.stats!;
    process.stdout.write(`run ${run.runId}: computed ${computed.length} of ${g.entries.length} instances over ${s.bars.toLocaleString('en-US')} bars in ${s.loopMs.toFixed(0)} ms; store ${g.storeDir}\n`);
  }
  const header = ['kind', 'id', 'hash', 'status', 'changes', 'sparse rows', 'dense rows'];
  const rows = g.entries.map((e) => [e.kind, e.id, e.hash.slice(0, 12), e.status, String(e.changes), String(e.rows), String(e.denseRows)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 4 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  process.stdout.write(['', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n');
  const t = g.manifest?.totals;
  if (t) process.stdout.write(`\nstore totals: ${t.strategies} strategies, ${t.classifiers} classifiers, ${t.signal_rows + t.classifier_rows} sparse rows for ${t.dense_signal_rows + t.dense_classifier_rows} dense rows (compression ${t.compression_ratio?.toFixed(1) ?? '-'}x)\n`);
  return 0;
}

main(process.argv).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

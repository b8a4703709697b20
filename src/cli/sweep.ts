/**
 * `npm run sweep -- <file> [--workers N] [--out DIR] [--top K] [--json]`
 * Runs a parameter sweep (a topology with lists or ranges in it; docs/sweeps.md) on a pool of
 * worker threads, with a progress bar on a terminal, then prints the best combinations and
 * where the Parquet table of all of them is. A file with a top-level `phases:` key is a
 * workflow and runs through the sequencer (src/workflow). Ctrl-C stops the sweep, keeps what is finished and
 * says how to resume. Exit status: 0 done, 1 error, 2 bad command line, 130 interrupted.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { LineCounter, parseDocument } from 'yaml';
import { TopologyError } from '../topology/load.ts';
import { expandSweep } from '../sweep/expand.ts';
import { describeObjective } from '../sweep/objective.ts';
import { bestTable } from '../sweep/best-table.ts';
import { runSweep, SweepInterruptedError, type SweepResult } from '../sweep/run-sweep.ts';
import type { SweepProgress } from '../sweep/progress.ts';
import { runWorkflow, workflowResultJson } from '../workflow/index.ts';

interface Flags {
  workers?: number;
  out?: string;
  top?: number;
  json?: boolean;
}

const EXIT_INTERRUPTED = 130;

function positiveInt(name: string, max: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return Number(text);
  };
}

/** The file as a YAML mapping; errors name the file and the line. */
function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TopologyError(path, [code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot read: ${(error as Error).message}`]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new TopologyError(path, doc.errors.map((e) => {
      const at = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      return `${path}:${at.line}:${at.col} YAML: ${e.message.split('\n')[0]}`;
    }));
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TopologyError(path, ['(top level): the top level must be a mapping (name, data, strategies, portfolios, ..., or phases for a workflow)']);
  return raw as Record<string, unknown>;
}

async function runWorkflowFile(file: string, flags: Flags, signal: AbortSignal): Promise<number> {
  const json = flags.json === true;
  const bar = json || process.stderr.isTTY !== true
    ? null
    : new SingleBar({ format: 'workflow [{bar}] {value}/{total} | {phase} {step}', hideCursor: true }, Presets.shades_classic);
  let started = false;
  const result = await runWorkflow(file, {
    workers: flags.workers,
    outDir: flags.out,
    signal,
    // With --json, stdout holds the JSON only: the sequencer's lines go to stderr.
    log: (line) => {
      if (started) bar!.stop(), (started = false);
      (json ? process.stderr : process.stdout).write(`${line}\n`);
    },
    onProgress: bar
      ? (p) => {
          if (!started) bar.start(p.total, p.done, { phase: p.phase, step: p.step }), (started = true);
          else bar.setTotal(p.total), bar.update(p.done, { phase: p.phase, step: p.step });
        }
      : undefined,
  });
  if (started) bar!.stop();
  if (json) process.stdout.write(JSON.stringify(workflowResultJson(result), null, 2) + '\n');
  return 0;
}

function progressBar(json: boolean): ((p: SweepProgress) => void) & { stop(): void } {
  const show = !json && process.stderr.isTTY === true;
  const bar = show
    ? new SingleBar({ format: 'sweep [{bar}] {value}/{total} combinations | {rate}/s | ETA {eta_text} | {phase_text}', hideCursor: true, etaBuffer: 1 }, Presets.shades_classic)
    : null;
  let started = false;
  const update = (p: SweepProgress) => {
    if (!bar) return;
    const payload = {
      rate: p.rate.toFixed(1),
      eta_text: p.etaMs === null ? '-' : `${Math.ceil(p.etaMs / 1000)}s`,
      phase_text: p.phase === 'signals' ? `signals ${p.groupsDone}/${p.groupsTotal} groups` : p.resumed > 0 ? `${p.resumed} resumed` : 'running',
    };
    if (!started) {
      bar.start(p.total, p.done, payload);
      started = true;
    } else {
      bar.update(p.done, payload);
    }
  };
  return Object.assign(update, { stop: () => started && bar!.stop() });
}

function printResult(result: SweepResult, json: boolean): void {
  const objective = describeObjective(result.settings.objective);
  if (json) {
    const best = result.best.map((r) => ({ rank: r.rank, index: r.index, hash: r.hash, portfolio_id: r.portfolioId, params: r.params, objective: r.objective, metrics: r.metrics }));
    process.stdout.write(JSON.stringify({
      name: result.name, config_hash: result.configHash, dir: result.dir, parquet: result.parquet,
      total: result.total, computed: result.computed, resumed: result.resumed, chunks: result.chunks,
      engine: result.settings.engine, objective: result.settings.objective, parameters: result.parameters, best, stats: result.stats,
    }, null, 2) + '\n');
    return;
  }
  const s = result.stats;
  const resumed = result.resumed > 0 ? `, ${result.resumed} resumed from an earlier run` : '';
  process.stdout.write(
    `sweep ${result.name}: ${result.total} combinations (${result.computed} computed${resumed}) in ${(s.durationMs / 1000).toFixed(1)} s` +
    (result.computed > 0 ? ` on ${s.workers} worker(s), ${s.combinationsPerSecond.toFixed(1)} combinations/s` : '') + `; engine ${result.settings.engine}\n\n`,
  );
  process.stdout.write(`best ${result.best.length} by ${objective}:\n${bestTable(result.best, result.parameters, 'objective')}\n\n`);
  process.stdout.write(`results: ${result.parquet}\n`);
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('sweep')
    .description('Run a parameter sweep (a topology with lists or ranges) or a workflow (a file with phases).')
    .argument('<file>', 'sweep topology or workflow YAML file')
    .option('--workers <n>', 'worker threads (default: all cores)', positiveInt('--workers', 256))
    .option('--out <dir>', 'the sweep folder (default results/sweeps/<name>/<config hash>); resuming needs the same one')
    .option('--top <k>', 'how many of the best combinations to print (default: sweep.top)', positiveInt('--top', 100_000))
    .option('--json', 'print the result as JSON on stdout (no table, no progress bar)')
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
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (name: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
    process.stderr.write(`\n${name}: stopping after the chunks in flight (again to quit at once)...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const raw = readYaml(file);
  if ('phases' in raw) {
    try {
      return await runWorkflowFile(file, flags, controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}; to resume:\n  npm run sweep -- ${process.argv.slice(2).join(' ')}\n`);
      return EXIT_INTERRUPTED;
    }
  }

  // Everything is checked (the file, the grid, the options) before the folder is touched.
  const expansion = expandSweep(raw, file);
  const run = runSweep(expansion, { workers: flags.workers, outDir: flags.out, top: flags.top, baseDir: dirname(resolve(file)), signal: controller.signal, label: file });
  const bar = progressBar(flags.json === true);
  const watching = (async () => {
    for await (const p of run.progress) bar(p);
  })();
  try {
    const result = await run.results;
    await watching;
    bar.stop();
    printResult(result, flags.json === true);
    return 0;
  } catch (error) {
    await watching;
    bar.stop();
    if (error instanceof SweepInterruptedError) {
      process.stderr.write(`${error.message}:\n  npm run sweep -- ${process.argv.slice(2).join(' ')}\n`);
      return EXIT_INTERRUPTED;
    }
    throw error;
  }
}

main(process.argv).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

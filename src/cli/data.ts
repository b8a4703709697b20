/**
 * `npm run data -- <command>`: the market data store from the shell.
 *
 *   import --file <csv|parquet> --symbol SPY --timeframe 1m [--tz America/New_York]
 *   import --file facts.csv --kind fundamentals --type factor     (other kinds: CSV with field columns)
 *   ls | stats | compact | gc | quarantine [--batch N]
 *   retention --policy policy.json [--now <instant>] [--dry-run]
 *   snapshot create [--at <instant>] [--label TEXT] | snapshot verify <id> | snapshot restore <id> | snapshot ls
 *
 * Every command takes --root DIR (default: data/store in the repository) and --json.
 * Bad flags exit with 2, failures (a bad file, a snapshot that does not verify) with 1; the
 * message on stderr names the flag, file or line.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { zoneConverter } from '../data/timezone.ts';
import { timeframeArg, zoneArg } from './arg-parsers.ts';
import { parseStamp } from '../data/stamp.ts';
import {
  importBarFile,
  importRecordCsv,
  MarketDataStore,
  RECORD_KINDS,
  type RecordKind,
} from '../stores/market-data/index.ts';
import { compactText, importText, restoreText, retentionText, seriesText, snapshotText, statsText, table, verifyText } from '../stores/market-data/report-text.ts';

const DEFAULT_ROOT = fileURLToPath(new URL('../../data/store', import.meta.url));
const DEFAULT_TZ = 'America/New_York';

class UsageError extends Error {}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n');
const json = (value: unknown) => out(JSON.stringify(value, null, 2));

// ---- flag parsers (each throws InvalidArgumentError with the reason; commander names the flag)

function symbolArg(v: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(v)) throw new InvalidArgumentError("use letters, digits, '.', '_' or '-' (max 32), starting with a letter or digit.");
  return v;
}
function qualityArg(v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !(x >= 0 && x <= 1)) throw new InvalidArgumentError('expected a number in [0, 1].');
  return x;
}
function countArg(v: string): number {
  const x = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(x)) throw new InvalidArgumentError('expected a whole number >= 0.');
  return x;
}
/** An unambiguous instant: epoch ms, or a stamp with `Z` or an offset (2026-01-31T21:00:00Z). */
function instantArg(v: string): number {
  if (/^-?\d+$/.test(v.trim())) return Number(v);
  const explicit = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(v.trim());
  const t = explicit ? parseStamp(v, 0, v.length, zoneConverter('UTC')) : Number.NaN;
  if (!explicit || Number.isNaN(t)) throw new InvalidArgumentError('expected epoch milliseconds or a time with Z or an offset, e.g. 2026-01-31T21:00:00Z.');
  return t;
}

interface Common {
  root: string;
  json?: boolean;
}

function withCommon(cmd: Command): Command {
  return cmd.option('--root <dir>', 'store folder', DEFAULT_ROOT).option('--json', 'print the result as JSON');
}

async function open(flags: Common): Promise<MarketDataStore> {
  return MarketDataStore.open(flags.root);
}

function build(): Command {
  const program = new Command()
    .name('data')
    .description('The market data store: import files, list, stats, snapshots, maintenance.')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');

  withCommon(
    program
      .command('import')
      .description('import a file (bars: CSV or Parquet; other kinds: CSV whose header names their fields)')
      .requiredOption('--file <path>', 'file to import')
      .addOption(new Option('--kind <kind>', 'record kind').choices([...RECORD_KINDS]).default('bars'))
      .option('--symbol <symbol>', 'symbol of the rows (required for bars)', symbolArg)
      .option('--timeframe <tf>', 'bar / feature timeframe: 1m, 5m, 1h, 1d ...', timeframeArg)
      .option('--tz <zone>', `IANA zone of naive stamps in the file (default ${DEFAULT_TZ})`, zoneArg)
      .option('--type <type>', 'fundamentals: record type of every row (earnings, dividend, split, sector, factor)')
      .option('--provider <name>', 'lineage: data provider')
      .option('--quality <score>', "lineage: the provider's quality score in [0, 1]", qualityArg)
      .option('--strict', 'abort at the first bad row, storing nothing (default: quarantine bad rows)')
      .option('--show <n>', 'rejected rows to list', countArg, 10),
  ).action(async (flags: Common & { file: string; kind: RecordKind; symbol?: string; timeframe?: string; tz?: string; type?: string; provider?: string; quality?: number; strict?: boolean; show: number }) => {
    if (flags.kind === 'bars' && (!flags.symbol || !flags.timeframe)) throw new UsageError(`import of bars needs --symbol and --timeframe (file ${flags.file})`);
    if (flags.kind === 'features' && (!flags.symbol || !flags.timeframe)) throw new UsageError('import of features needs --symbol and --timeframe');
    if (flags.type !== undefined && flags.kind !== 'fundamentals') throw new UsageError('--type applies to --kind fundamentals only');
    if (flags.strict && flags.kind !== 'bars') throw new UsageError('--strict applies to bar files only');
    const timezone = flags.tz ?? DEFAULT_TZ;
    if (!flags.tz && !flags.json) process.stderr.write(`note: no --tz given: naive stamps are read as ${DEFAULT_TZ}\n`);
    const store = await open(flags);
    const report =
      flags.kind === 'bars'
        ? await importBarFile(store, { file: flags.file, symbol: flags.symbol!, timeframe: flags.timeframe!, timezone, strict: flags.strict, provider: flags.provider, quality: flags.quality })
        : await importRecordCsv(store, { file: flags.file, kind: flags.kind, symbol: flags.symbol, timeframe: flags.timeframe, timezone, type: flags.type, provider: flags.provider, quality: flags.quality });
    if (flags.json) json(report);
    else out(importText(report, store.root, flags.show));
  });

  withCommon(program.command('ls').description('list the stored series'))
    .addOption(new Option('--kind <kind>', 'only this kind').choices([...RECORD_KINDS]))
    .option('--symbol <symbol>', 'only this symbol', symbolArg)
    .action(async (flags: Common & { kind?: RecordKind; symbol?: string }) => {
      const store = await open(flags);
      const series = (await store.listSeries()).filter((s) => (!flags.kind || s.kind === flags.kind) && (!flags.symbol || s.symbol === flags.symbol));
      if (flags.json) json(series);
      else out(seriesText(series));
    });

  withCommon(program.command('stats').description('storage metrics: contents, disk usage, ingest throughput, quarantine')).action(async (flags: Common) => {
    const store = await open(flags);
    const stats = await store.stats();
    if (flags.json) json(stats);
    else out(statsText(stats));
  });

  withCommon(program.command('compact').description('merge the files of every partition into one; remove unreferenced files')).action(async (flags: Common) => {
    const report = await (await open(flags)).compact();
    if (flags.json) json(report);
    else out(compactText(report));
  });

  withCommon(program.command('gc').description('remove files the manifest does not list (crash leftovers)')).action(async (flags: Common) => {
    const removed = await (await open(flags)).gc();
    if (flags.json) json({ removed });
    else out(`removed ${removed.length} unreferenced file(s)${removed.length ? `:\n  ${removed.join('\n  ')}` : ''}`);
  });

  withCommon(program.command('retention').description('apply a retention policy (JSON: warmAfterDays, coldAfterDays, purgeAfterDays, kinds)'))
    .requiredOption('--policy <file>', 'policy JSON file')
    .option('--now <instant>', 'judge ages as of this instant (default: now)', instantArg)
    .option('--dry-run', 'only report what would be done')
    .action(async (flags: Common & { policy: string; now?: number; dryRun?: boolean }) => {
      let policy: unknown;
      try {
        policy = JSON.parse(await readFile(flags.policy, 'utf8'));
      } catch (error) {
        throw new Error(`--policy ${flags.policy}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
      }
      const report = await (await open(flags)).applyRetention(policy, { now: flags.now, dryRun: flags.dryRun });
      if (flags.json) json(report);
      else out(retentionText(report));
    });

  withCommon(program.command('quarantine').description('list rejected records'))
    .option('--batch <id>', 'only this lineage batch', countArg)
    .action(async (flags: Common & { batch?: number }) => {
      const rows = await (await open(flags)).quarantined(flags.batch);
      if (flags.json) json(rows);
      else out(rows.length === 0 ? 'no quarantined records' : table(['batch', 'where', 'reason'], rows.map((r) => [String(r.batch), r.line !== undefined ? `line ${r.line}` : `record ${r.index}`, r.reason])));
    });

  const snapshot = program.command('snapshot').description('create, verify, restore or list snapshots');
  withCommon(snapshot.command('create').description('snapshot the store (optionally as of a data time)'))
    .option('--at <instant>', 'data cut-off: bars closed and records dated at or before it', instantArg)
    .option('--label <text>', 'a label for the snapshot', '')
    .action(async (flags: Common & { at?: number; label: string }) => {
      const s = await (await open(flags)).createSnapshot(flags.at, flags.label);
      if (flags.json) json(s);
      else out(snapshotText(s));
    });
  withCommon(snapshot.command('verify').description('recompute every SHA-256 and the root hash').argument('<id>', 'snapshot id')).action(async (id: string, flags: Common) => {
    const v = await (await open(flags)).verifySnapshot(id);
    if (flags.json) json(v);
    else out(verifyText(v));
    if (!v.ok) process.exitCode = 1;
  });
  withCommon(snapshot.command('restore').description('make the store equal to a snapshot (the current state is snapshotted first)').argument('<id>', 'snapshot id')).action(
    async (id: string, flags: Common) => {
      const r = await (await open(flags)).restoreSnapshot(id);
      if (flags.json) json(r);
      else out(restoreText(r));
    },
  );
  withCommon(snapshot.command('ls').description('list snapshots')).action(async (flags: Common) => {
    const list = await (await open(flags)).listSnapshots();
    if (flags.json) json(list.map(({ files: _files, ...s }) => s));
    else out(list.length === 0 ? 'no snapshots' : list.map(snapshotText).join('\n'));
  });
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = build();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

main(process.argv).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

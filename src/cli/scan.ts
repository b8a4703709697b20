/**
 * `npm run scan -- --symbols SPY,QQQ --strategies 'sma_crossover:{"fast_period":10,"slow_period":30}' rsi_mean_reversion`
 *
 * Evaluates the latest bars of each symbol with each strategy and lists the current signal,
 * with the stats (win rate, trades, Sharpe, CAGR) of the latest stored backtest of that
 * (symbol, strategy, params) from the BacktestStore (docs/backtest-store.md, "Scanner").
 *
 *   --symbols A,B,...          the universe (required)
 *   --strategies SPEC...       <type> or <type>:<params as JSON> (required; several allowed)
 *   --timeframe TF             bar timeframe (default 1d)
 *   --data DIR                 bar files <SYMBOL>_<tf>.csv|.parquet (default ../shared/data)
 *   --market-data DIR          or read the bars from a market data store
 *   --tz ZONE                  zone of naive stamps in the files (default America/New_York)
 *   --bars N                   evaluate only the last N bars of each symbol
 *   --store DIR                the BacktestStore (default $TRADEFLOW_BACKTEST_STORE or results/backtest-store)
 *   --exit-rule JSON           enrich from backtests with this exit rule only
 *   --json                     rows as JSON
 *
 * Bad flags exit with 2 and a message naming the flag; failures (missing files, ...) with 1.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { timeframeArg, zoneArg } from './arg-parsers.ts';
import { ExitRuleSchema, type ExitRule } from '../stores/backtests/schema.ts';
import { scan, type ScanRow } from '../stores/backtests/scanner.ts';

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n');

function symbolsArg(v: string): string[] {
  const list = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw new InvalidArgumentError('expected a comma-separated list of symbols, e.g. SPY,QQQ.');
  for (const s of list) if (!/^[A-Za-z0-9.^=-]{1,32}$/.test(s)) throw new InvalidArgumentError(`"${s}": symbols use letters, digits and . ^ = - (max 32).`);
  return list;
}

function strategyArg(v: string, previous: { type: string; params: Record<string, unknown> }[] = []) {
  const colon = v.indexOf(':');
  const type = (colon < 0 ? v : v.slice(0, colon)).trim();
  if (!/^[a-z][a-z0-9_]*$/.test(type)) throw new InvalidArgumentError(`"${v}": expected <type> or <type>:<params as JSON>, e.g. sma_crossover:{"fast_period":10}.`);
  let params: unknown = {};
  if (colon >= 0) {
    try {
      params = JSON.parse(v.slice(colon + 1));
    } catch (error) {
      throw new InvalidArgumentError(`"${v}": the params after "${type}:" are not JSON (${(error as Error).message}).`);
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new InvalidArgumentError(`"${v}": the params must be a JSON object.`);
  }
  return [...previous, { type, params: params as Record<string, unknown> }];
}



function barsArg(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
}

function exitRuleArg(v: string): ExitRule {
  let value: unknown;
  try {
    value = JSON.parse(v);
  } catch (error) {
    throw new InvalidArgumentError(`not JSON (${(error as Error).message}); e.g. {"type":"fixed_stop","stop_pct":8}.`);
  }
  const parsed = ExitRuleSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`).join('; '));
  return parsed.data;
}

const fmt = (v: number | null | undefined, kind: 'pct' | 'num' | 'int') =>
  v === null || v === undefined ? '-' : kind === 'pct' ? `${(v * 100).toFixed(1)}%` : kind === 'int' ? String(v) : v.toFixed(2);
const day = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T00:00:00.000Z', '').replace(/:00\.000Z$/, 'Z'));
const SIGNAL: Record<string, string> = { '1': 'long', '-1': 'short', '0': 'flat' };

function scanTable(rows: readonly ScanRow[]): string {
  const header = ['symbol', 'strategy', 'params', 'signal', 'since', 'last bar', 'close', 'win rate', 'trades', 'sharpe', 'cagr'];
  const body = rows.map((r) => [
    r.symbol, r.strategy, JSON.stringify(r.params), SIGNAL[String(r.signal)] ?? String(r.signal), day(r.since), day(r.lastBar), String(r.close),
    fmt(r.stats?.win_rate, 'pct'), fmt(r.stats?.num_trades, 'int'), fmt(r.stats?.sharpe, 'num'), fmt(r.stats?.cagr, 'pct'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

interface Flags {
  symbols: string[];
  strategies: { type: string; params: Record<string, unknown> }[];
  timeframe: string;
  data?: string;
  marketData?: string;
  tz: string;
  bars?: number;
  store: string;
  exitRule?: ExitRule;
  json?: boolean;
}

function build(): Command {
  return new Command()
    .name('scan')
    .description('Current signals of a universe of symbols, with the stored stats of each (symbol, strategy, params).')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)')
    .requiredOption('--symbols <list>', 'comma-separated symbols', symbolsArg)
    .requiredOption('--strategies <spec...>', '<type> or <type>:<params JSON>', strategyArg)
    .option('--timeframe <tf>', 'bar timeframe', timeframeArg, '1d')
    .addOption(new Option('--data <dir>', 'folder of bar files <SYMBOL>_<tf>.csv|.parquet (default ../shared/data)').conflicts('marketData'))
    .option('--market-data <dir>', 'read bars from this market data store')
    .option('--tz <zone>', 'zone of naive stamps in the files', zoneArg, 'America/New_York')
    .option('--bars <n>', 'evaluate only the last n bars', barsArg)
    .option('--store <dir>', 'BacktestStore folder', process.env.TRADEFLOW_BACKTEST_STORE && process.env.TRADEFLOW_BACKTEST_STORE !== 'off' ? process.env.TRADEFLOW_BACKTEST_STORE : 'results/backtest-store')
    .option('--exit-rule <json>', 'enrich from backtests with this exit rule only', exitRuleArg)
    .option('--json', 'print the rows as JSON')
    .action(async (flags: Flags) => {
      const rows = await scan({
        symbols: flags.symbols, strategies: flags.strategies as never, timeframe: flags.timeframe,
        ...(flags.marketData !== undefined ? { marketData: flags.marketData } : { dataDir: flags.data ?? '../shared/data' }),
        timezone: flags.tz, bars: flags.bars, backtestStore: flags.store, exitRule: flags.exitRule,
      });
      out(flags.json ? JSON.stringify(rows, null, 2) : scanTable(rows));
    });
}

async function main(argv: string[]): Promise<number> {
  try {
    await build().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return 0;
}

main(process.argv).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

/**
 * `npm run ui -- [--port 8787] [--host 127.0.0.1] [--store DIR] [--data DIR] [--results DIR]`
 * The Backtest Manager web UI on the backtest store: starts the server, prints its URL, and
 * runs until interrupted. Binds 127.0.0.1 unless told otherwise. Bad flags exit with 2 and a
 * message naming the flag; a server that cannot start (port in use) exits with 1.
 */
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DEFAULT_DATA_DIR } from '../ui/catalog.ts';
import { openUi } from '../ui/index.ts';

/** The same default as runTopology's automatic storage: $TRADEFLOW_BACKTEST_STORE, else results/backtest-store. */
const DEFAULT_STORE_ROOT = resolve(process.env.TRADEFLOW_BACKTEST_STORE && process.env.TRADEFLOW_BACKTEST_STORE !== 'off' ? process.env.TRADEFLOW_BACKTEST_STORE : 'results/backtest-store');
/** Like runTopology's default results folders, relative to the working directory. */
const DEFAULT_RESULTS_DIR = resolve('results/ui');

function portArg(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free port).');
  return n;
}
function hostArg(v: string): string {
  if (!/^(localhost|[0-9.]+|\[?[0-9a-fA-F:]+\]?|[A-Za-z0-9.-]+)$/.test(v)) throw new InvalidArgumentError('expected a host name or IP address, e.g. 127.0.0.1.');
  return v.replace(/^\[(.*)\]$/, '$1');
}
function dirArg(v: string): string {
  if (v.trim() === '' || v.includes('\0')) throw new InvalidArgumentError('expected a directory path.');
  return resolve(v);
}

interface Flags {
  port: number;
  host: string;
  store: string;
  data: string;
  results: string;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('ui')
    .description('Backtest Manager web UI: run backtests, browse and compare the backtest store.')
    .option('--port <n>', 'port to listen on (0 picks a free one)', portArg, 8787)
    .option('--host <host>', 'address to bind; anything but a loopback address exposes the UI to the network', hostArg, '127.0.0.1')
    .option('--store <dir>', 'backtest store root', dirArg, DEFAULT_STORE_ROOT)
    .option('--data <dir>', 'folder of bar files offered as data sources', dirArg, DEFAULT_DATA_DIR)
    .option('--results <dir>', 'where runs started from the UI write their results folders (manifest, trades, equity)', dirArg, DEFAULT_RESULTS_DIR)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const flags = program.opts<Flags>();
  const ui = await openUi({ storeRoot: flags.store, host: flags.host, port: flags.port, dataDir: flags.data, resultsDir: flags.results });
  process.stdout.write(`Backtest Manager: ${ui.url}\n  store:   ${flags.store}\n  results: ${flags.results}\n  press Ctrl+C to stop\n`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await ui.close();
  return 0;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = (error as NodeJS.ErrnoException)?.code;
    const message = code === 'EADDRINUSE' ? `the port is already in use: ${(error as Error).message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`ui: ${message}\n`);
    process.exit(1);
  },
);

/**
 * The web UI (Backtest Manager) as a library: open the backtest store, start the server.
 * `npm run ui` (src/cli/ui.ts) is a thin face over `openUi`; docs/ui.md describes the pages and the API.
 */
import { BacktestStore } from '../stores/backtests/index.ts';
import { backtestRunner } from './runner.ts';
import { startUiServer, type UiServer } from './server.ts';

export { startUiServer, type UiServer, type UiServerOptions } from './server.ts';
export { backtestRunner } from './runner.ts';

export interface OpenUiOptions {
  readonly storeRoot: string;
  readonly host?: string;
  readonly port?: number;
  /** Folder of bar files offered as data sources; null offers only synthetic data. */
  readonly dataDir?: string | null;
  /** Parent folder of the results folders of runs started from the UI. */
  readonly resultsDir: string;
}

export interface OpenUi extends UiServer {
  readonly store: BacktestStore;
}

/** Opens the store at `storeRoot` and serves the UI on it; `close()` stops both. */
export async function openUi(options: OpenUiOptions): Promise<OpenUi> {
  const store = await BacktestStore.open({ root: options.storeRoot });
  try {
    const ui = await startUiServer({
      store,
      runBacktest: backtestRunner({ store, resultsDir: options.resultsDir }),
      host: options.host,
      port: options.port,
      dataDir: options.dataDir,
    });
    return {
      ...ui,
      store,
      close: async () => {
        try {
          await ui.close();
        } finally {
          await store.close();
        }
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

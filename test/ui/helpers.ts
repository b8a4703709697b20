/**
 * Test helpers of the web UI: a real server on an ephemeral port over a temporary store,
 * raw HTTP requests (the request target sent byte for byte, no client-side normalisation),
 * seeded store contents, and the Debian chromium launch used by the browser tests.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BacktestStore, type BacktestInput } from '../../src/stores/backtests/index.ts';
import { backtestRunner, startUiServer, type UiServer } from '../../src/ui/index.ts';

export interface TestUi {
  readonly ui: UiServer;
  readonly store: BacktestStore;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A UI server on 127.0.0.1 with an ephemeral port, over a fresh store in a temp folder. */
export async function startTestUi(options: { dataDir?: string | null; staticDir?: string } = {}): Promise<TestUi> {
  const root = await mkdtemp(join(tmpdir(), 'tradeflow-ui-'));
  const store = await BacktestStore.open({ root: join(root, 'store') });
  const ui = await startUiServer({ store, runBacktest: backtestRunner({ store, resultsDir: join(root, 'results') }), port: 0, dataDir: options.dataDir ?? null, staticDir: options.staticDir });
  return {
    ui,
    store,
    url: ui.url,
    port: Number(new URL(ui.url).port),
    close: async () => {
      await ui.close();
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Sends `target` exactly as given (no URL normalisation), like a hostile client would. */
export function rawRequest(port: number, target: string, options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body: split < 0 ? '' : text.slice(split + 4) });
    });
    const extra = Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const body = options.body ?? '';
    const length = body ? `content-length: ${Buffer.byteLength(body)}\r\n` : '';
    socket.write(`${options.method ?? 'GET'} ${target} HTTP/1.1\r\nhost: ${options.host ?? `127.0.0.1:${port}`}\r\n${extra}${length}connection: close\r\n\r\n${body}`);
  });
}

const DAY = 86_400_000;

/** A deterministic daily equity curve of `n` points with a drift; the trade list has one trade. */
export function seedBacktest(overrides: Partial<BacktestInput> & { drift?: number; n?: number } = {}): BacktestInput {
  const { drift = 0.0005, n = 300, ...rest } = overrides;
  const t0 = Date.UTC(2020, 0, 1);
  const ts: number[] = [];
  const equity: number[] = [];
  let e = 100_000;
  for (let i = 0; i < n; i++) {
    ts.push(t0 + i * DAY);
    equity.push(e);
    e *= 1 + drift + 0.01 * Math.sin(i / 7);
  }
  const trade = {
    portfolioId: 'p', strategyId: 's', symbol: 'SYN', stream: 'SYN_1d', direction: 'long' as const, quantity: 10,
    entryTime: ts[10], entryBarIdx: 10, entryPrice: 100, exitTime: ts[50], exitBarIdx: 50, exitPrice: 110,
    commission: 1, pnl: 99, returnPct: 0.099, bars: 40, exitReason: 'signal',
  };
  return {
    symbols: ['SYN'],
    timeframe: '1d',
    strategy: 'sma_crossover',
    params: { fast_period: 10, slow_period: 30, long_only: false },
    exitRule: { type: 'signal' },
    start: ts[0],
    end: ts[n - 1],
    source: 'api',
    metrics: {
      win_rate: 1, num_trades: 1, total_return: equity[n - 1] / equity[0] - 1, cagr: 0.1, sharpe: drift * 1000, sortino: drift * 1500,
      max_drawdown: -0.1, expectancy: 99, profit_factor: null, exposure: 0.5,
    },
    equity: { ts, equity },
    trades: [trade],
    ...rest,
  };
}

/** A 3 x 3 sweep of sma_crossover (fast x slow) whose sharpe rises with fast and falls with slow. */
export function seedSweep(sweepId: string): BacktestInput[] {
  const out: BacktestInput[] = [];
  for (const fast of [5, 10, 20]) {
    for (const slow of [30, 50, 100]) {
      const b = seedBacktest({ params: { fast_period: fast, slow_period: slow, long_only: false }, sweepId, source: 'sweep', drift: 0.0002 * fast / 5, n: 120 });
      out.push({ ...b, metrics: { ...b.metrics, sharpe: fast / 10 - slow / 100 } });
    }
  }
  return out;
}

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * Debian's chromium with one page, whose script errors and console errors are appended to
 * `problems` (a 4xx answer logs a "Failed to load resource" line: expected where a test sends
 * bad input, so not a problem).
 */
export async function openBrowserPage(problems: string[]): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { browser, page };
}

if (!HAVE_CHROMIUM) {
  process.stderr.write(`test/ui: ${CHROMIUM} is absent: the browser tests are skipped (install Debian's chromium: apt-get install chromium; .ci/run does)\n`);
}

/**
 * Pixel statistics of every canvas matching `selector` (evaluated in the page): `ink` counts
 * pixels that are neither transparent nor white, `match` those within 40 per channel of
 * `rgb` (a series colour), `colours` distinct colours (coarse, up to 64).
 */
export const pixelStatsScript = (selector: string, rgb: [number, number, number] | null = null) => `(() => {
  const target = ${JSON.stringify(rgb)};
  return [...document.querySelectorAll(${JSON.stringify(selector)})].map((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let ink = 0, match = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      if (data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245) continue;
      ink++;
      if (colours.size < 64) colours.add((data[i] >> 4) + ',' + (data[i + 1] >> 4) + ',' + (data[i + 2] >> 4));
      if (target && Math.abs(data[i] - target[0]) < 40 && Math.abs(data[i + 1] - target[1]) < 40 && Math.abs(data[i + 2] - target[2]) < 40) match++;
    }
    return { width: c.width, height: c.height, ink, match, colours: colours.size };
  });
})()`;

export interface PixelStats {
  readonly width: number;
  readonly height: number;
  readonly ink: number;
  readonly match: number;
  readonly colours: number;
}

export function pixelStats(page: Page, selector: string, rgb: [number, number, number] | null = null): Promise<PixelStats[]> {
  return page.evaluate(pixelStatsScript(selector, rgb)) as Promise<PixelStats[]>;
}

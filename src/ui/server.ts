/**
 * The web UI server (node:http): the single-page app from the static folder, uPlot from two
 * fixed routes, and the JSON API. Before any routing, the raw request target is checked:
 * origin-form only, decodable, no NUL, backslash, double encoding or dot segments (a 400);
 * when bound to a loopback address the Host header must name a loopback host too, so a web
 * page elsewhere cannot reach the API through DNS rebinding.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi, type ApiContext } from './api.ts';
import { listDataSources, DEFAULT_DATA_DIR } from './catalog.ts';
import { HttpError, sendBytes, sendError, sendJson } from './http.ts';
import { JobQueue, type JobReporter } from './jobs.ts';
import type { ResolvedRun } from './run-request.ts';
import { StaticFiles, STATIC_DIR } from './static-files.ts';
import type { UiStore } from './store-port.ts';

export interface UiServerOptions {
  readonly store: UiStore;
  /** Runs a resolved Backtest Manager request and returns the ids of the stored backtests. */
  readonly runBacktest: (run: ResolvedRun, report: JobReporter) => Promise<string[]>;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Folder of bar files offered as data sources (default ../shared/data); null offers synthetic data only. */
  readonly dataDir?: string | null;
  readonly staticDir?: string;
}

export interface UiServer {
  readonly server: Server;
  readonly url: string;
  readonly jobs: JobQueue;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/** Splits and checks a raw request target; returns the decoded path and the query. */
export function checkTarget(raw: string): { path: string; rawPath: string; search: URLSearchParams } {
  if (!raw.startsWith('/') || raw.startsWith('//')) throw new HttpError(400, 'the request target must be a path starting with a single /');
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in the path');
  }
  if (rawPath.includes('\\') || path.includes('\\') || path.includes('\0')) throw new HttpError(400, 'forbidden characters in the path (NUL or backslash)');
  if (path.includes('%')) throw new HttpError(400, 'double percent-encoding in the path is not allowed');
  for (const p of [rawPath, path]) {
    if (p.split('/').some((segment) => segment === '..' || segment === '.')) throw new HttpError(400, 'path traversal is not allowed');
  }
  if (path.startsWith('//')) throw new HttpError(400, 'absolute paths are not served');
  return { path, rawPath, search: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

function hostName(header: string | undefined): string | null {
  if (!header) return null;
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  const colon = header.lastIndexOf(':');
  return (colon < 0 ? header : header.slice(0, colon)).toLowerCase();
}

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const staticFiles = new StaticFiles(options.staticDir ?? STATIC_DIR);
  const jobs = new JobQueue();
  const ctx: ApiContext = {
    store: options.store,
    sources: listDataSources(options.dataDir === undefined ? DEFAULT_DATA_DIR : options.dataDir),
    jobs,
    runBacktest: options.runBacktest,
  };
  const loopbackOnly = isLoopback(host);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, rawPath, search } = checkTarget(req.url ?? '');
    if (loopbackOnly) {
      const name = hostName(req.headers.host);
      if (!name || !isLoopback(name)) throw new HttpError(421, 'this server only answers requests addressed to a loopback host (localhost, 127.0.0.1)');
    }
    if (path.startsWith('/api/') || path === '/api') {
      await handleApi(ctx, req, res, path, search);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `method ${req.method} not allowed on ${path}`);
    const head = req.method === 'HEAD';
    const vendor = await staticFiles.vendorFile(path);
    if (vendor) {
      sendBytes(res, 200, vendor.contentType, vendor.body, head, { 'cache-control': 'max-age=3600' });
      return;
    }
    if (path === '/' || path === '/index.html' || path.startsWith('/static/')) {
      const file = await staticFiles.get(rawPath);
      sendBytes(res, 200, file.contentType, file.body, head, PAGE_HEADERS);
      return;
    }
    throw new HttpError(404, `not found: ${path}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        if (error.status === 413 || error.status === 415) res.setHeader('connection', 'close');
        sendError(res, error);
      } else {
        process.stderr.write(`ui: ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        sendJson(res, 500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}/`,
    jobs,
    close: async () => {
      await jobs.idle();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

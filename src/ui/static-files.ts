/**
 * Static files of the web UI. Only files inside the UI's own static folder are ever served,
 * and only by a URL path that is already canonical: the raw request path is checked before
 * and after one round of percent-decoding (no `..` or `.` segments, no empty segments, no
 * backslashes, NUL, `%` left after decoding, i.e. no double encoding), then resolved and
 * checked again against the folder, after following symlinks. uPlot is served from two fixed
 * routes mapped to its dist files, never from a path derived from the request.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from './http.ts';

export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** The vendored files: fixed route -> file of the installed uplot package. */
function vendorFiles(): ReadonlyMap<string, { path: string; contentType: string }> {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('uplot/package.json')), 'dist');
  return new Map([
    ['/vendor/uplot.js', { path: join(dist, 'uPlot.esm.js'), contentType: CONTENT_TYPES['.js'] }],
    ['/vendor/uplot.css', { path: join(dist, 'uPlot.min.css'), contentType: CONTENT_TYPES['.css'] }],
  ]);
}

/**
 * Maps the raw path of a `/static/...` request to a relative path inside the static folder,
 * or throws 400 for anything that is not plainly a file name below it.
 */
export function staticRelativePath(rawPath: string): string {
  const prefix = '/static/';
  if (!rawPath.startsWith(prefix)) throw new HttpError(404, 'not found');
  const encoded = rawPath.slice(prefix.length);
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in the path');
  }
  if (decoded.includes('%')) throw new HttpError(400, 'double percent-encoding in the path is not allowed');
  for (const text of [encoded, decoded]) {
    if (text.includes('\0') || text.includes('\\')) throw new HttpError(400, 'forbidden characters in the path (NUL or backslash)');
    if (text.startsWith('/') || /^[A-Za-z]:/.test(text)) throw new HttpError(400, 'absolute paths are not served');
    const segments = text.split('/');
    if (segments.some((s) => s === '..' || s === '.' || s === '')) throw new HttpError(400, 'path traversal is not allowed');
  }
  if (!/^[A-Za-z0-9_.\/-]+$/.test(decoded)) throw new HttpError(400, 'static file names use letters, digits, _ . - and /');
  return decoded;
}

export class StaticFiles {
  private readonly root: string;
  private readonly vendor = vendorFiles();
  private realRoot: string | null = null;

  constructor(root: string = STATIC_DIR) {
    this.root = resolve(root);
  }

  private async rootReal(): Promise<string> {
    this.realRoot ??= await realpath(this.root);
    return this.realRoot;
  }

  /** A file of the static folder, by the raw request path (`/` means `index.html`). */
  async get(rawPath: string): Promise<StaticFile> {
    const relative = rawPath === '/' || rawPath === '/index.html' ? 'index.html' : staticRelativePath(rawPath);
    const contentType = CONTENT_TYPES[extname(relative).toLowerCase()];
    if (!contentType) throw new HttpError(404, 'not found');
    const full = resolve(this.root, relative);
    if (!full.startsWith(this.root + sep)) throw new HttpError(400, 'path traversal is not allowed');
    let real: string;
    try {
      real = await realpath(full);
    } catch {
      throw new HttpError(404, 'not found');
    }
    if (!real.startsWith((await this.rootReal()) + sep)) throw new HttpError(404, 'not found');
    const info = await stat(real);
    if (!info.isFile()) throw new HttpError(404, 'not found');
    return { body: await readFile(real), contentType };
  }

  /** A vendored file by its fixed route, or null if the route is not one of them. */
  async vendorFile(route: string): Promise<StaticFile | null> {
    const entry = this.vendor.get(route);
    if (!entry) return null;
    return { body: await readFile(entry.path), contentType: entry.contentType };
  }
}

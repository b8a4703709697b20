/**
 * The server never serves a file outside its static folder: traversal in every spelling gets a
 * 4xx and never the file's content; uPlot comes from fixed routes only.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticRelativePath, StaticFiles } from '../../src/ui/static-files.ts';
import { rawRequest, startTestUi, type TestUi } from './helpers.ts';

let t: TestUi;
/** A second server whose static folder sits beside secret files of served types. */
let sandbox: TestUi;
let sandboxDir: string;
const MARKER = 'SECRET-MARKER-7f3a';
beforeAll(async () => {
  t = await startTestUi();
  sandboxDir = await mkdtemp(join(tmpdir(), 'tradeflow-ui-sandbox-'));
  await mkdir(join(sandboxDir, 'static', 'sub'), { recursive: true });
  await writeFile(join(sandboxDir, 'static', 'index.html'), '<p>index</p>');
  await writeFile(join(sandboxDir, 'static', 'sub', 'ok.js'), 'export const ok = 1;');
  for (const name of ['secret.js', 'secret.html', 'secret.css']) await writeFile(join(sandboxDir, name), MARKER);
  sandbox = await startTestUi({ staticDir: join(sandboxDir, 'static') });
});
afterAll(async () => {
  await t?.close();
  await sandbox?.close();
  await rm(sandboxDir, { recursive: true, force: true });
});

/** Markers of files outside the static folder that a traversal could reach. */
const SECRETS = ['"name": "tradeflow"', 'root:x:0:0', 'compilerOptions', '"devDependencies"'];

const ATTACKS = [
  '/../package.json',
  '/static/../package.json',
  '/static/../../package.json',
  '/static/../../../tsconfig.json',
  '/%2e%2e/package.json',
  '/static/%2e%2e/%2e%2e/%2e%2e/package.json',
  '/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
  '/static/..%2f..%2f..%2fpackage.json',
  '/static/..%2F..%2F..%2Fpackage.json',
  '/static/%252e%252e%252f%252e%252e%252f%252e%252e%252fpackage.json',
  '/static/%252e%252e/%252e%252e/%252e%252e/package.json',
  '/static/..%5c..%5c..%5cpackage.json',
  '/static/..\\..\\..\\package.json',
  '/static//etc/passwd',
  '/static/%2fetc%2fpasswd',
  '/static/%2Fetc/passwd',
  '//etc/passwd',
  '/static/C:/Windows/win.ini',
  '/static/app.js%00.html',
  '/static/%00',
  '/static/./app.js',
  '/vendor/../package.json',
  '/vendor/uplot.js/../../package.json',
  '/vendor/%2e%2e/%2e%2e/package.json',
  '/api/../package.json',
  '/api/%2e%2e/%2e%2e/package.json',
  '/static/%',
  '/static/%zz',
  'http://127.0.0.1/../package.json',
  '/etc/passwd',
  '/package.json',
  '/node_modules/uplot/package.json',
  '/src/ui/server.ts',
];

describe('static files', () => {
  it('serves the app, its modules and uPlot from the fixed routes', async () => {
    const index = await rawRequest(t.port, '/');
    expect(index.status).toBe(200);
    expect(index.headers).toMatch(/content-type: text\/html/i);
    expect(index.headers).toMatch(/content-security-policy: default-src 'self'/i);
    expect(index.body).toContain('<script type="module" src="/static/app.js">');
    const app = await rawRequest(t.port, '/static/app.js');
    expect(app.status).toBe(200);
    expect(app.headers).toMatch(/content-type: text\/javascript/i);
    const uplot = await rawRequest(t.port, '/vendor/uplot.js');
    expect(uplot.status).toBe(200);
    expect(uplot.body).toContain('export { uPlot as default }');
    const css = await rawRequest(t.port, '/vendor/uplot.css');
    expect(css.status).toBe(200);
    expect(css.body).toContain('.uplot');
    // a route, not a folder: no other uplot file is reachable through /vendor
    expect((await rawRequest(t.port, '/vendor/uPlot.cjs.js')).status).toBe(404);
    expect((await rawRequest(t.port, '/vendor/package.json')).status).toBe(404);
  });

  it.each(ATTACKS)('rejects %s with a 4xx and never the content', async (target) => {
    for (const method of ['GET', 'HEAD']) {
      const res = await rawRequest(t.port, target, { method });
      expect(res.status, `${method} ${target}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${target}`).toBeLessThan(500);
      for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    }
  });

  it('serves its own files, and nothing beside its folder however the path is spelt', async () => {
    expect((await rawRequest(sandbox.port, '/')).body).toBe('<p>index</p>');
    expect((await rawRequest(sandbox.port, '/static/sub/ok.js')).body).toBe('export const ok = 1;');
    const abs = sandboxDir.slice(1);
    const targets = [
      '/static/../secret.js', '/static/sub/../../secret.html', '/static/%2e%2e/secret.js', '/static/%2E%2E/secret.css',
      '/static/%2e%2e%2fsecret.js', '/static/..%2fsecret.js', '/static/sub%2f..%2f..%2fsecret.js', '/static/.%2e/secret.js',
      '/static/%252e%252e%252fsecret.js', '/static/%252e%252e/secret.js', '/static/..%255csecret.js', '/static/..%5csecret.js', '/static/..\\secret.js',
      `/static//${abs}/secret.js`, `/static/%2f${abs.replaceAll('/', '%2f')}%2fsecret.js`, `/static/%2F${abs}/secret.js`,
      '/static/../secret.js%00', '/static/secret.js/../../secret.js', '/../secret.js', '/static/sub/../../../' + abs + '/secret.js',
    ];
    for (const target of targets) {
      const res = await rawRequest(sandbox.port, target);
      expect(res.status, target).toBeGreaterThanOrEqual(400);
      expect(res.status, target).toBeLessThan(500);
      expect(res.body, target).not.toContain(MARKER);
    }
  });

  it('refuses a symlink inside the static folder that points outside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tradeflow-ui-static-'));
    try {
      await writeFile(join(dir, 'index.html'), '<p>ok</p>');
      await writeFile(join(dir, 'secret.txt'), 'x');
      const outside = await mkdtemp(join(tmpdir(), 'tradeflow-ui-outside-'));
      await writeFile(join(outside, 'leak.js'), 'LEAKED');
      await symlink(join(outside, 'leak.js'), join(dir, 'leak.js'));
      const files = new StaticFiles(dir);
      await expect(files.get('/static/leak.js')).rejects.toMatchObject({ status: 404 });
      await expect(files.get('/static/secret.txt')).rejects.toMatchObject({ status: 404 }); // not a served type
      expect((await files.get('/')).body.toString()).toBe('<p>ok</p>');
      await rm(outside, { recursive: true, force: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('maps only plain relative names below /static/', () => {
    expect(staticRelativePath('/static/app.js')).toBe('app.js');
    expect(staticRelativePath('/static/sub/x.css')).toBe('sub/x.css');
    for (const bad of ['/static/../x.js', '/static/%2e%2e/x.js', '/static/a/../../x.js', '/static/%252e%252e/x.js', '/static/a//b.js', '/static/%2Fx.js', '/static/a%00.js', '/static/a%5cb.js', '/static/a b.js']) {
      expect(() => staticRelativePath(bad), bad).toThrow();
    }
  });
});

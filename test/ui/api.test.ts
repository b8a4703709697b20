/**
 * The JSON API against a real server on an ephemeral port with a temporary store: every bad
 * request is a 4xx with a clear JSON message naming the field; a run goes through the job queue
 * into the store; the list filters and sorts; sweeps and compare read what is stored.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR } from '../../src/ui/catalog.ts';
import { rawRequest, seedBacktest, seedSweep, startTestUi, type TestUi } from './helpers.ts';

let t: TestUi;
let seeded: string[] = [];
beforeAll(async () => {
  t = await startTestUi();
  const stored = await t.store.storeMany([
    seedBacktest({ symbols: ['AAA'], drift: 0.001 }),
    seedBacktest({ symbols: ['BBB'], drift: 0.0002, strategy: 'ema_crossover', params: { fast_period: 12, slow_period: 26, long_only: false } }),
    seedBacktest({ symbols: ['AAA'], drift: -0.0005, exitRule: { type: 'fixed_stop', stop_pct: 5 } }),
    ...seedSweep('sweep-a'),
  ]);
  seeded = stored.map((s) => s.id);
});
afterAll(async () => {
  await t?.close();
});

async function api(path: string, init: { method?: string; body?: unknown; raw?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (init.raw !== undefined || init.body !== undefined) {
    headers['content-type'] = init.contentType ?? 'application/json';
    body = init.raw ?? JSON.stringify(init.body);
  }
  const res = await fetch(new URL(path, t.url), { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, text, type: res.headers.get('content-type') };
}

const run = (body: unknown) => api('/api/runs', { body });
const synthetic = [{ source: 'synthetic', symbol: 'SYN', bars: 300 }];

function expectClear4xx(res: { status: number; json: any; type: string | null }, status: number, message: RegExp) {
  expect(res.status).toBe(status);
  expect(res.type).toMatch(/application\/json/);
  expect(typeof res.json?.error).toBe('string');
  expect(res.json.error).toMatch(message);
}

describe('bad requests get a 4xx with a clear message', () => {
  it('bad JSON, empty bodies, non-JSON content types and oversized bodies', async () => {
    expectClear4xx(await api('/api/runs', { raw: '{"strategy": "sma_crossover",' }), 400, /not valid JSON/);
    expectClear4xx(await api('/api/runs', { raw: '' }), 400, /empty request body/);
    expectClear4xx(await api('/api/runs', { raw: 'strategy=sma_crossover', contentType: 'application/x-www-form-urlencoded' }), 415, /must be JSON/);
    expectClear4xx(await api('/api/runs', { raw: '[1,2]' }), 400, /invalid run request/);
    expectClear4xx(await api('/api/runs', { raw: JSON.stringify({ strategy: 'x'.repeat(2_000_000) }) }), 413, /too large/);
    expectClear4xx(await api('/api/params/validate', { raw: '{bad' }), 400, /not valid JSON/);
  });

  it('unknown strategy names the field and lists the known ones', async () => {
    const res = await run({ strategy: 'no_such_strategy', data: synthetic });
    expectClear4xx(res, 400, /unknown strategy "no_such_strategy"; known strategies: .*sma_crossover/);
    expect(res.json.issues).toEqual([{ path: 'strategy', message: expect.stringContaining('unknown strategy') }]);
  });

  it('invalid params name the param', async () => {
    const cross = await run({ strategy: 'sma_crossover', params: { fast_period: 50, slow_period: 30 }, data: synthetic });
    expectClear4xx(cross, 400, /params\.fast_period: fast_period \(50\) must be less than slow_period \(30\)/);
    const type = await run({ strategy: 'sma_crossover', params: { fast_period: 'ten' }, data: synthetic });
    expectClear4xx(type, 400, /params\.fast_period/);
    const unknown = await run({ strategy: 'sma_crossover', params: { fast: 5 }, data: synthetic });
    expectClear4xx(unknown, 400, /params\.fast: unknown param "fast"/);
    const notObject = await run({ strategy: 'sma_crossover', params: [5, 30], data: synthetic });
    expectClear4xx(notObject, 400, /params/);
    const validate = await api('/api/params/validate', { body: { strategy: 'rsi_mean_reversion', params: { oversold: 150 } } });
    expectClear4xx(validate, 400, /params\.oversold/);
    const ok = await api('/api/params/validate', { body: { strategy: 'sma_crossover', params: { fast_period: 5 } } });
    expect(ok.status).toBe(200);
    expect(ok.json.params).toEqual({ fast_period: 5, slow_period: 30, long_only: false });
  });

  it('bad fields of the run request name the field', async () => {
    expectClear4xx(await run({ strategy: 'sma_crossover', data: synthetic, extra: 1 }), 400, /unknown field "extra"/);
    expectClear4xx(await run({ strategy: 'sma_crossover' }), 400, /data: /);
    expectClear4xx(await run({ strategy: 'sma_crossover', data: [{ source: '../../package.json' }] }), 400, /data\[0\]\.source: unknown data source/);
    expectClear4xx(await run({ strategy: 'sma_crossover', data: [{ source: '/etc/passwd' }] }), 400, /unknown data source/);
    expectClear4xx(await run({ strategy: 'sma_crossover', data: [{ source: 'synthetic', symbol: 'bad symbol!' }] }), 400, /data\[0\]\.symbol/);
    expectClear4xx(await run({ strategy: 'sma_crossover', data: [{ source: 'synthetic', bars: 10 }] }), 400, /data\[0\]\.bars/);
    expectClear4xx(await run({ strategy: 'pairs_zscore', data: synthetic }), 400, /needs 2 input streams/);
    expectClear4xx(await run({ strategy: 'pairs_zscore', data: [synthetic[0], synthetic[0]] }), 400, /both SYN_1d/);
    expectClear4xx(await run({ strategy: 'sma_crossover', data: synthetic, exitRule: { type: 'fixed_stop', stop_pct: 150 } }), 400, /exitRule\.stop_pct/);
    expectClear4xx(await run({ strategy: 'sma_crossover', data: synthetic, exitRule: { type: 'fixed_stop' } }), 400, /exitRule\.stop_pct/);
    expectClear4xx(await run({ strategy: 'sma_crossover', data: synthetic, exitRule: { type: 'moon' } }), 400, /exitRule\.type/);
    expectClear4xx(await run({ strategy: 'sma_crossover', data: synthetic, initialCash: -5 }), 400, /initialCash/);
  });

  it('bad query strings, ids and routes', async () => {
    expectClear4xx(await api('/api/backtests?colour=red'), 400, /unknown field "colour"/);
    expectClear4xx(await api('/api/backtests?sort=password'), 400, /sort/);
    expectClear4xx(await api('/api/backtests?min.sharpe=abc'), 400, /min\.sharpe/);
    expectClear4xx(await api('/api/backtests?min.sharpe=2&max.sharpe=1'), 400, /min\.sharpe \(2\) is greater than max\.sharpe \(1\)/);
    expectClear4xx(await api('/api/backtests?limit=0'), 400, /limit/);
    expectClear4xx(await api('/api/backtests?symbol=A&symbol=B'), 400, /more than once/);
    expectClear4xx(await api('/api/backtests?param.bad-name=1'), 400, /parameter filter/);
    expectClear4xx(await api('/api/backtests/bt-nope'), 404, /no backtest "bt-nope"/);
    expectClear4xx(await api('/api/backtests/a%20b'), 400, /backtest id/);
    expectClear4xx(await api('/api/backtests/bt-nope', { method: 'DELETE' }), 404, /no backtest/);
    expectClear4xx(await api('/api/compare?ids=' + seeded[0]), 400, /at least 2/);
    expectClear4xx(await api(`/api/compare?ids=${seeded[0]},bt-missing`), 404, /no backtest "bt-missing"/);
    expectClear4xx(await api('/api/sweep?id=nope'), 404, /no backtests with sweep id "nope"/);
    expectClear4xx(await api('/api/sweep/heatmap?id=sweep-a&x=fast_period&y=fast_period'), 400, /two different parameters/);
    expectClear4xx(await api('/api/sweep/heatmap?id=sweep-a&x=fast_period&y=nope'), 400, /y: the sweep has no parameter "nope"/);
    expectClear4xx(await api('/api/sweep/heatmap?id=sweep-a&x=fast_period&y=slow_period&metric=luck'), 400, /metric/);
    expectClear4xx(await api('/api/jobs/not-a-job'), 404, /no job/);
    expectClear4xx(await api('/api/nothing'), 404, /no API route/);
    expectClear4xx(await api('/api/runs'), 405, /not allowed/);
    expectClear4xx(await api('/api/meta?x=1'), 400, /unknown query parameter "x"/);
    expectClear4xx(await api('/static/app.js', { method: 'POST', body: {} }), 405, /not allowed/);
  });

  it('answers only requests addressed to a loopback host (DNS rebinding)', async () => {
    const evil = await rawRequest(t.port, '/api/meta', { host: 'evil.example:80' });
    expect(evil.status).toBe(421);
    expect(evil.body).not.toContain('strategies');
    expect((await rawRequest(t.port, '/api/meta', { host: `localhost:${t.port}` })).status).toBe(200);
  });
});

describe('the API at work', () => {
  it('meta lists the strategies with forms generated from their schemas, the sources and the exit rules', async () => {
    const { json } = await api('/api/meta');
    const sma = json.strategies.find((s: any) => s.type === 'sma_crossover');
    expect(sma.defaults).toEqual({ fast_period: 10, slow_period: 30, long_only: false });
    expect(sma.fields).toEqual([
      { name: 'fast_period', type: 'integer', default: 10, exclusiveMin: 0, space: [5, 10, 20] },
      { name: 'slow_period', type: 'integer', default: 30, exclusiveMin: 0, space: [30, 50, 100] },
      { name: 'long_only', type: 'boolean', default: false },
    ]);
    expect(json.strategies.find((s: any) => s.type === 'pairs_zscore').streams).toBe(2);
    expect(json.sources[0]).toMatchObject({ id: 'synthetic', kind: 'synthetic' });
    expect(json.exitRules.map((r: any) => r.type)).toEqual(['signal', 'fixed_stop', 'trailing_stop', 'profit_target']);
    expect(JSON.stringify(json)).not.toContain('/shared/data'); // no server paths
  });

  it('a run is a job whose backtest lands in the store with its params and exit rule', async () => {
    const res = await run({ strategy: 'sma_crossover', params: { fast_period: 7 }, data: [{ source: 'synthetic', symbol: 'RUNX', bars: 400, seed: 3 }], exitRule: { type: 'trailing_stop', trail_pct: 6 } });
    expect(res.status).toBe(202);
    expect(res.json.job.status).toMatch(/queued|running/);
    let job = res.json.job;
    for (let i = 0; i < 200 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = (await api(`/api/jobs/${job.id}`)).json.job;
    }
    expect(job.status).toBe('done');
    expect(job.progress).toEqual({ done: 400, total: 400 });
    expect(job.backtestIds).toHaveLength(1);
    const detail = (await api(`/api/backtests/${job.backtestIds[0]}`)).json;
    expect(detail.summary).toMatchObject({ symbol: 'RUNX', timeframe: '1d', strategy: 'sma_crossover', params: { fast_period: 7, slow_period: 30, long_only: false }, exitRule: { type: 'trailing_stop', trail_pct: 6 }, source: 'ui' });
    expect(existsSync(join(detail.summary.runManifest, 'manifest.json'))).toBe(true); // the run's results folder
    expect(detail.equity.ts.length).toBeGreaterThan(300);
    expect(detail.equity.drawdown.every((d: number) => d <= 0)).toBe(true);
    const list = (await api('/api/backtests?symbol=RUNX')).json.rows;
    expect(list.map((r: any) => r.id)).toEqual(job.backtestIds);
    expect((await api(`/api/backtests/${job.backtestIds[0]}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api('/api/backtests?symbol=RUNX')).json.rows).toEqual([]);
  });

  it('filters and sorts the list', async () => {
    const all = (await api('/api/backtests?sort=sharpe&dir=desc&limit=100')).json.rows;
    const sharpes = all.map((r: any) => r.sharpe);
    expect(sharpes).toEqual([...sharpes].sort((a, b) => b - a));
    const asc = (await api('/api/backtests?sort=sharpe&dir=asc&limit=100')).json.rows.map((r: any) => r.sharpe);
    expect(asc).toEqual([...sharpes].reverse());
    const aaa = (await api('/api/backtests?symbol=AAA')).json.rows;
    expect(aaa).toHaveLength(2);
    const stopped = (await api('/api/backtests?symbol=AAA&exitRule=fixed_stop')).json.rows;
    expect(stopped.map((r: any) => r.exitRule)).toEqual([{ type: 'fixed_stop', stop_pct: 5 }]);
    const ema = (await api('/api/backtests?strategy=ema_crossover')).json.rows;
    expect(ema.map((r: any) => r.symbol)).toEqual(['BBB']);
    const good = (await api('/api/backtests?min.sharpe=0.5&max.sharpe=1.5')).json.rows;
    expect(good.length).toBeGreaterThan(0);
    expect(good.every((r: any) => r.sharpe >= 0.5 && r.sharpe <= 1.5)).toBe(true);
    expect(good.length).toBeLessThan(all.length);
    const param = (await api('/api/backtests?param.slow_period=100')).json.rows;
    expect(param).toHaveLength(3);
    const page = (await api('/api/backtests?sort=sharpe&dir=desc&limit=2&offset=1')).json.rows.map((r: any) => r.sharpe);
    expect(page).toEqual(sharpes.slice(1, 3));
  });

  it('sweeps: list, parameters, and the heatmap of an objective over two of them', async () => {
    expect((await api('/api/sweeps')).json.sweeps).toEqual([{ sweepId: 'sweep-a', count: 9 }]);
    const info = (await api('/api/sweep?id=sweep-a')).json;
    expect(info).toMatchObject({ count: 9, strategies: ['sma_crossover'], symbols: ['SYN'], params: ['fast_period', 'long_only', 'slow_period'], varied: ['fast_period', 'slow_period'] });
    const map = (await api('/api/sweep/heatmap?id=sweep-a&x=fast_period&y=slow_period&metric=sharpe')).json;
    expect(map.xs).toEqual([5, 10, 20]);
    expect(map.ys).toEqual([30, 50, 100]);
    expect(map.values[0][0]).toBeCloseTo(0.5 - 0.3);
    expect(map.values[2][2]).toBeCloseTo(2 - 1);
    expect(map.max).toBeCloseTo(1.7);
    expect(map.ids.flat().every((id: string) => seeded.includes(id))).toBe(true);
  });

  it('compare returns each equity curve', async () => {
    const res = (await api(`/api/compare?ids=${seeded[0]},${seeded[1]}`)).json;
    expect(res.series.map((s: any) => s.summary.id)).toEqual([seeded[0], seeded[1]]);
    expect(res.series[0].ts).toHaveLength(300);
    expect(res.series[0].equity[0]).toBe(100_000);
  });
});

async function waitJob(base: TestUi, id: string) {
  for (let i = 0; i < 400; i++) {
    const job = ((await (await fetch(new URL(`/api/jobs/${id}`, base.url))).json()) as any).job;
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not finish');
}

describe('runs on other sources', () => {
  it('a pairs strategy on two synthetic inputs stores one backtest with both symbols', async () => {
    const res = await run({ strategy: 'pairs_zscore', params: { period: 30 }, data: [{ source: 'synthetic', symbol: 'PA', bars: 300 }, { source: 'synthetic', symbol: 'PB', bars: 300, seed: 9 }] });
    expect(res.status).toBe(202);
    const job = await waitJob(t, res.json.job.id);
    expect(job.status).toBe('done');
    const [summary] = await t.store.bulkGet(job.backtestIds);
    expect(summary.symbols).toEqual(['PA', 'PB']);
    expect(summary.strategy).toBe('pairs_zscore');
  });

  const GOOG = join(DEFAULT_DATA_DIR, 'GOOG_1d.csv');
  it.skipIf(!existsSync(GOOG))('a file of the shared data folder, chosen by its id (skipped without ../shared/data)', async () => {
    const files = await startTestUi({ dataDir: DEFAULT_DATA_DIR });
    try {
      const meta: any = await (await fetch(new URL('/api/meta', files.url))).json();
      expect(meta.sources.find((s: any) => s.id === 'GOOG_1d.csv')).toEqual({ id: 'GOOG_1d.csv', kind: 'file', label: 'GOOG 1d (GOOG_1d.csv)', symbol: 'GOOG', timeframe: '1d' });
      expect(meta.sources.some((s: any) => s.id === 'lean_factor_files.csv')).toBe(false);
      const bad = await fetch(new URL('/api/runs', files.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategy: 'sma_crossover', data: [{ source: 'GOOG_1d.csv', symbol: 'X' }] }) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as any).error).toMatch(/data\[0\]: symbol only apply to the synthetic source/);
      const res = await fetch(new URL('/api/runs', files.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategy: 'sma_crossover', data: [{ source: 'GOOG_1d.csv' }] }) });
      const job = await waitJob(files, ((await res.json()) as any).job.id);
      expect(job.status).toBe('done');
      expect(job.progress).toEqual({ done: 2148, total: 2148 });
      const [summary] = await files.store.bulkGet(job.backtestIds);
      // the first equity point is at the close of the first bar (2004-08-19, New York midnight + 1d)
      expect(summary).toMatchObject({ symbol: 'GOOG', timeframe: '1d', start: Date.parse('2004-08-20T04:00:00Z') });
    } finally {
      await files.close();
    }
  });
});

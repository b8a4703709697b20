import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestStore, BacktestStoreInputError, type BacktestInput, type BacktestSummary } from '../../../src/stores/backtests/index.ts';
import { readParquetRowGroups } from '../../../src/parquet/index.ts';
import { makeBacktest, tempDir } from './helpers.ts';

const temp = tempDir('bt-store-');
afterAll(() => temp.cleanup());
let n = 0;
const freshRoot = () => join(temp.dir, `store-${++n}`);

describe('store and read back', () => {
  let store: BacktestStore;
  beforeAll(async () => {
    store = await BacktestStore.open({ root: freshRoot() });
  });
  afterAll(() => store.close());

  it('returns exactly the metrics, equity and trades it was given', async () => {
    const input = makeBacktest({ points: 2520, trades: 40, seed: 7, exitRule: { type: 'fixed_stop', stop_pct: 8 } });
    input.runManifest = '/tmp/results/demo/run-1';
    input.source = 'topology';
    const stored = await store.store(input);
    expect(stored.id).toMatch(/^bt-/);
    const detail = (await store.getDetailed(stored.id))!;
    expect(detail).not.toBeNull();
    const s = detail.summary;
    expect(s).toMatchObject({
      id: stored.id, symbols: ['SPY'], symbol: 'SPY', timeframe: '1d', strategy: 'sma_crossover',
      params: { fast_period: 10, slow_period: 30 }, exitRule: { type: 'fixed_stop', stop_pct: 8 },
      start: input.start, end: input.end, runManifest: '/tmp/results/demo/run-1', source: 'topology', sweepId: null,
      equityPoints: 2520, tradeCount: 40,
    });
    for (const [k, v] of Object.entries(input.metrics)) expect(s[k as keyof BacktestSummary]).toBe(v);
    expect(detail.equity.ts).toEqual(Array.from(input.equity.ts));
    expect(detail.equity.equity).toEqual(Array.from(input.equity.equity));
    expect(detail.trades).toEqual(input.trades);
    // drawdown from the input curve, computed here
    let peak = -Infinity;
    const expected = Array.from(input.equity.equity, (v) => ((peak = Math.max(peak, v)), v / peak - 1));
    expect(detail.equity.drawdown).toEqual(expected);
    expect(Math.min(...detail.equity.drawdown)).toBeLessThan(0);
  });

  it('keeps -0, tiny and huge doubles, null metrics and empty curves exactly', async () => {
    const input = makeBacktest({ points: 3, trades: 0 });
    input.equity = { ts: [1, 2, 3], equity: [-0, 5e-324, 1.7976931348623157e308] };
    input.metrics = { win_rate: null, num_trades: 0, total_return: 0, cagr: null, sharpe: null, sortino: null, max_drawdown: 0, expectancy: null, profit_factor: null, exposure: null };
    const s = await store.store(input);
    const d = (await store.getDetailed(s.id))!;
    expect(Object.is(d.equity.equity[0], -0)).toBe(true);
    expect(d.equity.equity).toEqual([-0, 5e-324, 1.7976931348623157e308]);
    expect(d.trades).toEqual([]);
    expect(d.summary.sharpe).toBeNull();
    expect(d.summary.num_trades).toBe(0);

    const empty = makeBacktest({ points: 0, trades: 0 });
    empty.start = 0;
    empty.end = 0;
    const e = await store.store(empty);
    expect((await store.getDetailed(e.id))!.equity).toEqual({ ts: [], equity: [], drawdown: [] });
  });

  it('a missing metric key is stored as null; an unknown one is refused', async () => {
    const input = makeBacktest();
    input.metrics = { sharpe: 2 };
    const s = await store.store(input);
    expect(s.sharpe).toBe(2);
    expect(s.cagr).toBeNull();
    const bad = makeBacktest();
    (bad.metrics as Record<string, unknown>).sharpe_ratio = 1;
    await expect(store.store(bad)).rejects.toThrow(/store\(backtest\): metrics: Unrecognized key.*sharpe_ratio/);
  });

  it('storeMany keeps the order, writes one equity file and one trades file for the batch', async () => {
    const root = freshRoot();
    const s2 = await BacktestStore.open({ root });
    try {
      const inputs = Array.from({ length: 25 }, (_, i) => makeBacktest({ seed: i + 1, points: 100 + i, trades: i % 4 }));
      const out = await s2.storeMany(inputs);
      expect(out.map((s) => s.equityPoints)).toEqual(inputs.map((b) => b.equity.ts.length));
      expect(readdirSync(join(root, 'equity'))).toHaveLength(1);
      expect(readdirSync(join(root, 'trades'))).toHaveLength(1);
      // min/max only where a reader may filter by them: ts and the trade columns, not ids nor equity values
      const equityFile = join(root, 'equity', readdirSync(join(root, 'equity'))[0]);
      for (const g of (await readParquetRowGroups(equityFile)).rowGroups) {
        expect(g.statistics.backtest_id).toEqual({});
        expect(g.statistics.equity).toEqual({});
        expect(g.statistics.ts.min).toBeTypeOf('number');
        expect(g.statistics.ts.max).toBeGreaterThan(g.statistics.ts.min as number);
      }
      const tradesFile = join(root, 'trades', readdirSync(join(root, 'trades'))[0]);
      for (const g of (await readParquetRowGroups(tradesFile)).rowGroups) {
        expect(g.statistics.backtest_id).toEqual({});
        expect(g.statistics.pnl.min).toBeTypeOf('number');
        expect(g.statistics.entry_time.min).toBeTypeOf('number');
      }
      for (const i of [0, 3, 24]) {
        const d = (await s2.getDetailed(out[i].id))!;
        expect(d.equity.equity).toEqual(Array.from(inputs[i].equity.equity));
        expect(d.trades).toEqual(inputs[i].trades);
      }
      expect(await s2.storeMany([])).toEqual([]);
    } finally {
      await s2.close();
    }
  });
});

describe('get: the latest backtest of (symbol, strategy, params, exit rule)', () => {
  let store: BacktestStore;
  beforeAll(async () => {
    store = await BacktestStore.open({ root: freshRoot() });
  });
  afterAll(() => store.close());

  it('finds by params in any key order, the newest first, and nothing for other params or rules', async () => {
    const first = await store.store(makeBacktest({ params: { fast_period: 10, slow_period: 30 }, sharpe: 1 }));
    const second = await store.store(makeBacktest({ params: { slow_period: 30, fast_period: 10 }, sharpe: 2 }));
    await store.store(makeBacktest({ params: { fast_period: 10, slow_period: 30 }, exitRule: { type: 'fixed_stop', stop_pct: 5 }, sharpe: 3 }));
    expect(first.paramHash).toBe(second.paramHash);
    const got = await store.get('SPY', 'sma_crossover', { slow_period: 30, fast_period: 10 }, { type: 'signal' });
    expect(got?.id).toBe(second.id);
    expect(got?.sharpe).toBe(2);
    expect((await store.get('SPY', 'sma_crossover', { fast_period: 10, slow_period: 30 }, { type: 'fixed_stop', stop_pct: 5 }))?.sharpe).toBe(3);
    expect(await store.get('SPY', 'sma_crossover', { fast_period: '10', slow_period: 30 }, { type: 'signal' })).toBeNull();
    expect(await store.get('SPY', 'sma_crossover', { fast_period: 10 }, { type: 'signal' })).toBeNull();
    expect(await store.get('QQQ', 'sma_crossover', { fast_period: 10, slow_period: 30 }, { type: 'signal' })).toBeNull();
    expect(await store.get('SPY', 'ema_crossover', { fast_period: 10, slow_period: 30 }, { type: 'signal' })).toBeNull();
    expect(await store.get('SPY', 'sma_crossover', { fast_period: 10, slow_period: 30 }, { type: 'fixed_stop', stop_pct: 6 })).toBeNull();
    // after deleting the newest, the previous one is the latest
    expect(await store.delete(second.id)).toBe(true);
    expect((await store.get('SPY', 'sma_crossover', { fast_period: 10, slow_period: 30 }, { type: 'signal' }))?.id).toBe(first.id);
  });

  it('without an exit rule: the latest whatever its exit rule', async () => {
    await store.store(makeBacktest({ strategy: 'any_rule', params: { x: 1 }, exitRule: { type: 'signal' } }));
    const latest = await store.store(makeBacktest({ strategy: 'any_rule', params: { x: 1 }, exitRule: { type: 'trailing_stop', trail_pct: 2 } }));
    await store.store(makeBacktest({ strategy: 'any_rule', params: { x: 2 }, exitRule: { type: 'signal' } }));
    expect((await store.get('SPY', 'any_rule', { x: 1 }))?.id).toBe(latest.id);
    expect(await store.get('SPY', 'any_rule', { x: 3 })).toBeNull();
    expect(await store.delete(latest.id)).toBe(true);
    expect((await store.get('SPY', 'any_rule', { x: 1 }))?.exitRule).toEqual({ type: 'signal' });
  });

  it('combined exit rules have one form whatever type names them', async () => {
    const s = await store.store(makeBacktest({ strategy: 'rsi', exitRule: { type: 'profit_target', target_pct: 15, stop_pct: 8 } }));
    expect(s.exitRule).toEqual({ type: 'fixed_stop', stop_pct: 8, target_pct: 15 });
    expect((await store.get('SPY', 'rsi', { fast_period: 10, slow_period: 30 }, { type: 'fixed_stop', stop_pct: 8, target_pct: 15 }))?.id).toBe(s.id);
    expect(await store.get('SPY', 'rsi', { fast_period: 10, slow_period: 30 }, { type: 'fixed_stop', stop_pct: 8 })).toBeNull();
  });

  it('multi-symbol backtests are found by their symbols joined with a comma', async () => {
    const s = await store.store(makeBacktest({ symbols: ['SYNA', 'SYNB'], strategy: 'pairs_zscore', params: { period: 40 } }));
    expect(s.symbol).toBe('SYNA,SYNB');
    expect((await store.get('SYNA,SYNB', 'pairs_zscore', { period: 40 }, { type: 'signal' }))?.id).toBe(s.id);
    expect(await store.get('SYNA', 'pairs_zscore', { period: 40 }, { type: 'signal' })).toBeNull();
  });

  it('returned summaries are copies: changing one changes nothing stored', async () => {
    const s = await store.store(makeBacktest({ strategy: 'copy_check', params: { a: { b: 1 } } }));
    const got = (await store.bulkGet([s.id]))[0];
    (got.params.a as Record<string, number>).b = 99;
    got.symbols.push('XXX');
    const again = (await store.bulkGet([s.id]))[0];
    expect(again.params).toEqual({ a: { b: 1 } });
    expect(again.symbols).toEqual(['SPY']);
  });
});

describe('query: filters, their combinations, sort, limit, offset', () => {
  let store: BacktestStore;
  const ids = new Map<string, string>();
  // name -> [symbol(s), strategy, timeframe, params, exit rule, sharpe, cagr, sweep]
  const rows: [string, string[], string, string, Record<string, unknown>, BacktestInput['exitRule'], number | null, number, string | null][] = [
    ['a', ['SPY'], 'sma_crossover', '1d', { fast_period: 10, slow_period: 30 }, { type: 'signal' }, 1.5, 0.10, 'sw1'],
    ['b', ['SPY'], 'sma_crossover', '1d', { fast_period: 20, slow_period: 50 }, { type: 'fixed_stop', stop_pct: 5 }, 0.5, 0.02, 'sw1'],
    ['c', ['SPY'], 'rsi_mean_reversion', '1h', { period: 14, oversold: 30 }, { type: 'signal' }, 2.5, 0.30, null],
    ['d', ['QQQ'], 'sma_crossover', '1d', { fast_period: 10, slow_period: 30 }, { type: 'trailing_stop', trail_pct: 3 }, -0.3, -0.05, 'sw2'],
    ['e', ['QQQ'], 'sma_crossover', '1d', { fast_period: '10', slow_period: 30 }, { type: 'profit_target', target_pct: 20 }, null, 0.01, null],
    ['f', ['SPY', 'QQQ'], 'pairs_zscore', '1d', { period: 40, entry: 2, long_only: true }, { type: 'signal' }, 1.0, 0.07, 'sw2'],
    ['g', ['IWM'], 'sma_crossover', '1d', { fast_period: 10.5, slow_period: 30 }, { type: 'signal' }, 3.0, 0.50, null],
  ];
  const names = (list: BacktestSummary[]) => list.map((s) => [...ids].find(([, id]) => id === s.id)![0]).sort().join('');
  const ordered = (list: BacktestSummary[]) => list.map((s) => [...ids].find(([, id]) => id === s.id)![0]).join('');

  beforeAll(async () => {
    store = await BacktestStore.open({ root: freshRoot() });
    for (const [name, symbols, strategy, timeframe, params, exitRule, sharpe, cagr, sweepId] of rows) {
      const b = makeBacktest({ symbols, strategy, timeframe, params, exitRule, sharpe, sweepId });
      b.metrics = { ...b.metrics, cagr };
      ids.set(name, (await store.store(b)).id);
    }
  });
  afterAll(() => store.close());

  it('each filter alone', async () => {
    expect(names(await store.query({}))).toBe('abcdefg');
    expect(names(await store.query({ symbol: 'SPY' }))).toBe('abcf');
    expect(names(await store.query({ symbol: 'QQQ' }))).toBe('def');
    expect(names(await store.query({ strategy: 'sma_crossover' }))).toBe('abdeg');
    expect(names(await store.query({ timeframe: '1h' }))).toBe('c');
    expect(names(await store.query({ exitRuleType: 'signal' }))).toBe('acfg');
    expect(names(await store.query({ exitRuleType: 'fixed_stop' }))).toBe('b');
    expect(names(await store.query({ exitRuleType: 'trailing_stop' }))).toBe('d');
    expect(names(await store.query({ exitRuleType: 'profit_target' }))).toBe('e');
    expect(names(await store.query({ sweepId: 'sw2' }))).toBe('df');
    expect(names(await store.query({ metrics: { sharpe: { min: 1 } } }))).toBe('acfg');
    expect(names(await store.query({ metrics: { sharpe: { max: 1 } } }))).toBe('bdf');
    expect(names(await store.query({ metrics: { sharpe: {} } }))).toBe('abcdfg');
    expect(names(await store.query({ metrics: { cagr: { min: 0.02, max: 0.1 } } }))).toBe('abf');
    expect(names(await store.query({ symbol: 'DIA' }))).toBe('');
  });

  it('params: by value and type, several at once, booleans and strings', async () => {
    expect(names(await store.query({ params: { fast_period: 10 } }))).toBe('ad');
    expect(names(await store.query({ params: { fast_period: '10' } }))).toBe('e');
    expect(names(await store.query({ params: { fast_period: 10.5 } }))).toBe('g');
    expect(names(await store.query({ params: { fast_period: 10, slow_period: 30 } }))).toBe('ad');
    expect(names(await store.query({ params: { fast_period: 10, slow_period: 50 } }))).toBe('');
    expect(names(await store.query({ params: { long_only: true } }))).toBe('f');
    expect(names(await store.query({ params: { long_only: 'true' } }))).toBe('');
    expect(names(await store.query({ params: { nothing: 1 } }))).toBe('');
  });

  it('combinations', async () => {
    expect(names(await store.query({ symbol: 'SPY', strategy: 'sma_crossover', metrics: { sharpe: { min: 1 } } }))).toBe('a');
    expect(names(await store.query({ symbol: 'QQQ', strategy: 'sma_crossover' }))).toBe('de');
    expect(names(await store.query({ strategy: 'sma_crossover', exitRuleType: 'signal', params: { slow_period: 30 } }))).toBe('ag');
    expect(names(await store.query({ sweepId: 'sw1', metrics: { sharpe: { min: 1 }, cagr: { max: 0.2 } } }))).toBe('a');
    expect(names(await store.query({ symbol: 'SPY', timeframe: '1d', exitRuleType: 'signal', sweepId: 'sw2' }))).toBe('f');
    const hash = (await store.bulkGet([ids.get('a')!]))[0].paramHash;
    expect(names(await store.query({ paramHash: hash }))).toBe('ad');
    expect(names(await store.query({ paramHash: hash, symbol: 'QQQ' }))).toBe('d');
  });

  it('sort, nulls last, limit and offset; default newest first', async () => {
    expect(ordered(await store.query({}))).toBe('gfedcba');
    expect(ordered(await store.query({}, { by: 'sharpe', dir: 'desc' }))).toBe('gcafbde');
    expect(ordered(await store.query({}, { by: 'sharpe', dir: 'asc' }))).toBe('dbfacge');
    expect(ordered(await store.query({}, { by: 'cagr', dir: 'desc' }, 3))).toBe('gca');
    expect(ordered(await store.query({}, { by: 'cagr', dir: 'desc' }, 3, 3))).toBe('fbe');
    expect(ordered(await store.query({}, { by: 'cagr', dir: 'desc' }, 10, 6))).toBe('d');
    expect(ordered(await store.query({ symbol: 'SPY' }, { by: 'symbol', dir: 'asc' }))).toBe('cbaf');
    expect(ordered(await store.query({}, { by: 'createdAt', dir: 'asc' }))).toBe('abcdefg');
    expect(await store.count({ symbol: 'SPY' })).toBe(4);
    expect(await store.count({})).toBe(7);
  });

  it('bulkGet keeps the order asked and leaves out unknown ids; getAll is oldest first; sweeps counts', async () => {
    const got = await store.bulkGet([ids.get('c')!, 'bt-nope-00', ids.get('a')!]);
    expect(got.map((s) => s.id)).toEqual([ids.get('c'), ids.get('a')]);
    expect(ordered(await store.getAll())).toBe('abcdefg');
    expect(await store.sweeps()).toEqual([{ sweepId: 'sw1', count: 2 }, { sweepId: 'sw2', count: 2 }]);
  });

  it('malformed filters, sort, limit get a clear error', async () => {
    await expect(store.query({ symbl: 'SPY' } as never)).rejects.toThrow(/query\(filters\): .*Unrecognized key.*symbl/);
    await expect(store.query({ metrics: { sharp: { min: 1 } } } as never)).rejects.toThrow(/query\(filters\): metrics/);
    await expect(store.query({ metrics: { sharpe: { min: 2, max: 1 } } })).rejects.toThrow(/min is above max/);
    await expect(store.query({ params: { a: [1] } } as never)).rejects.toThrow(/query\(filters\): params\.a/);
    await expect(store.query({}, { by: 'nope' as never, dir: 'asc' })).rejects.toThrow(/query\(sort\): by/);
    await expect(store.query({}, undefined, 0)).rejects.toThrow(/query\(limit\)/);
    await expect(store.query({}, undefined, 10, -1)).rejects.toThrow(/query\(offset\)/);
    await expect(store.query({}, undefined, 1.5)).rejects.toThrow(BacktestStoreInputError);
  });
});

describe('delete', () => {
  it('removes the backtest from get, query, bulkGet, getAll and getDetailed; deleting again is false', async () => {
    const store = await BacktestStore.open({ root: freshRoot() });
    try {
      const keep = await store.store(makeBacktest({ seed: 1, params: { p: 1 } }));
      const gone = await store.store(makeBacktest({ seed: 2, params: { p: 2 } }));
      expect(await store.delete(gone.id)).toBe(true);
      expect(await store.get('SPY', 'sma_crossover', { p: 2 }, { type: 'signal' })).toBeNull();
      expect((await store.query({})).map((s) => s.id)).toEqual([keep.id]);
      expect(await store.query({ params: { p: 2 } })).toEqual([]);
      expect(await store.bulkGet([gone.id])).toEqual([]);
      expect((await store.getAll()).map((s) => s.id)).toEqual([keep.id]);
      expect(await store.getDetailed(gone.id)).toBeNull();
      expect(await store.delete(gone.id)).toBe(false);
      expect(await store.delete('bt-unknown-00')).toBe(false);
      expect((await store.getDetailed(keep.id))!.summary.id).toBe(keep.id);
    } finally {
      await store.close();
    }
  });
});

describe('malformed input', () => {
  let store: BacktestStore;
  beforeAll(async () => {
    store = await BacktestStore.open({ root: freshRoot() });
  });
  afterAll(() => store.close());
  const bad = async (patch: (b: BacktestInput) => void, message: RegExp) => {
    const b = makeBacktest();
    patch(b);
    await expect(store.store(b)).rejects.toThrow(message);
  };

  it('names the field of every problem', async () => {
    await bad((b) => (b.symbols = []), /symbols: Too small/);
    await bad((b) => (b.symbols = ['SP Y']), /symbols\[0\]: symbols use/);
    await bad((b) => (b.symbols = ['A,B']), /symbols\[0\]/);
    await bad((b) => (b.strategy = ''), /strategy: Too small/);
    await bad((b) => (b.exitRule = { type: 'fixed_stop' } as never), /exitRule\.stop_pct/);
    await bad((b) => (b.exitRule = { type: 'fixed_stop', stop_pct: 120 }), /exitRule\.stop_pct/);
    await bad((b) => (b.exitRule = { type: 'stop' } as never), /exitRule\.type/);
    await bad((b) => (b.params = { a: Number.NaN }), /params\.a/);
    await bad((b) => (b.params = { a: undefined }), /params\.a/);
    await bad((b) => (b.params = { a: () => 1 } as never), /params\.a/);
    await bad((b) => (b.start = 1.5), /start/);
    await bad((b) => (b.end = b.start - 1), /end: end is before start/);
    await bad((b) => (b.equity = { ts: [1, 2], equity: [1] }), /equity\.equity: ts has 2 points, equity 1/);
    await bad((b) => (b.equity = { ts: [2, 1], equity: [1, 1] }), /equity\.ts\[1\]: not after the previous point/);
    await bad((b) => (b.equity = { ts: [1, 2], equity: [1, Number.POSITIVE_INFINITY] }), /equity\.equity\[1\]/);
    await bad((b) => (b.metrics = { sharpe: Number.NaN }), /metrics\.sharpe/);
    await bad((b) => (b.metrics = { num_trades: 1.5 }), /metrics\.num_trades/);
    await bad((b) => ((b.trades[0] as Record<string, unknown>).direction = 'up'), /trades\[0\]\.direction/);
    await bad((b) => ((b.trades[1] as Record<string, unknown>).pnl = 'x'), /trades\[1\]\.pnl/);
    await bad((b) => (b.source = 'Not A Word'), /source/);
    await expect(store.store(null as never)).rejects.toThrow(/store\(backtest\)/);
    await expect(store.storeMany([makeBacktest(), { ...makeBacktest(), timeframe: '' }])).rejects.toThrow(/storeMany\(backtests\)\[1\]: timeframe/);
    await expect(store.storeMany('x' as never)).rejects.toThrow(/expected an array/);
    expect(await store.getAll()).toEqual([]);
  });

  it('get, bulkGet, getDetailed, delete check their arguments', async () => {
    await expect(store.get('', 's', {}, { type: 'signal' })).rejects.toThrow(/get\(symbol\)/);
    await expect(store.get('SPY', 's', { a: Number.NaN }, { type: 'signal' })).rejects.toThrow(/get\(params\): a/);
    await expect(store.get('SPY', 's', {}, { type: 'trailing' } as never)).rejects.toThrow(/get\(exitRule\)/);
    await expect(store.bulkGet([1] as never)).rejects.toThrow(/bulkGet\(ids\): \[0\]/);
    await expect(store.getDetailed('')).rejects.toThrow(/getDetailed\(id\)/);
    await expect(store.delete(42 as never)).rejects.toThrow(/delete\(id\)/);
    await expect(BacktestStore.open({ root: '' })).rejects.toThrow(/BacktestStore\.open\(options\): root/);
  });

  it('a failed batch leaves no files and no rows behind', async () => {
    const root = store.root;
    const before = existsSync(join(root, 'equity')) ? readdirSync(join(root, 'equity')).length : 0;
    await expect(store.storeMany([makeBacktest(), { ...makeBacktest(), trades: [{}] } as never])).rejects.toThrow(/trades\[0\]/);
    expect(existsSync(join(root, 'equity')) ? readdirSync(join(root, 'equity')).length : 0).toBe(before);
  });

  it('a file that is not a backtest store is refused with its name', async () => {
    const root = freshRoot();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(root, { recursive: true });
    const db = await DuckDBInstance.create(join(root, 'backtests.duckdb'));
    const c = await db.connect();
    await c.run('CREATE TABLE other (x INTEGER)');
    c.closeSync();
    db.closeSync();
    await expect(BacktestStore.open({ root })).rejects.toThrow(`${join(root, 'backtests.duckdb')} is a DuckDB database but not a backtest store`);
  });

  it('a closed store refuses to work', async () => {
    const s = await BacktestStore.open({ root: freshRoot() });
    await s.close();
    await expect(s.getAll()).rejects.toThrow(/is closed/);
    await s.close();
  });
});

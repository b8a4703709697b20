/**
 * The store's files as other tools see them: DuckDB reads the signal, classifier and index
 * Parquet files and gets the same rows as our reader; the strategy index has a column per
 * parameter; the manifest's totals agree with the index. Generation skips what the store
 * already holds (in-process and via the CLI), and two ids with the same params and inputs
 * share one hash and are computed once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { readClassifierRows, readReplaySignalRows, readSignalRows, readStoreState, type StoreState } from '../../src/signals/store-reader.ts';
import type { GenerationOutcome } from '../../src/topology/generate-signals.ts';
import { describeRun, runCli } from '../cli/run-cli.ts';
import { backtest, generate, loadSeries, portfolioOutcomes, replay, tempStore } from './helpers.ts';
import { duckdb, sqlString, tempDir, writeText } from './more-helpers.ts';

const BARS = 1500;
const data = {
  timezone: 'UTC',
  streams: [
    { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 101, bars: BARS, start_price: 80 } },
    { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 202, bars: BARS, start_price: 60 } },
  ],
};
const classifiers = [
  { id: 'trend', type: 'trend', params: { fast_period: 10, slow_period: 30 }, inputs: ['AAA_1h'] },
  { id: 'vol', type: 'volatility', params: { period: 20, low: 0.004, high: 0.008 }, inputs: ['BBB_1h'] },
];
const strategies = [
  { id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['AAA_1h'] },
  { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 10 }, inputs: ['BBB_1h'] },
  { id: 'pairs', type: 'pairs_zscore', params: { period: 30, entry: 1.5 }, inputs: ['AAA_1h', 'BBB_1h'] },
];
const config = { name: 'store-format', data, classifiers, strategies, portfolios: [{ id: 'p', strategies: ['sma', 'rsi', 'pairs'] }] };

/**
 * Every parameter each instance must have as a column, defaults included (the defaults as the
 * strategy and classifier docs state them), written out here rather than taken from the code.
 */
const FULL_PARAMS: Record<string, Record<string, number | boolean>> = {
  sma: { fast_period: 5, slow_period: 20, long_only: false },
  rsi: { period: 10, oversold: 30, overbought: 70, exit_band: 5, long_only: false },
  pairs: { period: 30, hedge_ratio: 1, entry: 1.5, exit: 0.5, long_only: false },
  trend: { fast_period: 10, slow_period: 30, threshold: 0.001 },
  vol: { period: 20, low: 0.004, high: 0.008 },
};

const SIGNAL_COLUMNS = ['seq', 'leg', 'bar_idx', 'ts', 'stream', 'symbol', 'timeframe', 'value', 'weight', 'price'];
const CLASSIFIER_COLUMNS = ['seq', 'bar_idx', 'ts', 'stream', 'old_regime', 'new_regime', 'confidence'];

const fileMtimes = (dir: string) =>
  Object.fromEntries(['signals', 'classifiers'].flatMap((sub) => readdirSync(join(dir, sub)).map((f) => {
    const st = statSync(join(dir, sub, f));
    return [`${sub}/${f}`, { mtimeMs: st.mtimeMs, ino: st.ino, size: st.size }];
  })));

describe('signal store format', () => {
  let series: BarSeries[];
  let store: string;
  let generation: GenerationOutcome;
  let state: StoreState;

  beforeAll(async () => {
    series = await loadSeries(config);
    store = tempStore('format');
    generation = await generate(config, series, store);
    state = await readStoreState(store);
  });

  const indexRow = (kind: 'strategy' | 'classifier', id: string) => {
    const rows = kind === 'strategy' ? state.strategies : state.classifiers;
    const row = rows.find((r) => r.id === id);
    if (!row) throw new Error(`no ${kind} ${id} in the index`);
    return row;
  };

  it('DuckDB reads every signal file with the same rows and columns as our reader', async () => {
    for (const s of strategies) {
      const row = indexRow('strategy', s.id);
      const path = join(store, row.path);
      const ours = await readSignalRows(store, row);
      const { columns, types, rows } = await duckdb(`select * from read_parquet(${sqlString(path)}) order by seq, leg`);
      expect(columns, s.id).toEqual(SIGNAL_COLUMNS);
      expect(types[SIGNAL_COLUMNS.indexOf('ts')], `${s.id}: ts is a TIMESTAMP for other readers`).toMatch(/^TIMESTAMP/);
      expect(rows.length, s.id).toBe(ours.seq.length);
      expect(rows.length, `${s.id}: index row count`).toBe(row.rows);
      expect(rows.length, `${s.id}: has signals`).toBeGreaterThan(2);
      const fromOurs = Array.from(ours.seq, (_, i) => ({
        seq: ours.seq[i], leg: ours.leg[i], bar_idx: ours.barIdx[i], ts: ours.ts[i], stream: ours.stream[i], symbol: ours.symbol[i],
        timeframe: ours.timeframe[i], value: ours.value[i], weight: ours.weight[i], price: ours.price[i],
      }));
      expect(rows, s.id).toEqual(fromOurs);
      // What a replay reads (only the columns it uses) is the same rows, column for column.
      const replayed = await readReplaySignalRows(store, row);
      expect(Object.keys(replayed).sort(), s.id).toEqual(['barIdx', 'price', 'seq', 'stream', 'ts', 'value', 'weight']);
      for (const key of Object.keys(replayed) as (keyof typeof replayed)[]) {
        const column = key === 'barIdx' ? 'bar_idx' : key;
        expect(Array.from(replayed[key] as ArrayLike<unknown>), `${s.id} ${key}`).toEqual(rows.map((r) => r[column]));
      }
      // The rows point into the base data: DuckDB's price is the close at bar_idx, ts the epoch ms of a bar close.
      const byId = new Map(series.map((x) => [x.id, x]));
      for (const r of rows) {
        const base = byId.get(r.stream as string)!;
        expect(r.price, `${s.id} ${JSON.stringify(r)}`).toBe(base.close[r.bar_idx as number]);
        expect(r.ts, `${s.id} ${JSON.stringify(r)}`).toBe(base.start[r.bar_idx as number] + base.timeframeMs);
      }
      const count = await duckdb(`select count(*) as n, count(distinct seq) as signals from read_parquet(${sqlString(path)})`);
      expect(count.rows[0], s.id).toEqual({ n: row.rows, signals: row.changes });
    }
  });

  it('DuckDB reads every classifier file with the same rows and columns as our reader', async () => {
    for (const c of classifiers) {
      const row = indexRow('classifier', c.id);
      const path = join(store, row.path);
      const ours = await readClassifierRows(store, row);
      const { columns, rows } = await duckdb(`select * from read_parquet(${sqlString(path)}) order by seq`);
      expect(columns, c.id).toEqual(CLASSIFIER_COLUMNS);
      expect(rows.length, `${c.id}: has changes`).toBeGreaterThan(2);
      expect(rows.length, c.id).toBe(row.rows);
      const fromOurs = Array.from(ours.seq, (_, i) => ({
        seq: ours.seq[i], bar_idx: ours.barIdx[i], ts: ours.ts[i], stream: ours.stream[i],
        old_regime: ours.oldRegime[i], new_regime: ours.newRegime[i], confidence: ours.confidence[i],
      }));
      expect(rows, c.id).toEqual(fromOurs);
      expect(rows[0].old_regime, `${c.id}: first old_regime is SQL NULL`).toBeNull();
      const nulls = await duckdb(`select count(*) as n from read_parquet(${sqlString(path)}) where old_regime is null`);
      expect(nulls.rows[0].n, c.id).toBe(1);
    }
  });

  it('the strategy and classifier indexes read by DuckDB: one row per instance, hash, type, symbols, timeframes, path, counts, every parameter as a column', async () => {
    for (const kind of ['strategy', 'classifier'] as const) {
      const items = kind === 'strategy' ? strategies : classifiers;
      const file = join(store, `${kind}_index.parquet`);
      const { columns, rows } = await duckdb(`select * from read_parquet(${sqlString(file)}) order by ${kind}_id`);
      expect(rows.length, kind).toBe(items.length);
      const paramNames = [...new Set(Object.values(items).flatMap((i) => Object.keys(FULL_PARAMS[i.id])))].sort();
      for (const name of [`${kind}_hash`, `${kind}_id`, 'type', 'symbols', 'timeframes', 'path', 'rows', 'changes', 'dense_rows']) {
        expect(columns, `${kind} index has column ${name}`).toContain(name);
      }
      expect(columns.filter((c) => c.startsWith('param_')).sort(), `${kind} index param columns`).toEqual(paramNames.map((p) => `param_${p}`));
      for (const item of items) {
        const r = rows.find((x) => x[`${kind}_id`] === item.id)!;
        const entry = generation.entries.find((e) => e.kind === kind && e.id === item.id)!;
        const inputs = item.inputs.map((id) => series.find((s) => s.id === id)!);
        const legs = item.type === 'pairs_zscore' ? 2 : 1;
        expect(r, `${kind} ${item.id}`).toMatchObject({
          [`${kind}_hash`]: entry.hash,
          type: item.type,
          symbols: inputs.map((s) => s.symbol).join(','),
          timeframes: inputs.map((s) => s.timeframe).join(','),
          path: `${kind === 'strategy' ? 'signals' : 'classifiers'}/${entry.hash}.parquet`,
          dense_rows: BARS * legs,
        });
        // Row counts agree with the instance's own file.
        const counts = await duckdb(`select count(*) as n, count(distinct seq) as changes from read_parquet(${sqlString(join(store, r.path as string))})`);
        expect({ rows: r.rows, changes: r.changes }, `${kind} ${item.id} counts`).toEqual({ rows: counts.rows[0].n, changes: counts.rows[0].changes });
        for (const [name, value] of Object.entries(FULL_PARAMS[item.id])) expect(r[`param_${name}`], `${kind} ${item.id} param_${name}`).toBe(value);
        // Same as our reader's index.
        const ours = indexRow(kind, item.id);
        expect({ hash: r[`${kind}_hash`], path: r.path, rows: r.rows, changes: r.changes, dense_rows: r.dense_rows, params: JSON.parse(r.params_json as string) })
          .toEqual({ hash: ours.hash, path: ours.path, rows: ours.rows, changes: ours.changes, dense_rows: ours.dense_rows, params: ours.params });
        expect(ours.params, `${kind} ${item.id}: full params in the index`).toEqual(FULL_PARAMS[item.id]);
      }
    }
  });

  it('param columns are NULL where an instance\'s type has no such parameter', async () => {
    const file = join(store, 'strategy_index.parquet');
    const { rows } = await duckdb(`select * from read_parquet(${sqlString(file)}) order by strategy_id`);
    const problems: string[] = [];
    for (const s of strategies) {
      const r = rows.find((x) => x.strategy_id === s.id)!;
      for (const column of Object.keys(r).filter((c) => c.startsWith('param_'))) {
        const name = column.slice('param_'.length);
        if (!(name in FULL_PARAMS[s.id]) && r[column] !== null) problems.push(`${s.id} (${s.type}) ${column} = ${String(r[column])}, expected NULL`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the manifest totals and compression ratio agree with the indexes', async () => {
    const manifest = JSON.parse(readFileSync(join(store, 'manifest.json'), 'utf8'));
    const sIndex = (await duckdb(`select * from read_parquet(${sqlString(join(store, 'strategy_index.parquet'))})`)).rows;
    const cIndex = (await duckdb(`select * from read_parquet(${sqlString(join(store, 'classifier_index.parquet'))})`)).rows;
    const sum = (rows: Record<string, unknown>[], key: string) => rows.reduce((n, r) => n + (r[key] as number), 0);
    const sparse = sum(sIndex, 'rows') + sum(cIndex, 'rows');
    const dense = sum(sIndex, 'dense_rows') + sum(cIndex, 'dense_rows');
    expect(manifest.totals).toEqual({
      strategies: 3,
      classifiers: 2,
      signal_rows: sum(sIndex, 'rows'),
      dense_signal_rows: BARS * 4,
      classifier_rows: sum(cIndex, 'rows'),
      dense_classifier_rows: BARS * 2,
      compression_ratio: dense / sparse,
    });
    expect(manifest.totals.compression_ratio).toBeGreaterThan(1);
    expect(manifest.format_version).toBe(1);
    expect(manifest.runs).toHaveLength(1);
    expect(manifest.runs[0].datasets).toEqual(Object.fromEntries(series.map((s) => [s.id, s.hash])));
    expect(manifest.runs[0].computed.sort()).toEqual(['pairs', 'rsi', 'sma', 'trend', 'vol']);
    expect(manifest.runs[0].skipped).toEqual([]);
  });

  it('a second identical generation computes nothing and rewrites no file; one new strategy computes only that one', async () => {
    const dir = tempStore('skip');
    const first = await generate(config, series, dir);
    expect(first.entries.map((e) => e.status)).toEqual(first.entries.map(() => 'computed'));
    const before = fileMtimes(dir);
    expect(Object.keys(before)).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 20));

    const second = await generate(config, series, dir);
    expect(second.stats).toBeNull();
    expect(second.entries.map((e) => [e.id, e.status])).toEqual(first.entries.map((e) => [e.id, 'skipped']));
    expect(second.entries.map((e) => [e.hash, e.rows, e.changes, e.denseRows])).toEqual(first.entries.map((e) => [e.hash, e.rows, e.changes, e.denseRows]));
    expect(fileMtimes(dir)).toEqual(before);

    const more = { ...config, strategies: [...strategies, { id: 'ema', type: 'ema_crossover', params: {}, inputs: ['BBB_1h'] }] };
    const third = await generate(more, series, dir);
    expect(third.stats).not.toBeNull();
    expect(third.entries.filter((e) => e.status === 'computed').map((e) => e.id)).toEqual(['ema']);
    expect(third.entries.filter((e) => e.status === 'skipped').map((e) => e.id).sort()).toEqual(['pairs', 'rsi', 'sma', 'trend', 'vol']);
    const after = fileMtimes(dir);
    const emaHash = third.entries.find((e) => e.id === 'ema')!.hash;
    expect(Object.keys(after).sort()).toEqual([...Object.keys(before), `signals/${emaHash}.parquet`].sort());
    for (const [file, st] of Object.entries(before)) expect(after[file], `${file} untouched`).toEqual(st);
    const stateAfter = await readStoreState(dir);
    expect(stateAfter.strategies.map((r) => r.id).sort()).toEqual(['ema', 'pairs', 'rsi', 'sma']);
    expect(stateAfter.manifest.totals.strategies).toBe(4);
    expect(stateAfter.manifest.runs.map((r) => [...r.computed].sort())).toEqual([['pairs', 'rsi', 'sma', 'trend', 'vol'], ['ema']]);
    expect(stateAfter.manifest.runs[1].skipped.sort()).toEqual(['pairs', 'rsi', 'sma', 'trend', 'vol']);
  });

  it('via the CLI: the second run of the same generation YAML prints "nothing to compute"', async () => {
    const dir = tempDir('cli-skip');
    const storeDir = join(dir, 'store');
    const yaml = writeText(dir, 'gen.yaml', `name: cli-skip
mode: signal_generation
signals: { store: ${JSON.stringify(storeDir)} }
data:
  timezone: UTC
  streams:
    - { symbol: AAA, timeframe: 1h, synthetic: { seed: 101, bars: 400, start_price: 80 } }
strategies:
  - { id: sma, type: sma_crossover, params: { fast_period: 5, slow_period: 20 }, inputs: [AAA_1h] }
`);
    const first = await runCli([yaml]);
    expect(first.code, describeRun(first)).toBe(0);
    expect(first.stdout, describeRun(first)).not.toMatch(/nothing to compute/);
    expect(first.stdout, describeRun(first)).toMatch(/computed 1 of 1/);
    const mtimes = fileMtimes(storeDir);
    const second = await runCli([yaml]);
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stdout, describeRun(second)).toMatch(/nothing to compute/);
    expect(second.stdout).toContain(storeDir);
    expect(fileMtimes(storeDir)).toEqual(mtimes);
  });

  it('two ids with the same params (defaults written or not) and inputs share one hash, computed once; both replay', async () => {
    const dupStrategies = [
      { id: 'a', type: 'sma_crossover', params: {}, inputs: ['AAA_1h'] },
      { id: 'b', type: 'sma_crossover', params: { fast_period: 10, slow_period: 30, long_only: false }, inputs: ['AAA_1h'] },
      { id: 'c', type: 'sma_crossover', params: {}, inputs: ['BBB_1h'] },
    ];
    const dup = { name: 'dup', data, classifiers: [], strategies: dupStrategies, portfolios: [{ id: 'pa', strategies: ['a'] }, { id: 'pb', strategies: ['b'] }, { id: 'pc', strategies: ['c'] }] };
    const dir = tempStore('dup');
    const outcome = await generate(dup, series, dir);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => outcome.entries.find((e) => e.id === id)!);
    expect(a.hash).toBe(b.hash);
    expect(c.hash).not.toBe(a.hash);
    expect([a.status, b.status, c.status].filter((s) => s === 'computed')).toHaveLength(2);
    expect(a.status).toBe('computed');
    expect([b.rows, b.changes]).toEqual([a.rows, a.changes]);
    const s = await readStoreState(dir);
    expect(s.strategies.map((r) => r.hash).sort()).toEqual([a.hash, c.hash].sort());
    expect(readdirSync(join(dir, 'signals')).sort()).toEqual([`${a.hash}.parquet`, `${c.hash}.parquet`].sort());
    expect(s.manifest.totals.strategies).toBe(2);
    const replayed = await replay(dup, series, dir);
    expect(portfolioOutcomes(replayed)).toEqual(portfolioOutcomes(backtest(dup, series)));
    expect(replayed.portfolios[0].result.trades.length).toBeGreaterThan(0);
    const labelFree = (p: number) => replayed.portfolios[p].result.trades.map((t) => ({ ...t, portfolioId: null, strategyId: null }));
    expect(labelFree(1), 'b trades as a (same signals)').toEqual(labelFree(0));
  });
});

/**
 * A store that cannot be trusted is refused: replay fails with a SignalStoreError whose
 * message names the store (or the file) and the reason, before anything is published and
 * without leaving a results folder. Each case corrupts its own copy of one generated store.
 */
import { cpSync, existsSync, readFileSync, readdirSync, truncateSync, writeFileSync, copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { readStoreState, SignalStoreError } from '../../src/signals/store-reader.ts';
import { readParquetFile, writeParquetFile, type ParquetWriteType } from '../../src/parquet/index.ts';
import { runTopology } from '../../src/topology/run-topology.ts';
import { describeRun, leftoverTempDirs, runCli } from '../cli/run-cli.ts';
import { generate, loadSeries, replay, tempStore } from './helpers.ts';
import { signalColumns } from '../../src/signals/store-writer.ts';
import { tempDir, writeText } from './more-helpers.ts';

type Config = Record<string, unknown>;

const streams = (aaa: Record<string, unknown> = {}, bbb: Record<string, unknown> = {}) => ({
  timezone: 'UTC',
  streams: [
    { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 101, bars: 600, start_price: 80, ...aaa } },
    { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 202, bars: 600, start_price: 60, ...bbb } },
  ],
});
const strategies = [
  { id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['AAA_1h'] },
  { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 10 }, inputs: ['BBB_1h'] },
  { id: 'pairs', type: 'pairs_zscore', params: { period: 30, entry: 1.5 }, inputs: ['AAA_1h', 'BBB_1h'] },
];
const base = {
  name: 'store-errors',
  data: streams(),
  classifiers: [{ id: 'trend', type: 'trend', params: { fast_period: 10, slow_period: 30 }, inputs: ['AAA_1h'] }],
  strategies,
  portfolios: [{ id: 'p', strategies: ['sma', 'rsi', 'pairs'], regime_filter: { classifier: 'trend', regimes: ['up'] } }],
};

let pristine: string;
let series: BarSeries[];
let hashes: Map<string, string>;
let copies = 0;

beforeAll(async () => {
  series = await loadSeries(base);
  pristine = tempStore('errors-pristine');
  const outcome = await generate(base, series, pristine);
  hashes = new Map(outcome.entries.map((e) => [e.id, e.hash]));
  // The pristine store replays.
  const ok = await replay(base, series, pristine);
  expect(ok.stats.signals).toBeGreaterThan(0);
});

/** A fresh copy of the generated store. */
function copyStore(label: string): string {
  const dir = tempStore(`errors-${label}-${copies++}`);
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

const signalPath = (store: string, id: string) => join(store, 'signals', `${hashes.get(id)}.parquet`);

/**
 * Rewrites one column of a signal file (`value` or `weight`) through `change`, with the writer's
 * own columns and the file's own footer metadata (format, hash, rows): only that column
 * differs. Returns the new column.
 */
async function rewriteSignalColumn(file: string, name: 'value' | 'weight', change: (column: ArrayLike<number>) => Int32Array | Float64Array) {
  const table = await readParquetFile(file, { typedNumbers: true });
  const c = table.columns as Record<string, ArrayLike<never>>;
  const changed = change(c[name] as ArrayLike<number>);
  const rows = { seq: c.seq, leg: c.leg, barIdx: c.bar_idx, ts: c.ts, stream: c.stream, symbol: c.symbol, timeframe: c.timeframe, value: c.value, weight: c.weight, price: c.price, [name]: changed };
  await writeParquetFile(file, signalColumns(rows), { metadata: table.metadata });
  return changed;
}

/**
 * Replay of `config` against `store` must fail with a SignalStoreError matching every
 * pattern, both through the replay helper and through runTopology with a results folder
 * (which must not appear: nothing was run or written).
 */
async function expectRefused(config: Config, loaded: readonly BarSeries[], store: string, patterns: (string | RegExp)[]) {
  const error = await replay(config, loaded, store).then(() => null, (e: unknown) => e);
  expect(error, 'replay must fail').toBeInstanceOf(SignalStoreError);
  const message = (error as Error).message;
  for (const p of patterns) {
    if (typeof p === 'string') expect(message, 'error message').toContain(p);
    else expect(message, 'error message').toMatch(p);
  }
  const out = join(tempDir('errors-out'), 'results');
  let progressCalls = 0;
  const viaTopology = await runTopology({ ...config, mode: 'signal_replay', signals: { store } }, {
    outDir: out,
    onProgress: () => void progressCalls++,
  }).then(() => null, (e: unknown) => e);
  expect(viaTopology, 'runTopology must fail').toBeInstanceOf(Error);
  const cause = (viaTopology as Error).cause ?? viaTopology;
  expect(cause, 'runTopology error cause').toBeInstanceOf(SignalStoreError);
  expect((viaTopology as Error).message).toContain((cause as Error).message);
  expect(existsSync(out), 'no results folder').toBe(false);
  expect(leftoverTempDirs(out), 'no temp results folder').toEqual([]);
  expect(progressCalls, "no bar was run").toBe(0);
  return message;
}

describe('replay refuses a store it cannot trust', () => {
  it('a missing store dir', async () => {
    const store = join(tempDir('errors-missing'), 'no-such-store');
    await expectRefused(base, series, store, [store, /not found/, /signal_generation/]);
    expect(existsSync(store), 'replay does not create the store').toBe(false);
  });

  it('a strategy index without a column the reader needs', async () => {
    const store = copyStore('index-column');
    const path = join(store, 'strategy_index.parquet');
    const table = await readParquetFile(path);
    const columns = table.schema
      .filter((c) => c.name !== 'path')
      .map((c) => ({ name: c.name, type: c.type as ParquetWriteType, data: table.columns[c.name], nullable: c.nullable }));
    await writeParquetFile(path, columns);
    await expectRefused(base, series, store, [store, /strategy index/, path, /"path"/]);
  });

  it('a signal file holding a value other than -1, 0 or 1 (its footer intact)', async () => {
    const store = copyStore('value');
    const file = signalPath(store, 'sma');
    let at = -1;
    const value = await rewriteSignalColumn(file, 'value', (column) => {
      const value = Int32Array.from(column);
      at = value.findIndex((v) => v !== 0);
      value[at] = 2 * value[at];
      return value;
    });
    expect(at).toBeGreaterThanOrEqual(0);
    await expectRefused(base, series, store, [file, 'sma', `signal value ${value[at]} at row ${at}`, /-1, 0 or 1/]);
  });

  it('a signal file holding a leg weight that is not a finite number (its footer intact)', async () => {
    const store = copyStore('weight');
    const file = signalPath(store, 'pairs');
    let at = -1;
    await rewriteSignalColumn(file, 'weight', (column) => {
      const weight = Float64Array.from(column);
      at = Math.floor(weight.length / 2);
      weight[at] = Number.NaN;
      return weight;
    });
    await expectRefused(base, series, store, [file, 'pairs', `leg weight NaN at row ${at}`, /finite/]);
  });

  it('a manifest of another format_version', async () => {
    const store = copyStore('version');
    const path = join(store, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    expect(manifest.format_version).toBe(1);
    writeFileSync(path, JSON.stringify({ ...manifest, format_version: 2 }, null, 2));
    await expectRefused(base, series, store, [store, /format version 2/, /version 1/]);
  });

  it('a corrupt manifest (invalid JSON)', async () => {
    const store = copyStore('corrupt-manifest');
    const path = join(store, 'manifest.json');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, Math.floor(text.length / 2)));
    await expectRefused(base, series, store, [store, 'manifest.json', /not valid JSON/]);
  });

  it('a truncated signal file (half its bytes)', async () => {
    const store = copyStore('truncated');
    const file = signalPath(store, 'rsi');
    truncateSync(file, Math.floor(statSync(file).size / 2));
    await expectRefused(base, series, store, [file, /truncated|corrupt|unreadable/]);
  });

  it('a missing signal file', async () => {
    const store = copyStore('missing-file');
    const file = signalPath(store, 'pairs');
    rmSync(file);
    await expectRefused(base, series, store, [file, /missing|unreadable/]);
  });

  it('a signal file replaced by another strategy\'s file (hash mismatch)', async () => {
    const store = copyStore('replaced');
    const file = signalPath(store, 'sma');
    copyFileSync(signalPath(store, 'rsi'), file);
    const message = await expectRefused(base, series, store, [file, /hash/]);
    expect(message).toContain(hashes.get('sma')!);
  });

  it('a dataset whose synthetic seed changed since generation', async () => {
    const changed = { ...base, data: streams({}, { seed: 203 }) };
    const loaded = await loadSeries(changed);
    const store = copyStore('seed');
    await expectRefused(changed, loaded, store, [store, 'dataset BBB_1h has changed since generation']);
  });

  it('a dataset whose bar count changed since generation', async () => {
    const changed = { ...base, data: streams({ bars: 590 }) };
    const loaded = await loadSeries(changed);
    const store = copyStore('bars');
    const message = await expectRefused(changed, loaded, store, [store, 'dataset AAA_1h has changed since generation']);
    expect(message).not.toContain('dataset BBB_1h');
  });

  it('changed params', async () => {
    const changed = { ...base, strategies: strategies.map((s) => (s.id === 'sma' ? { ...s, params: { fast_period: 6, slow_period: 20 } } : s)) };
    const store = copyStore('params');
    await expectRefused(changed, series, store, [store, 'sma', /params differ/]);
  });

  it('changed classifier params', async () => {
    const changed = { ...base, classifiers: [{ ...base.classifiers[0], params: { fast_period: 12, slow_period: 30 } }] };
    const store = copyStore('classifier-params');
    await expectRefused(changed, series, store, [store, 'trend', /params differ/]);
  });

  it('a strategy that was never generated', async () => {
    const more = { ...base, strategies: [...strategies, { id: 'ema', type: 'ema_crossover', params: {}, inputs: ['BBB_1h'] }] };
    const store = copyStore('never');
    await expectRefused(more, series, store, [store, 'ema', /signal_generation/]);
  });

  it('the pristine copies are still intact (each case corrupted only its own copy)', async () => {
    const state = await readStoreState(pristine);
    expect(state.strategies).toHaveLength(3);
    expect(readdirSync(join(pristine, 'signals'))).toHaveLength(3);
  });
});

describe('CLI replay against a missing store', () => {
  it('exits non-zero, names the store, says to run signal_generation, leaves no results folder', async () => {
    const dir = tempDir('errors-cli');
    const store = join(dir, 'missing-store');
    const yaml = writeText(dir, 'replay.yaml', `name: replay-missing
mode: signal_replay
signals: { store: ${JSON.stringify(store)} }
data:
  timezone: UTC
  streams:
    - { symbol: SYNA, timeframe: 1d, synthetic: { seed: 42, bars: 300, start_price: 100, start: "2015-01-02" } }
    - { symbol: SYNB, timeframe: 1d, synthetic: { seed: 7, bars: 300, start_price: 50, start: "2015-01-02" } }
classifiers:
  - { id: trend, type: trend, params: { fast_period: 20, slow_period: 50 }, inputs: [SYNA_1d] }
strategies:
  - { id: sma_10_30, type: sma_crossover, params: { fast_period: 10, slow_period: 30 }, inputs: [SYNA_1d] }
  - { id: pairs, type: pairs_zscore, params: { period: 40, entry: 2.0, exit: 0.5 }, inputs: [SYNA_1d, SYNB_1d] }
portfolios:
  - { id: trend_up_only, strategies: [sma_10_30], regime_filter: { classifier: trend, regimes: [up] } }
  - { id: pairs, strategies: [pairs], execution: { fill: signal_close } }
execution: { fill: next_open, commission: { type: percent, pct: 0.1 }, slippage_bps: 5 }
`);
    const out = join(dir, 'results', 'run1');
    const r = await runCli([yaml, '--out', out]);
    expect(r.code, describeRun(r)).not.toBe(0);
    expect(r.code, describeRun(r)).not.toBeNull();
    expect(r.stderr, describeRun(r)).toContain(store);
    expect(r.stderr, describeRun(r)).toMatch(/signal_generation/);
    expect(r.stdout, describeRun(r)).toBe('');
    expect(existsSync(out), 'no results folder').toBe(false);
    expect(existsSync(join(dir, 'results')) ? readdirSync(join(dir, 'results')) : [], 'nothing under the results parent').toEqual([]);
    expect(leftoverTempDirs(out)).toEqual([]);
    expect(existsSync(store), 'the CLI does not create the store').toBe(false);
  });
});

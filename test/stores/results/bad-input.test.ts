/**
 * Bad input gets a clear error naming what and where, and stores nothing: values JSON
 * cannot carry, malformed rows, run ids that would leave the results root, bad config; and
 * damaged files are reported on read, never silently used.
 */
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CorruptFileError, parseResultsStoreConfig, ResultsStore, StoreClosedError, StoreInputError,
} from '../../../src/stores/results/index.ts';
import { event, MIN, T0, trade } from './helpers/records.ts';
import { tempRoot } from './helpers/tmp.ts';

const next = tempRoot('results-bad-input');
const ok = (i = 0) => [{ portfolioId: 'p', equity: 100 + i, cash: 50 }];

describe('unserialisable and malformed values', () => {
  it('event payloads and summaries: NaN, Infinity, bigint, functions, undefined, cycles, class instances', async () => {
    const store = await ResultsStore.open({ root: next() });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: [unknown, RegExp][] = [
      [{ a: { b: Number.NaN } }, /events\[0\]: payload\.a\.b: NaN is not a finite number/],
      [{ list: [1, Number.POSITIVE_INFINITY] }, /payload\.list\[1\]: Infinity is not a finite number/],
      [{ big: 10n }, /payload\.big: bigint 10 is not serialisable/],
      [{ f: () => 1 }, /payload\.f: a function is not serialisable/],
      [{ u: undefined }, /payload\.u: undefined is not serialisable/],
      [cyclic, /payload\.self: circular reference/],
      [{ when: new Date(0) }, /payload\.when: a Date is not a plain object/],
      [{ m: new Map() }, /payload\.m: a Map is not a plain object/],
    ];
    for (const [payload, message] of cases) {
      const call = () => store.storeTimestepResults(T0, { runId: 'bad', portfolios: ok(), events: [{ ...event(0), payload: payload as never }] });
      expect(call).toThrow(StoreInputError);
      expect(call).toThrow(message);
      expect(call).toThrow(/^storeTimestepResults\(run bad, ts \d+\) events\[0\]/);
    }
    expect(() => store.storeBacktestResults('bad', { summary: { metrics: { sharpe: Number.NaN } } })).toThrow(
      'storeBacktestResults(run bad): summary.metrics.sharpe: NaN is not a finite number (JSON would store null)',
    );
    expect(store.getStorageStatus().queueDepth).toBe(0);
    await store.close();
  });

  it('rows, trades and timestamps are checked field by field; a failing call stores none of its records', async () => {
    const store = await ResultsStore.open({ root: next(), formats: ['json'] });
    store.storeTimestepResults(T0, { runId: 'rows', portfolios: ok(0) });
    const where = `storeTimestepResults(run rows, ts ${T0 + MIN})`;
    expect(() => store.storeTimestepResults(T0 + MIN, { runId: 'rows', portfolios: [...ok(1), { portfolioId: 'q', equity: Number.NaN, cash: 0 }] }))
      .toThrow(`${where} portfolios[1]: equity: Invalid input: expected number, received NaN`);
    expect(() => store.storeTimestepResults(T0 + MIN, { runId: 'rows', portfolios: [{ equity: 1, cash: 1 } as never] }))
      .toThrow(/portfolios\[0\]: portfolioId: Invalid input: expected string, received undefined/);
    expect(() => store.storeTimestepResults(T0 + MIN, { runId: 'rows', portfolios: { p: 1 } as never })).toThrow(/portfolios must be an array/);
    expect(() => store.storeTimestepResults(T0 + MIN, { runId: 'rows', portfolios: [...ok(1), null as never] })).toThrow(/portfolios\[1\]: \(top level\): Invalid input: expected object, received null/);
    expect(() => store.storeTimestepResults(T0 + MIN, null as never)).toThrow(/storeTimestepResults: results must be an object/);
    expect(() => store.storeTimestepResults(T0 + MIN, { portfolios: ok(1) } as never)).toThrow(/run id must be a string, got undefined/);
    expect(() => store.storeTimestepResults(T0 + MIN, { runId: 'rows', portfolios: ok(1), trades: [{ ...trade(1), exitReason: 'magic' as never }] }))
      .toThrow(/trades\[0\]: exitReason: Invalid option/);
    expect(() => store.storeTimestepResults(T0 + MIN, { runId: 'rows', portfolios: ok(1), trades: [{ ...trade(1), entryTime: 1.5 }] }))
      .toThrow(/trades\[0\]: entryTime: must be an integer epoch ms/);
    expect(() => store.storeTimestepResults(T0 + 0.5, { runId: 'rows', portfolios: ok(1) })).toThrow(/ts must be an integer epoch ms, got 1704205800000.5/);
    expect(() => store.storeTimestepResults('2024-01-01' as never, { runId: 'rows', portfolios: ok(1) })).toThrow(/ts must be an integer epoch ms, got string/);
    store.storeTimestepResults(T0 + 2 * MIN, { runId: 'rows', portfolios: ok(2) });
    await store.flush();
    // Only the two good calls are stored: the bad ones left nothing behind (not even their first, valid row).
    expect((await store.readResults('rows', 'performance')).map((r) => r.equity)).toEqual([100, 102]);
    expect(await store.readResults('rows', 'trades')).toEqual([]);
    await store.close();
    expect(() => store.storeTimestepResults(T0, { runId: 'rows', portfolios: ok() })).toThrow(StoreClosedError);
  });

  it('configuration errors name the field', () => {
    expect(() => parseResultsStoreConfig({})).toThrow(/results store config: root: Invalid input: expected string/);
    expect(() => parseResultsStoreConfig({ root: 'x', formats: ['csv', 'csv'] })).toThrow(/formats: formats must not repeat/);
    expect(() => parseResultsStoreConfig({ root: 'x', formats: ['xml'] })).toThrow(/formats\[0\]: Invalid option/);
    expect(() => parseResultsStoreConfig({ root: 'x', queue: { policy: 'drop' } })).toThrow(/queue\.policy: Invalid option/);
    expect(() => parseResultsStoreConfig({ root: 'x', retention: { events: -1 } })).toThrow(/retention\.events: Too small/);
    expect(() => parseResultsStoreConfig({ root: 'x', bogus: 1 })).toThrow(/Unrecognized key: "bogus"/);
  });
});

describe('run ids that reach file names', () => {
  it('path traversal, absolute paths, separators and empty ids are refused; nothing is created outside the root', async () => {
    const root = next();
    const store = await ResultsStore.open({ root });
    const outside = dirname(root);
    const before = (await fsp.readdir(outside)).sort();
    for (const runId of ['../evil', '..', '.', '/etc/evil', 'a/b', 'a\\b', '', '.hidden', 'x'.repeat(65), 'ok/../../evil', 'a..b']) {
      expect(() => store.storeTimestepResults(T0, { runId, portfolios: ok() }), runId).toThrow(StoreInputError);
      expect(() => store.storeTimestepResults(T0, { runId, portfolios: ok() }), runId).toThrow(/run id .* is not a safe file name/);
    }
    expect(() => store.storeTimestepResults(T0, { runId: 42 as never, portfolios: ok() })).toThrow(/run id must be a string, got number/);
    expect(() => store.storeBacktestResults('../up', { summary: {} })).toThrow(/not a safe file name/);
    await expect(store.readResults('../up', 'performance')).rejects.toThrow(/not a safe file name/);
    await store.flush();
    expect((await fsp.readdir(outside)).sort()).toEqual(before);
    expect(await fsp.readdir(root)).toEqual([]);
    await store.close();
  });
});

describe('damaged files on read', () => {
  async function storedRun(root: string) {
    const store = await ResultsStore.open({ root, segment_records: 50 });
    for (let i = 0; i < 120; i++) {
      store.storeTimestepResults(T0 + i * MIN, { runId: 'r', portfolios: ok(i) });
      if (i % 40 === 39) await store.flush(); // three parts
    }
    await store.flush();
    return store;
  }

  it('a flipped byte in a part file: CorruptFileError naming the file, for that format only', async () => {
    const root = next();
    const store = await storedRun(root);
    const part = join(root, 'r', 'parts', (await fsp.readdir(join(root, 'r', 'parts'))).filter((n) => n.endsWith('.csv')).sort()[0]);
    const bytes = await fsp.readFile(part);
    bytes[bytes.length - 3] ^= 0x01;
    await fsp.writeFile(part, bytes);
    await expect(store.readResults('r', 'performance', { format: 'csv' })).rejects.toThrow(CorruptFileError);
    await expect(store.readResults('r', 'performance', { format: 'csv' })).rejects.toThrow(`${part}: SHA-256`);
    await expect(store.verifyRun('r')).rejects.toThrow(part);
    expect((await store.readResults('r', 'performance', { format: 'json' })).length).toBe(120);
    await store.close();
  });

  it('a missing part, a truncated manifest, an edited manifest: each reported', async () => {
    const root = next();
    const store = await storedRun(root);
    await store.close();
    const manifest = join(root, 'r', 'manifest.json');
    const text = await fsp.readFile(manifest, 'utf8');

    const parts = (await fsp.readdir(join(root, 'r', 'parts'))).filter((n) => n.endsWith('.jsonl')).sort();
    expect(parts.length).toBe(3);
    await fsp.rm(join(root, 'r', 'parts', parts[1]));
    await expect(store.readResults('r', 'performance', { format: 'json' })).rejects.toThrow(`${join(root, 'r', 'parts', parts[1])}: cannot read`);

    await fsp.writeFile(manifest, text.slice(0, text.length - 40));
    await expect(store.readResults('r', 'performance')).rejects.toThrow(/manifest\.json: not valid JSON \(truncated or damaged\)/);

    await fsp.writeFile(manifest, text.replace('"records": 120', '"records": 121'));
    await expect(store.readResults('r', 'performance')).rejects.toThrow(/manifest\.json: checksum [0-9a-f]{64} does not match the recorded/);
    // A store opening on the damaged folder refuses too, rather than guessing.
    await expect(ResultsStore.open({ root })).rejects.toThrow(/manifest\.json: checksum/);
  });
});

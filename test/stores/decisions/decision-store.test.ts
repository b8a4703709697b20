/**
 * The decision audit trail: save / get / list / update / delete / cleanup / wipe / count,
 * lookups through the index (the directory is never scanned, checked by adding a stray
 * file), atomic writes, an index that survives a torn last line, and damage reported.
 */
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DecisionStore, type DecisionInput } from '../../../src/stores/decisions/index.ts';
import { CorruptFileError, StoreInputError } from '../../../src/stores/results/index.ts';

const base = mkdtempSync(join(tmpdir(), 'decisions-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const next = () => join(base, `d${n++}`);

const T0 = Date.UTC(2025, 0, 6, 14, 30);

function decision(i: number, over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    id: `dec-${String(i).padStart(4, '0')}`,
    ts: T0 + i * 3_600_000,
    runId: i % 2 ? 'run-b' : 'run-a',
    symbol: ['SPY', 'QQQ', 'NVDA'][i % 3],
    strategyId: i % 4 === 0 ? 'sma' : 'rsi',
    signal: i % 2 ? -1 : 1,
    outcome: i % 5 === 0 ? 'no_order' : 'order',
    orderId: i % 5 === 0 ? undefined : 1000 + i,
    reasons: i % 5 === 0 ? ['max gross exposure would exceed 100%'] : ['signal changed'],
    riskChecks: [{ name: 'max_gross_exposure', passed: i % 5 !== 0, detail: `check ${i}` }, { name: 'buying_power', passed: true }],
    context: { price: 100 + i / 4, bars: [i, i + 1] },
    ...over,
  };
}

describe('DecisionStore', () => {
  it('saves, gets by id, lists with filters newest first, counts', async () => {
    const store = await DecisionStore.open(next());
    const inputs = Array.from({ length: 60 }, (_, i) => decision(i));
    await store.saveMany(inputs.slice(0, 30));
    for (const d of inputs.slice(30)) await store.save(d);
    const dropUndefined = (d: DecisionInput) => JSON.parse(JSON.stringify(d)) as DecisionInput;
    expect(await store.get('dec-0007')).toEqual(dropUndefined(inputs[7]));
    expect(await store.get('dec-9999')).toBeNull();

    const nvda = inputs.filter((d) => d.symbol === 'NVDA').sort((a, b) => b.ts - a.ts);
    expect((await store.list({ symbol: 'NVDA' })).map((d) => d.id)).toEqual(nvda.map((d) => d.id));
    expect((await store.list({ symbol: 'NVDA', limit: 3 })).map((d) => d.id)).toEqual(nvda.slice(0, 3).map((d) => d.id));
    const from = T0 + 10 * 3_600_000;
    const to = T0 + 20 * 3_600_000;
    const window = inputs.filter((d) => d.ts >= from && d.ts < to && d.strategyId === 'rsi').sort((a, b) => b.ts - a.ts);
    expect((await store.list({ strategyId: 'rsi', from, to })).map((d) => d.id)).toEqual(window.map((d) => d.id));
    expect(store.count()).toBe(60);
    expect(store.count({ outcome: 'no_order' })).toBe(12);
    expect(store.count({ runId: 'run-b', symbol: 'SPY' })).toBe(inputs.filter((d) => d.runId === 'run-b' && d.symbol === 'SPY').length);
    const generated = await store.save({ ...decision(99), id: undefined });
    expect(generated.id).toMatch(/^d-[0-9a-z]+-[0-9a-f]{12}$/);
    expect(await store.get(generated.id)).toEqual(generated);
  });

  it('get and list use the index: a stray file in the folder is invisible, a reopened store finds everything', async () => {
    const root = next();
    const store = await DecisionStore.open(root);
    await store.saveMany(Array.from({ length: 10 }, (_, i) => decision(i)));
    await fsp.writeFile(join(root, 'decisions', 'dec-stray.json'), JSON.stringify(decision(500, { id: 'dec-stray' })));
    expect(await store.get('dec-stray')).toBeNull();
    expect(store.count()).toBe(10);
    const reopened = await DecisionStore.open(root);
    expect(reopened.count()).toBe(10);
    expect((await reopened.list({ limit: 1 }))[0].id).toBe('dec-0009');
    // rebuild() is the one operation that scans the folder: it indexes the stray file too.
    expect(await reopened.rebuild()).toMatchObject({ indexed: 11, rejected: [] });
    expect((await reopened.get('dec-stray'))?.ts).toBe(decision(500).ts);
  });

  it('updates keep the id and re-sort; deletes and cleanup by age remove files and index entries; wipe empties all', async () => {
    const root = next();
    const store = await DecisionStore.open(root);
    await store.saveMany(Array.from({ length: 20 }, (_, i) => decision(i)));
    const updated = await store.update('dec-0003', { outcome: 'no_order', reasons: ['vetoed'], ts: T0 + 1000 * 3_600_000 });
    expect(updated).toMatchObject({ id: 'dec-0003', outcome: 'no_order', reasons: ['vetoed'], symbol: 'SPY' });
    expect((await store.list({ limit: 1 }))[0].id).toBe('dec-0003');
    expect(await store.update('nope', { signal: 0 })).toBeNull();
    expect(() => store.update('dec-0003', { id: 'other' } as never)).toThrow(/update\(dec-0003\): \(top level\): Unrecognized key: "id"/);

    expect(await store.delete('dec-0004')).toBe(true);
    expect(await store.delete('dec-0004')).toBe(false);
    expect(await store.get('dec-0004')).toBeNull();
    await expect(fsp.access(join(root, 'decisions', 'dec-0004.json'))).rejects.toThrow();

    // Decisions taken more than 10 hours before T0 + 15h: ts < T0 + 5h, i.e. 0..4 (4 deleted already, 3 moved on).
    const removed = await store.cleanup(10 / 24, T0 + 15 * 3_600_000);
    expect(removed).toBe(3);
    expect(store.count()).toBe(16);
    expect(await store.get('dec-0003')).not.toBeNull();
    const reopened = await DecisionStore.open(root);
    expect(reopened.count()).toBe(16);

    await reopened.wipe();
    expect(reopened.count()).toBe(0);
    expect(await fsp.readdir(join(root, 'decisions'))).toEqual([]);
    expect((await DecisionStore.open(root)).count()).toBe(0);
  });

  it('bad input names the field; ids that would leave the folder are refused', async () => {
    const store = await DecisionStore.open(next());
    expect(() => store.save({ ...decision(1), outcome: 'maybe' as never })).toThrow(/save: outcome: Invalid option/);
    expect(() => store.save({ ...decision(1), riskChecks: [{ name: '', passed: true }] })).toThrow(/save: riskChecks\[0\]\.name: Too small/);
    expect(() => store.save({ ...decision(1), context: { x: Number.NaN } })).toThrow(/save: context\.x: NaN is not a finite number/);
    expect(() => store.save({ ...decision(1), id: '../escape' })).toThrow(/save: id: ids use letters, digits/);
    await expect(store.get('../../etc/passwd')).rejects.toThrow(StoreInputError);
    expect(() => store.saveMany([decision(1), decision(1)])).toThrow(/decision id dec-0001 appears twice/);
    await store.save(decision(1));
    await expect(store.save(decision(1))).rejects.toThrow(/decision dec-0001 already exists \(use update\)/);
    await expect(store.list({ limit: 0 })).rejects.toThrow(/list: limit: Too small/);
    expect(() => store.count({ from: 1.5 })).toThrow(/count: from: must be an integer epoch ms/);
    expect(() => store.cleanup(-1)).toThrow(/maxAgeDays must be a non-negative number/);
  });

  it('a torn last index line (crash mid-append) is dropped; damage elsewhere is reported with the line; a changed file fails its checksum', async () => {
    const root = next();
    const store = await DecisionStore.open(root);
    await store.saveMany([decision(1), decision(2)]);
    const index = join(root, 'index.jsonl');
    await fsp.appendFile(index, '{"op":"put","entry":{"id":"dec-0003","ts":');
    const reopened = await DecisionStore.open(root);
    expect(reopened.opened).toMatchObject({ decisions: 2, tornBytes: 42 });
    await reopened.save(decision(3)); // lands on a line of its own
    expect((await DecisionStore.open(root)).count()).toBe(3);

    const text = await fsp.readFile(index, 'utf8');
    await fsp.writeFile(index, text.replace('"op":"put"', '"op":"pot"'));
    await expect(DecisionStore.open(root)).rejects.toThrow(/index\.jsonl: line 1 is malformed .* DecisionStore\.rebuild\(\) recreates the index/);
    await fsp.writeFile(index, text);

    const file = join(root, 'decisions', 'dec-0002.json');
    await fsp.writeFile(file, (await fsp.readFile(file, 'utf8')).replace('"signal": 1', '"signal": -1'));
    const store3 = await DecisionStore.open(root);
    await expect(store3.get('dec-0002')).rejects.toThrow(CorruptFileError);
    await expect(store3.get('dec-0002')).rejects.toThrow(/dec-0002\.json: SHA-256 [0-9a-f]+ does not match the index's/);
    await fsp.rm(file);
    await expect(store3.get('dec-0002')).rejects.toThrow(/dec-0002\.json: indexed but missing/);
  });

  it('concurrent saves and updates are serialised: every one is kept, the index stays consistent', async () => {
    const root = next();
    const store = await DecisionStore.open(root);
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.save(decision(i))));
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.update(`dec-${String(i).padStart(4, '0')}`, { signal: i })));
    const reopened = await DecisionStore.open(root);
    expect(reopened.count()).toBe(40);
    const all = await reopened.list();
    expect(all.map((d) => d.signal).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const files = (await fsp.readdir(join(root, 'decisions'))).filter((f) => !f.startsWith('.'));
    expect(files.length).toBe(40); // atomic writes leave no temp files
  });
});


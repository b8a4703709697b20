/**
 * Snapshots: create (whole store, or as of a data time), verify (every file's SHA-256 and the
 * root hash), restore (the store becomes the snapshot; the state before is kept as a
 * snapshot), and the read-only view at a snapshot, which refuses to open when a file was
 * modified, and refuses to read a file modified after opening.
 */
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSnapshot, SnapshotVerificationError, type MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bars, DAY, LINEAGE, MIN, T0, tempStore } from './helpers.ts';

let store: MarketDataStore;
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ store, root, cleanup } = await tempStore()));
afterEach(() => cleanup());

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function seed(): Promise<void> {
  await store.writeBars('SPY', '1m', bars(T0, 30), LINEAGE);
  await store.writeBars('SPY', '1m', bars(T0 + 40 * DAY, 30, MIN, 30), LINEAGE); // another month
  await store.writeCalendarEvents([{ ts: T0 + 400 * DAY, id: 'fomc', type: 'FOMC', name: 'FOMC' }], LINEAGE);
}

describe('snapshots', () => {
  it('records a SHA-256 per file and a root hash over them, and verifies', async () => {
    await seed();
    const snap = await store.createSnapshot(undefined, 'baseline');
    expect(snap.label).toBe('baseline');
    expect(snap.id.endsWith(snap.rootHash.slice(0, 12))).toBe(true);
    const dir = join(root, '_snapshots', snap.id);
    // every listed hash is the SHA-256 of the file's bytes, recomputed here
    for (const f of snap.files) expect(f.sha256).toBe(sha(await readFile(join(dir, f.path))));
    const lines = [...snap.files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => `${f.path}\t${f.sha256}\t${f.bytes}\n`).join('');
    expect(snap.rootHash).toBe(createHash('sha256').update(lines).digest('hex'));
    expect(snap.files.map((f) => f.path)).toContain('manifest.json');
    expect(snap.files.filter((f) => f.path.startsWith('files/'))).toHaveLength(3);
    expect(await store.verifySnapshot(snap.id)).toMatchObject({ ok: true, problems: [] });
    expect((await store.listSnapshots()).map((s) => s.id)).toEqual([snap.id]);
  });

  it('a modified file makes verification fail and the view refuse to open', async () => {
    await seed();
    const snap = await store.createSnapshot();
    const part = snap.files.find((f) => f.path.startsWith('files/bars/'))!;
    // Snapshot files are hard links to the live ones: the store never changes a file in place,
    // so this is a change made outside the store (corruption, tampering).
    await appendFile(join(root, '_snapshots', snap.id, part.path), Buffer.from([0]));
    const v = await store.verifySnapshot(snap.id);
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toMatch(new RegExp(`${part.path}: SHA-256 is [0-9a-f]{64}, expected ${part.sha256}`));
    await expect(openSnapshot(root, snap.id)).rejects.toThrow(SnapshotVerificationError);
    await expect(openSnapshot(root, snap.id)).rejects.toThrow(/does not verify: files\/bars\/SPY\/1m\/period=2025-09\/part-000001.parquet: SHA-256/);
    await expect(store.restoreSnapshot(snap.id)).rejects.toThrow(SnapshotVerificationError);
  });

  it('a missing file, an extra file and a tampered description are all caught', async () => {
    await seed();
    const snap = await store.createSnapshot();
    const dir = join(root, '_snapshots', snap.id);
    await writeFile(join(dir, 'files', 'extra.parquet'), 'x');
    expect((await store.verifySnapshot(snap.id)).problems).toContain('files/extra.parquet: not part of the snapshot (extra file)');
    const snap2 = await store.createSnapshot();
    const desc = JSON.parse(await readFile(join(root, '_snapshots', snap2.id, 'snapshot.json'), 'utf8')) as { files: { path: string }[] };
    desc.files = desc.files.filter((f) => !f.path.startsWith('files/calendar'));
    await writeFile(join(root, '_snapshots', snap2.id, 'snapshot.json'), JSON.stringify(desc));
    const problems = (await store.verifySnapshot(snap2.id)).problems.join('\n');
    expect(problems).toMatch(/not part of the snapshot \(extra file\)/);
    expect(problems).toMatch(/root hash does not match its file list/);
    expect((await store.verifySnapshot('20990101T000000000Z-000000000000')).problems[0]).toMatch(/no snapshot 20990101T000000000Z-000000000000 in .* \(snapshots: /);
    await expect(store.verifySnapshot('../../etc')).rejects.toThrow(/invalid snapshot id/);
  });

  it('the view at a snapshot reads the state of its creation, whatever the live store does later', async () => {
    await seed();
    const before = await store.getBars('SPY', '1m');
    const snap = await store.createSnapshot();
    await store.writeBars('SPY', '1m', bars(T0 + 100 * DAY, 10), LINEAGE);
    await store.compact();
    const view = await openSnapshot(root, snap.id);
    const atSnap = await view.getBars('SPY', '1m');
    expect(atSnap.hash).toBe(before.hash);
    expect(atSnap.source).toMatch(/^market-data-snapshot:.*@/);
    expect((await store.getBars('SPY', '1m')).length).toBe(before.length + 10);
    expect(await view.getEvents()).toHaveLength(1);
    // a file changed after the view was opened is refused at read time
    const part = snap.files.find((f) => f.path.includes('period=2025-10'))!;
    await appendFile(join(root, '_snapshots', snap.id, part.path), 'x');
    await expect(view.getBars('SPY', '1m')).rejects.toThrow(/changed after the snapshot was opened/);
  });

  it('restore brings the snapshot back and keeps the replaced state as a snapshot', async () => {
    await seed();
    const snap = await store.createSnapshot(undefined, 'good');
    const good = await store.getBars('SPY', '1m');
    await store.writeBars('SPY', '1m', bars(T0 + 100 * DAY, 10), LINEAGE);
    await store.writeBars('QQQ', '1m', bars(T0, 5), LINEAGE);
    const changed = await store.getBars('SPY', '1m');
    const report = await store.restoreSnapshot(snap.id);
    expect(report.restored).toBe(snap.id);
    expect((await store.getBars('SPY', '1m')).hash).toBe(good.hash);
    await expect(store.getBars('QQQ', '1m')).rejects.toThrow(/no bars stored for QQQ 1m/);
    // nothing was lost: the pre-restore state is itself a verified snapshot
    const previous = report.previousState!;
    expect((await store.verifySnapshot(previous)).ok).toBe(true);
    expect((await (await openSnapshot(root, previous)).getBars('SPY', '1m')).hash).toBe(changed.hash);
    // the live folder holds exactly the files the restored manifest lists
    const partFiles = (await readdir(join(root, 'bars'), { recursive: true })).filter((p) => String(p).endsWith('.parquet'));
    expect(partFiles).toHaveLength(2);
    // writing after a restore never reuses a file name of the discarded state
    const w = await store.writeBars('SPY', '1m', bars(T0 + 200 * DAY, 2), LINEAGE);
    const previousNames = (await store.listSnapshots()).find((s) => s.id === previous)!.files.map((f) => f.path.replace(/^files\//, ''));
    expect(previousNames.length).toBeGreaterThan(3);
    for (const name of w.batch.files) expect(previousNames).not.toContain(name);
    // no temp folder is left behind by the snapshots
    expect((await readdir(join(root, '_snapshots'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('as of a data time: only bars closed by then, rows cut inside a straddling file; reference data whole', async () => {
    const input = bars(T0, 60);
    await store.writeBars('SPY', '1m', input, LINEAGE);
    await store.writeBars('SPY', '1h', bars(T0, 5, 3_600_000), LINEAGE);
    await store.writeQuotes('SPY', [0, 1, 2].map((i) => ({ ts: T0 + i * MIN, bid: 1, ask: 2, bid_size: 1, ask_size: 1 })), LINEAGE);
    await store.writeCalendarEvents([{ ts: T0 + 400 * DAY, id: 'later', type: 'FOMC', name: 'FOMC' }], LINEAGE);
    const at = T0 + 10 * MIN; // 1m bars starting at or before 09:39 have closed; the 09:30 1h bar has not
    const snap = await store.createSnapshot(at, 'cut');
    expect((await store.verifySnapshot(snap.id)).ok).toBe(true);
    const view = await openSnapshot(root, snap.id);
    const expected = input.filter((b) => b.start + MIN <= at).map((b) => b.start);
    expect(expected).toHaveLength(10);
    expect(Array.from((await view.getBars('SPY', '1m')).start)).toEqual(expected);
    await expect(view.getBars('SPY', '1h')).rejects.toThrow(/no bars stored for SPY 1h/);
    expect((await view.getQuotes('SPY')).map((q) => q.ts)).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
    expect(await view.getEvents()).toHaveLength(1);
    // the live store is untouched
    expect((await store.getBars('SPY', '1m')).length).toBe(60);
    expect(snap.rows).toBe(10 + 3 + 1);
  });

  it('createSnapshot rejects a bad `at` and label', async () => {
    await expect(store.createSnapshot(1.5)).rejects.toThrow(/at must be whole epoch milliseconds/);
    await expect(store.createSnapshot(undefined, 'x'.repeat(201))).rejects.toThrow(/label must be a string of at most 200 characters/);
  });
});

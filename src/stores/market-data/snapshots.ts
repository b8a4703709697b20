/**
 * Creating, verifying and listing snapshots (format: snapshot-format.ts).
 *
 * `createSnapshot(at, label)` captures the store's committed state. With `at`, it is the state
 * as of that instant in data time: bars that had closed by `at` (start + duration <= at) and
 * quotes, trades, chains, flow events and features with ts <= at; fundamentals and calendar
 * events are kept whole (they are schedules, known ahead of their date). Files entirely inside
 * the cut are hard-linked (no copy); a file straddling `at` is rewritten with the rows inside.
 * The folder is built under a temp name and renamed into place, so it appears complete or not
 * at all.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { timeframeMs } from '../../core/timeframe.ts';
import { fsyncDir, sha256File, writeFileAtomic } from '../../storage/atomic.ts';
import { ARCHIVE_SUFFIX, writeArchivedRecordFile, writeRecordFile } from './codec.ts';
import { MarketDataError, messageOf } from './errors.ts';
import { ensureDir, exists, linkOrCopy, walkFiles } from './fs-util.ts';
import type { KindSpec, StoredRecord } from './kind-spec.ts';
import { MANIFEST_FILE, SNAPSHOT_DIR } from './layout.ts';
import { parseManifest, type FileEntry, type Manifest, type Partition } from './manifest.ts';
import { readFileRecords } from './partition-io.ts';
import { KIND_SPECS } from './records/index.ts';
import {
  isSnapshotId,
  rootHashOf,
  SNAPSHOT_FILE,
  SNAPSHOT_FILES_DIR,
  SNAPSHOT_FORMAT,
  SnapshotSchema,
  snapshotId,
  type Snapshot,
  type SnapshotFile,
} from './snapshot-format.ts';

export function snapshotDir(root: string, id: string): string {
  if (!isSnapshotId(id)) throw new MarketDataError(`invalid snapshot id ${JSON.stringify(id)} (expected e.g. 20260131T210000123Z-0123456789ab)`);
  return join(root, SNAPSHOT_DIR, id);
}

/** Is a record of this partition visible at `at`? Undefined `at` keeps everything. */
function visibleAt(partition: Partition, at: number): (t: number) => boolean {
  if (partition.kind === 'fundamentals' || partition.kind === 'calendar') return () => true;
  const lag = partition.kind === 'bars' ? timeframeMs(partition.timeframe) : 0;
  return (t) => t + lag <= at;
}

async function cutFile(root: string, tmpDir: string, out: string, partition: Partition, file: FileEntry, at: number, keep: (t: number) => boolean): Promise<FileEntry | null> {
  const spec: KindSpec = KIND_SPECS[partition.kind];
  const { records, batches } = await readFileRecords({ dir: root }, spec, file);
  const kept: StoredRecord[] = [];
  const keptBatches: number[] = [];
  let outOfOrder = 0;
  for (let i = 0; i < records.length; i++) {
    if (keep(spec.time(records[i]))) {
      kept.push(records[i]);
      keptBatches.push(batches[i]);
    }
  }
  if (kept.length === 0) return null;
  if (file.outOfOrder > 0) outOfOrder = Math.min(file.outOfOrder, kept.length); // an upper bound: rows are not tagged individually
  const suffix = `-asof-${at}`;
  const name = file.name.endsWith(ARCHIVE_SUFFIX)
    ? file.name.slice(0, -ARCHIVE_SUFFIX.length) + suffix + ARCHIVE_SUFFIX
    : file.name.replace(/\.parquet$/, `${suffix}.parquet`);
  const path = join(out, SNAPSHOT_FILES_DIR, name);
  await ensureDir(join(path, '..'));
  const metadata = { 'tradeflow.store': 'market-data', 'tradeflow.kind': partition.kind, 'tradeflow.as_of': String(at) };
  if (file.tier === 'cold') await writeArchivedRecordFile(path, tmpDir, spec, kept, keptBatches, metadata);
  else await writeRecordFile(path, spec, kept, keptBatches, { metadata });
  return {
    ...file,
    name,
    rows: kept.length,
    minTs: spec.time(kept[0]),
    maxTs: spec.time(kept[kept.length - 1]),
    bytes: (await fsp.stat(path)).size,
    sha256: await sha256File(path),
    batches: [...new Set(keptBatches)].sort((a, b) => a - b),
    outOfOrder,
  };
}

export interface CreateSnapshotOptions {
  readonly at?: number;
  readonly label?: string;
}

/** Build a snapshot of `manifest` (the committed live state; call under the write lock). */
export async function createSnapshot(root: string, tmpDir: string, live: Manifest, options: CreateSnapshotOptions = {}): Promise<Snapshot> {
  const { at } = options;
  const label = options.label ?? '';
  if (at !== undefined && (typeof at !== 'number' || !Number.isInteger(at))) throw new MarketDataError(`createSnapshot: at must be whole epoch milliseconds, got ${String(at)}`);
  if (typeof label !== 'string' || label.length > 200) throw new MarketDataError('createSnapshot: label must be a string of at most 200 characters');
  const parent = join(root, SNAPSHOT_DIR);
  await ensureDir(parent);
  const temp = join(parent, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fsp.mkdir(temp);
  try {
    const manifest = structuredClone(live);
    let rows = 0;
    for (const [key, partition] of Object.entries(manifest.partitions)) {
      const keep = at === undefined ? () => true : visibleAt(partition, at);
      const files: FileEntry[] = [];
      for (const file of partition.files) {
        if (keep(file.maxTs)) {
          await linkOrCopy(join(root, file.name), join(temp, SNAPSHOT_FILES_DIR, file.name));
          files.push(file);
        } else if (keep(file.minTs)) {
          const cut = await cutFile(root, tmpDir, temp, partition, file, at!, keep);
          if (cut) files.push(cut);
        }
      }
      if (files.length === 0) delete manifest.partitions[key];
      else partition.files = files;
      rows += files.reduce((n, f) => n + f.rows, 0);
    }
    await writeFileAtomic(join(temp, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');
    const files: SnapshotFile[] = [];
    for (const path of await walkFiles(temp)) {
      files.push({ path, sha256: await sha256File(join(temp, path)), bytes: (await fsp.stat(join(temp, path))).size });
    }
    const rootHash = rootHashOf(files);
    const createdAt = new Date();
    const id = snapshotId(createdAt, rootHash);
    const snapshot: Snapshot = { format: SNAPSHOT_FORMAT, id, label, at: at ?? null, createdAt: createdAt.toISOString(), rootHash, storeGeneration: live.generation, rows, files };
    await writeFileAtomic(join(temp, SNAPSHOT_FILE), JSON.stringify(snapshot, null, 1) + '\n');
    await fsyncDirs(temp);
    await fsp.rename(temp, join(parent, id));
    await fsyncDir(parent);
    return snapshot;
  } catch (error) {
    await fsp.rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** fsync every folder under `dir` (the hard links and files created inside them). */
async function fsyncDirs(dir: string): Promise<void> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  for (const e of entries) if (e.isDirectory()) await fsyncDirs(join(dir, e.name));
  await fsyncDir(dir);
}

export async function readSnapshot(root: string, id: string): Promise<Snapshot> {
  const file = join(snapshotDir(root, id), SNAPSHOT_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      const known = await listSnapshotIds(root);
      throw new MarketDataError(`no snapshot ${id} in ${root}${known.length ? ` (snapshots: ${known.join(', ')})` : ' (no snapshots)'}`);
    }
    throw new MarketDataError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MarketDataError(`${file}: not valid JSON: ${messageOf(error)}`, { cause: error });
  }
  const parsed = SnapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MarketDataError(`${file}: invalid snapshot description at ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}

export interface Verification {
  readonly id: string;
  readonly ok: boolean;
  /** Each problem names the file (relative to the snapshot folder) and what is wrong. */
  readonly problems: string[];
  readonly snapshot: Snapshot | null;
  readonly files: number;
}

/** Recompute every file's SHA-256 and the root hash; list every mismatch, missing or extra file. */
export async function verifySnapshot(root: string, id: string): Promise<Verification> {
  const dir = snapshotDir(root, id);
  let snapshot: Snapshot;
  try {
    snapshot = await readSnapshot(root, id);
  } catch (error) {
    return { id, ok: false, problems: [messageOf(error)], snapshot: null, files: 0 };
  }
  const problems: string[] = [];
  if (snapshot.id !== id) problems.push(`${SNAPSHOT_FILE}: id is ${snapshot.id}, folder is ${id}`);
  if (!id.endsWith(snapshot.rootHash.slice(0, 12))) problems.push(`${SNAPSHOT_FILE}: root hash ${snapshot.rootHash} does not match the id`);
  const listed = new Map(snapshot.files.map((f) => [f.path, f]));
  const present = (await walkFiles(dir)).filter((p) => p !== SNAPSHOT_FILE);
  for (const p of present) if (!listed.has(p)) problems.push(`${p}: not part of the snapshot (extra file)`);
  const actual: SnapshotFile[] = [];
  for (const f of snapshot.files) {
    const path = join(dir, f.path);
    if (!(await exists(path))) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const sha256 = await sha256File(path);
    const bytes = (await fsp.stat(path)).size;
    if (sha256 !== f.sha256) problems.push(`${f.path}: SHA-256 is ${sha256}, expected ${f.sha256}`);
    else if (bytes !== f.bytes) problems.push(`${f.path}: ${bytes} bytes, expected ${f.bytes}`);
    actual.push({ path: f.path, sha256, bytes });
  }
  if (rootHashOf(snapshot.files) !== snapshot.rootHash) problems.push(`${SNAPSHOT_FILE}: root hash does not match its file list`);
  if (problems.length === 0) {
    // The manifest must list exactly the files of the snapshot, with the same hashes.
    try {
      const manifest = parseManifest(await fsp.readFile(join(dir, MANIFEST_FILE), 'utf8'), `${id}/${MANIFEST_FILE}`);
      const expected = new Set([MANIFEST_FILE]);
      for (const p of Object.values(manifest.partitions)) {
        for (const f of p.files) {
          const path = `${SNAPSHOT_FILES_DIR}/${f.name}`;
          expected.add(path);
          if (listed.get(path)?.sha256 !== f.sha256) problems.push(`${MANIFEST_FILE}: ${f.name} has SHA-256 ${f.sha256} in the manifest, ${listed.get(path)?.sha256 ?? 'no file'} in the snapshot`);
        }
      }
      for (const p of listed.keys()) if (!expected.has(p)) problems.push(`${p}: not listed by ${MANIFEST_FILE}`);
    } catch (error) {
      problems.push(messageOf(error));
    }
  }
  return { id, ok: problems.length === 0, problems, snapshot, files: snapshot.files.length };
}

export async function listSnapshotIds(root: string): Promise<string[]> {
  try {
    return (await fsp.readdir(join(root, SNAPSHOT_DIR))).filter(isSnapshotId).sort();
  } catch {
    return [];
  }
}

export async function listSnapshots(root: string): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for (const id of await listSnapshotIds(root)) out.push(await readSnapshot(root, id));
  return out;
}

/** The snapshot's manifest (call after verification). */
export async function readSnapshotManifest(root: string, id: string): Promise<Manifest> {
  return parseManifest(await fsp.readFile(join(snapshotDir(root, id), MANIFEST_FILE), 'utf8'), `${id}/${MANIFEST_FILE}`);
}

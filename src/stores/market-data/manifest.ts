/**
 * The manifest (`<root>/manifest.json`) is the store's commit point: a part file exists for
 * readers only once the manifest that lists it has been atomically replaced. It lists every
 * partition with its files (rows, time range, size, SHA-256, lineage batches, out-of-order
 * count, tier), every lineage batch, and the quarantine counters. Writers never edit a manifest
 * in place: they clone it, change the clone and commit it with writeFileAtomic.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../storage/atomic.ts';
import { MarketDataError, messageOf } from './errors.ts';
import { ensureDir } from './fs-util.ts';
import { MANIFEST_FILE, RECORD_KINDS, seriesKey, type SeriesId } from './layout.ts';

export const MANIFEST_FORMAT = 'tradeflow.market-data-store.v1';

const count = z.number().int().min(0);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest');
export const TierSchema = z.enum(['hot', 'warm', 'cold']);
export type Tier = z.infer<typeof TierSchema>;

export const FileEntrySchema = z.object({
  /** Path relative to the store root, with `/`. */
  name: z.string().min(1),
  rows: count,
  minTs: z.number().int(),
  maxTs: z.number().int(),
  bytes: count,
  sha256: Sha256,
  /** Lineage batches with rows in this file. */
  batches: z.array(count),
  /** Rows that arrived with a time earlier than the series' latest stored time. */
  outOfOrder: count,
  tier: TierSchema,
  createdAt: z.string(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const PartitionSchema = z.object({
  kind: z.enum(RECORD_KINDS),
  symbol: z.string().min(1),
  timeframe: z.string().min(1),
  period: z.string().regex(/^(\d{4}(-\d{2})?|all)$/),
  files: z.array(FileEntrySchema),
});
export type Partition = z.infer<typeof PartitionSchema>;

export const BatchSchema = z.object({
  id: count,
  kind: z.enum(RECORD_KINDS),
  symbol: z.string(),
  timeframe: z.string(),
  /** Where the records came from: a file path, a feed name. */
  source: z.string(),
  provider: z.string().optional(),
  ingestedAt: z.string(),
  timezone: z.string().optional(),
  received: count,
  stored: count,
  duplicates: count,
  rejected: count,
  outOfOrder: count,
  /** (stored + duplicates) / received: the share of records that passed validation. */
  validRatio: z.number().min(0).max(1),
  /** The provider's score when given, else validRatio. */
  quality: z.number().min(0).max(1),
  durationMs: z.number().min(0),
  files: z.array(z.string()),
  quarantineFile: z.string().optional(),
});
export type Batch = z.infer<typeof BatchSchema>;

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  /** Incremented by every commit. */
  generation: count,
  nextFile: z.number().int().min(1),
  nextBatch: z.number().int().min(1),
  updatedAt: z.string(),
  partitions: z.record(z.string(), PartitionSchema),
  batches: z.array(BatchSchema),
  quarantine: z.object({ total: count, byKind: z.record(z.string(), count) }),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export function emptyManifest(): Manifest {
  return {
    format: MANIFEST_FORMAT,
    generation: 0,
    nextFile: 1,
    nextBatch: 1,
    updatedAt: new Date(0).toISOString(),
    partitions: {},
    batches: [],
    quarantine: { total: 0, byKind: {} },
  };
}

/** Parse and validate manifest text; errors name the file and the field path. */
export function parseManifest(text: string, file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MarketDataError(`${file}: not valid JSON: ${messageOf(error)}`, { cause: error });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    throw new MarketDataError(`${file}: invalid manifest at ${at}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The store's manifest, or an empty one for a new store. A missing manifest next to existing
 * data folders is an error: treating that store as empty would hide (and a compaction would
 * delete) every file in it.
 */
export async function loadManifest(root: string): Promise<Manifest> {
  const file = join(root, MANIFEST_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new MarketDataError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
    const present = await dataFolders(root);
    if (present.length > 0) {
      throw new MarketDataError(
        `${file} is missing but ${root} holds data folders (${present.join(', ')}): refusing to treat the store as empty; restore the manifest or a snapshot`,
      );
    }
    return emptyManifest();
  }
  return parseManifest(text, file);
}

async function dataFolders(root: string): Promise<string[]> {
  try {
    const names = await fsp.readdir(root);
    return names.filter((n) => (RECORD_KINDS as readonly string[]).includes(n));
  } catch {
    return [];
  }
}

export async function saveManifest(root: string, manifest: Manifest): Promise<void> {
  await ensureDir(root);
  await writeFileAtomic(join(root, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');
}

/** A deep copy with the generation bumped, ready to be changed and committed. */
export function nextManifest(manifest: Manifest): Manifest {
  const copy = structuredClone(manifest);
  copy.generation += 1;
  copy.updatedAt = new Date().toISOString();
  return copy;
}

const seriesIndex = new WeakMap<Manifest, Map<string, Partition[]>>();

/** Partitions of a series, oldest period first (memoized per manifest object). */
export function partitionsOf(manifest: Manifest, series: SeriesId): readonly Partition[] {
  let index = seriesIndex.get(manifest);
  if (!index) {
    index = new Map();
    for (const p of Object.values(manifest.partitions)) {
      const key = seriesKey(p);
      let list = index.get(key);
      if (!list) index.set(key, (list = []));
      list.push(p);
    }
    for (const list of index.values()) list.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
    seriesIndex.set(manifest, index);
  }
  return index.get(seriesKey(series)) ?? [];
}

/** Every file of the manifest, with its partition. */
export function allFiles(manifest: Manifest): { partition: Partition; file: FileEntry }[] {
  const out: { partition: Partition; file: FileEntry }[] = [];
  for (const partition of Object.values(manifest.partitions)) for (const file of partition.files) out.push({ partition, file });
  return out;
}

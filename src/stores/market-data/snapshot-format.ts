/**
 * The snapshot folder format. `<root>/_snapshots/<id>/` holds:
 *   manifest.json   the store manifest of the snapshot (what restore commits)
 *   files/...       every part file it lists (hard links to the live files when possible)
 *   snapshot.json   id, label, `at`, and the SHA-256 and size of every other file, plus a
 *                   root hash over them
 * The root hash is SHA-256 over the lines `<path>\t<sha256>\t<bytes>\n` sorted by path, and the
 * id ends with its first 12 hex digits, so a tampered snapshot.json does not verify either.
 */
import { z } from 'zod';
import { sha256Hex } from '../../storage/atomic.ts';

export const SNAPSHOT_FORMAT = 'tradeflow.market-data-snapshot.v1';
export const SNAPSHOT_FILE = 'snapshot.json';
export const SNAPSHOT_FILES_DIR = 'files';

export const SnapshotFileSchema = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
});
export type SnapshotFile = z.infer<typeof SnapshotFileSchema>;

export const SnapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  id: z.string().regex(/^\d{8}T\d{9}Z-[0-9a-f]{12}$/),
  label: z.string(),
  /** Data cut-off (epoch ms): records visible at or before it; null = everything. */
  at: z.number().int().nullable(),
  createdAt: z.string(),
  rootHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Generation of the live manifest the snapshot was taken from. */
  storeGeneration: z.number().int().min(0),
  rows: z.number().int().min(0),
  files: z.array(SnapshotFileSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export function rootHashOf(files: readonly SnapshotFile[]): string {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => `${f.path}\t${f.sha256}\t${f.bytes}\n`);
  return sha256Hex(lines.join(''));
}

/** `20260131T210000123Z-<first 12 hex of the root hash>`. */
export function snapshotId(createdAt: Date, rootHash: string): string {
  const t = createdAt.toISOString().replace(/[-:.]/g, ''); // 20260131T210000123Z
  return `${t}-${rootHash.slice(0, 12)}`;
}

const ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{12}$/;
export function isSnapshotId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * The manifest of a run folder (`manifest.json`): which files hold which records, with
 * every file's SHA-256 and size. It is the commit point: a part file exists for readers
 * only once a manifest listing it has been atomically written; anything in the folder
 * that the manifest does not list is a leftover of an interrupted write and is removed by
 * recovery. The manifest carries its own checksum (over its compact JSON body), so a
 * damaged manifest is detected like any other file.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { sha256Hex, writeFileAtomic } from '../../storage/atomic.ts';
import { RESULT_FORMATS, type ResultFormat } from './config.ts';
import { CorruptFileError, describeIssues, errnoCode } from './errors.ts';
import { TABLE_KINDS } from './records.ts';

export const MANIFEST_FILE = 'manifest.json';

const count = z.number().int().nonnegative();
const FileEntrySchema = z.object({ file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: count }).strict();
export type FileEntry = z.infer<typeof FileEntrySchema>;

const PartSchema = z.object({
  first_seq: count,
  records: count,
  /** Journal segment it came from; null for a compacted (full) file. */
  segment: z.number().int().positive().nullable(),
  files: z.partialRecord(z.enum(RESULT_FORMATS), FileEntrySchema),
}).strict();
export type Part = z.infer<typeof PartSchema>;

const KindSchema = z.object({
  /** Records stored so far = the seq of the next one. */
  records: count,
  parts: z.array(PartSchema),
  /** When retention removed this data type's files (its records count is kept as history). */
  expired_at: z.string().nullable(),
}).strict();
export type KindEntry = z.infer<typeof KindSchema>;

export const ManifestSchema = z.object({
  version: z.literal(1),
  run_id: z.string(),
  mode: z.enum(['backtest', 'live']),
  /** open: still being written; complete: storeBacktestResults was applied and the parts compacted. */
  status: z.enum(['open', 'complete']),
  formats: z.array(z.enum(RESULT_FORMATS)).min(1),
  created_at: z.string(),
  updated_at: z.string(),
  /** Last journal segment whose records are in the files (0: none). */
  journal_applied: count,
  kinds: z.object({ performance: KindSchema, trades: KindSchema, events: KindSchema }).strict(),
  summary: z.object({ seq: count, final: z.boolean(), file: FileEntrySchema }).strict().nullable(),
  /** Summaries stored so far = the seq of the next one. */
  summary_records: count,
}).strict();
export type Manifest = z.infer<typeof ManifestSchema>;

export function emptyManifest(runId: string, mode: Manifest['mode'], formats: readonly ResultFormat[], now: Date): Manifest {
  const kind = (): KindEntry => ({ records: 0, parts: [], expired_at: null });
  return {
    version: 1, run_id: runId, mode, status: 'open', formats: [...formats],
    created_at: now.toISOString(), updated_at: now.toISOString(), journal_applied: 0,
    kinds: { performance: kind(), trades: kind(), events: kind() }, summary: null, summary_records: 0,
  };
}

/** Every file the manifest lists (relative to the run folder). */
export function listedFiles(m: Manifest): string[] {
  const files = [MANIFEST_FILE];
  for (const kind of TABLE_KINDS) for (const part of m.kinds[kind].parts) for (const f of Object.values(part.files)) if (f) files.push(f.file);
  if (m.summary) files.push(m.summary.file.file);
  return files;
}

/** The file's text: the checksum of the compact body, then the body, indented for people. */
export function manifestText(m: Manifest): string {
  const body = JSON.stringify(m);
  return `{\n  "sha256": "${sha256Hex(body)}",\n  "manifest": ${JSON.stringify(m, null, 2).replaceAll('\n', '\n  ')}\n}\n`;
}

export async function writeManifest(runDir: string, m: Manifest): Promise<number> {
  const text = manifestText(m);
  await writeFileAtomic(join(runDir, MANIFEST_FILE), text);
  return Buffer.byteLength(text);
}

/** The run's manifest, verified; null if the folder has none. */
export async function readManifest(runDir: string): Promise<Manifest | null> {
  const path = join(runDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
  let outer: unknown;
  try {
    outer = JSON.parse(text);
  } catch (error) {
    throw new CorruptFileError(path, `not valid JSON (truncated or damaged): ${(error as Error).message}`);
  }
  const shape = z.object({ sha256: z.string(), manifest: z.unknown() }).safeParse(outer);
  if (!shape.success) throw new CorruptFileError(path, `not a manifest: ${describeIssues(shape.error)}`);
  const actual = sha256Hex(JSON.stringify(shape.data.manifest));
  if (actual !== shape.data.sha256) throw new CorruptFileError(path, `checksum ${actual} does not match the recorded ${shape.data.sha256}`);
  const parsed = ManifestSchema.safeParse(shape.data.manifest);
  if (!parsed.success) throw new CorruptFileError(path, `invalid manifest: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

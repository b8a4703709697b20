/**
 * Turning journaled records into the run's files. A sealed journal segment becomes one
 * incremental part per data type and format (`parts/<kind>-<segment>.<ext>`), then a new
 * manifest listing them is written (the commit point), then the segment is deleted. Records
 * are placed by sequence number: those already in the files are skipped (exactly once, when
 * a segment is applied again after a crash), and a gap is an error, never a silent hole.
 *
 * When the final summary of a backtest has been applied, `completeRun` compacts each data
 * type's parts into one full file per format (`<kind>.<ext>`), marks the run complete and
 * removes the parts. Both steps are safe to interrupt at any point: files the manifest does
 * not list are leftovers that recovery deletes, and the step is simply done again.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, sha256Hex, writeFileAtomic } from '../../storage/atomic.ts';
import type { ResultFormat } from './config.ts';
import { CorruptFileError, errnoCode } from './errors.ts';
import type { DecodedFrame } from './frame.ts';
import { EXTENSION, readTable, writeTable } from './formats.ts';
import { writeManifest, type FileEntry, type Manifest, type Part } from './manifest.ts';
import { checkEvent, checkTrade, TABLE_KINDS, type EventRecord, type TableKind, type TradeRecord } from './records.ts';
import { SummaryRecordSchema, type SummaryFile } from './summary.ts';
import { concatTables, perfTable, recordTable, type Table } from './table.ts';

export const PARTS_DIR = 'parts';

export interface ApplyContext {
  readonly dir: string;
  readonly runId: string;
  /** Called for every file written (relative path), for events and status. */
  readonly wrote: (kind: string, file: string, records: number, bytes: number) => void;
}

export const partFile = (kind: TableKind, segment: number, format: ResultFormat) =>
  `${PARTS_DIR}/${kind}-${String(segment).padStart(8, '0')}.${EXTENSION[format]}`;
export const fullFile = (kind: TableKind, format: ResultFormat) => `${kind}.${EXTENSION[format]}`;
export const summaryFile = (segment: number) => `summary-${String(segment).padStart(8, '0')}.json`;

/** Applies the frames of journal segment `segment` (file `source`, for messages); returns the new manifest, already written. */
export async function applySegment(ctx: ApplyContext, manifest: Manifest, segment: number, frames: readonly DecodedFrame[], source: string): Promise<Manifest> {
  const next: Manifest = structuredClone(manifest);
  for (const kind of TABLE_KINDS) {
    const entry = next.kinds[kind];
    const table = tableOf(kind, frames.filter((f) => f.kind === kind), entry.records, source);
    if (!table || table.length === 0) continue;
    const files: Part['files'] = {};
    for (const format of next.formats) {
      const file = partFile(kind, segment, format);
      const written = await writeTable(join(ctx.dir, file), table, format);
      files[format] = { file, ...written };
      ctx.wrote(kind, file, table.length, written.bytes);
    }
    entry.parts.push({ first_seq: entry.records, records: table.length, segment, files });
    entry.records += table.length;
  }
  const replaced = await applySummaries(ctx, next, segment, frames.filter((f) => f.kind === 'summary'), source);
  next.journal_applied = segment;
  next.updated_at = new Date().toISOString();
  ctx.wrote('manifest', 'manifest.json', 0, await writeManifest(ctx.dir, next));
  if (replaced) await fsp.rm(join(ctx.dir, replaced), { force: true });
  return next;
}

/**
 * The records of one kind from its frames, starting at seq `from` (records below it are
 * already in the files); null if none are new. Throws on a gap.
 */
function tableOf(kind: TableKind, frames: readonly DecodedFrame[], from: number, source: string): Table | null {
  const tables: Table[] = [];
  let expect = from;
  for (const frame of frames) {
    const end = frame.firstSeq + frame.count;
    if (end <= expect) continue; // already applied
    if (frame.firstSeq > expect) throw new CorruptFileError(source, `${kind} records ${expect}..${frame.firstSeq - 1} are missing (frame starts at ${frame.firstSeq})`);
    const skip = expect - frame.firstSeq;
    let table: Table;
    if (frame.kind === 'performance') table = perfTable(frame.firstSeq, frame.columns);
    else {
      const records = frame.records.map((r, i) =>
        kind === 'trades' ? checkTrade(r, `${source} trades seq ${frame.firstSeq + i}`) : checkEvent(r, `${source} events seq ${frame.firstSeq + i}`));
      table = recordTable(kind as 'trades' | 'events', frame.firstSeq, records as (TradeRecord | EventRecord)[]);
    }
    tables.push(skip > 0 ? sliceTable(table, skip) : table);
    expect = end;
  }
  return tables.length === 0 ? null : concatTables(kind, tables);
}

function sliceTable(table: Table, from: number): Table {
  const columns: Record<string, unknown[]> = {};
  for (const [name, values] of Object.entries(table.columns)) columns[name] = Array.from(values).slice(from);
  return { kind: table.kind, length: table.length - from, columns };
}

/** Writes the latest new summary of the segment; returns the file it replaces (to delete after the manifest). */
async function applySummaries(ctx: ApplyContext, next: Manifest, segment: number, frames: readonly DecodedFrame[], source: string): Promise<string | null> {
  let latest: { seq: number; record: unknown } | null = null;
  for (const frame of frames) {
    if (frame.kind !== 'summary') continue;
    if (frame.firstSeq > next.summary_records) throw new CorruptFileError(source, `summary records ${next.summary_records}..${frame.firstSeq - 1} are missing`);
    frame.records.forEach((record, i) => {
      const seq = frame.firstSeq + i;
      if (seq >= next.summary_records && (latest === null || seq > latest.seq)) latest = { seq, record };
    });
  }
  if (latest === null) return null;
  const { seq, record } = latest as { seq: number; record: unknown };
  const parsed = SummaryRecordSchema.safeParse(record);
  if (!parsed.success) throw new CorruptFileError(source, `summary seq ${seq} is malformed`);
  const body: SummaryFile = { run_id: next.run_id, seq, ...parsed.data };
  const text = JSON.stringify(body, null, 2) + '\n';
  const file = summaryFile(segment);
  await writeFileAtomic(join(ctx.dir, file), text);
  const bytes = Buffer.byteLength(text);
  ctx.wrote('summary', file, 1, bytes);
  const replaced = next.summary && next.summary.file.file !== file ? next.summary.file.file : null;
  next.summary = { seq, final: parsed.data.final, file: { file, sha256: sha256Hex(text), bytes } };
  next.summary_records = seq + 1;
  if (parsed.data.mode === 'live') next.mode = 'live';
  return replaced;
}

/**
 * After a final summary: one full file per data type and format, the run marked complete,
 * the parts removed. Returns the manifest (unchanged if there is nothing to do).
 *
 * Cheap on purpose (it runs right after a backtest, and its garbage would land in the next
 * one's loop): a single part becomes the full file by a hard link; CSV and JSON Lines parts
 * are concatenated as bytes (each verified against its checksum on the way); only Parquet
 * with several parts is decoded and written again.
 */
export async function completeRun(ctx: ApplyContext, manifest: Manifest): Promise<Manifest> {
  if (manifest.status === 'complete' || !manifest.summary?.final) return manifest;
  const next: Manifest = structuredClone(manifest);
  const obsolete: string[] = [];
  for (const kind of TABLE_KINDS) {
    const entry = next.kinds[kind];
    if (entry.parts.length === 0 || entry.expired_at !== null) continue;
    const files: Part['files'] = {};
    for (const format of next.formats) {
      const file = fullFile(kind, format);
      const written = await compactFormat(ctx.dir, kind, entry.parts, format, file, next.formats);
      files[format] = { file, ...written };
      ctx.wrote(kind, file, entry.records - entry.parts[0].first_seq, written.bytes);
    }
    for (const part of entry.parts) for (const f of Object.values(part.files)) if (f) obsolete.push(f.file);
    entry.parts = [{ first_seq: entry.parts[0].first_seq, records: entry.records - entry.parts[0].first_seq, segment: null, files }];
  }
  await fsyncDir(ctx.dir);
  next.status = 'complete';
  next.updated_at = new Date().toISOString();
  ctx.wrote('manifest', 'manifest.json', 0, await writeManifest(ctx.dir, next));
  await Promise.all(obsolete.map((f) => fsp.rm(join(ctx.dir, f), { force: true })));
  return next;
}

async function compactFormat(dir: string, kind: TableKind, parts: readonly Part[], format: ResultFormat, file: string, formats: readonly ResultFormat[]): Promise<{ sha256: string; bytes: number }> {
  const target = join(dir, file);
  const sources = parts.map((p) => {
    const f = p.files[format];
    if (!f) throw new CorruptFileError(join(dir, 'manifest.json'), `${kind} part from seq ${p.first_seq} has no ${format} file`);
    return f;
  });
  if (sources.length === 1) {
    await fsp.rm(target, { force: true }); // an unlisted leftover of an interrupted compaction
    await linkOrCopy(join(dir, sources[0].file), target);
    return { sha256: sources[0].sha256, bytes: sources[0].bytes };
  }
  if (format === 'parquet') return writeTable(target, await readKind(dir, kind, parts, formats, 'parquet'), 'parquet');
  const pieces: Buffer[] = [];
  for (const [i, source] of sources.entries()) {
    const path = join(dir, source.file);
    const bytes = await fsp.readFile(path);
    if (bytes.length !== source.bytes || sha256Hex(bytes) !== source.sha256) throw new CorruptFileError(path, 'does not match its checksum in the manifest');
    // CSV parts each start with the header line: keep the first one only.
    pieces.push(format === 'csv' && i > 0 ? bytes.subarray(bytes.indexOf(0x0a) + 1) : bytes);
  }
  const bytes = Buffer.concat(pieces);
  await writeFileAtomic(target, bytes);
  return { sha256: sha256Hex(bytes), bytes: bytes.length };
}

/** A second name for a file (durable once the folder is fsynced); a copy where links are not supported. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await fsp.link(from, to);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') throw error;
    await writeFileAtomic(to, await fsp.readFile(from));
  }
}

/** Every row of a data type, read (and verified) from its parts in the most exact format available. */
export async function readKind(dir: string, kind: TableKind, parts: readonly Part[], formats: readonly ResultFormat[], format?: ResultFormat): Promise<Table> {
  const chosen = format ?? (['json', 'parquet', 'csv'] as const).find((f) => formats.includes(f))!;
  const tables: Table[] = [];
  let expect = parts[0]?.first_seq ?? 0;
  for (const part of parts) {
    const entry: FileEntry | undefined = part.files[chosen];
    if (!entry) throw new CorruptFileError(join(dir, 'manifest.json'), `${kind} part from seq ${part.first_seq} has no ${chosen} file`);
    const path = join(dir, entry.file);
    const table = await readTable(path, kind, chosen, entry);
    if (table.length !== part.records) throw new CorruptFileError(path, `${table.length} rows, the manifest says ${part.records}`);
    const seq = table.columns.seq;
    for (let i = 0; i < table.length; i++) {
      if (seq[i] !== expect + i) throw new CorruptFileError(path, `row ${i} has seq ${String(seq[i])}, expected ${expect + i}`);
    }
    if (part.first_seq !== expect) throw new CorruptFileError(path, `part starts at seq ${part.first_seq}, expected ${expect}`);
    expect += table.length;
    tables.push(table);
  }
  return concatTables(kind, tables);
}

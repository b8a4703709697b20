/**
 * What makes a sweep resumable: its folder records which chunks are finished, durably.
 *
 *   <dir>/sweep.json          identity: name, config hash, grid size, chunk size (written once)
 *   <dir>/parts/<chunk>.json  the rows of one finished chunk (written atomically)
 *   <dir>/journal.jsonl       one line per finished chunk: range, row count, SHA-256 of its part
 *
 * A chunk is committed by writing its part file atomically (temp, fsync, rename, fsync of the
 * folder), then appending its journal line and fsyncing the journal; only then is it
 * acknowledged. On restart a chunk counts as finished only if its journal line is whole, its
 * part file has that checksum, and the part holds exactly the chunk's combinations (index and
 * hash); anything else is computed again. A crash can lose at most the chunks in flight.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex, writeFileAtomic } from '../storage/atomic.ts';
import type { Chunk } from './chunks.ts';
import type { ChunkRow } from './results.ts';

export const SWEEP_MANIFEST = 'sweep.json';
export const JOURNAL_FILE = 'journal.jsonl';
export const PARTS_DIR = 'parts';
const FORMAT = 'tradeflow-sweep';
const FORMAT_VERSION = 1;

/** What a sweep folder belongs to: a folder never mixes two grids. */
export interface SweepIdentity {
  readonly name: string;
  readonly configHash: string;
  readonly combinations: number;
  readonly chunkSize: number;
  readonly engine: string;
  readonly parameters: readonly string[];
}

/** Per-chunk figures kept with its rows (for rates and reports). */
export interface ChunkStats {
  /** Sum over the chunk's combinations of (strategies traded x bars of each strategy's input). */
  readonly strategyBars: number;
  /** Wall time of the chunk in its worker, ms. */
  readonly ms: number;
}

interface JournalLine {
  readonly chunk: number;
  readonly start: number;
  readonly end: number;
  readonly rows: number;
  readonly sha256: string;
  readonly finished_at: string;
}

interface PartFile {
  readonly format: string;
  readonly config_hash: string;
  readonly chunk: number;
  readonly start: number;
  readonly end: number;
  readonly stats: ChunkStats;
  readonly rows: readonly ChunkRow[];
}

export class SweepFolderError extends Error {
  override name = 'SweepFolderError';
}

export const partFile = (chunk: number): string => `${String(chunk).padStart(6, '0')}.json`;

async function readText(path: string): Promise<string | null> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export class SweepJournal {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly identity: SweepIdentity,
  ) {}

  /**
   * Opens (creating if needed) the folder of a sweep. A folder that holds another sweep (other
   * config hash, grid size or chunk size), or other files and no sweep, is refused: nothing of
   * it is read or overwritten.
   */
  static async open(dir: string, identity: SweepIdentity): Promise<SweepJournal> {
    const manifestPath = join(dir, SWEEP_MANIFEST);
    const text = await readText(manifestPath);
    if (text !== null) {
      let found: Record<string, unknown>;
      try {
        found = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new SweepFolderError(`${manifestPath} is not valid JSON: remove the folder ${dir} or choose another one`);
      }
      const mismatch = [
        found.format !== FORMAT && `format ${String(found.format)}`,
        found.config_hash !== identity.configHash && `config hash ${String(found.config_hash).slice(0, 12)} (this sweep: ${identity.configHash.slice(0, 12)})`,
        found.combinations !== identity.combinations && `${String(found.combinations)} combinations (this sweep: ${identity.combinations})`,
        found.chunk_size !== identity.chunkSize && `chunk size ${String(found.chunk_size)} (this sweep: ${identity.chunkSize})`,
      ].filter(Boolean);
      if (mismatch.length > 0) throw new SweepFolderError(`${dir} holds another sweep (${mismatch.join('; ')}); choose another output folder`);
    } else {
      await fsp.mkdir(dir, { recursive: true });
      const foreign = (await fsp.readdir(dir)).filter((name) => name !== '.lock');
      if (foreign.length > 0) {
        throw new SweepFolderError(`${dir} is not empty and holds no sweep (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); choose a new or empty output folder`);
      }
      const manifest = {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        name: identity.name,
        config_hash: identity.configHash,
        combinations: identity.combinations,
        chunk_size: identity.chunkSize,
        engine: identity.engine,
        parameters: identity.parameters,
        created_at: new Date().toISOString(),
      };
      await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    }
    await fsp.mkdir(join(dir, PARTS_DIR), { recursive: true });
    const journal = new SweepJournal(dir, identity);
    await journal.endWithNewline();
    return journal;
  }

  private get journalPath(): string {
    return join(this.dir, JOURNAL_FILE);
  }

  /** A torn last line (a crash mid-append) is closed off, so the next line starts clean. */
  private async endWithNewline(): Promise<void> {
    const text = await readText(this.journalPath);
    if (text !== null && text.length > 0 && !text.endsWith('\n')) await fsp.appendFile(this.journalPath, '\n');
  }

  private async lines(): Promise<JournalLine[]> {
    const text = (await readText(this.journalPath)) ?? '';
    const lines: JournalLine[] = [];
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      try {
        const line = JSON.parse(raw) as JournalLine;
        if (Number.isSafeInteger(line.chunk) && typeof line.sha256 === 'string') lines.push(line);
      } catch {
        /* a torn line: that chunk was not acknowledged */
      }
    }
    return lines;
  }

  private async readPartChecked(chunk: Chunk, sha: string | null, hashes: (index: number) => string): Promise<PartFile | null> {
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(join(this.dir, PARTS_DIR, partFile(chunk.chunk)));
    } catch {
      return null;
    }
    if (sha !== null && sha256Hex(bytes) !== sha) return null;
    let part: PartFile;
    try {
      part = JSON.parse(bytes.toString('utf8')) as PartFile;
    } catch {
      return null;
    }
    if (part.format !== FORMAT || part.config_hash !== this.identity.configHash || part.chunk !== chunk.chunk || part.start !== chunk.start || part.end !== chunk.end) return null;
    if (!Array.isArray(part.rows) || part.rows.length !== chunk.end - chunk.start) return null;
    for (let i = 0; i < part.rows.length; i++) {
      const row = part.rows[i];
      if (row.index !== chunk.start + i || row.hash !== hashes(row.index) || typeof row.metrics !== 'object' || row.metrics === null) return null;
    }
    return part;
  }

  /**
   * The chunks finished by earlier runs, each checked (journal line, checksum, content);
   * `hashes(index)` is the expected hash of combination `index`.
   */
  async finishedChunks(chunks: readonly Chunk[], hashes: (index: number) => string): Promise<Map<number, ChunkStats>> {
    const journaled = new Map<number, string>();
    for (const line of await this.lines()) journaled.set(line.chunk, line.sha256);
    const finished = new Map<number, ChunkStats>();
    for (const chunk of chunks) {
      const sha = journaled.get(chunk.chunk);
      if (sha === undefined) continue;
      const part = await this.readPartChecked(chunk, sha, hashes);
      if (part) finished.set(chunk.chunk, part.stats);
    }
    return finished;
  }

  /** Makes a finished chunk durable (part file, then journal line); resolves once both are on disk. */
  commit(chunk: Chunk, rows: readonly ChunkRow[], stats: ChunkStats): Promise<void> {
    const run = async () => {
      const part: PartFile = { format: FORMAT, config_hash: this.identity.configHash, chunk: chunk.chunk, start: chunk.start, end: chunk.end, stats, rows };
      const text = JSON.stringify(part);
      await writeFileAtomic(join(this.dir, PARTS_DIR, partFile(chunk.chunk)), text);
      const line: JournalLine = { chunk: chunk.chunk, start: chunk.start, end: chunk.end, rows: rows.length, sha256: sha256Hex(text), finished_at: new Date().toISOString() };
      const handle = await fsp.open(this.journalPath, 'a');
      try {
        await handle.write(JSON.stringify(line) + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
    };
    // Commits are serialised: journal lines are whole and in commit order.
    const done = this.tail.then(run);
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** The rows of a committed chunk (checked again: a part changed since is an error, not a silent mix). */
  async readRows(chunk: Chunk, hashes: (index: number) => string): Promise<readonly ChunkRow[]> {
    const part = await this.readPartChecked(chunk, null, hashes);
    if (!part) throw new SweepFolderError(`${join(this.dir, PARTS_DIR, partFile(chunk.chunk))}: missing or damaged part of a finished chunk; run the sweep again to recompute it`);
    return part.rows;
  }
}

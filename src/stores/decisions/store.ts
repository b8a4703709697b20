/**
 * The DecisionStore: an audit trail of decisions, one JSON file per decision
 * (`decisions/<id>.json`, written atomically) and an index (index-log.ts) that makes `get`
 * a constant-time lookup and `list`/`count` work without touching the directory.
 *
 * Every change writes the decision file first and then appends to the index, so the index
 * never points at a file that is not there; a crash between the two leaves at most an
 * unindexed file (invisible, removed by rebuild() or wipe()). Writes are serialised, so
 * concurrent callers see each other's changes in call order.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex, writeFileAtomic } from '../../storage/atomic.ts';
import { CorruptFileError, describeIssues, errnoCode, StoreInputError } from '../results/errors.ts';
import { assertJson } from '../results/json.ts';
import { safeName } from '../results/names.ts';
import { appendIndex, indexText, replayIndex, type IndexEntry, type IndexLine } from './index-log.ts';
import {
  DecisionFilterSchema, DecisionInputSchema, DecisionPatchSchema, DecisionSchema,
  type Decision, type DecisionFilter, type DecisionInput, type DecisionPatch,
} from './schema.ts';

const DAY_MS = 86_400_000;
const INDEX = 'index.jsonl';
const FILES = 'decisions';

export interface DecisionStoreOpenReport {
  readonly decisions: number;
  /** Bytes of a torn last index line dropped at open (a change that was never acknowledged). */
  readonly tornBytes: number;
}

export class DecisionStore {
  /** id -> entry: the constant-time lookup. */
  private entries: Map<string, IndexEntry>;
  /** Entries sorted by (ts, id) ascending: lists walk it from the end (newest first). */
  private sorted: IndexEntry[];
  private indexLines: number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly root: string, replay: { entries: Map<string, IndexEntry>; lines: number }, readonly opened: DecisionStoreOpenReport) {
    this.entries = replay.entries;
    this.indexLines = replay.lines;
    this.sorted = [...replay.entries.values()].sort(compareEntries);
  }

  static async open(root: string): Promise<DecisionStore> {
    await fsp.mkdir(join(root, FILES), { recursive: true });
    const path = join(root, INDEX);
    const replay = await replayIndex(path);
    if (replay.tornBytes > 0) {
      // Cut the torn line off so the next append starts on a line of its own.
      const size = (await fsp.stat(path)).size;
      await fsp.truncate(path, size - replay.tornBytes);
    }
    return new DecisionStore(root, replay, { decisions: replay.entries.size, tornBytes: replay.tornBytes });
  }

  // ---- reading ----

  /** The decision with this id (verified against the index's checksum), or null. */
  async get(id: string): Promise<Decision | null> {
    const entry = this.entries.get(safeName(id, 'decision id', 'get'));
    return entry ? this.readFile(entry) : null;
  }

  /** Decisions matching the filter, newest first (by ts, then id), at most `limit`. */
  async list(filter: DecisionFilter = {}): Promise<Decision[]> {
    const matches = this.match(parseFilter(filter, 'list'));
    return Promise.all(matches.map((e) => this.readFile(e)));
  }

  count(filter: Omit<DecisionFilter, 'limit'> = {}): number {
    return this.match(parseFilter(filter, 'count')).length;
  }

  // ---- writing ----

  /** Saves a new decision (an id is generated if absent); resolves with it once durable. */
  save(input: DecisionInput): Promise<Decision> {
    return this.saveMany([input]).then((saved) => saved[0]);
  }

  /** Saves several decisions with one index append. */
  saveMany(inputs: readonly DecisionInput[]): Promise<Decision[]> {
    const decisions = inputs.map((input, i) => {
      const where = inputs.length === 1 ? 'save' : `saveMany[${i}]`;
      const parsed = DecisionInputSchema.safeParse(input);
      if (!parsed.success) throw new StoreInputError(where, describeIssues(parsed.error));
      if (parsed.data.context !== undefined) assertJson(parsed.data.context, where, 'context');
      return { ...parsed.data, id: parsed.data.id ?? newId(parsed.data.ts) } as Decision;
    });
    const ids = new Set<string>();
    for (const d of decisions) {
      if (ids.has(d.id)) throw new StoreInputError('saveMany', `decision id ${d.id} appears twice`);
      ids.add(d.id);
    }
    return this.serial(async () => {
      for (const d of decisions) if (this.entries.has(d.id)) throw new StoreInputError('save', `decision ${d.id} already exists (use update)`);
      const lines: IndexLine[] = [];
      for (const d of decisions) lines.push({ op: 'put', entry: await this.writeFile(d) });
      await this.commit(lines);
      return decisions;
    });
  }

  /** Changes fields of a decision (not its id); resolves with the new version, or null if there is none. */
  update(id: string, patch: DecisionPatch): Promise<Decision | null> {
    safeName(id, 'decision id', 'update');
    const parsed = DecisionPatchSchema.safeParse(patch);
    if (!parsed.success) throw new StoreInputError(`update(${id})`, describeIssues(parsed.error));
    if (parsed.data.context !== undefined) assertJson(parsed.data.context, `update(${id})`, 'context');
    return this.serial(async () => {
      const entry = this.entries.get(id);
      if (!entry) return null;
      const next = DecisionSchema.parse({ ...(await this.readFile(entry)), ...parsed.data, id });
      await this.commit([{ op: 'put', entry: await this.writeFile(next) }]);
      return next;
    });
  }

  /** Deletes a decision; resolves true if it existed. */
  delete(id: string): Promise<boolean> {
    safeName(id, 'decision id', 'delete');
    return this.serial(async () => {
      if (!this.entries.has(id)) return false;
      await this.remove([id]);
      return true;
    });
  }

  /** Deletes decisions taken more than `maxAgeDays` before `now`; resolves with how many. */
  cleanup(maxAgeDays: number, now = Date.now()): Promise<number> {
    if (!(typeof maxAgeDays === 'number' && maxAgeDays >= 0 && Number.isFinite(maxAgeDays))) {
      throw new StoreInputError('cleanup', `maxAgeDays must be a non-negative number, got ${String(maxAgeDays)}`);
    }
    const cutoff = now - maxAgeDays * DAY_MS;
    return this.serial(async () => {
      const old = this.sorted.filter((e) => e.ts < cutoff).map((e) => e.id);
      await this.remove(old);
      return old.length;
    });
  }

  /** Deletes everything, unindexed leftovers included. */
  wipe(): Promise<void> {
    return this.serial(async () => {
      await writeFileAtomic(join(this.root, INDEX), '');
      this.reset(new Map(), 0);
      await fsp.rm(join(this.root, FILES), { recursive: true, force: true });
      await fsp.mkdir(join(this.root, FILES), { recursive: true });
    });
  }

  /**
   * Recreates the index from the decision files (a repair after the index was damaged):
   * the one operation that scans the directory. Files that fail validation are reported
   * and left out. Resolves with the number of decisions indexed.
   */
  rebuild(): Promise<{ indexed: number; rejected: { file: string; error: string }[] }> {
    return this.serial(async () => {
      const entries = new Map<string, IndexEntry>();
      const rejected: { file: string; error: string }[] = [];
      for (const name of (await fsp.readdir(join(this.root, FILES))).sort()) {
        if (!name.endsWith('.json') || name.startsWith('.')) continue;
        const file = join(this.root, FILES, name);
        try {
          const bytes = await fsp.readFile(file);
          const decision = parseDecision(bytes, file);
          if (`${decision.id}.json` !== name) throw new Error(`holds decision ${decision.id}`);
          entries.set(decision.id, entryOf(decision, bytes));
        } catch (error) {
          rejected.push({ file, error: (error as Error).message });
        }
      }
      await writeFileAtomic(join(this.root, INDEX), indexText(entries.values()));
      this.reset(entries, entries.size);
      return { indexed: entries.size, rejected };
    });
  }

  // ---- internals ----

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private match(f: DecisionFilter): IndexEntry[] {
    const out: IndexEntry[] = [];
    const limit = f.limit ?? Infinity;
    for (let i = this.sorted.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.sorted[i];
      if (f.to !== undefined && e.ts >= f.to) continue;
      if (f.from !== undefined && e.ts < f.from) break; // sorted by ts: nothing older can match
      if (f.symbol !== undefined && e.symbol !== f.symbol) continue;
      if (f.strategyId !== undefined && e.strategyId !== f.strategyId) continue;
      if (f.runId !== undefined && e.runId !== f.runId) continue;
      if (f.outcome !== undefined && e.outcome !== f.outcome) continue;
      out.push(e);
    }
    return out;
  }

  private path(id: string): string {
    return join(this.root, FILES, `${id}.json`);
  }

  private async writeFile(d: Decision): Promise<IndexEntry> {
    const bytes = Buffer.from(JSON.stringify(d, null, 2) + '\n', 'utf8');
    await writeFileAtomic(this.path(d.id), bytes);
    return entryOf(d, bytes);
  }

  private async readFile(entry: IndexEntry): Promise<Decision> {
    const file = this.path(entry.id);
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(file);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw new CorruptFileError(file, 'indexed but missing');
      throw error;
    }
    const sha = sha256Hex(bytes);
    if (sha !== entry.sha256) throw new CorruptFileError(file, `SHA-256 ${sha} does not match the index's ${entry.sha256}`);
    return parseDecision(bytes, file);
  }

  private async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.commit(ids.map((id) => ({ op: 'del', id })));
    await Promise.all(ids.map((id) => fsp.rm(this.path(id), { force: true })));
  }

  /** Appends to the index (durable), then applies the lines in memory; compacts when mostly dead. */
  private async commit(lines: readonly IndexLine[]): Promise<void> {
    await appendIndex(join(this.root, INDEX), lines);
    this.indexLines += lines.length;
    for (const line of lines) {
      if (line.op === 'put') {
        const old = this.entries.get(line.entry.id);
        if (old) this.sorted.splice(this.position(old), 1);
        this.entries.set(line.entry.id, line.entry);
        this.sorted.splice(insertionPoint(this.sorted, line.entry), 0, line.entry);
      } else {
        const old = this.entries.get(line.id);
        if (!old) continue;
        this.sorted.splice(this.position(old), 1);
        this.entries.delete(line.id);
      }
    }
    if (this.indexLines > 1000 && this.indexLines > 2 * this.entries.size) {
      await writeFileAtomic(join(this.root, INDEX), indexText(this.sorted));
      this.indexLines = this.entries.size;
    }
  }

  private position(entry: IndexEntry): number {
    const at = insertionPoint(this.sorted, entry);
    for (let i = Math.max(0, at - 1); i < this.sorted.length && i <= at; i++) if (this.sorted[i].id === entry.id) return i;
    throw new Error(`decision index out of step for ${entry.id}`);
  }

  private reset(entries: Map<string, IndexEntry>, lines: number): void {
    this.entries = entries;
    this.sorted = [...entries.values()].sort(compareEntries);
    this.indexLines = lines;
  }
}

function parseFilter(filter: unknown, where: string): DecisionFilter {
  const parsed = DecisionFilterSchema.safeParse(filter);
  if (!parsed.success) throw new StoreInputError(where, describeIssues(parsed.error));
  return parsed.data;
}

function parseDecision(bytes: Buffer, file: string): Decision {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CorruptFileError(file, `not valid JSON: ${(error as Error).message}`);
  }
  const parsed = DecisionSchema.safeParse(raw);
  if (!parsed.success) throw new CorruptFileError(file, `not a decision: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function entryOf(d: Decision, bytes: Buffer): IndexEntry {
  return { id: d.id, ts: d.ts, symbol: d.symbol, strategyId: d.strategyId, runId: d.runId ?? null, outcome: d.outcome, sha256: sha256Hex(bytes), bytes: bytes.length };
}

function compareEntries(a: IndexEntry, b: IndexEntry): number {
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** First index whose entry sorts after `e` (binary search). */
function insertionPoint(sorted: readonly IndexEntry[], e: IndexEntry): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEntries(sorted[mid], e) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A sortable, unique id: the decision time in base 36 and 48 random bits. */
function newId(ts: number): string {
  return `d-${ts.toString(36)}-${randomBytes(6).toString('hex')}`;
}

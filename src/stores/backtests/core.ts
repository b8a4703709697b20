/**
 * The state of one store root in this process, shared by every BacktestStore opened on it:
 * the DuckDB file (db.ts), and an in-memory index of every stored backtest, loaded on open.
 *
 * Why an index: a DuckDB round trip on an open connection measured ~0.7 ms for a point lookup
 * on 10,000 rows (and ~10 ms when the file must be opened first), too close to the 1 ms goal
 * of `get`; the index answers `get`, `bulkGet`, `getAll` and the summary part of
 * `getDetailed` from memory. `query` runs its filters and sort in DuckDB and maps the ids it
 * returns through the index.
 *
 * Freshness across processes: every write bumps `meta.seq` in its transaction, and after its
 * commit rewrites the file `generation` (atomically). Before answering, a store compares that
 * file's identity (inode, size, mtime) with the one it last saw (one stat, ~10 µs); when it
 * changed, it reads the rows and deletions with seq above its own.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database, type DatabaseOptions } from './db.ts';
import { entryFromRow, keyOf, paramsKeyOf, type Entry } from './rows.ts';

export const DB_FILE = 'backtests.duckdb';
export const GENERATION_FILE = 'generation';

export class StoreCore {
  readonly db: Database;
  readonly byId = new Map<string, Entry>();
  /** Entries per lookup key, in seq order (the latest last). */
  readonly byKey = new Map<string, Entry[]>();
  /** The same without the exit rule: `get` without one (the scanner). */
  readonly byParams = new Map<string, Entry[]>();
  private seq = 0;
  private seenGeneration = '';
  refs = 0;

  constructor(readonly root: string, options: DatabaseOptions) {
    this.db = new Database(join(root, DB_FILE), options);
  }

  private generationIdentity(): string {
    const st = statSync(join(this.root, GENERATION_FILE), { bigint: true, throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : 'none';
  }

  /** Loads what other processes stored or deleted since the last look (cheap when nothing changed). */
  async refresh(force = false): Promise<void> {
    const identity = this.generationIdentity();
    if (!force && identity === this.seenGeneration) return;
    await this.db.run('ro', async (c) => {
      // Identity first: a write landing after this point changes it again and is seen next time.
      const now = this.generationIdentity();
      await this.catchUp(c, Number.MAX_SAFE_INTEGER);
      this.seenGeneration = now;
    });
  }

  /** Applies rows and deletions with seq in (this.seq, upTo], then sets this.seq to the stored seq (capped at upTo). */
  async catchUp(c: DuckDBConnection, upTo: number): Promise<void> {
    const stored = Number((await c.runAndReadAll(`SELECT value FROM meta WHERE key = 'seq'`)).getRowObjectsJS()[0]?.value ?? 0);
    const target = Math.min(stored, upTo);
    if (target <= this.seq) return;
    const rows = (await c.runAndReadAll('SELECT * FROM backtests WHERE seq > $1 AND seq <= $2 ORDER BY seq', [this.seq, target])).getRowObjectsJS();
    for (const r of rows) this.add(entryFromRow(r));
    const deleted = (await c.runAndReadAll('SELECT id FROM deletions WHERE seq > $1 AND seq <= $2', [this.seq, target])).getRowObjectsJS();
    for (const d of deleted) this.remove(d.id as string);
    this.seq = target;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** After this process's own write (inside its transaction's operation): adopt its entries. */
  adopt(entries: readonly Entry[], deletedIds: readonly string[], seq: number): void {
    for (const e of entries) this.add(e);
    for (const id of deletedIds) this.remove(id);
    this.seq = seq;
  }

  /**
   * Tells other processes (and stores) that the store changed; called after a commit. A new
   * file renamed over the old one (a new inode, seen by the next stat). Not fsynced: it is a
   * signal between running processes, not data; after a power loss every store reopens and
   * loads everything anyway.
   */
  async bumpGeneration(): Promise<void> {
    const temp = join(this.root, `.${GENERATION_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await writeFile(temp, `${this.seq}\n`);
    await rename(temp, join(this.root, GENERATION_FILE));
    // This process is up to date with its own write; later writes by others change the identity again.
    this.seenGeneration = this.generationIdentity();
  }

  add(e: Entry): void {
    if (this.byId.has(e.summary.id)) return;
    this.byId.set(e.summary.id, e);
    push(this.byKey, keyOf(e.summary), e);
    push(this.byParams, paramsKeyOf(e.summary), e);
  }

  remove(id: string): boolean {
    const e = this.byId.get(id);
    if (!e) return false;
    this.byId.delete(id);
    drop(this.byKey, keyOf(e.summary), e);
    drop(this.byParams, paramsKeyOf(e.summary), e);
    return true;
  }
}

function push(map: Map<string, Entry[]>, key: string, e: Entry): void {
  const list = map.get(key);
  if (!list) return void map.set(key, [e]);
  list.push(e);
  if (list.length > 1 && list[list.length - 2].seq > e.seq) list.sort((a, b) => a.seq - b.seq);
}

function drop(map: Map<string, Entry[]>, key: string, e: Entry): void {
  const list = map.get(key);
  if (!list) return;
  const rest = list.filter((x) => x !== e);
  if (rest.length > 0) map.set(key, rest);
  else map.delete(key);
}

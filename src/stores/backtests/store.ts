/**
 * BacktestStore: one central store of every backtest (docs/backtest-store.md).
 *
 *   <root>/backtests.duckdb        metadata, parameters and metrics (table backtests, backtest_params, deletions, meta)
 *   <root>/equity/<batch>.parquet  equity curves of one stored batch (backtest_id, ts, equity)
 *   <root>/trades/<batch>.parquet  trades of one stored batch (backtest_id + a run's trade columns)
 *   <root>/generation              rewritten after each committed write (freshness across processes)
 *
 * A store call is acknowledged only after its Parquet files were written durably and then its
 * rows committed; a crash in between leaves at most unreferenced files, never a row pointing at
 * a missing file. Deleting removes the rows; the files keep the deleted rows until compacted.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { canonicalJson } from '../../core/canonical-json.ts';
import { StoreCore } from './core.ts';
import { drawdownOf, newBatchId, type FileRange, readEquity, readTrades, removeBatchFiles, writeEquityBatch, writeTradesBatch } from './files.ts';
import { exitRuleHashOf, normalizeExitRule, paramHashOf } from './hash.ts';
import { buildQuery } from './query-sql.ts';
import { appendBacktest, appendParams, copySummary, lookupKey, paramsKey, summaryOf, type Entry } from './rows.ts';
import {
  BacktestFiltersSchema, BacktestInputSchema, ExitRuleSchema, IdSchema, LimitSchema, OffsetSchema, ParamsSchema, parseInput, SortSchema,
  BacktestStoreInputError,
  type BacktestDetail, type BacktestFilters, type BacktestInput, type BacktestSort, type BacktestSummary, type ExitRule, type ParsedBacktest,
} from './schema.ts';

export interface BacktestStoreOptions {
  /** The store folder (created if missing). */
  readonly root: string;
  /** Give up on a database file locked by another process after this long (default 15,000 ms). */
  readonly lockTimeoutMs?: number;
  /** Let go of the database file after this long without operations (default 200 ms). */
  readonly idleCloseMs?: number;
}

const OptionsSchema = z.strictObject({
  root: z.string().min(1),
  lockTimeoutMs: z.int().nonnegative().max(3_600_000).optional(),
  idleCloseMs: z.int().nonnegative().max(3_600_000).optional(),
});

/** Every open root of this process, shared by the stores opened on it. */
const cores = new Map<string, StoreCore>();

export class BacktestStoreClosedError extends Error {
  override name = 'BacktestStoreClosedError';
}

let idCounter = 0;
/**
 * `bt-<8 random hex><creation ms, base 36><4 hex counter>`: unique (random, time and a
 * per-process counter). The random part comes first (it once kept the Parquet writer's per-row
 * min/max comparisons of backtest_id short; that column is now written without statistics,
 * see files.ts); the form stays so that ids already stored and new ones look alike.
 */
function newId(now: number): string {
  idCounter = (idCounter + 1) % 0x10000;
  return `bt-${randomBytes(4).toString('hex')}${now.toString(36)}${idCounter.toString(16).padStart(4, '0')}`;
}

async function inTransaction<T>(c: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await c.run('BEGIN TRANSACTION');
  try {
    const out = await fn();
    await c.run('COMMIT');
    return out;
  } catch (error) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function storedSeq(c: DuckDBConnection): Promise<number> {
  return Number((await c.runAndReadAll(`SELECT value FROM meta WHERE key = 'seq'`)).getRowObjectsJS()[0]?.value ?? 0);
}

export class BacktestStore {
  private closed = false;

  private constructor(private readonly core: StoreCore) {}

  /** Opens (creating if needed) the store at `root` and loads its index. */
  static async open(options: BacktestStoreOptions): Promise<BacktestStore> {
    const o = parseInput(OptionsSchema, options, 'BacktestStore.open(options)');
    const root = resolve(o.root);
    // Looked up and counted without an await in between: one core (one database handle) per root.
    let core = cores.get(root);
    if (!core) {
      core = new StoreCore(root, { lockTimeoutMs: o.lockTimeoutMs ?? 15_000, idleCloseMs: o.idleCloseMs ?? 200 });
      cores.set(root, core);
    }
    core.refs++;
    try {
      await mkdir(root, { recursive: true });
      await core.refresh();
    } catch (error) {
      await releaseCore(core);
      throw error;
    }
    return new BacktestStore(core);
  }

  get root(): string {
    return this.core.root;
  }

  /** Closes this handle; the database file is released when the last store of this process on the root closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await releaseCore(this.core);
  }

  private check(): void {
    if (this.closed) throw new BacktestStoreClosedError(`backtest store ${this.core.root} is closed`);
  }

  /** Stores one backtest; resolves with its summary (and id) once it is durable. */
  async store(backtest: BacktestInput): Promise<BacktestSummary> {
    this.check();
    const parsed = parseInput(BacktestInputSchema, backtest, 'store(backtest)');
    return (await this.write([parsed]))[0];
  }

  /** Stores many backtests as one batch: one Parquet file each for equity and trades, one transaction. */
  async storeMany(backtests: BacktestInput[]): Promise<BacktestSummary[]> {
    this.check();
    if (!Array.isArray(backtests)) throw new BacktestStoreInputError('storeMany(backtests): expected an array of backtests');
    const parsed = backtests.map((b, i) => parseInput(BacktestInputSchema, b, `storeMany(backtests)[${i}]`));
    if (parsed.length === 0) return [];
    return this.write(parsed);
  }

  private async write(parsed: ParsedBacktest[]): Promise<BacktestSummary[]> {
    const core = this.core;
    const now = Date.now();
    const summaries = parsed.map((b) => summaryOf(b, newId(now), now));
    const batch = newBatchId();
    // Files first, durably, outside the database lock; rows only after.
    const written = await Promise.allSettled([
      writeEquityBatch(core.root, batch, parsed.map((b, i) => ({ id: summaries[i].id, ts: b.equity.ts, equity: b.equity.equity }))),
      writeTradesBatch(core.root, batch, parsed.map((b, i) => ({ id: summaries[i].id, trades: b.trades }))),
    ]);
    const fileOf = (r: PromiseSettledResult<FileRange[]>) => (r.status === 'fulfilled' ? (r.value.find((x) => x.file)?.file ?? null) : null);
    const files = written.map(fileOf);
    const failed = written.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await removeBatchFiles(core.root, files).catch(() => undefined);
      throw failed.reason;
    }
    const [equity, trades] = written.map((r) => (r as PromiseFulfilledResult<FileRange[]>).value);
    try {
      return await core.db.run('rw', async (c) => {
        const entries = await inTransaction(c, async () => {
          const before = await storedSeq(c);
          await core.catchUp(c, before);
          const list: Entry[] = summaries.map((summary, i) => ({ summary, seq: before + 1 + i, equity: equity[i], trades: trades[i] }));
          const rows = await c.createAppender('backtests');
          for (const e of list) appendBacktest(rows, e);
          rows.closeSync();
          const params = await c.createAppender('backtest_params');
          for (const e of list) appendParams(params, e.summary);
          params.closeSync();
          await c.run(`UPDATE meta SET value = $1 WHERE key = 'seq'`, [String(before + list.length)]);
          return list;
        });
        core.adopt(entries, [], entries[entries.length - 1].seq);
        await core.bumpGeneration();
        return entries.map((e) => copySummary(e.summary));
      });
    } catch (error) {
      await removeBatchFiles(core.root, files).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The latest stored backtest of this (symbol, strategy, params, exit rule), or null. `symbol`
   * joins several symbols with ','; `params` are compared by hash (key order does not matter,
   * types do); without an exit rule, the latest whatever its exit rule.
   */
  async get(symbol: string, strategy: string, params: Record<string, unknown>, exitRule?: ExitRule): Promise<BacktestSummary | null> {
    this.check();
    const s = parseInput(z.string().min(1), symbol, 'get(symbol)');
    const st = parseInput(z.string().min(1), strategy, 'get(strategy)');
    const hash = paramHashOf(parseInput(ParamsSchema, params, 'get(params)'));
    const key = exitRule === undefined
      ? paramsKey(s, st, hash)
      : lookupKey(s, st, hash, exitRuleHashOf(normalizeExitRule(parseInput(ExitRuleSchema, exitRule, 'get(exitRule)'))));
    await this.core.refresh();
    const list = (exitRule === undefined ? this.core.byParams : this.core.byKey).get(key);
    return list && list.length > 0 ? copySummary(list[list.length - 1].summary) : null;
  }

  /**
   * Backtests matching every filter, sorted (default: newest first; nulls last, ties newest
   * first), then `offset` skipped and at most `limit` returned.
   */
  async query(filters: BacktestFilters = {}, sort?: BacktestSort, limit?: number, offset?: number): Promise<BacktestSummary[]> {
    this.check();
    const f = parseInput(BacktestFiltersSchema, filters, 'query(filters)');
    const so = sort === undefined ? undefined : parseInput(SortSchema, sort, 'query(sort)');
    const l = parseInput(LimitSchema, limit, 'query(limit)');
    const o = parseInput(OffsetSchema, offset, 'query(offset)');
    const { sql, values } = buildQuery(f, so, l, o);
    const core = this.core;
    await core.refresh();
    const ids = await core.db.run('ro', async (c) => {
      const rows = (await c.runAndReadAll(sql, values)).getRows();
      return rows.map((r) => r[0] as string);
    });
    if (ids.some((id) => !core.byId.has(id))) await core.refresh(true);
    const out: BacktestSummary[] = [];
    for (const id of ids) {
      const e = core.byId.get(id);
      if (e) out.push(copySummary(e.summary));
    }
    return out;
  }

  /** How many backtests match the filters (for paging). */
  async count(filters: BacktestFilters = {}): Promise<number> {
    this.check();
    const f = parseInput(BacktestFiltersSchema, filters, 'count(filters)');
    const { sql, values } = buildQuery(f, undefined, undefined, undefined, true);
    await this.core.refresh();
    return this.core.db.run('ro', async (c) => Number((await c.runAndReadAll(sql, values)).getRows()[0][0]));
  }

  /** The stored backtests among `ids`, in the order asked (unknown or deleted ids are left out). */
  async bulkGet(ids: string[]): Promise<BacktestSummary[]> {
    this.check();
    const list = parseInput(z.array(IdSchema), ids, 'bulkGet(ids)');
    await this.core.refresh();
    const out: BacktestSummary[] = [];
    for (const id of list) {
      const e = this.core.byId.get(id);
      if (e) out.push(copySummary(e.summary));
    }
    return out;
  }

  /** Every stored backtest, oldest first. */
  async getAll(): Promise<BacktestSummary[]> {
    this.check();
    await this.core.refresh();
    return [...this.core.byId.values()].sort((a, b) => a.seq - b.seq).map((e) => copySummary(e.summary));
  }

  /** The summary, the equity curve with its drawdown, and the trades of one backtest; null if unknown. */
  async getDetailed(id: string): Promise<BacktestDetail | null> {
    this.check();
    const key = parseInput(IdSchema, id, 'getDetailed(id)');
    await this.core.refresh();
    const e = this.core.byId.get(key);
    if (!e) return null;
    const [curve, trades] = await Promise.all([readEquity(this.core.root, key, e.equity), readTrades(this.core.root, key, e.trades)]);
    return { summary: copySummary(e.summary), equity: { ...curve, drawdown: drawdownOf(curve.equity) }, trades };
  }

  /** Deletes one backtest's rows; true if it was stored. Its Parquet rows stay until compaction. */
  async delete(id: string): Promise<boolean> {
    this.check();
    const key = parseInput(IdSchema, id, 'delete(id)');
    const core = this.core;
    return core.db.run('rw', async (c) => {
      const deleted = await inTransaction(c, async () => {
        const before = await storedSeq(c);
        await core.catchUp(c, before);
        const n = Number((await c.runAndReadAll('DELETE FROM backtests WHERE id = $1 RETURNING id', [key])).getRows().length);
        if (n === 0) return false;
        await c.run('DELETE FROM backtest_params WHERE backtest_id = $1', [key]);
        await c.run('INSERT INTO deletions VALUES ($1, $2, $3)', [key, before + 1, Date.now()]);
        await c.run(`UPDATE meta SET value = $1 WHERE key = 'seq'`, [String(before + 1)]);
        return true;
      });
      if (!deleted) return false;
      core.adopt([], [key], core.lastSeq + 1);
      await core.bumpGeneration();
      return true;
    });
  }

  /** Sweeps with stored backtests and how many each has, by sweep id. */
  async sweeps(): Promise<{ sweepId: string; count: number }[]> {
    this.check();
    await this.core.refresh();
    const counts = new Map<string, number>();
    for (const e of this.core.byId.values()) {
      const s = e.summary.sweepId;
      if (s !== null) counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sweepId, count]) => ({ sweepId, count }));
  }

  /** How many backtests are stored. */
  async size(): Promise<number> {
    this.check();
    await this.core.refresh();
    return this.core.byId.size;
  }
}

async function releaseCore(core: StoreCore): Promise<void> {
  core.refs--;
  if (core.refs > 0) return;
  await core.db.close();
  // Reopened while closing: it stays (the file reopens on its next operation).
  if (core.refs === 0 && cores.get(core.root) === core) cores.delete(core.root);
}

/** The canonical JSON of a param value as stored in backtest_params.value (for SQL users and tests). */
export function paramValueJson(value: unknown): string {
  return canonicalJson(value);
}

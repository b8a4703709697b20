/**
 * The DuckDB file of a backtest store, shared by every BacktestStore of this process that
 * opened the same root, and by other processes through DuckDB's file lock.
 *
 * DuckDB lets one process hold a database file for writing (or several for reading). So the
 * file is not held for the life of the store: an operation opens it in the mode it needs
 * (read-only for reads, read-write for writes), and it is closed again after `idleCloseMs`
 * without operations, which lets a UI server and a CLI run share one store. An open that finds
 * the file locked by another process is retried with back-off for up to `lockTimeoutMs`, then
 * fails with an error naming the file. Inside this process, operations run one at a time (a
 * queue), and a second open of the same file is never attempted.
 */
import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export type AccessMode = 'ro' | 'rw';

export interface DatabaseOptions {
  /** Give up on a file locked by another process after this long (default 15 s). */
  readonly lockTimeoutMs: number;
  /** Close the file after this long without operations (default 200 ms; 0 closes after each operation). */
  readonly idleCloseMs: number;
}

/** The file stayed locked by another process for longer than `lockTimeoutMs`. */
export class BacktestStoreLockedError extends Error {
  override name = 'BacktestStoreLockedError';
  constructor(readonly file: string, waitedMs: number, cause: unknown) {
    super(
      `backtest store ${file} is locked by another process (waited ${Math.round(waitedMs)} ms): ${(cause as Error).message}`,
      { cause },
    );
  }
}

const LOCK_ERROR = /Could not set lock on file|Conflicting lock is held/i;

export function isLockError(error: unknown): boolean {
  return error instanceof Error && LOCK_ERROR.test(error.message);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Schema of the store; `version` in the meta table. */
export const SCHEMA_VERSION = '1';

export const SCHEMA_SQL = [
  `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS backtests (
    id VARCHAR PRIMARY KEY,
    seq BIGINT NOT NULL,
    symbol VARCHAR NOT NULL,
    symbols VARCHAR[] NOT NULL,
    timeframe VARCHAR NOT NULL,
    strategy VARCHAR NOT NULL,
    params JSON NOT NULL,
    param_hash VARCHAR NOT NULL,
    exit_rule JSON NOT NULL,
    exit_rule_type VARCHAR NOT NULL,
    exit_rule_hash VARCHAR NOT NULL,
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    run_manifest VARCHAR,
    source VARCHAR NOT NULL,
    sweep_id VARCHAR,
    win_rate DOUBLE,
    num_trades BIGINT,
    total_return DOUBLE,
    cagr DOUBLE,
    sharpe DOUBLE,
    sortino DOUBLE,
    max_drawdown DOUBLE,
    expectancy DOUBLE,
    profit_factor DOUBLE,
    exposure DOUBLE,
    equity_file VARCHAR,
    equity_row BIGINT NOT NULL,
    equity_rows INTEGER NOT NULL,
    trades_file VARCHAR,
    trades_row BIGINT NOT NULL,
    trades_rows INTEGER NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS backtest_params (backtest_id VARCHAR NOT NULL, key VARCHAR NOT NULL, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS deletions (id VARCHAR NOT NULL, seq BIGINT NOT NULL, deleted_at_ms BIGINT NOT NULL)`,
  `INSERT INTO meta VALUES ('version', '${SCHEMA_VERSION}') ON CONFLICT DO NOTHING`,
  `INSERT INTO meta VALUES ('seq', '0') ON CONFLICT DO NOTHING`,
];

/** The file is a backtest store of this schema version, or the error says what it is. */
async function checkVersion(file: string, connection: DuckDBConnection): Promise<void> {
  let version: unknown;
  try {
    version = (await connection.runAndReadAll(`SELECT value FROM meta WHERE key = 'version'`)).getRows()[0]?.[0];
  } catch {
    throw new Error(`${file} is a DuckDB database but not a backtest store (no meta table)`);
  }
  if (version !== SCHEMA_VERSION) throw new Error(`${file}: backtest store schema version ${String(version)}, this build reads version ${SCHEMA_VERSION}`);
}

export class Database {
  private instance: DuckDBInstance | null = null;
  private connection: DuckDBConnection | null = null;
  private mode: AccessMode | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | null = null;
  private pending = 0;
  /** Opens of the file (for tests and the bench: how often the idle close let it go). */
  opens = 0;

  constructor(readonly file: string, private readonly options: DatabaseOptions) {}

  /**
   * Runs `fn` on a connection to the file opened in `mode` (a read-write connection serves
   * reads too), after every earlier operation of this process on the file has finished.
   */
  run<T>(mode: AccessMode, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.queue.then(() => this.execute(mode, fn));
    this.queue = result.catch(() => undefined).finally(() => {
      this.pending--;
      this.scheduleIdleClose();
    });
    return result;
  }

  /** Waits for the queued operations, then closes the file. */
  async close(): Promise<void> {
    await this.queue;
    this.clearIdle();
    this.release();
  }

  private async execute<T>(mode: AccessMode, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.clearIdle();
    if (!this.connection || (mode === 'rw' && this.mode === 'ro')) {
      this.release();
      await this.open(mode);
    }
    return fn(this.connection!);
  }

  /** Opens the file, creating it and its tables in read-write mode when it does not exist yet. */
  private async open(mode: AccessMode): Promise<void> {
    const effective: AccessMode = mode === 'ro' && !existsSync(this.file) ? 'rw' : mode;
    const started = performance.now();
    let delay = 5;
    for (;;) {
      try {
        const instance = await DuckDBInstance.create(this.file, {
          access_mode: effective === 'ro' ? 'READ_ONLY' : 'READ_WRITE',
          threads: '1',
          // Never reach for the network: json and parquet are built in.
          autoinstall_known_extensions: 'false',
        });
        try {
          const connection = await instance.connect();
          if (effective === 'rw') for (const sql of SCHEMA_SQL) await connection.run(sql);
          await checkVersion(this.file, connection);
          this.instance = instance;
          this.connection = connection;
          this.mode = effective;
          this.opens++;
          return;
        } catch (error) {
          instance.closeSync();
          throw error;
        }
      } catch (error) {
        if (!isLockError(error)) throw new Error(`backtest store ${this.file}: ${(error as Error).message}`, { cause: error });
        const waited = performance.now() - started;
        if (waited >= this.options.lockTimeoutMs) throw new BacktestStoreLockedError(this.file, waited, error);
        await sleep(Math.min(delay, Math.max(1, this.options.lockTimeoutMs - waited)));
        delay = Math.min(delay * 2, 100);
      }
    }
  }

  private release(): void {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = null;
    this.instance = null;
    this.mode = null;
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private scheduleIdleClose(): void {
    if (this.pending > 0 || !this.connection) return;
    this.clearIdle();
    if (this.options.idleCloseMs <= 0) return this.release();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending === 0) this.release();
    }, this.options.idleCloseMs);
    this.idleTimer.unref();
  }

  /** Whether the file is open in this process right now (tests). */
  get isOpen(): boolean {
    return this.connection !== null;
  }
}

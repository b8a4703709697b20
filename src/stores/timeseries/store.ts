/**
 * The time-series store: per symbol, append-only JSONL entries (entries.ts) and Parquet
 * bar frames by timeframe and date range (bars.ts). Symbols and timeframes reach file
 * names and are validated first (no `..`, no separators, no absolute paths).
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { isTimeframe } from '../../core/timeframe.ts';
import type { BarSeries } from '../../data/bar-series.ts';
import { StoreInputError } from '../results/errors.ts';
import { safeName } from '../results/names.ts';
import { checkSeries, loadBarPartitions, saveBarPartitions } from './bars.ts';
import { appendLines, entryLines, readEntryFile, type EntriesRead, type TimeSeriesEntry } from './entries.ts';

export interface TimeSeriesStoreOptions {
  /** fsync each entry append before it resolves (default true). */
  readonly fsync?: boolean;
}

export interface Range {
  /** Inclusive, epoch ms. */
  readonly from?: number;
  /** Exclusive, epoch ms. */
  readonly to?: number;
}

export class TimeSeriesStore {
  /** Appends in flight per file, so each file's appends land in call order. */
  private readonly tails = new Map<string, Promise<void>>();

  private constructor(readonly root: string, private readonly options: TimeSeriesStoreOptions) {}

  static async open(root: string, options: TimeSeriesStoreOptions = {}): Promise<TimeSeriesStore> {
    await fsp.mkdir(join(root, 'entries'), { recursive: true });
    await fsp.mkdir(join(root, 'bars'), { recursive: true });
    return new TimeSeriesStore(root, options);
  }

  /** Appends entries to the symbol's file; resolves once written (and fsynced, by default). */
  appendEntries(symbol: string, entries: readonly TimeSeriesEntry[]): Promise<void> {
    const name = safeName(symbol, 'symbol', 'appendEntries');
    const text = entryLines(entries, `appendEntries(${name})`);
    const path = join(this.root, 'entries', `${name}.jsonl`);
    const previous = this.tails.get(path) ?? Promise.resolve();
    const next = previous.then(() => appendLines(path, text, this.options.fsync ?? true));
    const tail = next.catch(() => undefined);
    this.tails.set(path, tail);
    void tail.then(() => {
      if (this.tails.get(path) === tail) this.tails.delete(path);
    });
    return next;
  }

  /** The symbol's entries in [from, to), in append order; malformed lines are skipped and counted. */
  async readEntries(symbol: string, range: Range = {}): Promise<EntriesRead> {
    const name = safeName(symbol, 'symbol', 'readEntries');
    checkRange(range, 'readEntries');
    await this.tails.get(join(this.root, 'entries', `${name}.jsonl`));
    return readEntryFile(join(this.root, 'entries', `${name}.jsonl`), range);
  }

  /** Saves a bar frame, merged into the stored bars of its symbol and timeframe; resolves with the files written. */
  async saveBars(series: BarSeries): Promise<string[]> {
    const where = `saveBars(${String(series?.symbol)} ${String(series?.timeframe)})`;
    if (series === null || typeof series !== 'object') throw new StoreInputError('saveBars', 'expected a BarSeries');
    const dir = this.barDir(series.symbol, series.timeframe, 'saveBars');
    checkSeries(series, where);
    return saveBarPartitions(dir, series);
  }

  /** The stored bars of a symbol and timeframe with from <= start < to; null if none were ever saved. */
  async loadBars(symbol: string, timeframe: string, range: Range = {}): Promise<BarSeries | null> {
    checkRange(range, 'loadBars');
    return loadBarPartitions(this.barDir(symbol, timeframe, 'loadBars'), symbol, timeframe, range);
  }

  private barDir(symbol: string, timeframe: string, where: string): string {
    const name = safeName(symbol, 'symbol', where);
    if (typeof timeframe !== 'string' || !isTimeframe(timeframe)) throw new StoreInputError(where, `timeframe ${JSON.stringify(timeframe)} is not <n>m, <n>h or <n>d`);
    return join(this.root, 'bars', name, timeframe);
  }
}

function checkRange(range: Range, where: string): void {
  for (const key of ['from', 'to'] as const) {
    const v = range[key];
    if (v !== undefined && !Number.isSafeInteger(v)) throw new StoreInputError(where, `${key} must be an integer epoch ms, got ${String(v)}`);
  }
}

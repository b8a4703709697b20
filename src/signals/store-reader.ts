/**
 * Reading a signal store, refusing anything that cannot be trusted: a missing store, a
 * manifest of another format or version, an index or signal file that is truncated or
 * corrupt, or whose footer does not match the index. Errors name the store and the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readParquetFile, type ParquetTable } from '../parquet/index.ts';
import { FORMAT_VERSION, MANIFEST_FILE, STORE_FORMAT, StoreManifestSchema, type StoreManifest } from './format.ts';
import { readIndex, type IndexRow } from './store-index.ts';
import type { ClassifierRows, ReplaySignalRows, SignalRows } from './signal-writer.ts';

export class SignalStoreError extends Error {
  override name = 'SignalStoreError';
}

export interface StoreState {
  readonly dir: string;
  readonly manifest: StoreManifest;
  readonly strategies: IndexRow[];
  readonly classifiers: IndexRow[];
}

export async function readStoreState(dir: string, options: { allowMissing: true }): Promise<StoreState | null>;
export async function readStoreState(dir: string, options?: { allowMissing?: false }): Promise<StoreState>;
export async function readStoreState(dir: string, options: { allowMissing?: boolean } = {}): Promise<StoreState | null> {
  const manifestPath = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    // Synchronously, like the store's small Parquet files (src/parquet/index.ts, readBytes): a
    // few KB, where the promise API's four trips through the thread pool (open, fstat, read,
    // close) left the main thread idle ~1 ms per replay, more on a busy host.
    text = readFileSync(manifestPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (options.allowMissing) return null;
      throw new SignalStoreError(`signal store not found: ${dir} (no ${MANIFEST_FILE}; run a signal_generation topology first)`);
    }
    throw new SignalStoreError(`signal store ${dir}: cannot read ${MANIFEST_FILE}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SignalStoreError(`signal store ${dir}: ${MANIFEST_FILE} is not valid JSON (truncated or corrupt): ${(error as Error).message}`);
  }
  const format = (raw as { format?: unknown; format_version?: unknown } | null) ?? {};
  if (format.format !== STORE_FORMAT) throw new SignalStoreError(`signal store ${dir}: ${MANIFEST_FILE} is not a ${STORE_FORMAT} manifest`);
  if (format.format_version !== FORMAT_VERSION) {
    throw new SignalStoreError(`signal store ${dir} has format version ${String(format.format_version)}; this engine reads version ${FORMAT_VERSION} only (regenerate the signals)`);
  }
  const parsed = StoreManifestSchema.safeParse(raw);
  if (!parsed.success) throw new SignalStoreError(`signal store ${dir}: invalid ${MANIFEST_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const readOne = async (kind: 'strategy' | 'classifier') => {
    try {
      return await readIndex(dir, kind);
    } catch (error) {
      throw new SignalStoreError(`signal store ${dir}: cannot read the ${kind} index: ${(error as Error).message}`, { cause: error });
    }
  };
  return { dir, manifest: parsed.data, strategies: await readOne('strategy'), classifiers: await readOne('classifier') };
}

async function readChecked(dir: string, row: IndexRow, what: string, columns?: readonly string[]): Promise<ParquetTable> {
  const path = join(dir, row.path);
  let table: ParquetTable;
  try {
    // typed numbers: the flat decoder writes every column straight into its output array
    table = await readParquetFile(path, { typedNumbers: true, columns });
  } catch (error) {
    throw new SignalStoreError(`${what} ${row.id}: ${path} is unreadable (missing, truncated or corrupt): ${(error as Error).message}`, { cause: error });
  }
  const meta = table.metadata;
  if (meta.format !== STORE_FORMAT || meta.format_version !== String(FORMAT_VERSION)) {
    throw new SignalStoreError(`${what} ${row.id}: ${path} is not a version ${FORMAT_VERSION} ${STORE_FORMAT} file`);
  }
  if (meta.hash !== row.hash) throw new SignalStoreError(`${what} ${row.id}: ${path} holds hash ${meta.hash}, the index says ${row.hash}`);
  if (table.rowCount !== row.rows || meta.rows !== String(row.rows)) {
    throw new SignalStoreError(`${what} ${row.id}: ${path} has ${table.rowCount} rows, the index says ${row.rows} (truncated or replaced)`);
  }
  return table;
}

// The decoded columns are used as they come (typed arrays for INT32/DOUBLE/TIMESTAMP, arrays of
// strings for STRING): copying 143k rows element by element into JS arrays was most of the
// time a replay spent loading its inputs (measured: ~16 ms and as much again in GC per load
// of the 100-instance bench store).
// With `typedNumbers`, dictionary-encoded INT32/DOUBLE columns (leg, value, weight) come back
// typed too; anything else (an INT64 as bigint) is copied into a Float64Array by a plain loop
// (Array.from with a mapping function took ~8 ms per load of the bench store).
function numbers(c: ArrayLike<unknown>): ArrayLike<number> {
  if (ArrayBuffer.isView(c) && !(c instanceof BigInt64Array) && !(c instanceof BigUint64Array)) return c as unknown as ArrayLike<number>;
  const out = new Float64Array(c.length);
  for (let i = 0; i < out.length; i++) {
    const v = c[i];
    out[i] = typeof v === 'number' ? v : Number(v);
  }
  return out;
}
const strings = (c: ArrayLike<unknown>): ArrayLike<string> => (Array.isArray(c) ? (c as string[]) : Array.from(c as ArrayLike<string>, String));

/**
 * A signal's value is -1, 0 or 1 (SignalValue): a file with another (an INT32 column can hold
 * any) is refused by name rather than replayed as a position of twice the size on one engine
 * and something else on the other.
 */
function checkedValues(values: ArrayLike<number>, dir: string, row: IndexRow): ArrayLike<number> {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1 && v !== -1) {
      throw new SignalStoreError(`strategy ${row.id}: ${join(dir, row.path)} holds signal value ${v} at row ${i}; a signal's value is -1, 0 or 1 (corrupt, or not written by this engine)`);
    }
  }
  return values;
}

/** A leg's weight is a finite number (its sign is the leg's side, its size the leg's share): a NaN or infinite one is refused the same way. */
function checkedWeights(weights: ArrayLike<number>, dir: string, row: IndexRow): ArrayLike<number> {
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (w - w !== 0) throw new SignalStoreError(`strategy ${row.id}: ${join(dir, row.path)} holds leg weight ${w} at row ${i}; a weight is a finite number (corrupt, or not written by this engine)`);
  }
  return weights;
}

export async function readSignalRows(dir: string, row: IndexRow): Promise<SignalRows> {
  const { columns: c } = await readChecked(dir, row, 'strategy');
  return {
    seq: numbers(c.seq), leg: numbers(c.leg), barIdx: numbers(c.bar_idx), ts: numbers(c.ts),
    stream: strings(c.stream), symbol: strings(c.symbol), timeframe: strings(c.timeframe),
    value: checkedValues(numbers(c.value), dir, row), weight: checkedWeights(numbers(c.weight), dir, row), price: numbers(c.price),
  };
}

/**
 * A strategy's stored signals, only the columns a replay reads: decoding the two string
 * columns it does not read (symbol, timeframe: 143k strings each for the bench store) and the
 * leg numbers was ~15% of loading a store, and as much again in garbage.
 */
export async function readReplaySignalRows(dir: string, row: IndexRow): Promise<ReplaySignalRows> {
  const { columns: c } = await readChecked(dir, row, 'strategy', ['seq', 'bar_idx', 'ts', 'stream', 'value', 'weight', 'price']);
  return {
    seq: numbers(c.seq), barIdx: numbers(c.bar_idx), ts: numbers(c.ts), stream: strings(c.stream),
    value: checkedValues(numbers(c.value), dir, row), weight: checkedWeights(numbers(c.weight), dir, row), price: numbers(c.price),
  };
}

export async function readClassifierRows(dir: string, row: IndexRow): Promise<ClassifierRows> {
  const { columns: c } = await readChecked(dir, row, 'classifier');
  return {
    seq: numbers(c.seq), barIdx: numbers(c.bar_idx), ts: numbers(c.ts), stream: strings(c.stream),
    oldRegime: Array.from(c.old_regime as ArrayLike<string | null>, (v) => (v === null || v === undefined ? null : String(v))),
    newRegime: strings(c.new_regime), confidence: numbers(c.confidence),
  };
}

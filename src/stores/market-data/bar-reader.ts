/**
 * The columnar read path of bars: pick the files whose time range meets [start, end) (the
 * manifest's partitions and per-file min/max are the index), read only the six bar columns of
 * only the row groups whose `start` statistics meet the range (one per trading day for 1m
 * bars), cut them by binary search on `start`, and concatenate. Files are sorted; when files of a
 * series overlap (an out-of-order write not yet compacted), the rows are merged by time, which
 * is a total order because a series never holds two bars with the same start.
 */
import { allocateBarColumns, BAR_COLUMN_NAMES, type BarColumns } from '../../data/series.ts';
import { partitionsOf, type FileEntry, type Manifest } from './manifest.ts';
import { readFileTable, type FileSource } from './partition-io.ts';

/** First index i in ascending `a` with a[i] >= x (a.length when none). */
export function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function barFilesIn(manifest: Manifest, symbol: string, timeframe: string, start: number, end: number): FileEntry[] {
  const files: FileEntry[] = [];
  for (const p of partitionsOf(manifest, { kind: 'bars', symbol, timeframe })) {
    for (const f of p.files) if (f.maxTs >= start && f.minTs < end) files.push(f);
  }
  return files.sort((a, b) => a.minTs - b.minTs || a.maxTs - b.maxTs);
}

/** Bars with start in [start, end), ascending. */
export async function readBarColumns(src: FileSource, files: readonly FileEntry[], start: number, end: number): Promise<BarColumns> {
  const range = { column: 'start', start, end };
  const tables = await Promise.all(files.map((f) => readFileTable(src, f, { columns: BAR_COLUMN_NAMES, range })));
  const pieces: BarColumns[] = [];
  let total = 0;
  for (const t of tables) {
    const cols = {} as Record<(typeof BAR_COLUMN_NAMES)[number], Float64Array>;
    for (const name of BAR_COLUMN_NAMES) cols[name] = asFloat64(t.columns[name]);
    const lo = lowerBound(cols.start, start);
    const hi = lowerBound(cols.start, end);
    if (hi <= lo) continue;
    pieces.push({
      start: cols.start.subarray(lo, hi),
      open: cols.open.subarray(lo, hi),
      high: cols.high.subarray(lo, hi),
      low: cols.low.subarray(lo, hi),
      close: cols.close.subarray(lo, hi),
      volume: cols.volume.subarray(lo, hi),
    });
    total += hi - lo;
  }
  const out = allocateBarColumns(total);
  let at = 0;
  for (const p of pieces) {
    for (const name of BAR_COLUMN_NAMES) out[name].set(p[name], at);
    at += p.start.length;
  }
  let sorted = true;
  for (let i = 1; i < total && sorted; i++) if (out.start[i] <= out.start[i - 1]) sorted = false;
  return sorted ? out : sortByStart(out);
}

function sortByStart(cols: BarColumns): BarColumns {
  const order = Array.from({ length: cols.start.length }, (_, i) => i).sort((a, b) => cols.start[a] - cols.start[b]);
  const out = allocateBarColumns(order.length);
  for (const name of BAR_COLUMN_NAMES) {
    const from = cols[name];
    const to = out[name];
    for (let i = 0; i < order.length; i++) to[i] = from[order[i]];
  }
  return out;
}

/** Columns usually decode straight into a Float64Array; anything else is copied into one. */
function asFloat64(values: ArrayLike<unknown>): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number>);
}

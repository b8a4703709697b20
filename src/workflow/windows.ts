/**
 * Window arithmetic for workflows, by bar index of a topology's first stream (the indices of
 * `data.window`, src/topology/window.ts). Pure: no data, no I/O.
 *
 * A range is half-open, [start, end). Walk-forward window k (k = 0, 1, ...):
 *
 *   test.start = start + train + k * step          test.end = test.start + test
 *   rolling:   train = [test.start - train, test.start)     (fixed length, slides with k)
 *   anchored:  train = [start, test.start)                  (grows with k)
 *
 * so the train part always ends exactly where the test part starts, and a window's run loads
 * bars [0, test.end) only: nothing after its test part exists for it (data.window end_bar).
 * Test parts tile the data when step = test, overlap when step < test and leave gaps when
 * step > test.
 *
 * The last window: windows are produced while their test part starts inside the data. A test
 * part that would run past the last bar is, by `partial`:
 * - `drop` (default): left out, so every test part has the same length and the figures of the
 *   windows are comparable;
 * - `keep`: cut at the last bar (shorter, flagged `partial: true`); it is then the last
 *   window (with step < test the later ones would only be shorter copies of its end).
 */
export interface BarRange {
  /** First bar (inclusive). */
  readonly start: number;
  /** One past the last bar (exclusive). */
  readonly end: number;
}

export type WalkForwardMode = 'rolling' | 'anchored';

export interface WalkForwardSpec {
  /** Bars in a (rolling) training part; in anchored mode, of the first one. */
  readonly train: number;
  readonly test: number;
  /** Bars between the starts of consecutive test parts. */
  readonly step: number;
  readonly mode: WalkForwardMode;
  /** First bar of the first training part (default 0). */
  readonly start?: number;
  readonly partial?: 'drop' | 'keep';
}

export interface WalkForwardWindow {
  readonly index: number;
  readonly train: BarRange;
  readonly test: BarRange;
  /** True for a last test part cut at the end of the data (`partial: keep`). */
  readonly partial: boolean;
}

export class WindowError extends Error {
  override name = 'WindowError';
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 1;

/** Checks a walk-forward spec on its own (not against any data); throws WindowError naming the field. */
export function checkWalkForwardSpec(spec: WalkForwardSpec): void {
  for (const key of ['train', 'test', 'step'] as const) {
    if (!isCount(spec[key])) throw new WindowError(`walk_forward.${key} must be a whole number of bars >= 1, got ${String(spec[key])}`);
  }
  const start = spec.start ?? 0;
  if (!Number.isSafeInteger(start) || start < 0) throw new WindowError(`walk_forward.start must be a bar index >= 0, got ${String(spec.start)}`);
  if (spec.mode !== 'rolling' && spec.mode !== 'anchored') throw new WindowError(`walk_forward.mode must be rolling or anchored, got ${String(spec.mode)}`);
}

/** The walk-forward windows over `totalBars` bars; throws WindowError when not even one fits. */
export function walkForwardWindows(spec: WalkForwardSpec, totalBars: number): WalkForwardWindow[] {
  checkWalkForwardSpec(spec);
  if (!Number.isSafeInteger(totalBars) || totalBars < 0) throw new WindowError(`the data must have a whole number of bars, got ${totalBars}`);
  const start = spec.start ?? 0;
  const keep = spec.partial === 'keep';
  const windows: WalkForwardWindow[] = [];
  for (let k = 0; ; k++) {
    const testStart = start + spec.train + k * spec.step;
    if (testStart >= totalBars) break;
    const fullEnd = testStart + spec.test;
    if (fullEnd > totalBars && !keep) break;
    windows.push({
      index: k,
      train: { start: spec.mode === 'rolling' ? testStart - spec.train : start, end: testStart },
      test: { start: testStart, end: Math.min(fullEnd, totalBars) },
      partial: fullEnd > totalBars,
    });
    if (fullEnd >= totalBars) break; // the data is used up: at most one (the last) window is partial
  }
  if (windows.length === 0) {
    const need = start + spec.train + (keep ? 1 : spec.test);
    throw new WindowError(
      `walk_forward needs at least ${need} bars (start ${start} + train ${spec.train} + ${keep ? '1 test bar' : `test ${spec.test}`}), the data has ${totalBars}`,
    );
  }
  return windows;
}

/** Checks a single window against the data: 0 <= start < end <= totalBars. */
export function checkRange(range: BarRange, totalBars: number, what: string): void {
  if (!Number.isSafeInteger(range.start) || range.start < 0) throw new WindowError(`${what}: start_bar must be a bar index >= 0, got ${range.start}`);
  if (!Number.isSafeInteger(range.end) || range.end <= range.start) throw new WindowError(`${what}: end_bar (${range.end}) must be greater than start_bar (${range.start})`);
  if (range.end > totalBars) throw new WindowError(`${what}: end_bar ${range.end} is past the end of the data (${totalBars} bars)`);
}

/** A topology's `data.window` for a range: load [0, end), act and score from start. */
export function toDataWindow(range: BarRange): { start_bar: number; end_bar: number } {
  return { start_bar: range.start, end_bar: range.end };
}

/** `[1000, 1250)` */
export const formatRange = (r: BarRange): string => `[${r.start}, ${r.end})`;

/**
 * The stored rows of a replay, checked against this run's data and indexed for the batch
 * engine: each strategy's signals as groups of legs (rows [start, end) sharing a seq), each
 * placed at the schedule position where the replay container would publish it (the end of
 * its tick), with the leg's stream resolved to a run stream index; each classifier's regime
 * changes placed the same way. The checks are the replay container's: a row must fall on a
 * tick of this run, its leg on a loaded stream, on a bar closed by then, at that bar's close.
 */
import type { BarSeries } from '../../data/bar-series.ts';
import type { ReplayInputs } from '../build.ts';
import { BatchReplayInputError } from './errors.ts';
import { lastBarAt, tickAt, type Timeline } from './timeline.ts';

export interface StrategySignals {
  readonly id: string;
  /** Number of signals. */
  readonly count: number;
  /** Signal k is rows [start[k], start[k + 1]). */
  readonly start: Int32Array;
  /** Schedule position where signal k is published (its tick's last bar). */
  readonly at: Int32Array;
  /** The tick signal k is published in. */
  readonly tick: Int32Array;
  /** Per row: run stream index of the leg. */
  readonly stream: Int32Array;
  /**
   * Per row: the last bar of the leg's stream at or before the signal's position (the price
   * board's bar then: the leg's bar or a later one). Found here once per loaded store rather
   * than by each portfolio (a search per signal, ~10% of a replay's simulation). The stored
   * bar_idx column itself when no leg is stale (every leg's bar is its stream's last by then).
   */
  readonly mark: Int32Array;
  /**
   * Per row: the close of bar `mark` (the price board's price of the leg's stream then), read
   * next to the check of the leg's close (the same bar, for all but a leg older than its
   * stream's last bar): a portfolio sizing at the signal values what it holds on that stream at
   * it without a search and two cache misses. The stored price column itself when no leg is
   * stale.
   */
  readonly markClose: Float64Array;
  /**
   * Per row: the bar after `mark`, where a next_open order of the leg fills: its schedule
   * position (Infinity: none, the data ends first), tick, open and start time. Read here, next
   * to the bars the checks read, rather than by every portfolio's broker.
   */
  readonly fillPos: Float64Array;
  readonly fillTick: Int32Array;
  readonly fillOpen: Float64Array;
  readonly fillStart: Float64Array;
  /** The distinct streams its legs trade, ascending. */
  readonly streams: readonly number[];
  /**
   * Rows whose leg can open a position (value and weight nonzero; an exit's rows cannot): a
   * bound on the trades the strategy's signals open, per delivery, which is what a portfolio
   * reserves its trade and fill books for.
   */
  readonly openingLegs: number;
  readonly value: ArrayLike<number>;
  readonly weight: ArrayLike<number>;
  readonly price: ArrayLike<number>;
}

export interface ClassifierChanges {
  readonly id: string;
  readonly count: number;
  /** Schedule position where change k is published. */
  readonly at: Int32Array;
  /** The tick change k is published in. */
  readonly tick: Int32Array;
  readonly regime: ArrayLike<string>;
}

export interface IndexedReplayRows {
  readonly strategies: readonly StrategySignals[];
  readonly classifiers: readonly ClassifierChanges[];
  /** Signals published in all (the replay container's signal count). */
  readonly signals: number;
}

/** One strategy's rows as the store reader gives them. */
type StoredSignalRows = ReplayInputs['strategies'][number]['rows'];

const iso = (ts: number) => new Date(ts).toISOString();

/** The tick closing at `ts`; `kind` and `id` name the stored rows in the error (the message is built only then: built once per signal, it was ~2 ms of a ~14 ms index of the bench store). */
function tickEndOf(timeline: Timeline, ts: number, hint: number, kind: string, id: string): number {
  const tick = tickAt(timeline, ts, hint);
  if (tick >= 0) return tick;
  const what = `${kind} ${id}`;
  const ticks = timeline.tickTs.length;
  if (ticks === 0 || ts > timeline.tickTs[ticks - 1]) throw new BatchReplayInputError(`${what}: stored row at ${iso(ts)} lies after the end of this run's data`);
  throw new BatchReplayInputError(`${what}: stored row at ${iso(ts)} does not fall on a clock tick of this run (is this the data it was generated on?)`);
}

/** The bar columns by run stream index, read in the per-row checks and lookups (hoisted out of the series objects). */
interface BarColumns {
  readonly streamIndex: ReadonlyMap<string, number>;
  readonly lengths: Int32Array;
  readonly startOf: readonly Float64Array[];
  readonly closeOf: readonly Float64Array[];
  readonly openOf: readonly Float64Array[];
  readonly timeframeMs: Float64Array;
  /** Scratch: which streams a strategy trades. */
  readonly traded: Uint8Array;
}

function barColumnsOf(series: readonly BarSeries[]): BarColumns {
  return {
    streamIndex: new Map(series.map((s, i) => [s.id, i])),
    lengths: Int32Array.from(series, (s) => s.length),
    startOf: series.map((s) => s.start),
    closeOf: series.map((s) => s.close),
    openOf: series.map((s) => s.open),
    timeframeMs: Float64Array.from(series, (s) => s.timeframeMs),
    traded: new Uint8Array(series.length),
  };
}

/**
 * Objects of each shape indexStrategy reads and returns, kept for the module's life. V8 embeds
 * an object's hidden class (map) in the optimized code that reads or builds it, holds that map
 * only through live objects, and throws the code away when the map dies. With every run's
 * BarColumns, stored rows and indexed rows dead once the run's results were dropped, each
 * replay after a collection compiled indexStrategy again (10-50 ms of compiler time on this
 * machine) and ran most of its index unoptimized (first replay of the bench store: index 25-44
 * -> 15-20 ms). An empty BarColumns, and the last stored and indexed rows of one strategy (a
 * few tens of KB), keep the maps. The same cause as keepShape in simulate-portfolio.ts.
 */
const keptShapes: { bars: BarColumns; stored: StoredSignalRows | null; indexed: StrategySignals | null } = {
  bars: barColumnsOf([]),
  stored: null,
  indexed: null,
};

/**
 * One strategy's rows, checked and indexed. A module-level function on purpose: V8 keeps a
 * function's optimized code only while a closure using it lives, so as a callback created per
 * call it was compiled again (9-18 ms of compiler time) on every replay after a collection, and
 * a first replay ran most of its index in unoptimized code.
 */
function indexStrategy(id: string, stored: StoredSignalRows, bars: BarColumns, timeline: Timeline): StrategySignals {
  const { seq, ts, stream, barIdx, value, weight, price } = stored;
  const { streamIndex, lengths, startOf, closeOf, openOf, timeframeMs, traded } = bars;
  const { pos, barTick, tickTs, tickEndPos } = timeline;
  const rows = seq.length;
  const legStream = new Int32Array(rows);
  // Signals first counted, so their starts go straight into a typed array of the right size.
  let count = 0;
  for (let r = 0; r < rows; r++) if (r === 0 || seq[r] !== seq[r - 1]) count++;
  const start = new Int32Array(count + 1);
  let lastName = '';
  let lastIndex = -1;
  for (let r = 0, k = 0; r < rows; r++) {
    if (r === 0 || seq[r] !== seq[r - 1]) start[k++] = r;
    const name = stream[r];
    if (name !== lastName) {
      const i = streamIndex.get(name);
      if (i === undefined) throw new BatchReplayInputError(`stored signal leg on stream ${name}, which this run does not load`);
      lastName = name;
      lastIndex = i;
    }
    legStream[r] = lastIndex;
  }
  start[count] = rows;
  const at = new Int32Array(count);
  const ticks = new Int32Array(count);
  // A leg's board bar is its own bar (and its close the stored price, checked equal) unless a
  // later bar of its stream closed by the signal's time (a stale leg): until the first stale
  // row, the stored columns are the lookups, shared rather than copied (and the simulator then
  // reads one array for both); from it on, columns of their own.
  let mark: Int32Array | null = null;
  let markClose: Float64Array | null = null;
  const fillPos = new Float64Array(rows);
  const fillTick = new Int32Array(rows);
  const fillOpen = new Float64Array(rows);
  const fillStart = new Float64Array(rows);
  let tick = 0;
  let previousTs = -Infinity;
  // The columns of the stream of the legs being read, taken again only when the stream changes
  // (once for a one-stream strategy): each column read through the per-stream arrays is a
  // chain of dependent loads, and a row reads six of them.
  let i = -1;
  let length = 0;
  let tf = 0;
  let starts = startOf[0];
  let closes = closeOf[0];
  let opens = openOf[0];
  let positions = pos[0];
  let barTicks = barTick[0];
  for (let k = 0; k < count; k++) {
    const r0 = start[k];
    const now = ts[r0];
    if (now < previousTs) throw new BatchReplayInputError(`strategy ${id}: stored signals are not in time order at seq ${seq[r0]}`);
    previousTs = now;
    let end = 0;
    const r1 = start[k + 1];
    for (let r = r0; r < r1; r++) {
      if (legStream[r] !== i) {
        i = legStream[r];
        length = lengths[i];
        tf = timeframeMs[i];
        starts = startOf[i];
        closes = closeOf[i];
        opens = openOf[i];
        positions = pos[i];
        barTicks = barTick[i];
      }
      const b = barIdx[r];
      if (r === r0) {
        // The tick closing now is that of the first leg's bar when this bar closes now (a
        // one-stream strategy's always does; ticks have distinct close times): one lookup,
        // where the search it saves was ~2.5 ms of the bench store's ~16 ms index.
        const guess = b >= 0 && b < length ? barTicks[b] : -1;
        tick = guess >= 0 && tickTs[guess] === now ? guess : tickEndOf(timeline, now, tick, 'strategy', id);
        end = at[k] = tickEndPos[tick];
        ticks[k] = tick;
      }
      if (!(b >= 0 && b < length) || starts[b] + tf > now || closes[b] !== price[r]) {
        throw new BatchReplayInputError(`stored signal leg ${stream[r]} bar_idx ${b} at ${iso(now)} does not match the base data (price ${price[r]})`);
      }
      // Bar b closed by now, so it sits at or before the tick's last position.
      const m = lastBarAt(positions, b, end);
      if (m !== b && mark === null) {
        mark = new Int32Array(rows);
        markClose = new Float64Array(rows);
        for (let j = 0; j < r; j++) {
          mark[j] = barIdx[j];
          markClose[j] = price[j];
        }
      }
      if (mark !== null) {
        mark[r] = m;
        markClose![r] = closes[m];
      }
      if (m + 1 < length) {
        fillPos[r] = positions[m + 1];
        fillTick[r] = barTicks[m + 1];
        fillOpen[r] = opens[m + 1];
        fillStart[r] = starts[m + 1];
      } else {
        fillPos[r] = Infinity;
        fillOpen[r] = fillStart[r] = Number.NaN;
      }
    }
  }
  traded.fill(0);
  let openingLegs = 0;
  for (let r = 0; r < rows; r++) {
    traded[legStream[r]] = 1;
    if (value[r] !== 0 && weight[r] !== 0) openingLegs++;
  }
  const streams: number[] = [];
  for (let i = 0; i < traded.length; i++) if (traded[i] === 1) streams.push(i);
  mark ??= barIdx instanceof Int32Array ? barIdx : Int32Array.from(barIdx);
  markClose ??= price instanceof Float64Array ? price : Float64Array.from(price);
  const indexed: StrategySignals = { id, count, start, at, tick: ticks, stream: legStream, mark, markClose, fillPos, fillTick, fillOpen, fillStart, streams, openingLegs, value, weight, price };
  keptShapes.stored = stored;
  keptShapes.indexed = indexed;
  return indexed;
}

export function indexReplayRows(inputs: ReplayInputs, series: readonly BarSeries[], timeline: Timeline): IndexedReplayRows {
  const bars = barColumnsOf(series);
  let signals = 0;
  const strategies: StrategySignals[] = [];
  for (const strategy of inputs.strategies) {
    const indexed = indexStrategy(strategy.id, strategy.rows, bars, timeline);
    signals += indexed.count;
    strategies.push(indexed);
  }
  const classifiers = inputs.classifiers.map((classifier): ClassifierChanges => {
    const { ts, newRegime } = classifier.rows;
    const count = ts.length;
    const at = new Int32Array(count);
    const ticks = new Int32Array(count);
    let tick = 0;
    for (let k = 0; k < count; k++) {
      if (k > 0 && ts[k] < ts[k - 1]) throw new BatchReplayInputError(`classifier ${classifier.id}: stored regime changes are not in time order at row ${k}`);
      tick = tickEndOf(timeline, ts[k], tick, 'classifier', classifier.id);
      at[k] = timeline.tickEndPos[tick];
      ticks[k] = tick;
    }
    return { id: classifier.id, count, at, tick: ticks, regime: newRegime };
  });
  return { strategies, classifiers, signals };
}

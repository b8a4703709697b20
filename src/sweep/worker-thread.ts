/**
 * The task handler of a pool worker thread: the sweep's job arrives once, as the pool's
 * workerData; each message names a chunk or a signal group and carries the shared bars.
 */
import { workerData } from 'piscina';
import type { BarSeries } from '../data/bar-series.ts';
import { runSweepTask, type SweepJob, type SweepTaskResult } from './worker.ts';
import type { PoolMessage } from './pool.ts';

const job = workerData as SweepJob;

/**
 * The bars as first received, by content hash. Every message carries the bars anew (new
 * objects over the same shared memory); running every task on the objects first received
 * lets what is derived from the bars alone (the clock schedule, tick marks, timeline:
 * src/data/series-memo.ts) be built once per thread rather than once per task.
 */
const received = new Map<string, BarSeries>();
const keyOf = (s: BarSeries) => `${s.id}\u0000${s.hash}`;
function sameObjects(data: readonly BarSeries[]): BarSeries[] {
  return data.map((s) => {
    const known = received.get(keyOf(s));
    if (known) return known;
    received.set(keyOf(s), s);
    return s;
  });
}

export default function handle(message: PoolMessage): Promise<SweepTaskResult> {
  return runSweepTask(job, message.task, message.data ? sameObjects(message.data) : null);
}

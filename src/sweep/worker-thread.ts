/**
 * The task handler of a pool worker thread: the sweep's job arrives once, as the pool's
 * workerData; each message names a chunk or a signal group and carries the shared bars.
 */
import { workerData } from 'piscina';
import { runSweepTask, type SweepJob, type SweepTaskResult } from './worker.ts';
import type { PoolMessage } from './pool.ts';

const job = workerData as SweepJob;

export default function handle(message: PoolMessage): Promise<SweepTaskResult> {
  return runSweepTask(job, message.task, message.data);
}

/**
 * The task handler of a pool worker thread: the sweep's job arrives once, as the pool's
 * workerData, and each task names only a chunk or a signal group.
 */
import { workerData } from 'piscina';
import { runSweepTask, type SweepJob, type SweepTask, type SweepTaskResult } from './worker.ts';

const job = workerData as SweepJob;

export default function handle(task: SweepTask): Promise<SweepTaskResult> {
  return runSweepTask(job, task);
}

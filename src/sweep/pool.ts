/**
 * Where sweep tasks run: a piscina pool of worker threads (one task per thread at a time), or,
 * with one worker, the calling thread itself (no thread start-up, no copies). Either way a
 * task is a plain object in and a plain object out, and gives the same result.
 */
import { Piscina } from 'piscina';
import { runSweepTask, type SweepJob, type SweepTask, type SweepTaskResult } from './worker.ts';

export interface TaskRunner {
  readonly threads: number;
  run(task: SweepTask, signal: AbortSignal): Promise<SweepTaskResult>;
  close(): Promise<void>;
}

export class SweepAbortError extends Error {
  override name = 'AbortError';
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function inProcess(job: SweepJob): TaskRunner {
  return {
    threads: 1,
    async run(task, signal) {
      // Let signals (Ctrl-C), progress readers and file writes in; a running chunk is synchronous.
      await yieldToEventLoop();
      if (signal.aborted) throw new SweepAbortError('sweep stopped');
      return runSweepTask(job, task);
    },
    async close() {},
  };
}

function threadPool(job: SweepJob, workers: number): TaskRunner {
  const pool = new Piscina({
    filename: new URL('./worker-entry.mjs', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    workerData: job,
  });
  return {
    threads: workers,
    run: (task, signal) => pool.run(task, { signal }) as Promise<SweepTaskResult>,
    close: () => pool.destroy(),
  };
}

export function createTaskRunner(job: SweepJob, workers: number): TaskRunner {
  return workers === 1 ? inProcess(job) : threadPool(job, workers);
}

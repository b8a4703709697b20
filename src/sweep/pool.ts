/**
 * Where sweep tasks run: a piscina pool of worker threads (one task per thread at a time), or,
 * with one worker, the calling thread itself (no thread start-up, no copies). Either way a
 * task is a plain object in and a plain object out, and gives the same result.
 *
 * The bars are loaded once, by the calling thread, while the threads start; they go to the
 * threads in SharedArrayBuffers (sent with every task, which costs a handle, not a copy), so
 * the workers neither parse the data files again nor hold copies of them.
 */
import { Piscina } from 'piscina';
import type { BarSeries } from '../data/bar-series.ts';
import { runSweepTask, type SweepJob, type SweepTask, type SweepTaskResult } from './worker.ts';
import { TSX_ENTRY, workerEntry } from './worker-bundle.ts';

export interface TaskRunner {
  readonly threads: number;
  /** Where tasks run: the calling thread, or threads loading the bundled worker or the TypeScript through tsx. */
  readonly kind: 'in-process' | 'bundle' | 'tsx';
  /** `data`: the sweep's bars (all streams), or null to let the worker load them. */
  run(task: SweepTask, data: readonly BarSeries[] | null, signal: AbortSignal): Promise<SweepTaskResult>;
  close(): Promise<void>;
}

/** What a pool thread receives per task. */
export interface PoolMessage {
  readonly task: SweepTask;
  readonly data: readonly BarSeries[] | null;
}

export class SweepAbortError extends Error {
  override name = 'AbortError';
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function inProcess(job: SweepJob): TaskRunner {
  return {
    threads: 1,
    kind: 'in-process',
    async run(task, data, signal) {
      // Let signals (Ctrl-C), progress readers and file writes in; a running chunk is synchronous.
      await yieldToEventLoop();
      if (signal.aborted) throw new SweepAbortError('sweep stopped');
      return runSweepTask(job, task, data);
    },
    async close() {},
  };
}

async function threadPool(job: SweepJob, workers: number): Promise<TaskRunner> {
  const filename = await workerEntry();
  const options = { filename, minThreads: workers, maxThreads: workers, concurrentTasksPerWorker: 1, idleTimeout: 60_000, workerData: job };
  return {
    threads: workers,
    kind: filename === TSX_ENTRY ? 'tsx' : 'bundle',
    ...poolRunner(filename === TSX_ENTRY ? new Piscina(options) : bundlePool(options)),
  };
}

/**
 * The bundle is plain JavaScript: a thread that also set up the tsx loader this process was
 * started with (node --import tsx, inherited) took ~0.3 s longer to take its first task. So
 * the threads get this process's flags without it. Flags a thread may not be given explicitly
 * (V8 and per-process options such as --max-semi-space-size, which an inherited list may
 * carry) make the first thread fail at once; then the threads inherit the flags as before.
 */
function bundlePool(options: ConstructorParameters<typeof Piscina>[0] & object): Piscina {
  try {
    return new Piscina({ ...options, execArgv: withoutTsxLoader(process.execArgv) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Piscina(options);
  }
}

function poolRunner(pool: Piscina): Pick<TaskRunner, 'run' | 'close'> {
  return {
    run: (task, data, signal) => pool.run({ task, data } satisfies PoolMessage, { signal }) as Promise<SweepTaskResult>,
    close: () => pool.destroy(),
  };
}

/** Node flags without those that register tsx (`--import tsx`, `--import=tsx`, `--loader tsx`, `--require tsx/cjs`, ...). */
export function withoutTsxLoader(execArgv: readonly string[]): string[] {
  const isTsx = (value: string | undefined) => value !== undefined && /^tsx(\/|$)/.test(value);
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (['--import', '--loader', '--experimental-loader', '--require', '-r'].includes(flag)) {
      if (inline !== undefined ? isTsx(inline) : isTsx(execArgv[i + 1])) {
        if (inline === undefined) i++;
        continue;
      }
    }
    out.push(arg);
  }
  return out;
}

/** Bars in shared memory, for the threads (same values, same hash). */
export function sharedSeries(series: readonly BarSeries[]): BarSeries[] {
  const share = (a: Float64Array) => {
    const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return series.map((s) => ({ ...s, start: share(s.start), open: share(s.open), high: share(s.high), low: share(s.low), close: share(s.close), volume: share(s.volume) }));
}

export async function createTaskRunner(job: SweepJob, workers: number): Promise<TaskRunner> {
  return workers === 1 ? inProcess(job) : threadPool(job, workers);
}

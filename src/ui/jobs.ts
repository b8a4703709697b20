/**
 * Backtest runs launched from the UI, as jobs: queued, then run one at a time (the machine is
 * shared; a run's bar loop is synchronous and fast), with their phase and bar progress for the
 * page to poll. Finished jobs are kept (the newest `keep`) so a page can still read the outcome.
 */
import { randomUUID } from 'node:crypto';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobView {
  readonly id: string;
  readonly status: JobStatus;
  /** What a running job is doing: loading, running, storing. */
  readonly phase: string | null;
  readonly progress: { readonly done: number; readonly total: number } | null;
  readonly error: string | null;
  /** Ids of the stored backtests, once done. */
  readonly backtestIds: readonly string[];
  readonly label: string;
  readonly createdAt: number;
  readonly finishedAt: number | null;
}

export interface JobReporter {
  phase(phase: string): void;
  progress(done: number, total: number): void;
}

export type JobWork = (report: JobReporter) => Promise<string[]>;

interface Job {
  view: JobView;
  work: JobWork;
}

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly pending: Job[] = [];
  private running: Promise<void> | null = null;
  private readonly keep: number;

  constructor(options: { keep?: number } = {}) {
    this.keep = options.keep ?? 100;
  }

  submit(label: string, work: JobWork): JobView {
    const view: JobView = { id: randomUUID(), status: 'queued', phase: null, progress: null, error: null, backtestIds: [], label, createdAt: Date.now(), finishedAt: null };
    const job = { view, work };
    this.jobs.set(view.id, job);
    this.pending.push(job);
    this.prune();
    this.running ??= this.drain();
    return view;
  }

  get(id: string): JobView | undefined {
    return this.jobs.get(id)?.view;
  }

  list(): JobView[] {
    return [...this.jobs.values()].map((j) => j.view).reverse();
  }

  /** Resolves when every submitted job has finished. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private update(job: Job, patch: Partial<JobView>): void {
    job.view = { ...job.view, ...patch };
  }

  private async drain(): Promise<void> {
    try {
      for (let job = this.pending.shift(); job; job = this.pending.shift()) {
        this.update(job, { status: 'running', phase: 'starting' });
        // Let the submitting request answer (and pollers see "running") before the work starts.
        await new Promise((r) => setImmediate(r));
        const current = job;
        const reporter: JobReporter = {
          phase: (phase) => this.update(current, { phase }),
          progress: (done, total) => this.update(current, { progress: { done, total } }),
        };
        try {
          const ids = await job.work(reporter);
          this.update(job, { status: 'done', phase: null, backtestIds: ids, finishedAt: Date.now() });
        } catch (error) {
          this.update(job, { status: 'failed', phase: null, error: error instanceof Error ? error.message : String(error), finishedAt: Date.now() });
        }
      }
    } finally {
      this.running = null;
    }
  }

  private prune(): void {
    if (this.jobs.size <= this.keep) return;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= this.keep) break;
      if (job.view.status === 'done' || job.view.status === 'failed') this.jobs.delete(id);
    }
  }
}

/**
 * The background workers: jobs (one write cycle of one run) run on an rxjs mergeMap with
 * `workers` as its concurrency, so at most that many runs are being written at once. The
 * store never submits two jobs of the same run at the same time, which is what keeps each
 * run's records in order while different runs proceed in parallel.
 */
import { defer, EMPTY, mergeMap, Subject, catchError, type Subscription } from 'rxjs';

export class WorkerPool {
  private readonly jobs = new Subject<() => Promise<void>>();
  private readonly subscription: Subscription;

  constructor(concurrency: number, onJobError: (error: unknown) => void) {
    this.subscription = this.jobs
      .pipe(
        mergeMap(
          (job) =>
            defer(job).pipe(
              catchError((error: unknown) => {
                onJobError(error);
                return EMPTY;
              }),
            ),
          concurrency,
        ),
      )
      .subscribe();
  }

  submit(job: () => Promise<void>): void {
    this.jobs.next(job);
  }

  close(): void {
    this.jobs.complete();
    this.subscription.unsubscribe();
  }
}

/**
 * Promises that resolve when a condition on the store holds ("everything stored so far is
 * in the files", "this run is complete"): re-checked each time a write cycle ends, with an
 * optional time limit after which they reject (nothing is dropped; writing goes on).
 */
interface Waiter {
  readonly done: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | null;
}

export class SettleWaiters {
  private readonly waiters: Waiter[] = [];

  /** Resolves once `done()` holds; with `timeoutMs`, rejects with `onTimeout()` if it has not by then. */
  when(done: () => boolean, timeoutMs: number | undefined, onTimeout: () => Error): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { done, resolve, reject, timer: null };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(onTimeout());
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Something changed: resolve the waiters whose condition now holds. */
  check(): void {
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      if (!w.done()) continue;
      this.waiters.splice(i--, 1);
      if (w.timer) clearTimeout(w.timer);
      w.resolve();
    }
  }
}

/**
 * Progress of a running sweep as an async stream. It keeps only the latest value: a slow (or
 * absent) reader never makes the sweep wait nor makes memory grow; a reader always gets the
 * newest state, and the final state before the stream ends.
 */

export interface SweepProgress {
  /** `signals`: generating the strategy instances' signals (engine replay); `combinations`: running the chunks. */
  readonly phase: 'signals' | 'combinations';
  /** Combinations finished (including those resumed from an earlier run), and the grid size. */
  readonly done: number;
  readonly total: number;
  /** Of `done`, finished by an earlier run and skipped now. */
  readonly resumed: number;
  /** Signal groups generated (phase signals) out of `groupsTotal`. */
  readonly groupsDone: number;
  readonly groupsTotal: number;
  /** Combinations computed per second by this run (0 until the first chunk ends). */
  readonly rate: number;
  /** Estimated time to finish the combinations, ms; null while unknown. */
  readonly etaMs: number | null;
  readonly elapsedMs: number;
}

export class LatestChannel<T> implements AsyncIterable<T> {
  private value: T | undefined;
  private version = 0;
  private closed = false;
  private waiters: (() => void)[] = [];

  push(value: T): void {
    if (this.closed) return;
    this.value = value;
    this.version++;
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    let seen = 0;
    return {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (this.version > seen) {
            seen = this.version;
            return { value: this.value as T, done: false };
          }
          if (this.closed) return { value: undefined, done: true };
          await new Promise<void>((resolve) => this.waiters.push(resolve));
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        seen = Number.POSITIVE_INFINITY;
        return { value: undefined, done: true };
      },
    };
  }
}

/** Rate and ETA of the combinations computed by this run (resumed ones are not work done now). */
export function rateAndEta(computed: number, remaining: number, computeMs: number): { rate: number; etaMs: number | null } {
  if (computed === 0 || computeMs <= 0) return { rate: 0, etaMs: remaining === 0 ? 0 : null };
  const rate = computed / (computeMs / 1000);
  return { rate, etaMs: (remaining / rate) * 1000 };
}

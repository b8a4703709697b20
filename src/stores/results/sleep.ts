/** Waiting, asynchronously or (for the simulated slow disk in a synchronous spill) by blocking the thread. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` like a slow synchronous write would (Atomics.wait, no busy loop). */
export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}

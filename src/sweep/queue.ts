/**
 * The order of a sweep's work on the task runner: one queue, the signal groups first, then the
 * chunks. A chunk waits only for the groups it replays from, so the threads go on to chunks
 * while the last groups finish, and one lane more than threads keeps a task queued while a
 * finished chunk is being committed. The first failure stops the queue and aborts what is in
 * flight; it is rethrown once every lane has settled, so no commit is left half-done.
 */
import type { BarSeries } from '../data/bar-series.ts';
import type { Chunk } from './chunks.ts';
import type { SweepCombination } from './expand.ts';
import type { TaskRunner } from './pool.ts';
import type { SignalGroup } from './signal-groups.ts';
import type { SweepTaskResult } from './worker.ts';

export type GroupResult = Extract<SweepTaskResult, { kind: 'generate' }>;
export type ChunkResult = Extract<SweepTaskResult, { kind: 'chunk' }>;

export interface QueueWork {
  readonly runner: TaskRunner;
  readonly data: readonly BarSeries[];
  readonly stop: AbortController;
  readonly groups: readonly SignalGroup[];
  /** The groups to generate (those the unfinished chunks need), and the unfinished chunks. */
  readonly needed: readonly SignalGroup[];
  readonly todo: readonly Chunk[];
  readonly combinations: readonly SweepCombination[];
  /** Whether the topology has classifiers (generated with group 0, needed by every replay). */
  readonly classifiers: boolean;
}

export interface QueueHooks {
  group(result: GroupResult): void;
  chunkStarts(): void;
  /** A chunk's result, to make durable; the queue waits for it before the lane moves on. */
  chunk(chunk: Chunk, result: ChunkResult): Promise<void>;
}

type Item = { readonly kind: 'generate'; readonly group: SignalGroup } | { readonly kind: 'chunk'; readonly chunk: Chunk };

/** A promise settled from outside (a signal group's generation, awaited by the chunks that replay it). */
function settleable(): { promise: Promise<void>; resolve(): void; reject(error: unknown): void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // the failure is reported by the group's own task
  return { promise, resolve, reject };
}

/** The signal groups holding a strategy that an unfinished chunk trades. */
export function neededGroups(groups: readonly SignalGroup[], todo: readonly Chunk[], combinations: readonly SweepCombination[]): SignalGroup[] {
  if (groups.length === 0 || todo.length === 0) return [];
  const ids = new Set<string>();
  for (const chunk of todo) for (let i = chunk.start; i < chunk.end; i++) for (const id of combinations[i].strategyIds) ids.add(id);
  // Classifiers live in group 0: any replay with classifiers needs it.
  return groups.filter((g) => (g.group === 0 && g.classifierIds.length > 0) || g.strategyIds.some((id) => ids.has(id)));
}

/**
 * Runs `task` over `items` with at most `lanes` at a time, in item order. The first failure
 * stops new items and aborts the tasks in flight (through `stop`), and is rethrown once every
 * lane has settled, so no commit is left half-done behind the caller's back.
 */
async function inLanes<T>(items: readonly T[], lanes: number, stop: AbortController, task: (item: T) => Promise<void>): Promise<void> {
  const { signal } = stop;
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (failure === null && !signal.aborted && next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
  if (signal.aborted) throw new Error('sweep stopped');
}

export async function runQueue(work: QueueWork, hooks: QueueHooks): Promise<void> {
  const { runner, data, stop, groups, needed, todo, combinations } = work;
  const generated = new Map(needed.map((g) => [g.group, settleable()]));
  const groupOfStrategy = new Map(groups.flatMap((g) => g.strategyIds.map((id) => [id, g.group] as const)));
  const items: Item[] = [...needed.map((group): Item => ({ kind: 'generate', group })), ...todo.map((chunk): Item => ({ kind: 'chunk', chunk }))];
  await inLanes(items, runner.threads === 1 ? 1 : runner.threads + 1, stop, async (item) => {
    if (item.kind === 'generate') {
      const done = generated.get(item.group.group)!;
      let result: SweepTaskResult;
      try {
        result = await runner.run({ kind: 'generate', group: item.group.group }, data, stop.signal);
        if (result.kind !== 'generate') throw new Error('sweep: a generate task returned something else');
        done.resolve();
      } catch (error) {
        done.reject(error);
        throw error;
      }
      hooks.group(result);
      return;
    }
    const { chunk } = item;
    const waitFor = new Set<number>();
    for (let i = chunk.start; i < chunk.end; i++) for (const id of combinations[i].strategyIds) {
      const g = groupOfStrategy.get(id);
      if (g !== undefined) waitFor.add(g);
    }
    if (work.classifiers && groups.length > 0) waitFor.add(0);
    await Promise.all([...waitFor].map((g) => generated.get(g)?.promise));
    hooks.chunkStarts();
    const result = await runner.run({ kind: 'chunk', chunk }, data, stop.signal);
    if (result.kind !== 'chunk') throw new Error('sweep: a chunk task returned something else');
    await hooks.chunk(chunk, result);
  });
}

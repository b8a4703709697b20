/**
 * The backtest store hook (option `backtestStore`): every combination a sweep computes is also
 * stored as a backtest (curve and trades included), chunk by chunk, with source `sweep` and the
 * sweep's id, before the chunk is journaled. The ids stored for a chunk are kept in
 * `<dir>/stored/<chunk>.json`; if a crash comes before the chunk is journaled, the next run
 * deletes those backtests before storing the chunk again, so a resumed sweep does not store a
 * combination twice (only a crash between the store's write and that file can).
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { BacktestStore } from '../stores/backtests/index.ts';
import type { BacktestInput } from '../stores/backtests/schema.ts';
import { writeFileAtomic } from '../storage/atomic.ts';
import type { Chunk } from './chunks.ts';
import { partFile } from './journal.ts';

export const STORED_DIR = 'stored';

/** The id a sweep's backtests carry in the store: `<name>/<config hash, 16 digits>`. */
export const sweepIdOf = (name: string, configHash: string): string => `${name}/${configHash.slice(0, 16)}`;

export async function storeChunkBacktests(store: BacktestStore, dir: string, chunk: Chunk, backtests: readonly BacktestInput[], sweepId: string): Promise<void> {
  const idsFile = join(dir, STORED_DIR, partFile(chunk.chunk));
  let previous: string[] = [];
  try {
    previous = JSON.parse(await fsp.readFile(idsFile, 'utf8')) as string[];
  } catch {
    /* never stored */
  }
  for (const id of previous) await store.delete(id);
  const summaries = await store.storeMany(backtests.map((b) => ({ ...b, sweepId })));
  await fsp.mkdir(join(dir, STORED_DIR), { recursive: true });
  await writeFileAtomic(idsFile, JSON.stringify(summaries.map((s) => s.id)));
}

/** Shared test helpers: temp stores, record builders, the shared real-data folder. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MarketDataStore, type MarketDataStoreOptions } from '../../../src/stores/market-data/index.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The shared market data, read in place (never copied into the repo). */
export const SHARED_DATA_DIR = resolve(REPO_ROOT, '..', 'shared', 'data');
export const SHARED_DATA_EXISTS = existsSync(join(SHARED_DATA_DIR, 'README.md'));

export function noteSharedData(suite: string): boolean {
  if (!SHARED_DATA_EXISTS) console.warn(`[${suite}] SKIPPED: shared market data not found at ${SHARED_DATA_DIR} (expected ../shared/data next to the repo)`);
  return SHARED_DATA_EXISTS;
}

export async function tempDir(prefix = 'mds-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function tempStore(options?: MarketDataStoreOptions): Promise<{ store: MarketDataStore; root: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir();
  const root = join(dir, 'store');
  return { store: await MarketDataStore.open(root, options), root, cleanup };
}

export const MIN = 60_000;
export const DAY = 86_400_000;
export const T0 = Date.UTC(2025, 8, 15, 13, 30); // 2025-09-15 09:30 New York

export interface TestBar {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A consistent bar (low <= open, close <= high) whose prices are a function of `i`. */
export function bar(start: number, i: number): TestBar {
  const close = 100 + (i % 37) * 0.25;
  const open = close - 0.1;
  return { start, open, high: close + 0.5, low: open - 0.5, close, volume: 1000 + i };
}

/** `n` bars every `stepMs` from `from`. */
export function bars(from: number, n: number, stepMs = MIN, offset = 0): TestBar[] {
  return Array.from({ length: n }, (_, i) => bar(from + i * stepMs, i + offset));
}

export const LINEAGE = { source: 'test' } as const;

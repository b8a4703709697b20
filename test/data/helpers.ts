import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared market-data folder, read in place (never copied into the repo): <repo>/../shared/data. */
export const SHARED_DATA_DIR = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const SHARED_DATA_EXISTS = existsSync(join(SHARED_DATA_DIR, 'README.md'));

/** Call once per test file that needs the shared data; prints why its tests are skipped. */
export function noteSharedData(suite: string): boolean {
  if (!SHARED_DATA_EXISTS) {
    console.warn(`[${suite}] SKIPPED: shared market data not found at ${SHARED_DATA_DIR} (expected ../shared/data next to the repo)`);
  }
  return SHARED_DATA_EXISTS;
}

export function sharedFile(name: string): string {
  return join(SHARED_DATA_DIR, name);
}

/** A fresh temp directory and a cleanup function. */
export async function makeTempDir(prefix = 'tradeflow-data-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:MM:SS` of an instant in `zone`, via Intl formatting (independent of src/data/timezone). */
export function formatLocal(utcMs: number, zone: string): string {
  let f = fmtCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fmtCache.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(utcMs)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Raw data rows of a CSV (header dropped, CR stripped, blank lines dropped), split on commas. */
export function rawRows(text: string): string[][] {
  const lines = text.split('\n');
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line !== '') rows.push(line.split(','));
  }
  return rows;
}

/** Number of lines of a file minus the header (a final newline does not start a new line). */
export function dataLineCount(text: string): number {
  let lines = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  if (text.length > 0 && text.charCodeAt(text.length - 1) !== 10) lines++;
  return lines - 1;
}

/**
 * Rejected records are never stored with the data: each batch with rejections gets one JSON
 * Lines file `<root>/_quarantine/batch-<id>.jsonl` (written atomically) holding, per record,
 * where it came from (file line or record index), why it was rejected and the record itself
 * (or the raw text line). The manifest counts them per kind.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../storage/atomic.ts';
import { MarketDataError, messageOf } from './errors.ts';
import { ensureDir } from './fs-util.ts';
import { QUARANTINE_DIR } from './layout.ts';

export interface Rejection {
  /** 1-based line in the source file, when the records came from a file. */
  readonly line?: number;
  /** 0-based index of the record in the written batch, otherwise. */
  readonly index?: number;
  readonly reason: string;
  /** The record as received, or the raw text of the line. */
  readonly record: unknown;
}

export function quarantineFileName(batchId: number): string {
  return `${QUARANTINE_DIR}/batch-${String(batchId).padStart(6, '0')}.jsonl`;
}

export async function writeQuarantine(root: string, batchId: number, rejections: readonly Rejection[]): Promise<string> {
  const name = quarantineFileName(batchId);
  await ensureDir(join(root, QUARANTINE_DIR));
  const text = rejections.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).join('\n') + '\n';
  await writeFileAtomic(join(root, name), text);
  return name;
}

export async function readQuarantine(root: string, name: string): Promise<Rejection[]> {
  const path = join(root, name);
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (error) {
    throw new MarketDataError(`cannot read quarantine file ${path}: ${messageOf(error)}`, { cause: error });
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Rejection;
      } catch (error) {
        throw new MarketDataError(`${path} line ${i + 1}: not valid JSON: ${messageOf(error)}`, { cause: error });
      }
    });
}

/**
 * A reason with its particulars (numbers, quoted text, parenthesised values) blanked, so that
 * `high (10.2) < low (10.5)` and `high (3) < low (4)` are counted as one kind of rejection.
 */
export function reasonClass(reason: string): string {
  return reason
    .replace(/\([^)]*\)/g, '(…)')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d{4}-\d{2}-\d{2}[T ]?[\d:.]*Z?/g, '<time>')
    .replace(/-?\d+(\.\d+)?/g, '#');
}

/** Rejections counted by {@link reasonClass}, most frequent first. */
export function countByReason(rejections: readonly { reason: string }[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of rejections) {
    const c = reasonClass(r.reason);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

/**
 * The decision index: an append-only log (`index.jsonl`) of what exists, one JSON line per
 * change (put with the fields lists filter on and the file's SHA-256, or del), replayed
 * into memory when the store opens. Looking a decision up is then a Map lookup (constant
 * time) and listing never scans the directory.
 *
 * A crash can tear only the last line (appends are whole lines, fsynced before a change is
 * acknowledged): a torn last line is dropped and reported. A malformed line anywhere else
 * means the index is damaged: opening fails with the line number (DecisionStore.rebuild()
 * recreates the index from the decision files). The log is rewritten atomically without
 * its dead lines when they outnumber the live ones.
 */
import { promises as fsp } from 'node:fs';
import { z } from 'zod';
import { CorruptFileError, describeIssues, errnoCode } from '../results/errors.ts';

export const IndexEntrySchema = z.object({
  id: z.string(),
  ts: z.number(),
  symbol: z.string(),
  strategyId: z.string(),
  runId: z.string().nullable(),
  outcome: z.enum(['order', 'no_order']),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
}).strict();
export type IndexEntry = z.infer<typeof IndexEntrySchema>;

const LineSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('put'), entry: IndexEntrySchema }).strict(),
  z.object({ op: z.literal('del'), id: z.string() }).strict(),
]);
export type IndexLine = z.infer<typeof LineSchema>;

export interface ReplayResult {
  readonly entries: Map<string, IndexEntry>;
  readonly lines: number;
  /** Bytes of a torn last line that were dropped. */
  readonly tornBytes: number;
}

export async function replayIndex(path: string): Promise<ReplayResult> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { entries: new Map(), lines: 0, tornBytes: 0 };
    throw error;
  }
  const entries = new Map<string, IndexEntry>();
  const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  const tornBytes = Buffer.byteLength(text) - Buffer.byteLength(complete);
  const lines = complete === '' ? [] : complete.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    let parsed: IndexLine;
    try {
      const result = LineSchema.safeParse(JSON.parse(line));
      if (!result.success) throw new Error(describeIssues(result.error));
      parsed = result.data;
    } catch (error) {
      throw new CorruptFileError(path, `line ${i + 1} is malformed (${(error as Error).message}); DecisionStore.rebuild() recreates the index from the decision files`);
    }
    if (parsed.op === 'put') entries.set(parsed.entry.id, parsed.entry);
    else entries.delete(parsed.id);
  });
  return { entries, lines: lines.length, tornBytes };
}

/** Appends lines and fsyncs; returns after they are durable. */
export async function appendIndex(path: string, lines: readonly IndexLine[]): Promise<void> {
  if (lines.length === 0) return;
  const handle = await fsp.open(path, 'a');
  try {
    await handle.writeFile(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

export function indexText(entries: Iterable<IndexEntry>): string {
  let out = '';
  for (const entry of entries) out += JSON.stringify({ op: 'put', entry }) + '\n';
  return out;
}

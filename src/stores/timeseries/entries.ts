/**
 * Individual time-series entries per symbol, append-only JSON Lines
 * (`entries/<symbol>.jsonl`): one `{ "ts": <epoch ms>, ...fields }` object per line.
 *
 * Reading never fails on a bad line: a line that is not JSON, not an object, or has no
 * integer `ts` is skipped and counted (with its line number and why), so one damaged line
 * (a torn append after a crash, a hand edit) costs that line only. Appends are serialised
 * per file and each is one write of whole lines; if the file does not end with a newline
 * (a torn last line), the next append starts with one so it cannot merge into the damage.
 */
import { promises as fsp } from 'node:fs';
import { z } from 'zod';
import { describeIssues, errnoCode, StoreInputError } from '../results/errors.ts';
import { assertJson, type JsonValue } from '../results/json.ts';

const epochMs = z.number().int('ts must be an integer epoch ms').refine(Number.isSafeInteger, 'ts must be a safe integer');

/** An entry: its time and any JSON fields. */
export const TimeSeriesEntrySchema = z.object({ ts: epochMs }).catchall(z.custom<JsonValue>((v) => v !== undefined));
export type TimeSeriesEntry = z.infer<typeof TimeSeriesEntrySchema>;

export interface SkippedLine {
  readonly line: number;
  readonly reason: string;
}

export interface EntriesRead {
  readonly entries: TimeSeriesEntry[];
  /** Lines skipped because they were malformed. */
  readonly skipped: number;
  /** The first 100 skipped lines, with why. */
  readonly problems: readonly SkippedLine[];
}

/** Validates entries for an append and returns their lines. */
export function entryLines(entries: readonly unknown[], where: string): string {
  if (!Array.isArray(entries)) throw new StoreInputError(where, 'entries must be an array');
  let out = '';
  entries.forEach((entry, i) => {
    const parsed = TimeSeriesEntrySchema.safeParse(entry);
    if (!parsed.success) throw new StoreInputError(`${where} entries[${i}]`, describeIssues(parsed.error));
    assertJson(entry, `${where} entries[${i}]`);
    out += JSON.stringify(entry) + '\n';
  });
  return out;
}

/** Appends text (whole lines), first repairing a missing final newline; fsyncs when asked. */
export async function appendLines(path: string, text: string, fsync: boolean): Promise<void> {
  const handle = await fsp.open(path, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.appendFile(prefix + text);
    if (fsync) await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Entries with from <= ts < to (either bound optional), in file order. */
export async function readEntryFile(path: string, range: { from?: number; to?: number }): Promise<EntriesRead> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { entries: [], skipped: 0, problems: [] };
    throw error;
  }
  const entries: TimeSeriesEntry[] = [];
  const problems: SkippedLine[] = [];
  let skipped = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' && i === lines.length - 1) break; // after the final newline
    const reason = problem(line);
    if (typeof reason === 'string') {
      skipped++;
      if (problems.length < 100) problems.push({ line: i + 1, reason });
      continue;
    }
    if ((range.from === undefined || reason.ts >= range.from) && (range.to === undefined || reason.ts < range.to)) entries.push(reason);
  }
  return { entries, skipped, problems };
}

/** The entry on a line, or why it is not one. */
function problem(line: string): TimeSeriesEntry | string {
  if (line.trim() === '') return 'empty line';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const parsed = TimeSeriesEntrySchema.safeParse(raw);
  return parsed.success ? parsed.data : describeIssues(parsed.error);
}

/**
 * The errors every store throws. Each message names what is wrong and where (the run, the
 * file, the field path), so a caller can act on it without reading the store's code.
 */
import type { z } from 'zod';

/** A value handed to a store was malformed: `where` names the call and field path. */
export class StoreInputError extends Error {
  override name = 'StoreInputError';
  constructor(readonly where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

/** A file on disk failed verification (checksum, truncation, bad frame, bad row). */
export class CorruptFileError extends Error {
  override name = 'CorruptFileError';
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
  }
}

/** The in-memory queue is at its bound and the configured policy refuses the record. */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `flush({ timeoutMs })` / `close({ timeoutMs })` gave up while storage was still failing. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

export class StoreClosedError extends Error {
  override name = 'StoreClosedError';
}

/** `a.b[2].c`, the path of a zod issue, for messages. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** One line per zod issue: `field.path: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`).join('; ');
}

/** The errno code of a Node.js error, if any. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

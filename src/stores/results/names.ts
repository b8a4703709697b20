/**
 * Everything that reaches a file name (run ids, symbols, decision ids) is validated here
 * first: the project's IdSchema (letters, digits, `_ . -`, starting with a letter or digit,
 * at most 64 characters), which rules out `..`, `/`, `\`, absolute paths, and empty names.
 * A validated name is then joined to its store root and checked to stay inside it, as a
 * second line of defence should the rule ever be loosened.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { IdSchema } from '../../core/ids.ts';
import { StoreInputError } from './errors.ts';

/** Returns `name` if it is safe as a single path component, else throws naming `what` and `where`. */
export function safeName(name: unknown, what: string, where: string): string {
  if (typeof name !== 'string') throw new StoreInputError(where, `${what} must be a string, got ${describeType(name)}`);
  const parsed = IdSchema.safeParse(name);
  if (!parsed.success || name === '.' || name === '..' || name.includes('..')) {
    throw new StoreInputError(
      where,
      `${what} ${JSON.stringify(name)} is not a safe file name: ${parsed.success ? 'it contains ".."' : parsed.error.issues[0].message}` +
        ' (no path separators, no "..", no absolute paths)',
    );
  }
  return name;
}

/** `root/name...` after checking that the result is inside `root`. */
export function insideRoot(root: string, ...names: string[]): string {
  const base = resolve(root);
  const path = join(base, ...names);
  const rel = relative(base, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw new StoreInputError('path', `${names.join('/')} escapes the store root ${base}`);
  }
  return path;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

/**
 * What a store accepts as free-form data (event payloads, summaries, decision context): plain
 * JSON values. `assertJson` walks a value once and throws a StoreInputError naming the exact
 * field of the first thing JSON cannot carry faithfully, instead of letting JSON.stringify
 * silently turn NaN into null, drop undefined and functions, or throw on a bigint or a cycle.
 */
import { StoreInputError } from './errors.ts';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Throws unless `value` is a finite-number, acyclic, plain JSON value; `where` prefixes the field path. */
export function assertJson(value: unknown, where: string, path = ''): asserts value is JsonValue {
  walk(value, where, path, new Set());
}

function walk(value: unknown, where: string, path: string, open: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(where, path, `${String(value)} is not a finite number (JSON would store null)`);
      return;
    case 'object':
      break;
    case 'bigint':
      return fail(where, path, `bigint ${String(value)} is not serialisable (convert it to a number or string)`);
    case 'undefined':
      return fail(where, path, 'undefined is not serialisable (omit the field or use null)');
    default:
      return fail(where, path, `a ${typeof value} is not serialisable`);
  }
  if (value === null) return;
  if (open.has(value)) fail(where, path, 'circular reference');
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    open.add(value);
    for (let i = 0; i < value.length; i++) walk(value[i], where, `${path}[${i}]`, open);
    open.delete(value);
    return;
  }
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    fail(where, path, `a ${name} is not a plain object (convert it, e.g. a Date to epoch ms)`);
  }
  open.add(value);
  for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], where, path ? `${path}.${key}` : key, open);
  open.delete(value);
}

function fail(where: string, path: string, message: string): never {
  throw new StoreInputError(where, `${path || '(value)'}: ${message}`);
}

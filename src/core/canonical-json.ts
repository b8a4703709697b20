import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the same config always serialises the same way. */
export function canonicalJson(value: unknown): string {
  return plainCanonical(value, 0) ?? JSON.stringify(value, sortKeys);
}

/** The definition: JSON.stringify with every plain object's entries sorted by key. */
function sortKeys(_key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byCodeUnits(a, b)));
  }
  return v;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Array-index keys ("0", "17"): an object enumerates them first, in numeric order, whatever order they were added in. */
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

const MAX_DEPTH = 200;

/**
 * canonicalJson of plain data (null, booleans, numbers, strings, arrays and plain objects of
 * them) written directly, or undefined for anything else, which the definition then serialises
 * (class instances such as Date, undefined or function values (a toJSON method among them),
 * array-index keys, deep or cyclic values). Why: every replay hashes each stored instance's identity to find it in the store
 * (~106 hashes for the bench's store), and the definition's sort of Object.entries into a new
 * object per level was ~1 ms of them warm and ~2-3 ms in a first replay. test/core/
 * canonical-json.test.ts checks the two agree on arbitrary values.
 */
function plainCanonical(v: unknown, depth: number): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'string':
      return JSON.stringify(v);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (depth > MAX_DEPTH) return undefined;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return undefined;
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      const item = plainCanonical(v[i], depth + 1);
      if (item === undefined) return undefined;
      out += i === 0 ? item : `,${item}`;
    }
    return `${out}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const object = v as Record<string, unknown>;
  const keys = Object.keys(object).sort(byCodeUnits);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (INDEX_KEY.test(key)) return undefined;
    const item = plainCanonical(object[key], depth + 1);
    if (item === undefined) return undefined;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${item}`;
  }
  return `${out}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Validation of one incoming record against its kind: a plain object, no field the kind does
 * not store (an unknown field would otherwise be dropped silently, i.e. acknowledged and
 * lost), then the zod schema. The reason names the field and the offending value.
 */
import type { z } from 'zod';
import type { KindSpec, StoredRecord } from './kind-spec.ts';

export type Validated = { readonly ok: true; readonly record: StoredRecord } | { readonly ok: false; readonly reason: string };

const fieldSets = new WeakMap<KindSpec, ReadonlySet<string>>();

function fieldsOf(spec: KindSpec): ReadonlySet<string> {
  let set = fieldSets.get(spec);
  if (!set) {
    set = new Set(spec.columns.map((c) => c.name));
    fieldSets.set(spec, set);
  }
  return set;
}

export function validateRecord(spec: KindSpec, input: unknown): Validated {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: `record is not an object (${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input})` };
  }
  const fields = fieldsOf(spec);
  for (const name of Object.keys(input)) {
    // An explicit `undefined` is the same as an absent optional field.
    if (!fields.has(name) && (input as Record<string, unknown>)[name] !== undefined) {
      return { ok: false, reason: `unknown field "${name}" (${spec.kind} records have: ${[...fields].join(', ')})` };
    }
  }
  const result = spec.schema.safeParse(input);
  if (!result.success) return { ok: false, reason: formatIssue(result.error.issues[0]) };
  return { ok: true, record: result.data };
}

/** `field: message`, without repeating the field when the message already starts with it. */
export function formatIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid record';
  const path = issue.path.map(String).join('.');
  if (path === '' || issue.message.startsWith(path)) return issue.message;
  return `${path}: ${issue.message}`;
}

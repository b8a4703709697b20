import type { z } from 'zod';

/**
 * Param resolution shared by the strategy and classifier registries: zod validation of a
 * user-supplied params object, turned into errors that name the definition and the param.
 */

/** One param problem, with a path relative to the params object (e.g. ['fast_period']). */
export interface ParamIssue {
  readonly path: readonly (string | number)[];
  /** zod issue code ('invalid_type', 'too_small', 'custom', ...) or 'unrecognized_key'. */
  readonly code: string;
  readonly message: string;
}

export type DefinitionKind = 'strategy' | 'classifier';

/** Renders an issue path: `fast_period`, `a.b[0]`; the empty path is `(params)`. */
export function formatParamPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(params)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/**
 * Invalid params for a strategy or classifier. `issues` is structured so that a caller
 * (e.g. the YAML loader) can prefix each path with where the params object came from.
 */
export class ParamsError extends Error {
  readonly kind: DefinitionKind;
  readonly type: string;
  readonly issues: readonly ParamIssue[];

  constructor(kind: DefinitionKind, type: string, issues: readonly ParamIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((issue) => `  - ${formatParamPath(issue.path)}: ${issue.message}`);
    super(`invalid params for ${kind} "${type}":\n${lines.join('\n')}`, options);
    this.name = 'ParamsError';
    this.kind = kind;
    this.type = type;
    this.issues = issues;
  }
}

/** A strategy or classifier type that is not registered. */
export class UnknownTypeError extends Error {
  readonly kind: DefinitionKind;
  readonly type: string;
  readonly known: readonly string[];

  constructor(kind: DefinitionKind, type: string, known: readonly string[]) {
    super(`unknown ${kind} type "${type}"; known ${kind} types: ${known.join(', ')}`);
    this.name = 'UnknownTypeError';
    this.kind = kind;
    this.type = type;
    this.known = known;
  }
}

export type ParamsResult<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly issues: ParamIssue[] };

/**
 * Converts zod issues to ParamIssues. An `unrecognized_keys` issue becomes one issue per
 * unknown key, with the key in the path, so every error names the param.
 */
export function toParamIssues(issues: readonly z.core.$ZodIssue[], knownKeys: readonly string[]): ParamIssue[] {
  const out: ParamIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: [...path, key], code: 'unrecognized_key', message: `unknown param "${key}" (known params: ${knownKeys.join(', ')})` });
      }
    } else {
      out.push({ path, code: issue.code, message: issue.message });
    }
  }
  return out;
}

/** Validates `params` (undefined/null mean {}) and fills in defaults. */
export function safeResolveParams<S extends z.ZodObject>(schema: S, params: unknown): ParamsResult<z.infer<S>> {
  const result = schema.safeParse(params ?? {});
  if (result.success) return { success: true, data: result.data };
  return { success: false, issues: toParamIssues(result.error.issues, Object.keys(schema.shape)) };
}

/** Like safeResolveParams, but throws a ParamsError naming the definition and the params. */
export function resolveParams<S extends z.ZodObject>(kind: DefinitionKind, type: string, schema: S, params: unknown): z.infer<S> {
  const result = schema.safeParse(params ?? {});
  if (result.success) return result.data;
  throw new ParamsError(kind, type, toParamIssues(result.error.issues, Object.keys(schema.shape)), { cause: result.error });
}

/** Builds a type -> definition map, rejecting duplicate types. */
export function buildRegistry<T extends { readonly type: string }>(definitions: readonly T[]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const definition of definitions) {
    if (map.has(definition.type)) throw new Error(`duplicate definition type "${definition.type}"`);
    map.set(definition.type, definition);
  }
  return map;
}

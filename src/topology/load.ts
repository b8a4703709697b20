/**
 * Reading a topology file: YAML syntax errors and schema errors both come back as one
 * TopologyError whose lines each name the file, the line, the field path and what is wrong,
 * e.g. `topologies/x.yaml:14 strategies[0].params.fast_period: Too small: expected number to be >0`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { formatParamPath } from '../strategies/resolve.ts';
import { TopologySchema, type TopologyConfig } from './schema.ts';
import { expandSweep, isSweepInput } from '../sweep/expand.ts';

export class TopologyError extends Error {
  override name = 'TopologyError';
  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(`invalid topology ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export interface LoadedTopology {
  readonly config: TopologyConfig;
  /** Absolute path of the file. */
  readonly file: string;
  /** Relative paths in the file (bar files) are resolved against this directory. */
  readonly baseDir: string;
}

export function loadTopologyFile(path: string): LoadedTopology {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TopologyError(path, [code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`]);
  }
  return { config: parseTopology(text, path), file, baseDir: dirname(file) };
}

/** Parses and validates topology YAML text; `label` names it in errors. */
export function parseTopology(text: string, label: string): TopologyConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new TopologyError(label, doc.errors.map((e) => {
      const at = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      return `${label}:${at.line}:${at.col} YAML: ${e.message.split('\n')[0]}`;
    }));
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TopologyError(label, [`${label}: the top level must be a mapping (name, data, strategies, portfolios, ...)`]);
  }
  // A sweep (lists or ranges in params) runs as its expanded topology: one portfolio per combination.
  if (isSweepInput(raw)) return expandSweep(raw, label).config;
  const parsed = TopologySchema.safeParse(raw);
  if (!parsed.success) throw new TopologyError(label, parsed.error.issues.map((issue) => describeIssue(issue, doc, lineCounter, label)));
  return parsed.data;
}

/** Validates an in-memory config object (the TypeScript entry point), with the same messages; a sweep is expanded. */
export function validateTopology(input: unknown, label = 'topology'): TopologyConfig {
  if (isSweepInput(input)) return expandSweep(input, label).config;
  return validateTopologyShape(input, label);
}

/** Schema validation only (no sweep expansion): what an expanded sweep is checked with. */
export function validateTopologyShape(input: unknown, label = 'topology'): TopologyConfig {
  const parsed = TopologySchema.safeParse(input);
  if (!parsed.success) throw new TopologyError(label, parsed.error.issues.map((issue) => `${fieldPath(issue.path as (string | number)[])}: ${issue.message}`));
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, label: string): string {
  const path = issue.path as (string | number)[];
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  const line = lineOf(doc, lines, issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path);
  return `${label}${line ? `:${line}` : ''} ${fieldPath(path)}: ${issue.message}${keys}`;
}

/** `strategies[0].params.fast_period`; the empty path is the top level of the file. */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(top level)' : formatParamPath(path);
}

/** Line of the deepest YAML node that exists along `path` (a missing key points at its parent). */
export function lineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: [number] } | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = (node as { range?: [number] } | null)?.range?.[0] ?? offset;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

import { z } from 'zod';
import type { SignalValue } from './types.ts';

/**
 * Building blocks shared by the strategy and classifier definitions: param schemas,
 * cross-param constraints, and small pure helpers for `decide`/`classify`.
 */

/** A positive integer parameter (periods, lookbacks) with a default. */
export function intParam(defaultValue: number) {
  return z.int().positive().default(defaultValue);
}

/** The `long_only` switch every strategy has: when true, a short signal (-1) becomes flat (0). */
export function longOnlyParam() {
  return z.boolean().default(false);
}

/**
 * Records a cross-parameter constraint failure on `path` (inside a schema's `.check()`),
 * so that the error names the offending param. Does nothing when `ok` holds.
 */
export function requireParam<T>(ctx: z.core.ParsePayload<T>, ok: boolean, path: keyof T & string, message: string): void {
  if (!ok) ctx.issues.push({ code: 'custom', path: [path], message, input: ctx.value });
}

/** Applies the `long_only` mapping: -1 becomes 0, every other value (including null) is unchanged. */
export function applyLongOnly(signal: SignalValue | null, longOnly: boolean): SignalValue | null {
  return longOnly && signal === -1 ? 0 : signal;
}

/** 1 when a > b, -1 when a < b, 0 when equal (the crossover rule). */
export function compareSignal(a: number, b: number): SignalValue {
  if (a > b) return 1;
  if (a < b) return -1;
  return 0;
}

/** Clamps a confidence to [0, 1]; NaN becomes 0. */
export function clamp01(x: number): number {
  if (!(x > 0)) return 0;
  return x < 1 ? x : 1;
}

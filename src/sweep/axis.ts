/**
 * One swept value in a topology: a list of values, or `range(start, stop, step)` (stop
 * exclusive, as in Python; step defaults to 1). Range values are start + i * step rounded to
 * 12 significant digits, so range(0.1, 0.4, 0.1) gives 0.1, 0.2, 0.3 and not 0.30000000000000004.
 */
export type AxisValue = number | string | boolean | null;

const NUMBER = String.raw`\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*`;
const RANGE = new RegExp(String.raw`^\s*range\(${NUMBER},${NUMBER}(?:,${NUMBER})?\)\s*$`);
/** A range longer than this is surely a typo (a sweep's total is capped separately). */
const MAX_RANGE = 100_000;

export function isSwept(value: unknown): boolean {
  return Array.isArray(value) || (typeof value === 'string' && /^\s*range\s*\(/.test(value));
}

/** The values of a swept setting, or null when `value` is not swept; problems name `where`. */
export function axisValues(value: unknown, where: string, problems: string[]): AxisValue[] | null {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      problems.push(`${where}: an empty list sweeps nothing (give at least one value)`);
      return null;
    }
    const bad = value.findIndex((v) => !(v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'));
    if (bad >= 0) {
      problems.push(`${where}[${bad}]: a swept value must be a number, string, boolean or null, got ${JSON.stringify(value[bad])}`);
      return null;
    }
    const seen = new Set(value.map((v) => JSON.stringify(v)));
    if (seen.size !== value.length) problems.push(`${where}: a value is listed twice`);
    return value as AxisValue[];
  }
  if (typeof value !== 'string' || !/^\s*range\s*\(/.test(value)) return null;
  const m = RANGE.exec(value);
  if (!m) {
    problems.push(`${where}: "${value}" is not range(start, stop) or range(start, stop, step) with numbers`);
    return null;
  }
  const start = Number(m[1]);
  const stop = Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (!(step > 0)) {
    problems.push(`${where}: range step must be > 0, got ${step}`);
    return null;
  }
  // Count with a little tolerance so range(0, 1, 0.1) has 10 values, not 11 by rounding.
  const count = Math.ceil((stop - start) / step - 1e-9);
  if (count <= 0) {
    problems.push(`${where}: range(${start}, ${stop}, ${step}) is empty (stop is exclusive and must be above start)`);
    return null;
  }
  if (count > MAX_RANGE) {
    problems.push(`${where}: range(${start}, ${stop}, ${step}) has ${count} values (more than ${MAX_RANGE}); is the step right?`);
    return null;
  }
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

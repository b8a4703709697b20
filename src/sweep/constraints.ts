/**
 * Constraints on a strategy's grid, e.g. `fast_period < slow_period` or `period >= 10`: two
 * operands (param names or numbers) and a comparison. Checked on the params with defaults
 * filled in, so a constraint may name a param that is not swept.
 */
export interface Constraint {
  readonly text: string;
  /** Whether the params satisfy it; a param that is missing or not a number is a problem (reported once). */
  holds(params: Record<string, unknown>, where: string, problems: string[]): boolean;
}

const PATTERN = /^\s*([A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)\s*(<=|>=|==|!=|<|>)\s*([A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)\s*$/;

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

export function parseConstraint(input: unknown, where: string, problems: string[]): Constraint | null {
  const m = typeof input === 'string' ? PATTERN.exec(input) : null;
  if (!m) {
    problems.push(`${where}: ${JSON.stringify(input)} is not a comparison such as "fast_period < slow_period" (operators < <= > >= == !=)`);
    return null;
  }
  const [, left, op, right] = m;
  const compare = COMPARE[op];
  let reported = false;
  const operand = (token: string, params: Record<string, unknown>, where: string, problems: string[]): number | null => {
    if (/^-?\d/.test(token)) return Number(token);
    const v = params[token];
    if (typeof v === 'number') return v;
    if (!reported) problems.push(`${where}: "${input as string}" names ${token}, which is not a numeric param of this strategy`);
    reported = true;
    return null;
  };
  return {
    text: input as string,
    holds(params, w, p) {
      const a = operand(left, params, w, p);
      const b = operand(right, params, w, p);
      return a !== null && b !== null && compare(a, b);
    },
  };
}

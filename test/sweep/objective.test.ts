import { describe, expect, it } from 'vitest';
import { computeMetrics, type Metrics } from '../../src/metrics/index.ts';
import {
  compareObjective, describeObjective, objectiveMetrics, objectiveValue, ObjectiveSchema, type Objective,
} from '../../src/sweep/objective.ts';

function metricsOf(equity: number[], pnls: number[] = []): Metrics {
  const ts = Float64Array.from(equity, (_, i) => 86_400_000 * i);
  return computeMetrics({ ts, equity: Float64Array.from(equity) }, pnls.map((pnl) => ({ pnl, returnPct: pnl / 1000, bars: 3 })), { periodsPerYear: 252 });
}

describe('ObjectiveSchema', () => {
  it('accepts a metric name or a non-empty map of metric weights', () => {
    expect(ObjectiveSchema.parse('sharpe')).toBe('sharpe');
    for (const name of ['sortino', 'total_return', 'max_drawdown', 'win_rate', 'profit_factor', 'calmar', 'cagr']) {
      expect(ObjectiveSchema.parse(name)).toBe(name);
    }
    expect(ObjectiveSchema.parse({ weights: { sharpe: 1, max_drawdown: 2 } })).toEqual({ weights: { sharpe: 1, max_drawdown: 2 } });
    expect(ObjectiveSchema.parse({ weights: { calmar: 1 } })).toEqual({ weights: { calmar: 1 } });
  });

  it('rejects unknown metrics, empty or all-zero weights, extra keys, lower-is-better metrics as bare names', () => {
    const message = (input: unknown) => {
      const r = ObjectiveSchema.safeParse(input);
      expect(r.success, JSON.stringify(input)).toBe(false);
      return JSON.stringify(r.error!.issues);
    };
    expect(message('sharp')).toMatch(/sharpe/);
    expect(message({ weights: {} })).toMatch(/at least one metric weight/);
    expect(message({ weights: { sharpe: 0 } })).toMatch(/non-zero/);
    expect(message({ weights: { sharp: 1 } })).toMatch(/sharp/);
    expect(message({ weights: { sharpe: 'x' } })).toMatch(/number/);
    expect(message({ weights: { sharpe: 1 }, top: 3 })).toMatch(/top/);
    expect(message('annual_volatility')).toMatch(/annual_volatility: -1/);
    expect(ObjectiveSchema.parse({ weights: { annual_volatility: -1, sharpe: 1 } })).toBeTruthy();
  });
});

describe('objectiveValue', () => {
  const m = metricsOf([100, 110, 99, 120, 118], [10, -5, 20]);

  it('is the metric itself for a name (higher is better as the metric stands)', () => {
    expect(objectiveValue(m, 'sharpe')).toBe(m.sharpe);
    expect(objectiveValue(m, 'total_return')).toBeCloseTo(0.18, 12);
    expect(objectiveValue(m, 'max_drawdown')).toBe(m.max_drawdown);
    expect(m.max_drawdown).toBeCloseTo(99 / 110 - 1, 12);
    expect(objectiveValue(m, 'win_rate')).toBeCloseTo(2 / 3, 12);
    expect(objectiveValue(m, 'profit_factor')).toBe(6);
  });

  it('is the weighted sum for weights; a positive max_drawdown weight prefers the shallower drawdown', () => {
    const objective: Objective = { weights: { total_return: 1, max_drawdown: 2 } };
    expect(objectiveValue(m, objective)).toBeCloseTo(m.total_return + 2 * m.max_drawdown, 12);
    const deep = metricsOf([100, 150, 75, 120]);
    const shallow = metricsOf([100, 110, 105, 120]);
    expect(deep.total_return).toBe(shallow.total_return);
    expect(objectiveValue(shallow, objective)!).toBeGreaterThan(objectiveValue(deep, objective)!);
    expect(describeObjective(objective)).toBe('2*max_drawdown + 1*total_return');
  });

  it('is null when a metric it reads is null, but a zero weight does not read its metric', () => {
    const flat = metricsOf([100, 100, 100]);
    expect(flat.sharpe).toBeNull();
    expect(objectiveValue(flat, 'sharpe')).toBeNull();
    expect(objectiveValue(flat, { weights: { sharpe: 1, total_return: 1 } })).toBeNull();
    expect(objectiveValue(flat, { weights: { sharpe: 0, total_return: 1 } })).toBe(0);
    expect(objectiveMetrics({ weights: { sharpe: 0, total_return: 1 } })).toEqual(['total_return']);
    const noLoser = metricsOf([100, 110], [10]);
    expect(objectiveValue(noLoser, 'profit_factor')).toBeNull();
  });

  it('ranks best first, nulls last, ties by index', () => {
    const rows = [
      { v: 1, i: 3 }, { v: null, i: 0 }, { v: 2, i: 5 }, { v: 1, i: 1 }, { v: null, i: -1 }, { v: -3, i: 2 },
    ];
    rows.sort((a, b) => compareObjective(a.v, b.v, a.i, b.i));
    expect(rows.map((r) => r.i)).toEqual([5, 1, 3, 2, -1, 0]);
  });
});

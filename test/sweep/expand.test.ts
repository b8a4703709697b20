/**
 * Grid expansion (src/sweep/expand.ts): counts, ranges, constraints, portfolio axes, canonical
 * ids and hashes, defaults filled in, clear errors; and on a real run, that features are
 * computed once per canonical name and SIGNAL deliveries grow with portfolios, not with
 * portfolios x strategies.
 */
import { describe, expect, it } from 'vitest';
import { expandSweep, subTopology } from '../../src/sweep/expand.ts';
import { axisValues } from '../../src/sweep/axis.ts';
import { parseTopology, TopologyError, validateTopology } from '../../src/topology/load.ts';
import { planTopology } from '../../src/topology/plan.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph } from '../../src/topology/run.ts';

const data = { timezone: 'UTC', streams: [{ symbol: 'X', timeframe: '1m', synthetic: { seed: 7, bars: 3000 } }, { symbol: 'Y', timeframe: '1m', synthetic: { seed: 8, bars: 3000 } }] };

function sweep(extra: Record<string, unknown> = {}) {
  return {
    name: 'grid',
    data,
    strategies: [
      { id: 'sma', type: 'sma_crossover', params: { fast_period: [5, 10, 20], slow_period: 'range(10, 40, 10)' }, constraints: ['fast_period < slow_period'], inputs: ['X_1m'] },
      { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 14 }, inputs: ['X_1m'] },
    ],
    portfolios: [
      { id: 'p', strategies: ['sma'], risk: { stop_loss_pct: [null, 1] } },
      { id: 'q', strategies: ['rsi'] },
    ],
    execution: { slippage_bps: 1 },
    engine: { trace: { retention: 'none' } },
    ...extra,
  };
}

describe('axis values', () => {
  it('range is stop-exclusive, steps default to 1 and floats do not drift', () => {
    const problems: string[] = [];
    expect(axisValues('range(10, 40, 10)', 'x', problems)).toEqual([10, 20, 30]);
    expect(axisValues('range(1, 4)', 'x', problems)).toEqual([1, 2, 3]);
    expect(axisValues('range(0.1, 0.4, 0.1)', 'x', problems)).toEqual([0.1, 0.2, 0.3]);
    expect(axisValues('range(0, 1, 0.1)', 'x', problems)).toHaveLength(10);
    expect(axisValues(5, 'x', problems)).toBeNull();
    expect(problems).toEqual([]);
  });

  it('rejects empty, reversed, zero-step and malformed ranges and nested lists, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      ['range(5, 5)', /is empty/], ['range(10, 1, 1)', /is empty/], ['range(1, 10, 0)', /step must be > 0/],
      ['range(1, x)', /is not range\(start, stop\)/], [[], /empty list/], [[1, [2]], /x\[1\]: a swept value must be/], [[1, 1], /listed twice/],
      ['range(0, 1e9, 1)', /more than 100000/],
    ];
    for (const [value, message] of cases) {
      const problems: string[] = [];
      axisValues(value, 'x', problems);
      expect(problems.join('\n'), JSON.stringify(value)).toMatch(message);
    }
  });
});

describe('expandSweep', () => {
  it('expands strategy params (with constraints) and portfolio settings into one portfolio per combination', () => {
    const e = expandSweep(sweep());
    // sma: fast in {5,10,20} x slow in {10,20,30} with fast < slow: (5,10),(5,20),(5,30),(10,20),(10,30),(20,30) = 6
    const sma = e.config.strategies.filter((s) => s.type === 'sma_crossover');
    expect(sma.map((s) => [s.id, s.params.fast_period, s.params.slow_period])).toEqual([
      ['sma.0', 5, 10], ['sma.1', 5, 20], ['sma.2', 5, 30], ['sma.3', 10, 20], ['sma.4', 10, 30], ['sma.5', 20, 30],
    ]);
    // the unswept strategy keeps its id
    expect(e.config.strategies.map((s) => s.id)).toContain('rsi');
    // p: 6 instances x 2 stops = 12 combinations, then q: 1
    expect(e.combinations).toHaveLength(13);
    expect(e.combinations.map((c) => c.index)).toEqual([...Array(13).keys()]);
    expect(e.parameters).toEqual(['sma.fast_period', 'sma.slow_period', 'p.risk.stop_loss_pct']);
    expect(e.combinations[0]).toMatchObject({ portfolioId: 'p.0', strategyIds: ['sma.0'], params: { 'sma.fast_period': 5, 'sma.slow_period': 10, 'p.risk.stop_loss_pct': null } });
    expect(e.combinations[1]).toMatchObject({ portfolioId: 'p.1', strategyIds: ['sma.0'], params: { 'p.risk.stop_loss_pct': 1 } });
    expect(e.combinations[12]).toMatchObject({ portfolioId: 'q', strategyIds: ['rsi'], params: {} });
    // null means "not set"; the validated portfolio has no stop, the next one has 1 %
    const byId = new Map(e.config.portfolios.map((p) => [p.id, p]));
    expect(byId.get('p.0')!.risk.stop_loss_pct).toBeUndefined();
    expect(byId.get('p.1')!.risk.stop_loss_pct).toBe(1);
  });

  it('hashes are canonical: equal for the same full config however it is written, different when anything changes', () => {
    const a = expandSweep(sweep());
    // The same grid written with explicit defaults and reordered keys.
    const b = expandSweep(sweep({
      strategies: [
        { inputs: ['X_1m'], constraints: ['fast_period < slow_period'], params: { slow_period: [10, 20, 30], fast_period: 'range(5, 25, 5)' }, type: 'sma_crossover', id: 'sma' },
        { id: 'rsi', type: 'rsi_mean_reversion', params: { period: 14 }, inputs: ['X_1m'] },
      ],
    }));
    const hashesOf = (e: typeof a) => new Map(e.combinations.map((c) => [JSON.stringify([c.params['sma.fast_period'], c.params['sma.slow_period'], c.params['p.risk.stop_loss_pct'] ?? null, c.strategyIds[0].split('.')[0]]), c.hash]));
    const ha = hashesOf(a);
    for (const [key, hash] of hashesOf(b)) if (ha.has(key)) expect(hash, key).toBe(ha.get(key));
    expect(new Set(a.combinations.map((c) => c.hash)).size).toBe(a.combinations.length);
    const costlier = expandSweep(sweep({ execution: { slippage_bps: 2 } }));
    expect(costlier.combinations[0].hash).not.toBe(a.combinations[0].hash);
  });

  it('fills in defaults before checking constraints (a constraint may name an unswept param)', () => {
    // sma_crossover's default slow_period is 30 (registry): fast in {10, 30, 50} keeps 10 only.
    const e = expandSweep(sweep({
      strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: [10, 30, 50] }, constraints: ['fast_period < slow_period'], inputs: ['X_1m'] }],
      portfolios: [{ id: 'p', strategies: ['sma'] }],
    }));
    expect(e.config.strategies.map((s) => s.params.fast_period)).toEqual([10]);
  });

  it('is idempotent: validating an expanded topology (or expanding it again) changes nothing', () => {
    const e = expandSweep(sweep());
    expect(validateTopology(e.config)).toEqual(e.config);
    expect(expandSweep(e.config).combinations.map((c) => [c.portfolioId, c.hash])).toEqual(e.combinations.map((c) => [c.portfolioId, c.hash]));
  });

  it('YAML files with lists and ranges load as their expanded topology', () => {
    const yaml = `name: g
data: { timezone: UTC, streams: [{ symbol: X, timeframe: 1m, synthetic: { seed: 1, bars: 500 } }] }
strategies:
  - { id: s, type: ema_crossover, params: { fast_period: [3, 5], slow_period: "range(20, 60, 20)" }, inputs: [X_1m] }
portfolios:
  - { id: p, strategies: [s], execution: { fill: [next_open, signal_close] } }
sweep: { objective: sortino, top: 3 }
`;
    const config = parseTopology(yaml, 'g.yaml');
    expect(config.portfolios).toHaveLength(2 * 2 * 2);
    expect(config.sweep).toMatchObject({ objective: 'sortino', top: 3 });
  });

  it('names every problem with its place in the file', () => {
    const bad = (extra: Record<string, unknown>) => {
      try {
        expandSweep(sweep(extra), 'bad.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(TopologyError);
        return (error as TopologyError).problems.join('\n');
      }
      throw new Error('expected a TopologyError');
    };
    expect(bad({ strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: 'range(1, x)' }, inputs: ['X_1m'] }] })).toMatch(/strategies\[0\]\.params\.fast_period: "range\(1, x\)"/);
    expect(bad({ strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: [5, 10] }, constraints: ['fast_period << 3'], inputs: ['X_1m'] }] })).toMatch(/strategies\[0\]\.constraints\[0\]/);
    expect(bad({ strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: [5, 10] }, constraints: ['fast_period < nope'], inputs: ['X_1m'] }] })).toMatch(/names nope/);
    expect(bad({ strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: [50, 60], slow_period: 10 }, constraints: ['fast_period < slow_period'], inputs: ['X_1m'] }] })).toMatch(/constraints leave no parameter combination/);
    // an invalid value inside a grid is reported at its original strategy, naming the instance
    expect(bad({ strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: [5, -1] }, inputs: ['X_1m'] }], portfolios: [{ id: 'p', strategies: ['sma'] }] })).toMatch(/strategies\[0\] \(instance sma\.1\)\.params\.fast_period/);
    expect(bad({ strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: 'range(1, 5000)', slow_period: 'range(1, 5000)' }, inputs: ['X_1m'] }], portfolios: [{ id: 'p', strategies: ['sma'] }] })).toMatch(/more than sweep\.max_combinations/);
    expect(bad({ sweep: { objective: 'happiness' } })).toMatch(/sweep\.objective/);
    expect(bad({ portfolios: [{ id: 'p', strategies: ['sma'], risk: { stop_loss_pct: [1, 200] } }] })).toMatch(/portfolios\[0\] \(combination p\.\d+\)\.risk\.stop_loss_pct/);
  });
});

describe('running an expanded grid', () => {
  it('computes each canonical feature once and delivers each signal only to the portfolios trading its strategy', async () => {
    const e = expandSweep(sweep({
      strategies: [
        { id: 'sma', type: 'sma_crossover', params: { fast_period: [5, 10], slow_period: [20, 30] }, inputs: ['X_1m'] },
        { id: 'ema', type: 'ema_crossover', params: { fast_period: [5, 10], slow_period: [20, 30] }, inputs: ['Y_1m'] },
      ],
      portfolios: [
        { id: 'p', strategies: ['sma'], risk: { stop_loss_pct: [null, 1, 2] } },
        { id: 'q', strategies: ['ema'], sizing: { type: 'percent_equity', pct: [50, 95] } },
      ],
    }));
    expect(e.combinations).toHaveLength(4 * 3 + 4 * 2);
    const plan = planTopology(e.config, process.cwd());
    const { series } = await loadStreams(plan);
    const graph = buildGraph(plan, series);
    const deliveries = new Map<string, number>();
    graph.root.bus.addObserver({
      onDeliver(event, subscriber) {
        if (event.type === 'SIGNAL' && subscriber.startsWith('portfolio.')) deliveries.set(subscriber, (deliveries.get(subscriber) ?? 0) + 1);
      },
    });
    const outcome = runGraph(graph, { runId: 't' });
    // features: sma_5, sma_10, sma_20, sma_30 on X and ema_5/10/20/30 on Y, once each
    expect(outcome.features.filter((f) => /sma/.test(f))).toHaveLength(4);
    expect(outcome.features.filter((f) => /ema/.test(f))).toHaveLength(4);
    // each portfolio hears exactly its own strategy's signals
    const signalsOf = (id: string) => outcome.portfolios.find((p) => p.result.id === id)!.result.signalsReceived;
    let total = 0;
    for (const c of e.combinations) {
      const got = deliveries.get(`portfolio.${c.portfolioId}`) ?? 0;
      expect(got, c.portfolioId).toBe(signalsOf(c.portfolioId));
      total += got;
    }
    // Deliveries = sum over portfolios of their one strategy's signals: linear in portfolios,
    // far below portfolios x all signals published.
    const published = outcome.stats.signals;
    expect(total).toBeLessThan(e.combinations.length * published / 4);
    const perStrategy = new Map<string, number>();
    for (const c of e.combinations) perStrategy.set(c.strategyIds[0], signalsOf(c.portfolioId));
    expect([...perStrategy.values()].reduce((a, b) => a + b, 0)).toBe(published);
  });

  it('subTopology keeps only the chosen portfolios and the strategies they trade', () => {
    const e = expandSweep(sweep());
    const sub = subTopology(e, [0, 1, 12]);
    expect(sub.portfolios.map((p) => p.id)).toEqual(['p.0', 'p.1', 'q']);
    expect(sub.strategies.map((s) => s.id)).toEqual(['sma.0', 'rsi']);
    expect(() => subTopology(e, [99])).toThrow(/no combination 99/);
  });
});

describe('sweep settings', () => {
  it('a weighted objective may name any subset of metrics', () => {
    const e = expandSweep(sweep({ sweep: { objective: { weights: { sharpe: 1, max_drawdown: 2 } } } }));
    expect(e.settings.objective).toEqual({ weights: { sharpe: 1, max_drawdown: 2 } });
  });
});

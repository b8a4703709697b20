import { describe, expect, it } from 'vitest';
import { parseTopology, TopologyError } from '../../src/topology/load.ts';
import { planTopology } from '../../src/topology/plan.ts';

const base = `
name: t
data:
  timezone: UTC
  streams:
    - { symbol: A, timeframe: 1m, synthetic: { seed: 1, bars: 10 } }
strategies:
  - { id: s, type: sma_crossover, inputs: [A_1m] }
portfolios:
  - { id: s, strategies: [s] }
`;

function problems(text: string): string[] {
  try {
    parseTopology(text, 'x.yaml');
  } catch (error) {
    if (error instanceof TopologyError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('topology schema', () => {
  it('accepts a minimal file, fills defaults, and lets a portfolio share its strategy id', () => {
    const config = parseTopology(base, 'x.yaml');
    expect(config.execution).toEqual({ fill: 'next_open', commission: { type: 'none' }, slippage_bps: 0, on_insufficient_cash: 'reject' });
    expect(config.portfolios[0].sizing).toEqual({ type: 'percent_equity', pct: 95, basis: 'signal_close', fractional: false });
    expect(config.engine).toEqual({ on_handler_error: 'fail', replay_clock: 'sparse', replay_engine: 'auto', trace: { retention: 'trade_complete' } });
    const plan = planTopology(config, '/tmp');
    expect(plan.strategies[0].params).toEqual({ fast_period: 10, slow_period: 30, long_only: false });
    expect(plan.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(planTopology(parseTopology(base, 'y.yaml'), '/tmp').configHash).toBe(plan.configHash);
  });

  it('names the file, line and path of each problem', () => {
    const text = base.replace('{ id: s, type: sma_crossover, inputs: [A_1m] }', '{ id: s, type: sma_crossover, params: { fast_period: 0 }, inputs: [A_1m] }');
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^x\.yaml:8 strategies\[0\]\.params\.fast_period: /);
  });

  it('rejects duplicate streams and ids within a namespace, unknown references and time zones', () => {
    const text = `
name: t
data:
  timezone: Mars/Olympus
  streams:
    - { symbol: A, timeframe: 1m, synthetic: { seed: 1, bars: 10 } }
    - { symbol: A, timeframe: 1m, synthetic: { seed: 2, bars: 10 } }
strategies:
  - { id: s, type: sma_crossover, inputs: [A_1m] }
portfolios:
  - { id: p, strategies: [s] }
`;
    expect(problems(text).join('\n')).toMatch(/data\.timezone: unknown IANA time zone/);
    const fixedZone = text.replace('Mars/Olympus', 'UTC');
    expect(problems(fixedZone)).toEqual(['x.yaml:7 data.streams[1]: stream A_1m is declared twice']);
    const clash = base.replace('portfolios:', 'classifiers:\n  - { id: s, type: trend, inputs: [A_1m] }\nportfolios:');
    expect(problems(clash).join('\n')).toMatch(/strategies\[0\]\.id: id s is already used by classifier s/);
    const unknownInput = base.replace('inputs: [A_1m]', 'inputs: [B_1m]');
    expect(problems(unknownInput).join('\n')).toMatch(/strategies\[0\]\.inputs\[0\]: unknown stream B_1m \(declared: A_1m\)/);
  });

  it('checks resampling sources', () => {
    const text = base.replace('    - { symbol: A, timeframe: 1m, synthetic: { seed: 1, bars: 10 } }', [
      '    - { symbol: A, timeframe: 5m, synthetic: { seed: 1, bars: 10 } }',
      '    - { symbol: A, timeframe: 7m, resample_from: A_5m }',
      '    - { symbol: B, timeframe: 1h, resample_from: A_5m }',
      '    - { symbol: A, timeframe: 1m, file: a.csv, synthetic: { seed: 1, bars: 1 } }',
    ].join('\n'));
    const found = problems(text).join('\n');
    expect(found).toMatch(/data\.streams\[3\]: give exactly one source: file, synthetic, resample_from or store \(got file, synthetic\)/);
    const secondPass = problems(text.replace('    - { symbol: A, timeframe: 1m, file: a.csv, synthetic: { seed: 1, bars: 1 } }\n', '    - { symbol: A, timeframe: 1m, synthetic: { seed: 1, bars: 1 } }\n')).join('\n');
    expect(secondPass).toMatch(/data\.streams\[1\]\.resample_from: 7m is not a multiple \(>1\) of 5m/);
    expect(secondPass).toMatch(/data\.streams\[2\]\.resample_from: resampling A_5m cannot produce symbol B/);
  });
});

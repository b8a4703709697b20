/**
 * One config shape, one container graph per mode: `--dry-run` of a signal_generation YAML
 * shows the feature container and the signal writer and no portfolio or execution; of a
 * signal_replay YAML (against a generated store) the signal replay container, execution and
 * portfolios and no feature container.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../cli/run-cli.ts';
import { tempDir, writeText } from './more-helpers.ts';

const DATA = `data:
  timezone: UTC
  streams:
    - { symbol: SYNA, timeframe: 1d, synthetic: { seed: 42, bars: 300, start_price: 100, start: "2015-01-02" } }
    - { symbol: SYNB, timeframe: 1d, synthetic: { seed: 7, bars: 300, start_price: 50, start: "2015-01-02" } }
classifiers:
  - { id: trend, type: trend, params: { fast_period: 20, slow_period: 50 }, inputs: [SYNA_1d] }
strategies:
  - { id: sma_10_30, type: sma_crossover, params: { fast_period: 10, slow_period: 30 }, inputs: [SYNA_1d] }
  - { id: pairs, type: pairs_zscore, params: { period: 40, entry: 2.0, exit: 0.5 }, inputs: [SYNA_1d, SYNB_1d] }
`;
const PORTFOLIOS = `portfolios:
  - { id: trend_up_only, strategies: [sma_10_30], regime_filter: { classifier: trend, regimes: [up] } }
  - { id: pairs_close, strategies: [pairs], execution: { fill: signal_close } }
execution: { fill: next_open, commission: { type: percent, pct: 0.1 }, slippage_bps: 5 }
`;

describe('--dry-run shows a different graph per mode', () => {
  it('signal_generation: features + signal_writer, no portfolio or execution; signal_replay: signal_replay + execution + portfolios, no features', async () => {
    const dir = tempDir('modes');
    const store = join(dir, 'store');
    const gen = writeText(dir, 'gen.yaml', `name: modes-gen\nmode: signal_generation\nsignals: { store: ${JSON.stringify(store)} }\n${DATA}`);
    const rep = writeText(dir, 'rep.yaml', `name: modes-rep\nmode: signal_replay\nsignals: { store: ${JSON.stringify(store)} }\n${DATA}${PORTFOLIOS}`);

    const dryGen = await runCli([gen, '--dry-run']);
    expect(dryGen.code, describeRun(dryGen)).toBe(0);
    expect(dryGen.stdout).toContain('signal_writer');
    expect(dryGen.stdout).toContain('features');
    expect(dryGen.stdout).not.toContain('portfolio.');
    expect(dryGen.stdout).not.toContain('execution');
    expect(existsSync(store), 'a dry run writes no store').toBe(false);

    const run = await runCli([gen]);
    expect(run.code, describeRun(run)).toBe(0);
    const dryRep = await runCli([rep, '--dry-run']);
    expect(dryRep.code, describeRun(dryRep)).toBe(0);
    expect(dryRep.stdout).toContain('signal_replay');
    expect(dryRep.stdout).toContain('replay engine: batch (engine.replay_engine auto)');
    expect(dryRep.stdout).toContain('execution');
    expect(dryRep.stdout).toContain('portfolio.trend_up_only');
    expect(dryRep.stdout).toContain('portfolio.pairs_close');
    expect(dryRep.stdout).not.toContain('features');
    expect(dryRep.stdout).not.toContain('signal_writer');
    expect(readdirSync(dir).sort(), 'a dry run writes no results').toEqual(['gen.yaml', 'rep.yaml', 'store']);
  });
});

/**
 * engine.replay_engine: auto (the default) replays on the batch engine, with the results of
 * the event graph to the bit, and runs the event graph where the run needs the bus (a
 * results store) or asks for what the batch engine does not cover.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateTopology } from '../../src/topology/load.ts';
import { planTopology } from '../../src/topology/plan.ts';
import { usesBatchEngine } from '../../src/topology/replay-engine.ts';
import { runTopology, type TopologyRun } from '../../src/topology/run-topology.ts';
import type { RunOutcome } from '../../src/topology/run.ts';

const root = mkdtempSync(join(tmpdir(), 'replay-auto-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const topology = (mode: string, store: string, engine: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  name: 'replay-auto',
  mode,
  signals: { store },
  data: { timezone: 'UTC', streams: [{ symbol: 'AAA', timeframe: '1h', synthetic: { seed: 11, bars: 800, start_price: 50 } }] },
  strategies: [{ id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['AAA_1h'] }],
  portfolios: [{ id: 'p', strategies: ['sma'], risk: { stop_loss_pct: 2 } }],
  engine,
  ...extra,
});

const outcomeOf = (run: TopologyRun): RunOutcome => {
  if (run.mode === 'signal_generation') throw new Error('expected a replay');
  return run.outcome;
};
const portfolios = (o: RunOutcome) => o.portfolios.map((p) => ({ trades: p.result.trades, equity: Array.from(p.result.equity.equity), metrics: p.metrics }));
const options = { outDir: null, backtestStore: null } as const;

describe('replay_engine: auto', () => {
  const store = join(root, 'store');

  it('replays on the batch engine by default, with the event graph\'s results to the bit', async () => {
    await runTopology(topology('signal_generation', store), options);
    const auto = outcomeOf(await runTopology(topology('signal_replay', store), options));
    const events = outcomeOf(await runTopology(topology('signal_replay', store, { replay_engine: 'events' }), options));
    expect(events.stats.events).toBeGreaterThan(0);
    expect(auto.stats.events).toBe(0); // no bus: the batch engine
    expect(auto.portfolios[0].result.trades.length).toBeGreaterThan(0);
    expect(portfolios(auto)).toStrictEqual(portfolios(events));
  });

  it('runs the event graph when a results store follows the run on the bus', async () => {
    const run = outcomeOf(await runTopology(topology('signal_replay', store, {}, { results_store: { root: join(root, 'results-store') } }), options));
    expect(run.stats.events).toBeGreaterThan(0);
  });

  it('still refuses results_store with replay_engine: batch', async () => {
    await expect(runTopology(topology('signal_replay', store, { replay_engine: 'batch' }, { results_store: { root: join(root, 'rs2') } }), options)).rejects.toThrow(/replay_engine: events/);
  });

  it('decides per config what the run and its --dry-run say: batch unless the bus is needed or events are asked for', () => {
    const uses = (engine: Record<string, unknown>, extra: Record<string, unknown> = {}) => usesBatchEngine(planTopology(validateTopology(topology('signal_replay', store, engine, extra)), root));
    expect(uses({})).toBe(true);
    expect(uses({ replay_engine: 'batch' })).toBe(true);
    expect(uses({ replay_engine: 'events' })).toBe(false);
    expect(uses({}, { results_store: { root: join(root, 'rs3') } })).toBe(false);
  });
});

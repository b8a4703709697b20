/**
 * The batch replay keeps its last simulator, stripped, from one run to the next, so that V8
 * keeps the simulator's map and the optimized code built on it across full collections
 * (src/topology/batch-replay/simulate-portfolio.ts, keepShape). Checked here: the kept
 * simulator holds nothing of its run (no buffer, no bars, no stored rows, and the metrics
 * kernel no tick marks: they can be collected), and in a child process with V8's natives syntax, the simulators of a later run,
 * after a full collection, have the kept simulator's map.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { tickMarksOf } from '../../src/portfolio/equity-curve.ts';
import { FillLedger } from '../../src/portfolio/fill-ledger.ts';
import { TradeColumns } from '../../src/portfolio/trade-columns.ts';
import { runBatchReplay } from '../../src/topology/batch-replay/index.ts';
import { keptSimulator } from '../../src/topology/batch-replay/simulate-portfolio.ts';
import { loadReplayInputs } from '../../src/topology/replay-inputs.ts';
import { generate, loadSeries, planFor, tempStore } from './helpers.ts';
import { shapeConfig } from './children/shape-config.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./children/kept-shape.ts', import.meta.url));

/** One batch replay; weak references to its bars, inputs and outcome (nothing else holds them once it returns). */
async function replayedOnce(): Promise<WeakRef<object>[]> {
  const series = await loadSeries(shapeConfig);
  const store = tempStore('kept-shape');
  await generate(shapeConfig, series, store);
  const plan = planFor(shapeConfig, 'signal_replay', store);
  const inputs = await loadReplayInputs(plan, series);
  const outcome = runBatchReplay(plan, series, inputs, { runId: 'kept' });
  expect(outcome.portfolios.map((p) => p.result.trades.length).some((n) => n > 0)).toBe(true);
  // The tick marks the metrics kernel loaded (ledger-metrics.ts keeps them only weakly).
  const marks = tickMarksOf(series);
  return [series, series[0].close, inputs, inputs.strategies[0], outcome, outcome.portfolios[2].result, marks, marks.ts].map((o) => new WeakRef(o));
}

describe('the simulator kept between batch replays', () => {
  it('holds no buffer and nothing of its run, which can be collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const refs = await replayedOnce();
    const kept = keptSimulator() as unknown as Record<string, unknown> | null;
    expect(kept).not.toBeNull();
    for (const [key, value] of Object.entries(kept!)) {
      if (ArrayBuffer.isView(value)) expect((value as Uint8Array).length, key).toBe(0);
      else if (Array.isArray(value)) expect(value, key).toEqual([]);
      else if (value instanceof TradeColumns) expect(value.count, key).toBe(0);
      else if (value instanceof FillLedger) expect(value.length, key).toBe(0);
    }
    // WeakRefs made in a job hold their targets until it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(refs.map((r) => r.deref() === undefined)).toEqual(refs.map(() => true));
  });

  it('has the map of the simulators of the next run, after a full collection', () => {
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', CHILD], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const { sameMap } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { sameMap: boolean[] };
    expect(sameMap).toEqual([true, true, true]);
  });
});

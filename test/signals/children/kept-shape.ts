/**
 * Child of batch-replay-kept-shape.test.ts, run with --allow-natives-syntax: two batch replays
 * with a full collection between them. Prints, as JSON, whether each simulator of the second
 * run, when it starts, has the map (hidden class) of the simulator the first run kept.
 */
import { PortfolioSimulator, keptSimulator } from '../../../src/topology/batch-replay/simulate-portfolio.ts';
import { runBatchReplay } from '../../../src/topology/batch-replay/index.ts';
import { loadReplayInputs } from '../../../src/topology/replay-inputs.ts';
import { generate, loadSeries, planFor, tempStore } from '../helpers.ts';
import { shapeConfig } from './shape-config.ts';

// Natives syntax cannot be written in TypeScript; the Function constructor parses it at run time.
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
const collect = new Function('gc()') as () => void;

const series = await loadSeries(shapeConfig);
const store = tempStore('kept-shape');
await generate(shapeConfig, series, store);
const plan = planFor(shapeConfig, 'signal_replay', store);

runBatchReplay(plan, series, await loadReplayInputs(plan, series), { runId: 'first' });
const kept = keptSimulator();
if (!kept) throw new Error('no simulator was kept');
collect();

const sameMap: boolean[] = [];
const run = PortfolioSimulator.prototype.run;
PortfolioSimulator.prototype.run = function (this: PortfolioSimulator) {
  sameMap.push(haveSameMap(this, kept));
  return run.call(this);
};
runBatchReplay(plan, series, await loadReplayInputs(plan, series), { runId: 'second' });
console.log(JSON.stringify({ sameMap }));

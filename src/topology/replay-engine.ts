/**
 * Which engine a signal_replay runs on (engine.replay_engine): `batch` when asked for, or with
 * `auto` unless the run needs the bus (a results_store follows the events); else the event
 * graph. With `auto`, a run the batch engine refuses (UnsupportedBatchReplay) falls back to the
 * event graph (run-topology.ts).
 */
import type { Plan } from './plan.ts';

export function usesBatchEngine(plan: Plan): boolean {
  const engine = plan.config.engine.replay_engine;
  return engine === 'batch' || (engine === 'auto' && !plan.config.results_store);
}

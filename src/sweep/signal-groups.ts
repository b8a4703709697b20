/**
 * engine: replay. Every distinct strategy instance of the grid is generated once into a
 * signal store under the sweep's folder, then the chunks replay their portfolios from it.
 * Generation is split into groups (consecutive instances of the expanded config, so variants
 * of one strategy, which share features, stay together), each with its own store: groups run
 * in parallel on the pool without two writers ever touching one store. The split depends only
 * on the grid, so a resumed sweep finds its groups (and skips what they already hold).
 */
import { join } from 'node:path';
import type { TopologyConfig } from '../topology/schema.ts';

export interface SignalGroup {
  readonly group: number;
  /** The group's signal store (absolute). */
  readonly dir: string;
  readonly strategyIds: readonly string[];
  /** Classifiers are generated once, with group 0. */
  readonly classifierIds: readonly string[];
}

/**
 * Each group is one pass over all the bars (about 0.1 s for three minute files, whatever the
 * instances), and the instances of a group share features: 252 instances over SPY, QQQ, NVDA
 * minutes took 1.6 s in one group, 1.6-1.9 s in 8 groups of 32, 3.0 s in 16 groups of 16.
 * So groups hold at least 32 instances, and there are at most 8 of them.
 */
export const MAX_SIGNAL_GROUPS = 8;
export const MIN_GROUP_SIZE = 32;

export function signalGroups(config: TopologyConfig, signalsRoot: string): SignalGroup[] {
  const ids = config.strategies.map((s) => s.id);
  const count = Math.max(1, Math.min(MAX_SIGNAL_GROUPS, Math.ceil(ids.length / MIN_GROUP_SIZE)));
  const size = Math.ceil(ids.length / count);
  const groups: SignalGroup[] = [];
  for (let g = 0; g * size < ids.length; g++) {
    groups.push({
      group: g,
      dir: join(signalsRoot, `g${String(g).padStart(2, '0')}`),
      strategyIds: ids.slice(g * size, (g + 1) * size),
      classifierIds: g === 0 ? config.classifiers.map((c) => c.id) : [],
    });
  }
  return groups;
}

/** The dry-run view of a graph: the container tree and every subscription, in delivery order. */
import type { Container } from '../core/container.ts';
import type { Graph } from './build.ts';
import { usesBatchEngine } from './replay-engine.ts';

function tree(container: Container, prefix: string, last: boolean, isRoot: boolean, out: string[]): void {
  const [first, ...rest] = container.describe().split('\n');
  const branch = isRoot ? '' : last ? '└─ ' : '├─ ';
  const continuation = isRoot ? '' : last ? '   ' : '│  ';
  out.push(`${prefix}${branch}${first}`);
  for (const line of rest) out.push(`${prefix}${continuation}${line}`);
  container.children.forEach((child, i) => tree(child, prefix + continuation, i === container.children.length - 1, false, out));
}

/** Requires an initialized graph (subscriptions are made in initialize). */
export function describeGraph(graph: Graph): string {
  const { plan } = graph;
  const store = plan.signalStore ? `, signal store ${plan.signalStore}` : '';
  const out: string[] = [`topology ${plan.name}: mode ${plan.mode}${store} (config sha256 ${plan.configHash})`];
  if (plan.mode === 'signal_replay') {
    out.push(usesBatchEngine(plan)
      ? `replay engine: batch (engine.replay_engine ${plan.config.engine.replay_engine}): the portfolios below are simulated directly from the stored rows, with this graph's results to the bit`
      : `replay engine: events (engine.replay_engine ${plan.config.engine.replay_engine}): this graph runs on the bus`);
  }
  out.push('', 'containers:');
  tree(graph.root, '  ', true, true, out);
  out.push('', 'subscriptions (per bus, in delivery order):');
  const rows = [...graph.root.walk()].flatMap((c) => c.bus.subscriptions());
  const width = (f: (r: (typeof rows)[number]) => string) => Math.max(...rows.map((r) => f(r).length), 4);
  const wBus = width((r) => r.bus), wType = width((r) => r.type), wSub = width((r) => r.subscriber);
  out.push(`  ${'bus'.padEnd(wBus)}  ${'event'.padEnd(wType)}  ${'subscriber'.padEnd(wSub)}  filter`);
  for (const r of rows) out.push(`  ${r.bus.padEnd(wBus)}  ${r.type.padEnd(wType)}  ${r.subscriber.padEnd(wSub)}  ${r.filter}`);
  return out.join('\n');
}

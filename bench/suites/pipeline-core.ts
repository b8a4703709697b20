/**
 * Benchmarks of the full event-driven pipeline: every bar through the bus, the feature hub,
 * the strategies, the portfolios and the broker. Data is loaded once, outside the timing;
 * each case is run several times on a freshly built graph and the median loop time counts.
 */
import { validateTopology } from '../../src/topology/load.ts';
import { planTopology } from '../../src/topology/plan.ts';
import { loadStreams } from '../../src/topology/load-streams.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph } from '../../src/topology/run.ts';

export interface PipelineFigure {
  readonly name: string;
  readonly bars: number;
  readonly runs: number;
  readonly medianLoopMs: number;
  readonly bestLoopMs: number;
  readonly barsPerSecond: number;
  readonly signals: number;
  readonly fills: number;
  readonly trades: number;
  readonly peakRssMb: number;
}

export async function benchPipeline(name: string, topology: unknown, baseDir: string, runs: number): Promise<PipelineFigure> {
  const plan = planTopology(validateTopology(topology, name), baseDir);
  const { series } = await loadStreams(plan);
  const times: number[] = [];
  let last: ReturnType<typeof runGraph> | undefined;
  let peakRss = process.memoryUsage().rss;
  for (let i = 0; i < runs; i++) {
    const graph = buildGraph(plan, series);
    last = runGraph(graph, { runId: `bench-${i}` });
    times.push(last.stats.loopMs);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return {
    name,
    bars: last!.stats.bars,
    runs,
    medianLoopMs: median,
    bestLoopMs: times[0],
    barsPerSecond: last!.stats.bars / (median / 1000),
    signals: last!.stats.signals,
    fills: last!.stats.fills,
    trades: last!.portfolios.reduce((n, p) => n + p.result.trades.length, 0),
    // maxRSS is in KiB: the process's peak resident memory, loading and all runs included.
    peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
  };
}

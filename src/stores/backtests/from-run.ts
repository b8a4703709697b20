/**
 * The backtests of a finished run, one per portfolio, as the store takes them. The run is
 * described structurally (what a topology plan and outcome hold), so the store does not import
 * the topology layer: src/topology/run-topology.ts hands these over after each backtest or
 * signal replay.
 *
 *   strategy   the portfolio's strategy types, joined with '+' when it has several
 *   params     the strategy's full params (defaults filled in); with several strategies,
 *              { <strategy id>: params, ... }
 *   symbols    the symbols of the strategies' input streams, in order of first appearance
 *   timeframe  their timeframes, joined with ',' when they differ
 *   exitRule   from the portfolio's risk: trailing_stop_pct, stop_loss_pct, take_profit_pct
 *   start/end  first and last point of the portfolio's equity curve
 */
import type { Metrics } from '../../metrics/index.ts';
import { exitRuleFromRisk } from './hash.ts';
import type { BacktestInput, BacktestMetrics, JsonValue, TradeRow } from './schema.ts';

export interface RunStrategy {
  readonly id: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  /** Input stream ids. */
  readonly inputs: readonly string[];
}

export interface RunPortfolio {
  readonly id: string;
  readonly strategies: readonly string[];
  readonly risk: { readonly stop_loss_pct?: number; readonly take_profit_pct?: number; readonly trailing_stop_pct?: number };
  readonly metrics: Metrics;
  readonly equity: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number> };
  readonly trades: readonly TradeRow[];
}

export interface RunForStore {
  /** The results folder of the run (holding manifest.json), or null. */
  readonly runManifest: string | null;
  readonly source: string;
  readonly streams: readonly { readonly id: string; readonly symbol: string; readonly timeframe: string }[];
  readonly strategies: readonly RunStrategy[];
  readonly portfolios: readonly RunPortfolio[];
}

/** The ten stored metrics from the engine's metrics record (num_trades is its `trades`). */
export function backtestMetricsOf(m: Metrics): BacktestMetrics {
  return {
    win_rate: m.win_rate, num_trades: m.trades, total_return: m.total_return, cagr: m.cagr, sharpe: m.sharpe, sortino: m.sortino,
    max_drawdown: m.max_drawdown, expectancy: m.expectancy, profit_factor: m.profit_factor, exposure: m.exposure,
  };
}

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

export function backtestsOfRun(run: RunForStore): BacktestInput[] {
  const streams = new Map(run.streams.map((s) => [s.id, s]));
  const strategies = new Map(run.strategies.map((s) => [s.id, s]));
  return run.portfolios.map((p) => {
    const own = p.strategies.map((id) => {
      const s = strategies.get(id);
      if (!s) throw new Error(`portfolio ${p.id}: unknown strategy ${id}`);
      return s;
    });
    const inputs = own.flatMap((s) => s.inputs.map((id) => {
      const stream = streams.get(id);
      if (!stream) throw new Error(`strategy ${s.id}: unknown stream ${id}`);
      return stream;
    }));
    const params = own.length === 1 ? own[0].params : Object.fromEntries(own.map((s) => [s.id, s.params]));
    const ts = p.equity.ts;
    return {
      symbols: unique(inputs.map((s) => s.symbol)),
      timeframe: unique(inputs.map((s) => s.timeframe)).join(','),
      strategy: own.map((s) => s.type).join('+'),
      params: params as Record<string, JsonValue>,
      exitRule: exitRuleFromRisk(p.risk),
      start: ts.length > 0 ? ts[0] : 0,
      end: ts.length > 0 ? ts[ts.length - 1] : 0,
      runManifest: run.runManifest,
      source: run.source,
      sweepId: null,
      metrics: backtestMetricsOf(p.metrics),
      equity: { ts: Float64Array.from(p.equity.ts), equity: Float64Array.from(p.equity.equity) },
      trades: [...p.trades],
    };
  });
}

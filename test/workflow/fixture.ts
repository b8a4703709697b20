/** A small workflow on synthetic data, as an object the tests modify. */

export const BARS = 900;

export function gridTopology(): Record<string, unknown> {
  return {
    name: 'wf-grid',
    data: {
      timezone: 'UTC',
      streams: [
        { symbol: 'SYNA', timeframe: '1d', synthetic: { seed: 42, bars: BARS, start_price: 100 } },
        { symbol: 'SYNB', timeframe: '1d', synthetic: { seed: 7, bars: BARS, start_price: 50 } },
      ],
    },
    strategies: [
      { id: 'sma', type: 'sma_crossover', params: { fast_period: [5, 10], slow_period: [20, 40] }, inputs: ['SYNA_1d'] },
      { id: 'rsi', type: 'rsi_mean_reversion', params: { period: [7, 14] }, inputs: ['SYNB_1d'] },
    ],
    portfolios: [
      { id: 'trend', strategies: ['sma'], sizing: { type: 'percent_equity', pct: 90 } },
      { id: 'swing', strategies: ['rsi'], sizing: { type: 'percent_equity', pct: 50 } },
    ],
    execution: { fill: 'next_open', commission: { type: 'percent', pct: 0.05 }, slippage_bps: 2 },
    engine: { trace: { retention: 'none' } },
    sweep: { engine: 'replay', chunk_size: 3 },
  };
}

export interface PhaseObject {
  id: string;
  type: string;
  depends_on?: string[];
  inputs?: Record<string, unknown>;
  outputs?: Record<string, string | null>;
}

export function workflowObject(): { name: string; objective?: unknown; phases: PhaseObject[] } {
  return {
    name: 'wf-test',
    objective: 'sharpe',
    phases: [
      { id: 'grid', type: 'generate', inputs: { topology: gridTopology(), window: { start_bar: 0, end_bar: 600 } }, outputs: { results: 'grid.json' } },
      { id: 'top', type: 'select', depends_on: ['grid'], inputs: { from: 'grid.results', top: 3 }, outputs: { selected: null } },
      {
        id: 'variants', type: 'replay', depends_on: ['top'],
        inputs: { from: 'top.selected', variants: { risk: { stop_loss_pct: [null, 4] }, execution: { slippage_bps: [1, 20] } } },
        outputs: { results: 'variants.json' },
      },
      { id: 'oos', type: 'validate', depends_on: ['variants'], inputs: { from: 'variants.results', window: { start_bar: 600, end_bar: 900 } }, outputs: { results: 'oos.json' } },
      { id: 'wf', type: 'validate', depends_on: ['top'], inputs: { from: 'top.selected', walk_forward: { train: 200, test: 100, mode: 'anchored', partial: 'keep', step: 120 } }, outputs: { results: null } },
      { id: 'report', type: 'report', depends_on: ['oos'], inputs: { from: 'oos.results' }, outputs: { report: 'report.json' } },
      { id: 'wf_report', type: 'report', depends_on: ['wf'], inputs: { from: 'wf.results' }, outputs: { report: null } },
    ],
  };
}

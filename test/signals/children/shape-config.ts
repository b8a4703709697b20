/** A small topology for the kept-shape tests: two strategies, three portfolios of different settings. */
export const shapeConfig = {
  name: 'kept-shape',
  data: {
    timezone: 'UTC',
    streams: [
      { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 7, bars: 600, start_price: 80 } },
      { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 8, bars: 600, start_price: 50 } },
    ],
  },
  strategies: [
    { id: 'fast', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['AAA_1h'] },
    { id: 'slow', type: 'ema_crossover', params: {}, inputs: ['BBB_1h'] },
  ],
  portfolios: [
    { id: 'a', strategies: ['fast'] },
    { id: 'b', strategies: ['fast', 'slow'], risk: { stop_loss_pct: 2, trailing_stop_pct: 3 } },
    { id: 'c', strategies: ['slow'], sizing: { type: 'fixed_quantity', quantity: 10 }, execution: { fill: 'signal_close' } },
  ],
};

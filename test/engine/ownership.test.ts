/**
 * Ownership: with 10 portfolios and 20 strategies on one bus, every SIGNAL is delivered to
 * exactly the portfolio that trades its strategy, and every FILL to exactly its owner.
 */
import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../src/core/events.ts';
import { runConfig } from './helpers/run-config.ts';

const strategies = Array.from({ length: 20 }, (_, i) => {
  const symbol = i % 2 === 0 ? 'SYNA_1d' : 'SYNB_1d';
  if (i % 4 < 2) return { id: `s${i}`, type: 'sma_crossover', params: { fast_period: 3 + i, slow_period: 30 + 2 * i }, inputs: [symbol] };
  return { id: `s${i}`, type: 'rsi_mean_reversion', params: { period: 5 + i }, inputs: [symbol] };
});
const portfolios = Array.from({ length: 10 }, (_, p) => ({
  id: `p${p}`, strategies: [`s${2 * p}`, `s${2 * p + 1}`], initial_cash: 100_000, sizing: { type: 'percent_equity', pct: 40 },
}));
const config = {
  name: 'ownership',
  data: {
    timezone: 'UTC',
    streams: [
      { symbol: 'SYNA', timeframe: '1d', synthetic: { seed: 1, bars: 1500 } },
      { symbol: 'SYNB', timeframe: '1d', synthetic: { seed: 2, bars: 1500 } },
    ],
  },
  strategies,
  portfolios,
  execution: { commission: { type: 'percent', pct: 0.05 } },
};

describe('ownership of signals and fills', () => {
  it('delivers each signal only to its portfolio and each fill only to its owner', async () => {
    const owner = new Map(portfolios.flatMap((p) => p.strategies.map((s) => [s, `portfolio.${p.id}`] as const)));
    const deliveries = new Map<number, { event: AnyEvent; to: string[] }>();
    const published: AnyEvent[] = [];
    const { outcome } = await runConfig(config, (graph) => {
      graph.root.bus.addObserver({
        onPublish: (event) => {
          if (event.type === 'SIGNAL' || event.type === 'FILL') published.push(event);
        },
        onDeliver: (event, subscriber) => {
          if (event.type !== 'SIGNAL' && event.type !== 'FILL') return;
          const entry = deliveries.get(event.id) ?? { event, to: [] };
          entry.to.push(subscriber);
          deliveries.set(event.id, entry);
        },
      });
    });
    const signals = published.filter((e) => e.type === 'SIGNAL');
    const fills = published.filter((e) => e.type === 'FILL');
    expect(signals.length).toBeGreaterThan(100);
    expect(fills.length).toBeGreaterThan(100);
    for (const event of published) {
      const to = deliveries.get(event.id)?.to ?? [];
      if (event.type === 'SIGNAL') expect(to, `signal of ${event.payload.strategyId}`).toEqual([owner.get(event.payload.strategyId)]);
      if (event.type === 'FILL') expect(to, `fill of ${event.payload.portfolioId}`).toEqual([`portfolio.${event.payload.portfolioId}`]);
    }
    // Deliveries grow with signals, not with portfolios x strategies.
    const signalDeliveries = [...deliveries.values()].filter((d) => d.event.type === 'SIGNAL').reduce((n, d) => n + d.to.length, 0);
    expect(signalDeliveries).toBe(signals.length);
    // Every portfolio traded, and its trades are all its own strategies'.
    for (const p of outcome.portfolios) {
      const mine = portfolios.find((c) => c.id === p.result.id)!.strategies;
      expect(p.result.signalsReceived).toBeGreaterThan(0);
      expect(p.result.trades.length).toBeGreaterThan(0);
      for (const t of p.result.trades) expect(mine).toContain(t.strategyId);
      expect(p.result.fillsReceived).toBe(fills.filter((f) => f.type === 'FILL' && f.payload.portfolioId === p.result.id).length);
    }
  });
});

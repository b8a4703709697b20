/** Test records built independently of the store (values the tests can predict). */
import type { EventRecord, TradeRecord } from '../../../../src/stores/results/index.ts';

export const T0 = Date.UTC(2024, 0, 2, 14, 30);
export const MIN = 60_000;

export function trade(i: number, portfolioId = 'p'): TradeRecord {
  return {
    portfolioId, strategyId: `s${i % 3}`, symbol: 'SYN', stream: 'SYN_1m', direction: i % 2 ? 'short' : 'long',
    quantity: 10 + i, entryTime: T0 + i * MIN, entryBarIdx: i, entryPrice: 100 + i / 8,
    exitTime: T0 + (i + 5) * MIN, exitBarIdx: i + 5, exitPrice: 101 - i / 16, commission: 0.25,
    pnl: (i % 7) - 3.5, returnPct: ((i % 7) - 3.5) / 1000, bars: 5, exitReason: 'signal',
  };
}

export function event(i: number): EventRecord {
  return { ts: T0 + i * MIN, type: i % 2 ? 'FILL' : 'ORDER', source: 'execution', payload: { i, tags: ['a', `b,"${i}"`], nested: { x: i / 3 } } };
}

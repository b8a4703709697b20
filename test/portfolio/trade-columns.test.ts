/**
 * TradeColumns (the batch replay's closed trades): rows survive regrowth of the shared buffer,
 * and toTrades builds the Trade records field by field from the columns.
 */
import { describe, expect, it } from 'vitest';
import { createBarSeries } from '../../src/data/series.ts';
import { EXIT_REASONS, TradeColumns } from '../../src/portfolio/trade-columns.ts';

const series = ['AAA', 'BBB'].map((symbol) =>
  createBarSeries({
    symbol, timeframe: '1h', source: 'test',
    columns: { start: Float64Array.of(0), open: Float64Array.of(1), high: Float64Array.of(1), low: Float64Array.of(1), close: Float64Array.of(1), volume: Float64Array.of(1) },
  }),
);

describe('TradeColumns', () => {
  it('keeps every row through regrowth and builds the same Trade records', () => {
    const columns = new TradeColumns(16);
    const expected = [];
    for (let i = 0; i < 1000; i++) {
      const long = i % 3 !== 0;
      const pnl = (i - 500) * 1.25 + 1 / 3;
      const reason = i % EXIT_REASONS.length;
      columns.push(i % 2, (i >> 1) % 2, long, 10 + i / 7, 1e12 + i, i, 100 + i / 9, 2e12 + i, i + 1 + (i % 11), 101 + i / 13, 0.5 + i / 17, pnl, pnl / 1e4, reason);
      expected.push({
        portfolioId: 'p', strategyId: ['s0', 's1'][i % 2], symbol: series[(i >> 1) % 2].symbol, stream: series[(i >> 1) % 2].id,
        direction: long ? 'long' : 'short', quantity: 10 + i / 7,
        entryTime: 1e12 + i, entryBarIdx: i, entryPrice: 100 + i / 9,
        exitTime: 2e12 + i, exitBarIdx: i + 1 + (i % 11), exitPrice: 101 + i / 13,
        commission: 0.5 + i / 17, pnl, returnPct: pnl / 1e4, bars: 1 + (i % 11), exitReason: EXIT_REASONS[reason],
      });
    }
    expect(columns.count).toBe(1000);
    const trades = columns.toTrades('p', ['s0', 's1'], series);
    expect(trades).toStrictEqual(expected);
    // the key order of the event path's records (JSON output depends on it)
    expect(Object.keys(trades[0])).toEqual(Object.keys(expected[0]));
    expect(Array.from(columns.pnl.subarray(0, 1000))).toEqual(expected.map((t) => t.pnl));
  });
});

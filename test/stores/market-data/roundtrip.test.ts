/**
 * Write/read round trips for every record kind: what a query returns equals what was written
 * (sorted by time, then key), optional fields absent stay absent, and nothing is added.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarketDataStore } from '../../../src/stores/market-data/index.ts';
import { bars, DAY, LINEAGE, MIN, T0, tempStore } from './helpers.ts';

let store: MarketDataStore;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ store, cleanup } = await tempStore()));
afterEach(() => cleanup());

const byTime = <T extends { ts: number }>(key: (r: T) => string) => (a: T, b: T) => a.ts - b.ts || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

describe('round trips', () => {
  it('bars: columns come back bit for bit, across month partitions, from records or a BarSeries', async () => {
    const input = bars(Date.UTC(2025, 8, 30, 22), 300); // crosses 2025-10-01 00:00Z
    input.push({ start: Date.UTC(2025, 9, 2), open: 0.1 + 0.2, high: 1e-300 + 1, low: 0.1, close: 0.30000000000000004, volume: 0 });
    const result = await store.writeBars('SPY', '1m', input, LINEAGE);
    expect(result.batch.stored).toBe(301);
    expect(result.batch.files).toHaveLength(2);
    const s = await store.getBars('SPY', '1m');
    expect(s.length).toBe(301);
    expect(Array.from(s.start)).toEqual(input.map((b) => b.start));
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(s[k])).toEqual(input.map((b) => b[k]));
    expect(s.id).toBe('SPY_1m');

    // the same bars written as a BarSeries into another series give the same columns
    await store.writeBars('QQQ', '1m', s, LINEAGE);
    const q = await store.getBars('QQQ', '1m');
    expect(Array.from(q.close)).toEqual(Array.from(s.close));
  });

  it('quotes, with optional seq and exchange, several in one millisecond', async () => {
    const quotes = [
      { ts: T0 + 5, bid: 10, ask: 10.02, bid_size: 100, ask_size: 200, seq: 1, exchange: 'Q' },
      { ts: T0 + 5, bid: 10.01, ask: 10.02, bid_size: 100, ask_size: 200, seq: 0 },
      { ts: T0, bid: 9.99, ask: 9.99, bid_size: 0, ask_size: 5 },
    ];
    await store.writeQuotes('SPY', quotes, LINEAGE);
    const back = await store.getQuotes('SPY');
    const expected = [...quotes].sort(byTime((q) => String(q.seq ?? 0)));
    expect(back).toEqual(expected);
    expect(await store.getLatestQuote('SPY')).toEqual(quotes[0]);
  });

  it('trades with the same millisecond and different ids', async () => {
    const trades = [
      { ts: T0, trade_id: 'b', price: 10, size: 5 },
      { ts: T0, trade_id: 'a', price: 10.01, size: 1, exchange: 'N', conditions: '@F' },
      { ts: T0 - MIN, trade_id: 'z', price: 9.5, size: 100 },
    ];
    await store.writeTrades('SPY', trades, LINEAGE);
    expect(await store.getTrades('SPY')).toEqual([...trades].sort(byTime((t) => t.trade_id)));
  });

  it('options chains: the latest snapshot at or before `at`', async () => {
    const contract = (ts: number, strike: number, right: 'C' | 'P', extra: object = {}) => ({ ts, expiry: '2025-10-17', strike, right, bid: 1, ask: 1.1, volume: 10, open_interest: 100, ...extra });
    const first = [contract(T0, 500, 'C', { iv: 0.2, delta: 0.5, gamma: 0.01, theta: -0.1, vega: 0.3, last: 1.05, underlying_price: 505 }), contract(T0, 500, 'P')];
    const second = [contract(T0 + DAY, 510, 'C'), contract(T0 + DAY, 500, 'C'), contract(T0 + DAY, 490, 'P')];
    await store.writeOptionsChain('SPY', [...first, ...second], LINEAGE);
    const key = (o: { expiry: string; strike: number; right: string }) => `${o.expiry}|${o.strike}|${o.right}`;
    const sortC = (xs: typeof second) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(await store.getOptionsChain('SPY', T0 - 1)).toEqual({ symbol: 'SPY', ts: null, contracts: [] });
    expect(await store.getOptionsChain('SPY', T0)).toEqual({ symbol: 'SPY', ts: T0, contracts: sortC(first) });
    expect(await store.getOptionsChain('SPY', T0 + DAY - 1)).toEqual({ symbol: 'SPY', ts: T0, contracts: sortC(first) });
    expect(await store.getOptionsChain('SPY', T0 + 40 * DAY)).toEqual({ symbol: 'SPY', ts: T0 + DAY, contracts: sortC(second) });
  });

  it('options chain as of a time in a later month finds the snapshot of an earlier month', async () => {
    const c = { ts: Date.UTC(2025, 8, 30), expiry: '2025-12-19', strike: 100, right: 'P', bid: 0, ask: 0.05, volume: 0, open_interest: 3 };
    await store.writeOptionsChain('XYZ', [c], LINEAGE);
    expect((await store.getOptionsChain('XYZ', Date.UTC(2025, 10, 5))).contracts).toEqual([c]);
  });

  it('flow events in a range', async () => {
    const ev = (ts: number, id: string) => ({ ts, id, expiry: '2025-10-17', strike: 520, right: 'C', flow_type: 'sweep', side: 'buy', size: 500, price: 2.5, premium: 125000 });
    const events = [ev(T0 + 2 * MIN, 'x2'), ev(T0, 'x0'), { ...ev(T0 + MIN, 'x1'), sentiment: 'bullish', underlying_price: 515, open_interest: 1000 }];
    await store.writeFlowEvents('SPY', events, LINEAGE);
    expect(await store.getFlowEvents('SPY', T0, T0 + 2 * MIN)).toEqual([events[1], events[2]]);
  });

  it('fundamentals of every type, grouped', async () => {
    const records = [
      { type: 'earnings', ts: T0, fiscal_period: '2025Q3', timing: 'amc', eps_estimate: 1.2, eps_actual: 1.3 },
      { type: 'dividend', ts: T0 + DAY, amount: 0.25, pay_date: '2025-10-01', currency: 'USD' },
      { type: 'split', ts: T0 + 2 * DAY, ratio: 4 },
      { type: 'sector', ts: T0 - 400 * DAY, sector: 'Energy' },
      { type: 'sector', ts: T0 - DAY, sector: 'Technology', industry: 'Semiconductors' },
      { type: 'factor', ts: Date.UTC(2050, 11, 31, 5), price_factor: 1, split_factor: 1, reference_price: 0 },
    ];
    await store.writeFundamentals('NVDA', records, LINEAGE);
    const f = await store.getFundamentals('NVDA');
    expect(f.earnings).toEqual([records[0]]);
    expect(f.dividends).toEqual([records[1]]);
    expect(f.splits).toEqual([records[2]]);
    expect(f.sectors).toEqual([records[3], records[4]]);
    expect(f.sector).toEqual(records[4]);
    expect(f.factors).toEqual([records[5]]);
    expect((await store.getFundamentals('AAPL')).earnings).toEqual([]);
  });

  it('calendar events by range and type', async () => {
    const events = [
      { ts: T0, id: 'fomc-1', type: 'FOMC', name: 'FOMC rate decision', country: 'US', importance: 'high', actual: 4.25, forecast: 4.25, previous: 4.5 },
      { ts: T0 + DAY, id: 'cpi-1', type: 'CPI', name: 'CPI YoY' },
      { ts: T0 + 400 * DAY, id: 'fomc-2', type: 'FOMC', name: 'FOMC rate decision' },
    ];
    await store.writeCalendarEvents(events, LINEAGE);
    expect(await store.getEvents()).toEqual(events);
    expect(await store.getEvents(T0, T0 + 400 * DAY, 'FOMC')).toEqual([events[0]]);
    expect(await store.getEvents(T0 + 1, undefined, 'FOMC')).toEqual([events[2]]);
  });

  it('computed features by name', async () => {
    const rows = [0, 1, 2, 3].flatMap((i) => [
      { ts: T0 + i * MIN, name: 'sma_20', value: 100 + i / 3 },
      { ts: T0 + i * MIN, name: 'bollinger_20_2.0_upper', value: -i },
    ]);
    await store.writeFeatures('SPY', '1m', rows, LINEAGE);
    const f = await store.getFeature('SPY', 'sma_20', '1m', T0 + MIN, T0 + 3 * MIN);
    expect(Array.from(f.ts)).toEqual([T0 + MIN, T0 + 2 * MIN]);
    expect(Array.from(f.values)).toEqual([100 + 1 / 3, 100 + 2 / 3]);
    expect((await store.getFeature('SPY', 'sma_20', '5m')).ts.length).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/core/bus.ts';
import { createEvent, EventIdSequence, type AnyEvent } from '../../src/core/events.ts';
import { EventTracer } from '../../src/core/tracer.ts';

function setup() {
  const ids = new EventIdSequence();
  const bus = new EventBus('root', { ids });
  const bar = () => createEvent(ids, 'BAR', 0, 'data', {
    streamIndex: 0, stream: 'X_1m', symbol: 'X', timeframe: '1m', barIdx: 0, start: 0, open: 1, high: 1, low: 1, close: 1, volume: 1, tickEnd: true,
  });
  const position = (type: 'POSITION_OPEN' | 'POSITION_CLOSE', cause: AnyEvent, openCorrelationId = 0) => {
    const base = { portfolioId: 'p', strategyId: 's', positionId: 1, symbol: 'X', quantity: 1, entryPrice: 1, barIdx: 0 };
    return type === 'POSITION_OPEN'
      ? createEvent(ids, 'POSITION_OPEN', 0, 'p', base, cause)
      : createEvent(ids, 'POSITION_CLOSE', 0, 'p', { ...base, exitPrice: 2, pnl: 1, reason: 'signal', openCorrelationId }, cause);
  };
  return { bus, bar, position };
}

describe('EventTracer retention', () => {
  it('all keeps everything, none keeps nothing but counts', () => {
    for (const [retention, kept] of [['all', 5], ['none', 0]] as const) {
      const { bus, bar } = setup();
      const tracer = new EventTracer({ retention });
      tracer.attach(bus);
      for (let i = 0; i < 5; i++) bus.publish(bar());
      expect(tracer.stats()).toEqual({ seen: 5, retained: kept, completedTrades: 0 });
    }
  });

  it('window keeps the last N in order', () => {
    const { bus, bar } = setup();
    const tracer = new EventTracer({ retention: 'window', size: 3 });
    tracer.attach(bus);
    const events = Array.from({ length: 7 }, () => bar());
    events.forEach((e) => bus.publish(e));
    expect(tracer.events().map((e) => e.id)).toEqual(events.slice(-3).map((e) => e.id));
    expect(() => new EventTracer({ retention: 'window', size: 0 })).toThrow(/positive integer/);
  });

  it('trade_complete keeps only the chains of open positions and releases them on close', () => {
    const { bus, bar, position } = setup();
    const tracer = new EventTracer({ retention: 'trade_complete' });
    tracer.attach(bus);
    bus.publish(bar()); // a chain that opens nothing
    const entryBar = bar();
    bus.publish(entryBar);
    const open = position('POSITION_OPEN', entryBar);
    bus.publish(open);
    for (let i = 0; i < 100; i++) bus.publish(bar()); // bars while the position is open
    expect(tracer.events().map((e) => e.id)).toEqual(expect.arrayContaining([entryBar.id, open.id]));
    expect(tracer.stats().retained).toBeLessThanOrEqual(3);
    const exitBar = bar();
    bus.publish(exitBar);
    bus.publish(position('POSITION_CLOSE', exitBar, open.correlationId));
    expect(tracer.stats()).toEqual({ seen: 105, retained: 0, completedTrades: 1 });
  });
});

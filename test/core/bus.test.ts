import { describe, expect, it } from 'vitest';
import { EventBus, HandlerFailure } from '../../src/core/bus.ts';
import { createEvent, EventIdSequence, type AnyEvent, type RuntimeEvent } from '../../src/core/events.ts';

function setup(errorPolicy: 'fail' | 'continue' = 'fail') {
  const ids = new EventIdSequence();
  const errors: RuntimeEvent<'ERROR'>[] = [];
  const bus = new EventBus('root', { ids, errorPolicy, onErrorEvent: (e) => errors.push(e) });
  const signal = (strategyId: string) =>
    createEvent(ids, 'SIGNAL', 0, 'feature', { strategyId, strategyType: 't', value: 1, previous: 0, legs: [] });
  const fill = (portfolioId: string) =>
    createEvent(ids, 'FILL', 0, 'exec', {
      orderId: 1, portfolioId, strategyId: 's', stream: 'X_1m', streamIndex: 0, symbol: 'X', quantity: 1, price: 1,
      basePrice: 1, commission: 0, barIdx: 0, fillTime: 0, reason: 'signal', opening: true,
    });
  const start = () => createEvent(ids, 'SYSTEM_START', 0, 'root', { runId: 'r', topology: 't' });
  return { ids, bus, errors, signal, fill, start };
}

describe('EventBus filters', () => {
  it('rejects SIGNAL and FILL subscriptions without a filter', () => {
    const { bus } = setup();
    expect(() => bus.subscribe('SIGNAL', () => {}, { subscriber: 'p1' })).toThrow(/SIGNAL subscription needs a filter/);
    expect(() => bus.subscribe('FILL', () => {}, { subscriber: 'p1' })).toThrow(/FILL subscription needs a filter/);
    expect(() => bus.subscribe('BAR', () => {}, { subscriber: 'p1' })).not.toThrow();
  });

  it('routes keyed subscriptions only to matching keys', () => {
    const { bus, signal } = setup();
    const got: string[] = [];
    bus.subscribe('SIGNAL', (e) => got.push(`a:${e.payload.strategyId}`), { subscriber: 'pa', filter: { key: ['s1', 's2'] } });
    bus.subscribe('SIGNAL', (e) => got.push(`b:${e.payload.strategyId}`), { subscriber: 'pb', filter: { key: 's3' } });
    for (const s of ['s1', 's2', 's3', 's4']) bus.publish(signal(s));
    expect(got).toEqual(['a:s1', 'a:s2', 'b:s3']);
  });

  it('applies predicate filters and describes them', () => {
    const { bus, fill } = setup();
    const got: string[] = [];
    bus.subscribe('FILL', (e) => got.push(e.payload.portfolioId), {
      subscriber: 'audit', filter: { where: (e) => e.payload.portfolioId.startsWith('x'), describe: 'portfolio starts with x' },
    });
    bus.publish(fill('x1'));
    bus.publish(fill('y1'));
    expect(got).toEqual(['x1']);
    expect(bus.subscriptions()).toEqual([{ bus: 'root', type: 'FILL', subscriber: 'audit', filter: 'where portfolio starts with x' }]);
  });

  it('unsubscribes', () => {
    const { bus, signal } = setup();
    let n = 0;
    const off = bus.subscribe('SIGNAL', () => n++, { subscriber: 'p', filter: { key: 's' } });
    bus.publish(signal('s'));
    off();
    bus.publish(signal('s'));
    expect(n).toBe(1);
    expect(bus.subscriptions()).toHaveLength(0);
  });
});

describe('EventBus delivery order', () => {
  it('delivers synchronously, in subscription order, depth-first', () => {
    const { bus, signal, start } = setup();
    const log: string[] = [];
    bus.subscribe('SYSTEM_START', () => {
      log.push('h1:start');
      bus.publish(signal('s'));
      log.push('h1:after-nested');
    }, { subscriber: 'h1' });
    bus.subscribe('SYSTEM_START', () => log.push('h2:start'), { subscriber: 'h2' });
    bus.subscribe('SIGNAL', () => log.push('h3:signal'), { subscriber: 'h3', filter: { key: 's' } });
    bus.publish(start());
    log.push('returned');
    expect(log).toEqual(['h1:start', 'h3:signal', 'h1:after-nested', 'h2:start', 'returned']);
  });
});

describe('EventBus observers', () => {
  it('sees publishes and deliveries without subscribing', () => {
    const { bus, signal } = setup();
    const published: number[] = [];
    const delivered: string[] = [];
    bus.subscribe('SIGNAL', () => {}, { subscriber: 'p1', filter: { key: 's1' } });
    bus.subscribe('SIGNAL', () => {}, { subscriber: 'p2', filter: { key: 's2' } });
    bus.addObserver({
      onPublish: (e: AnyEvent) => published.push(e.id),
      onDeliver: (_e: AnyEvent, who: string) => delivered.push(who),
    });
    const a = signal('s1');
    const b = signal('s2');
    const c = signal('nobody');
    bus.publish(a);
    bus.publish(b);
    bus.publish(c);
    expect(published).toEqual([a.id, b.id, c.id]);
    expect(delivered).toEqual(['p1', 'p2']);
    expect(bus.stats()).toEqual({ published: 3, delivered: 2 });
  });
});

describe('EventBus errors', () => {
  it('turns a throwing handler into an ERROR event and fails the run by default', () => {
    const { bus, start, errors } = setup('fail');
    const seenErrors: string[] = [];
    const observed: string[] = [];
    bus.subscribe('ERROR', (e) => seenErrors.push(e.payload.message), { subscriber: 'logger' });
    bus.addObserver({ onError: (_err, _e, who) => observed.push(who) });
    let later = 0;
    bus.subscribe('SYSTEM_START', () => {
      throw new Error('boom');
    }, { subscriber: 'broken' });
    bus.subscribe('SYSTEM_START', () => later++, { subscriber: 'later' });
    const ev = start();
    expect(() => bus.publish(ev)).toThrow(HandlerFailure);
    expect(seenErrors).toEqual([`handler of broken failed on SYSTEM_START event #${ev.id} (bus root): boom`]);
    expect(observed).toEqual(['broken']);
    expect(errors).toHaveLength(1);
    expect(errors[0].causationId).toBe(ev.id);
    expect(later).toBe(0);
  });

  it('keeps delivering under the continue policy', () => {
    const { bus, start, errors } = setup('continue');
    let later = 0;
    bus.subscribe('SYSTEM_START', () => {
      throw new Error('boom');
    }, { subscriber: 'broken' });
    bus.subscribe('SYSTEM_START', () => later++, { subscriber: 'later' });
    bus.publish(start());
    expect(later).toBe(1);
    expect(errors.map((e) => e.payload.subscriber)).toEqual(['broken']);
  });

  it('reports a nested failure once, naming the innermost handler', () => {
    const { bus, start, signal, errors } = setup('fail');
    bus.subscribe('SYSTEM_START', () => bus.publish(signal('s')), { subscriber: 'outer' });
    bus.subscribe('SIGNAL', () => {
      throw new Error('inner boom');
    }, { subscriber: 'inner', filter: { key: 's' } });
    expect(() => bus.publish(start())).toThrow(/handler of inner failed on SIGNAL/);
    expect(errors).toHaveLength(1);
  });
});

describe('EventBus order across filter kinds', () => {
  it('delivers keyed, predicate and unfiltered subscribers of one type in subscription order', () => {
    const { bus, signal } = setup();
    const log: string[] = [];
    bus.subscribe('SIGNAL', () => log.push('keyed-1'), { subscriber: 'a', filter: { key: 's' } });
    bus.subscribe('SIGNAL', () => log.push('predicate-2'), { subscriber: 'b', filter: { where: () => true, describe: 'all' } });
    bus.subscribe('SIGNAL', () => log.push('keyed-other'), { subscriber: 'c', filter: { key: 'other' } });
    bus.subscribe('SIGNAL', () => log.push('keyed-3'), { subscriber: 'd', filter: { key: ['x', 's'] } });
    bus.subscribe('SIGNAL', () => log.push('predicate-4'), { subscriber: 'e', filter: { where: () => true, describe: 'all' } });
    bus.publish(signal('s'));
    expect(log).toEqual(['keyed-1', 'predicate-2', 'keyed-3', 'predicate-4']);
    // A later subscription joins the cached route in its place.
    bus.subscribe('SIGNAL', () => log.push('keyed-5'), { subscriber: 'f', filter: { key: 's' } });
    log.length = 0;
    bus.publish(signal('s'));
    expect(log).toEqual(['keyed-1', 'predicate-2', 'keyed-3', 'predicate-4', 'keyed-5']);
  });
});

/**
 * The event bus: eventemitter3 underneath, typed subscriptions on top.
 *
 * - Delivery is synchronous, in subscription order (whatever mix of keyed, predicate and
 *   unfiltered subscriptions), and depth-first: an event published from inside a handler is
 *   fully delivered before the outer publish moves on.
 * - Filters are either routing keys (`{ key }`, e.g. a strategy id for SIGNAL, a portfolio id
 *   for FILL), which route by topic name (`SIGNAL:<key>`) so a signal reaches only its
 *   subscribers without any predicate being run, or a predicate (`{ where, describe }`).
 * - SIGNAL and FILL subscriptions must have a filter: that is how a portfolio sees only its
 *   own strategies' signals and only its own fills.
 * - A throwing handler becomes an ERROR event on this bus; with the `fail` policy the
 *   publish then throws a HandlerFailure that aborts the run, with `continue` delivery goes on.
 */
import { EventEmitter } from 'eventemitter3';
import { createEvent, routingKey, type AnyEvent, type EventIdSequence, type EventType, type RuntimeEvent } from './events.ts';

export type Handler<T extends EventType> = (event: RuntimeEvent<T>) => void;

export type Filter<T extends EventType> =
  | { readonly key: string | readonly string[] }
  | { readonly where: (event: RuntimeEvent<T>) => boolean; readonly describe: string };

export interface SubscribeOptions<T extends EventType> {
  /** Who subscribes (a container id), shown in dry runs and passed to observers. */
  readonly subscriber: string;
  readonly filter?: Filter<T>;
}

export interface SubscriptionInfo {
  readonly bus: string;
  readonly type: EventType;
  readonly subscriber: string;
  readonly filter: string;
}

export interface BusObserver {
  onPublish?(event: AnyEvent, bus: EventBus): void;
  onDeliver?(event: AnyEvent, subscriber: string, bus: EventBus): void;
  onError?(error: unknown, event: AnyEvent, subscriber: string, bus: EventBus): void;
}

export type ErrorPolicy = 'fail' | 'continue';

/** Thrown out of `publish` when a handler failed under the `fail` policy. */
export class HandlerFailure extends Error {
  constructor(
    message: string,
    readonly subscriber: string,
    readonly eventType: EventType,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HandlerFailure';
  }
}

/** Event types that may only be subscribed to with a filter. */
const FILTER_REQUIRED: ReadonlySet<EventType> = new Set<EventType>(['SIGNAL', 'FILL']);

export interface EventBusOptions {
  readonly ids: EventIdSequence;
  readonly errorPolicy?: ErrorPolicy;
  /** Called with every ERROR event this bus creates (the run context collects them). */
  readonly onErrorEvent?: (event: RuntimeEvent<'ERROR'>) => void;
}

export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly keyedSubscriptions = new Map<EventType, number>();
  private readonly topicNames = new Map<EventType, Map<string, string>>();
  /** Subscription order of every delivering function, so mixed keyed/unkeyed delivery keeps it. */
  private readonly order = new WeakMap<Function, number>();
  private nextOrder = 0;
  /** Per type and key: the unkeyed and key-matching listeners merged in subscription order. */
  private readonly routes = new Map<EventType, Map<string, Function[]>>();
  private readonly infos: SubscriptionInfo[] = [];
  private publishObservers: BusObserver[] = [];
  private deliverObservers: BusObserver[] = [];
  private errorObservers: BusObserver[] = [];
  private published = 0;
  private delivered = 0;
  readonly errorPolicy: ErrorPolicy;

  constructor(readonly name: string, private readonly options: EventBusOptions) {
    this.errorPolicy = options.errorPolicy ?? 'fail';
  }

  subscribe<T extends EventType>(type: T, handler: Handler<T>, options: SubscribeOptions<T>): () => void {
    const { filter, subscriber } = options;
    if (FILTER_REQUIRED.has(type) && !filter) {
      throw new Error(
        `${subscriber}: a ${type} subscription needs a filter (e.g. { key: <${type === 'SIGNAL' ? 'strategy id' : 'portfolio id'}> }) ` +
          `so that it receives only its own ${type === 'SIGNAL' ? 'signals' : 'fills'}`,
      );
    }
    const deliver = this.wrap(type, handler, subscriber);
    this.order.set(deliver, this.nextOrder++);
    this.routes.delete(type);
    const removers: Array<() => void> = [() => this.routes.delete(type)];
    let filterText = 'none';
    if (filter && 'key' in filter) {
      const keys = typeof filter.key === 'string' ? [filter.key] : [...filter.key];
      if (keys.length === 0) throw new Error(`${subscriber}: a ${type} key filter needs at least one key`);
      filterText = `key in [${keys.join(', ')}]`;
      for (const key of keys) {
        const topic = this.topic(type, key);
        this.emitter.on(topic, deliver);
        this.keyedSubscriptions.set(type, (this.keyedSubscriptions.get(type) ?? 0) + 1);
        removers.push(() => {
          this.emitter.off(topic, deliver);
          this.keyedSubscriptions.set(type, (this.keyedSubscriptions.get(type) ?? 1) - 1);
        });
      }
    } else if (filter) {
      const { where } = filter;
      filterText = `where ${filter.describe}`;
      const guarded = (event: RuntimeEvent<T>) => {
        if (where(event)) deliver(event);
      };
      this.order.set(guarded, this.order.get(deliver)!);
      this.emitter.on(type, guarded);
      removers.push(() => this.emitter.off(type, guarded));
    } else {
      this.emitter.on(type, deliver);
      removers.push(() => this.emitter.off(type, deliver));
    }
    const info: SubscriptionInfo = { bus: this.name, type, subscriber, filter: filterText };
    this.infos.push(info);
    return () => {
      for (const remove of removers) remove();
      const at = this.infos.indexOf(info);
      if (at >= 0) this.infos.splice(at, 1);
    };
  }

  publish(event: AnyEvent): void {
    this.published++;
    const observers = this.publishObservers;
    for (let i = 0; i < observers.length; i++) observers[i].onPublish!(event, this);
    if ((this.keyedSubscriptions.get(event.type) ?? 0) === 0) {
      this.emitter.emit(event.type, event);
      return;
    }
    // Keyed and unkeyed subscribers of this type: deliver in subscription order.
    const key = routingKey(event);
    if (key === undefined) {
      this.emitter.emit(event.type, event);
      return;
    }
    const listeners = this.route(event.type, key);
    for (let i = 0; i < listeners.length; i++) (listeners[i] as (e: AnyEvent) => void)(event);
  }

  private route(type: EventType, key: string): Function[] {
    let byKey = this.routes.get(type);
    if (!byKey) this.routes.set(type, (byKey = new Map()));
    let listeners = byKey.get(key);
    if (!listeners) {
      listeners = [...this.emitter.listeners(type), ...this.emitter.listeners(this.topic(type, key))];
      listeners.sort((a, b) => this.order.get(a)! - this.order.get(b)!);
      byKey.set(key, listeners);
    }
    return listeners;
  }

  /** True when anything listens for `type` (lets hot paths skip building events nobody reads). */
  hasSubscribers(type: EventType): boolean {
    return this.emitter.listenerCount(type) > 0 || (this.keyedSubscriptions.get(type) ?? 0) > 0 || this.publishObservers.length > 0;
  }

  addObserver(observer: BusObserver): () => void {
    if (observer.onPublish) this.publishObservers = [...this.publishObservers, observer];
    if (observer.onDeliver) this.deliverObservers = [...this.deliverObservers, observer];
    if (observer.onError) this.errorObservers = [...this.errorObservers, observer];
    return () => {
      this.publishObservers = this.publishObservers.filter((o) => o !== observer);
      this.deliverObservers = this.deliverObservers.filter((o) => o !== observer);
      this.errorObservers = this.errorObservers.filter((o) => o !== observer);
    };
  }

  subscriptions(): readonly SubscriptionInfo[] {
    return this.infos;
  }

  stats(): { published: number; delivered: number } {
    return { published: this.published, delivered: this.delivered };
  }

  private topic(type: EventType, key: string): string {
    let byKey = this.topicNames.get(type);
    if (!byKey) this.topicNames.set(type, (byKey = new Map()));
    let topic = byKey.get(key);
    if (topic === undefined) byKey.set(key, (topic = `${type}:${key}`));
    return topic;
  }

  private wrap<T extends EventType>(type: T, handler: Handler<T>, subscriber: string): Handler<T> {
    return (event) => {
      this.delivered++;
      const observers = this.deliverObservers;
      for (let i = 0; i < observers.length; i++) observers[i].onDeliver!(event as AnyEvent, subscriber, this);
      try {
        handler(event);
      } catch (error) {
        this.handleFailure(error, event as AnyEvent, subscriber, type);
      }
    };
  }

  private handleFailure(error: unknown, event: AnyEvent, subscriber: string, type: EventType): void {
    // A failure already reported deeper in a depth-first delivery is unwinding: pass it on.
    if (error instanceof HandlerFailure) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const message = `handler of ${subscriber} failed on ${type} event #${event.id} (bus ${this.name}): ${reason}`;
    for (const observer of this.errorObservers) observer.onError!(error, event, subscriber, this);
    if (type !== 'ERROR') {
      const errorEvent = createEvent(this.options.ids, 'ERROR', event.ts, subscriber, {
        message, subscriber, failedEventType: type, failedEventId: event.id,
      }, event);
      this.options.onErrorEvent?.(errorEvent);
      this.publish(errorEvent);
    }
    if (this.errorPolicy === 'fail' || type === 'ERROR') throw new HandlerFailure(message, subscriber, type, { cause: error });
  }
}

/**
 * Containers: the units a topology is built from. Each has a role, an id, a parent and
 * children, its own event bus, and a lifecycle initialize -> start -> stop -> cleanup in
 * which any other transition is an error. Completion is deterministic: stop() and
 * cleanup() run synchronously children-first, nothing waits on timers.
 */
import { EventBus, type ErrorPolicy } from './bus.ts';
import { createEvent, EventIdSequence, type AnyEvent, type EventType, type PayloadMap, type RuntimeEvent } from './events.ts';

export type ContainerRole = 'root' | 'data' | 'feature' | 'portfolio' | 'execution' | 'signal_replay' | 'signal_writer';
export type LifecycleState = 'created' | 'initialized' | 'running' | 'stopped' | 'cleaned';
export type PublishScope = 'local' | 'parent' | 'root';

const TRANSITIONS: Record<'initialize' | 'start' | 'stop' | 'cleanup', { from: readonly LifecycleState[]; to: LifecycleState }> = {
  initialize: { from: ['created'], to: 'initialized' },
  start: { from: ['initialized'], to: 'running' },
  stop: { from: ['running'], to: 'stopped' },
  cleanup: { from: ['created', 'initialized', 'stopped'], to: 'cleaned' },
};

export class LifecycleError extends Error {
  override name = 'LifecycleError';
}

/** Shared by every container of one run: event ids, the clock, the error policy and the errors seen. */
export class RunContext {
  readonly ids = new EventIdSequence();
  readonly errors: RuntimeEvent<'ERROR'>[] = [];
  /** The clock: close time of the bars being published (epoch ms UTC). */
  now = 0;
  /** Index of the current clock tick (0-based; end-of-data work belongs to the last tick). */
  tick = 0;
  constructor(readonly errorPolicy: ErrorPolicy = 'fail') {}

  createBus(name: string): EventBus {
    return new EventBus(name, { ids: this.ids, errorPolicy: this.errorPolicy, onErrorEvent: (e) => this.errors.push(e) });
  }
}

export class Container {
  readonly bus: EventBus;
  readonly children: Container[] = [];
  private parentContainer: Container | null = null;
  private lifecycle: LifecycleState = 'created';

  constructor(readonly id: string, readonly role: ContainerRole, readonly context: RunContext) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(id)) throw new Error(`invalid container id "${id}": use letters, digits, _ . : -`);
    this.bus = context.createBus(id);
  }

  get parent(): Container | null {
    return this.parentContainer;
  }

  get state(): LifecycleState {
    return this.lifecycle;
  }

  get root(): Container {
    let node: Container = this;
    while (node.parentContainer) node = node.parentContainer;
    return node;
  }

  addChild<C extends Container>(child: C): C {
    if (child.parentContainer) throw new Error(`container ${child.id} already has parent ${child.parentContainer.id}`);
    if (this.lifecycle !== 'created') throw new LifecycleError(`cannot add ${child.id} to ${this.id}: it is already ${this.lifecycle}`);
    if (this.children.some((c) => c.id === child.id)) throw new Error(`container ${this.id} already has a child ${child.id}`);
    child.parentContainer = this;
    this.children.push(child);
    return child;
  }

  /** Builds an event stamped with this container as source and the run clock's time. */
  event<T extends EventType>(type: T, payload: PayloadMap[T], cause?: RuntimeEvent | null): RuntimeEvent<T> {
    return createEvent(this.context.ids, type, this.context.now, this.id, payload, cause);
  }

  publish(event: AnyEvent, scope: PublishScope = 'root'): void {
    this.busFor(scope).publish(event);
  }

  busFor(scope: PublishScope): EventBus {
    if (scope === 'local') return this.bus;
    if (scope === 'parent') {
      if (!this.parentContainer) throw new Error(`container ${this.id} has no parent to publish to`);
      return this.parentContainer.bus;
    }
    return this.root.bus;
  }

  initialize(): void {
    this.transition('initialize');
    this.onInitialize();
    for (const child of this.children) child.initialize();
  }

  start(): void {
    this.transition('start');
    this.onStart();
    for (const child of this.children) child.start();
  }

  /** Children stop first (reverse order), so a parent never outlives the parts it feeds. */
  stop(): void {
    this.assertCan('stop');
    for (let i = this.children.length - 1; i >= 0; i--) this.children[i].stop();
    this.onStop();
    this.transition('stop');
  }

  cleanup(): void {
    this.assertCan('cleanup');
    for (let i = this.children.length - 1; i >= 0; i--) this.children[i].cleanup();
    this.onCleanup();
    this.transition('cleanup');
  }

  /** Every container below and including this one, depth-first. */
  *walk(): Generator<Container> {
    yield this;
    for (const child of this.children) yield* child.walk();
  }

  /** One line describing this container in a dry run (subclasses add their configuration). */
  describe(): string {
    return `${this.role} ${this.id}`;
  }

  protected onInitialize(): void {}
  protected onStart(): void {}
  protected onStop(): void {}
  protected onCleanup(): void {}

  private assertCan(action: keyof typeof TRANSITIONS): void {
    const rule = TRANSITIONS[action];
    if (!rule.from.includes(this.lifecycle)) {
      throw new LifecycleError(`container ${this.id}: cannot ${action} from state ${this.lifecycle} (allowed from: ${rule.from.join(', ')})`);
    }
  }

  private transition(action: keyof typeof TRANSITIONS): void {
    this.assertCan(action);
    this.lifecycle = TRANSITIONS[action].to;
  }
}

import { describe, expect, it } from 'vitest';
import { Container, LifecycleError, RunContext } from '../../src/core/container.ts';

class Recording extends Container {
  constructor(id: string, ctx: RunContext, private readonly log: string[]) {
    super(id, 'data', ctx);
  }
  protected override onInitialize() { this.log.push(`init ${this.id}`); }
  protected override onStart() { this.log.push(`start ${this.id}`); }
  protected override onStop() { this.log.push(`stop ${this.id}`); }
  protected override onCleanup() { this.log.push(`cleanup ${this.id}`); }
}

describe('Container', () => {
  it('runs the lifecycle parent-first on the way up and children-first on the way down', () => {
    const ctx = new RunContext();
    const log: string[] = [];
    const root = new Recording('root', ctx, log);
    const a = root.addChild(new Recording('a', ctx, log));
    a.addChild(new Recording('a1', ctx, log));
    root.addChild(new Recording('b', ctx, log));
    root.initialize();
    root.start();
    root.stop();
    root.cleanup();
    expect(log).toEqual([
      'init root', 'init a', 'init a1', 'init b',
      'start root', 'start a', 'start a1', 'start b',
      'stop b', 'stop a1', 'stop a', 'stop root',
      'cleanup b', 'cleanup a1', 'cleanup a', 'cleanup root',
    ]);
    expect([...root.walk()].map((c) => c.state)).toEqual(['cleaned', 'cleaned', 'cleaned', 'cleaned']);
  });

  it('rejects illegal transitions without touching children', () => {
    const ctx = new RunContext();
    const root = new Container('root', 'root', ctx);
    const child = root.addChild(new Container('c', 'data', ctx));
    expect(() => root.start()).toThrow(LifecycleError);
    expect(() => root.stop()).toThrow(/cannot stop from state created/);
    expect(child.state).toBe('created');
    root.initialize();
    expect(() => root.initialize()).toThrow(/cannot initialize from state initialized/);
    root.start();
    expect(() => root.cleanup()).toThrow(/cannot cleanup from state running/);
    expect(() => root.addChild(new Container('late', 'data', ctx))).toThrow(LifecycleError);
  });

  it('publishes to local, parent and root buses', () => {
    const ctx = new RunContext();
    const root = new Container('root', 'root', ctx);
    const mid = root.addChild(new Container('mid', 'feature', ctx));
    const leaf = mid.addChild(new Container('leaf', 'data', ctx));
    const seen: string[] = [];
    for (const c of [root, mid, leaf]) c.bus.subscribe('SYSTEM_STOP', () => seen.push(c.id), { subscriber: `${c.id}-listener` });
    leaf.publish(leaf.event('SYSTEM_STOP', { reason: 'end_of_data' }), 'local');
    leaf.publish(leaf.event('SYSTEM_STOP', { reason: 'end_of_data' }), 'parent');
    leaf.publish(leaf.event('SYSTEM_STOP', { reason: 'end_of_data' }), 'root');
    expect(seen).toEqual(['leaf', 'mid', 'root']);
    expect(() => root.publish(root.event('SYSTEM_STOP', { reason: 'end_of_data' }), 'parent')).toThrow(/no parent/);
  });

  it('chains correlation and causation ids', () => {
    const ctx = new RunContext();
    const c = new Container('c', 'root', ctx);
    const first = c.event('SYSTEM_START', { runId: 'r', topology: 't' });
    const second = c.event('SYSTEM_STOP', { reason: 'end_of_data' }, first);
    expect(first.correlationId).toBe(first.id);
    expect(first.causationId).toBe(0);
    expect(second.correlationId).toBe(first.id);
    expect(second.causationId).toBe(first.id);
    expect(second.id).toBe(first.id + 1);
  });
});

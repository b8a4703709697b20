/**
 * Event tracing with a retention policy, attached to buses as an observer so memory stays
 * bounded however long the run:
 * - `all`: keep every event (debugging short runs).
 * - `none`: keep nothing, only count.
 * - `window`: keep the last N events (a ring).
 * - `trade_complete`: keep the causal chains (correlation groups) of open positions; when a
 *   position closes, its opening and closing chains are released. Chains that opened no
 *   position are dropped as soon as the next chain starts. Memory is bounded by the number
 *   of open positions.
 */
import type { AnyEvent } from './events.ts';
import type { BusObserver, EventBus } from './bus.ts';

export type RetentionPolicy =
  | { readonly retention: 'all' }
  | { readonly retention: 'none' }
  | { readonly retention: 'window'; readonly size: number }
  | { readonly retention: 'trade_complete' };

export class EventTracer implements BusObserver {
  private seen = 0;
  private all: AnyEvent[] = [];
  private ring: (AnyEvent | undefined)[] = [];
  private ringNext = 0;
  /** trade_complete: correlation id -> events of that chain. */
  private readonly chains = new Map<number, AnyEvent[]>();
  /** trade_complete: chains kept because they opened a position that is still open. */
  private readonly openChains = new Set<number>();
  private completedTrades = 0;
  private lastChain = -1;

  constructor(readonly policy: RetentionPolicy) {
    if (policy.retention === 'window') {
      if (!Number.isInteger(policy.size) || policy.size < 1) throw new Error(`trace window size must be a positive integer, got ${policy.size}`);
      this.ring = new Array(policy.size);
    }
  }

  attach(bus: EventBus): () => void {
    return bus.addObserver(this);
  }

  onPublish(event: AnyEvent): void {
    this.seen++;
    switch (this.policy.retention) {
      case 'none':
        return;
      case 'all':
        this.all.push(event);
        return;
      case 'window':
        this.ring[this.ringNext] = event;
        this.ringNext = (this.ringNext + 1) % this.ring.length;
        return;
      case 'trade_complete':
        this.keepTradeChain(event);
    }
  }

  private keepTradeChain(event: AnyEvent): void {
    const chainId = event.correlationId;
    if (chainId !== this.lastChain) {
      // A new chain starts: the previous one is dropped unless it holds an open position.
      if (this.lastChain >= 0 && !this.openChains.has(this.lastChain)) this.chains.delete(this.lastChain);
      this.lastChain = chainId;
    }
    let chain = this.chains.get(chainId);
    if (!chain) this.chains.set(chainId, (chain = []));
    chain.push(event);
    if (event.type === 'POSITION_OPEN') this.openChains.add(chainId);
    if (event.type === 'POSITION_CLOSE') {
      const opened = event.payload.openCorrelationId;
      this.completedTrades++;
      this.openChains.delete(opened);
      this.chains.delete(opened);
      if (!this.openChains.has(chainId)) this.chains.delete(chainId);
      this.lastChain = -1;
    }
  }

  /** Retained events in publication order. */
  events(): AnyEvent[] {
    switch (this.policy.retention) {
      case 'none':
        return [];
      case 'all':
        return [...this.all];
      case 'window': {
        const out: AnyEvent[] = [];
        for (let i = 0; i < this.ring.length; i++) {
          const e = this.ring[(this.ringNext + i) % this.ring.length];
          if (e) out.push(e);
        }
        return out;
      }
      case 'trade_complete':
        return [...this.chains.values()].flat().sort((a, b) => a.id - b.id);
    }
  }

  /** With retention `none` the tracer may be left detached, so `seen` can be 0. */
  stats(): { seen: number; retained: number; completedTrades: number } {
    return { seen: this.seen, retained: this.events().length, completedTrades: this.completedTrades };
  }
}

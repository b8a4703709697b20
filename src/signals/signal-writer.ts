/**
 * The signal writer container (signal_generation mode): records every SIGNAL of the
 * strategies it was given and every CLASSIFICATION change of the classifiers, as sparse
 * change-only rows pointing into the base datasets by bar_idx. Writing to disk happens after
 * the run (store-writer.ts); the loop only appends to columns.
 */
import { Container, type RunContext } from '../core/container.ts';
import type { RuntimeEvent } from '../core/events.ts';

export interface SignalRows {
  /** Signal number within its strategy (several rows share it for multi-leg signals). */
  readonly seq: number[];
  readonly leg: number[];
  readonly barIdx: number[];
  readonly ts: number[];
  readonly stream: string[];
  readonly symbol: string[];
  readonly timeframe: string[];
  readonly value: number[];
  readonly weight: number[];
  readonly price: number[];
}

export interface ClassifierRows {
  readonly seq: number[];
  readonly barIdx: number[];
  readonly ts: number[];
  readonly stream: string[];
  readonly oldRegime: (string | null)[];
  readonly newRegime: string[];
  readonly confidence: number[];
}

const emptySignalRows = (): SignalRows => ({ seq: [], leg: [], barIdx: [], ts: [], stream: [], symbol: [], timeframe: [], value: [], weight: [], price: [] });
const emptyClassifierRows = (): ClassifierRows => ({ seq: [], barIdx: [], ts: [], stream: [], oldRegime: [], newRegime: [], confidence: [] });

export class SignalWriterContainer extends Container {
  readonly signals = new Map<string, SignalRows>();
  readonly classifications = new Map<string, ClassifierRows>();
  private readonly signalCount = new Map<string, number>();

  constructor(id: string, private readonly strategyIds: readonly string[], private readonly classifierIds: readonly string[], context: RunContext) {
    super(id, 'signal_writer', context);
    for (const s of strategyIds) this.signals.set(s, emptySignalRows());
    for (const c of classifierIds) this.classifications.set(c, emptyClassifierRows());
  }

  protected override onInitialize(): void {
    const bus = this.root.bus;
    if (this.strategyIds.length > 0) bus.subscribe('SIGNAL', (e) => this.onSignal(e), { subscriber: this.id, filter: { key: this.strategyIds } });
    if (this.classifierIds.length > 0) bus.subscribe('CLASSIFICATION', (e) => this.onClassification(e), { subscriber: this.id, filter: { key: this.classifierIds } });
  }

  private onSignal(event: RuntimeEvent<'SIGNAL'>): void {
    const { strategyId, value, legs } = event.payload;
    const rows = this.signals.get(strategyId)!;
    const seq = this.signalCount.get(strategyId) ?? 0;
    this.signalCount.set(strategyId, seq + 1);
    legs.forEach((leg, i) => {
      rows.seq.push(seq);
      rows.leg.push(i);
      rows.barIdx.push(leg.barIdx);
      rows.ts.push(event.ts);
      rows.stream.push(leg.stream);
      rows.symbol.push(leg.symbol);
      rows.timeframe.push(leg.timeframe);
      rows.value.push(value);
      rows.weight.push(leg.weight);
      rows.price.push(leg.price);
    });
  }

  private onClassification(event: RuntimeEvent<'CLASSIFICATION'>): void {
    const c = event.payload;
    const rows = this.classifications.get(c.classifierId)!;
    rows.seq.push(rows.seq.length);
    rows.barIdx.push(c.barIdx);
    rows.ts.push(event.ts);
    rows.stream.push(c.stream);
    rows.oldRegime.push(c.previousRegime);
    rows.newRegime.push(c.regime);
    rows.confidence.push(c.confidence);
  }

  override describe(): string {
    return `signal_writer ${this.id}: records ${this.strategyIds.length} strategies [${this.strategyIds.join(', ')}], ${this.classifierIds.length} classifiers [${this.classifierIds.join(', ')}]`;
  }
}

/**
 * The signal writer container (signal_generation mode): records every SIGNAL of the
 * strategies it was given and every CLASSIFICATION change of the classifiers, as sparse
 * change-only rows pointing into the base datasets by bar_idx. Writing to disk happens after
 * the run (store-writer.ts); the loop only appends to columns.
 */
import { Container, type RunContext } from '../core/container.ts';
import type { RuntimeEvent } from '../core/events.ts';

/**
 * The rows of one strategy instance, column by column. The writer appends to plain arrays;
 * the reader hands back the decoded columns as they come (typed arrays for numbers), so the
 * type is generic over the containers and consumers only index into them.
 */
export interface SignalRows<N extends ArrayLike<number> = ArrayLike<number>, S extends ArrayLike<string> = ArrayLike<string>> {
  /** Signal number within its strategy (several rows share it for multi-leg signals). */
  readonly seq: N;
  readonly leg: N;
  readonly barIdx: N;
  readonly ts: N;
  readonly stream: S;
  readonly symbol: S;
  readonly timeframe: S;
  readonly value: N;
  readonly weight: N;
  readonly price: N;
}

/** The columns a replay reads (the batch engine and the replay container alike): leg, symbol and timeframe are for other readers. */
export type ReplaySignalRows = Pick<SignalRows, 'seq' | 'barIdx' | 'ts' | 'stream' | 'value' | 'weight' | 'price'>;

export interface ClassifierRows<N extends ArrayLike<number> = ArrayLike<number>, S extends ArrayLike<string> = ArrayLike<string>> {
  readonly seq: N;
  readonly barIdx: N;
  readonly ts: N;
  readonly stream: S;
  readonly oldRegime: S extends string[] ? (string | null)[] : ArrayLike<string | null>;
  readonly newRegime: S;
  readonly confidence: N;
}

/** Rows as the writer builds them: growable arrays. */
export type SignalRowsBuilder = SignalRows<number[], string[]>;
export type ClassifierRowsBuilder = ClassifierRows<number[], string[]>;

const emptySignalRows = (): SignalRowsBuilder => ({ seq: [], leg: [], barIdx: [], ts: [], stream: [], symbol: [], timeframe: [], value: [], weight: [], price: [] });
const emptyClassifierRows = (): ClassifierRowsBuilder => ({ seq: [], barIdx: [], ts: [], stream: [], oldRegime: [], newRegime: [], confidence: [] });

export class SignalWriterContainer extends Container {
  readonly signals = new Map<string, SignalRowsBuilder>();
  readonly classifications = new Map<string, ClassifierRowsBuilder>();
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

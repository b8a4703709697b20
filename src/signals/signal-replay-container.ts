/**
 * The signal replay container (signal_replay mode), standing where the feature container
 * stands in a backtest: at the end of each clock tick it publishes the stored classifier
 * changes (in config order), then the stored signals (in config order) of that tick, exactly
 * as the feature container would have. No feature or strategy code runs. A stored row that
 * does not fall on a tick of this run, or whose price is not the base data's close, stops
 * the run: nothing is replayed against the wrong data.
 */
import { Container, type RunContext } from '../core/container.ts';
import type { RuntimeEvent, SignalLeg } from '../core/events.ts';
import type { BarSeries } from '../data/bar-series.ts';
import type { SignalValue } from '../strategies/types.ts';
import type { ClassifierRows, ReplaySignalRows } from './signal-writer.ts';

export interface ReplayStrategy {
  readonly id: string;
  readonly type: string;
  readonly rows: ReplaySignalRows;
}

export interface ReplayClassifier {
  readonly id: string;
  readonly rows: ClassifierRows;
}

/** One thing to publish: rows [start, end) of instance `instance` (a signal's legs, or one change). */
interface Entry {
  readonly ts: number;
  readonly kind: 0 | 1; // 0 classification, 1 signal: classifiers run before strategies
  readonly instance: number;
  readonly start: number;
  readonly end: number;
}

export class SignalReplayContainer extends Container {
  private readonly entries: Entry[] = [];
  private readonly streamIndex: Map<string, number>;
  private readonly lastValue: SignalValue[];
  private readonly rowTicks: ReadonlySet<number>;
  private cursor = 0;
  private signals = 0;

  constructor(
    id: string,
    private readonly series: readonly BarSeries[],
    private readonly strategies: readonly ReplayStrategy[],
    private readonly classifiers: readonly ReplayClassifier[],
    context: RunContext,
  ) {
    super(id, 'signal_replay', context);
    this.streamIndex = new Map(series.map((s, i) => [s.id, i]));
    this.lastValue = strategies.map(() => 0);
    classifiers.forEach((c, instance) => {
      for (let r = 0; r < c.rows.ts.length; r++) this.entries.push({ ts: c.rows.ts[r], kind: 0, instance, start: r, end: r + 1 });
    });
    strategies.forEach((s, instance) => {
      const { seq, ts } = s.rows;
      for (let r = 0; r < seq.length; ) {
        let end = r + 1;
        while (end < seq.length && seq[end] === seq[r]) end++;
        this.entries.push({ ts: ts[r], kind: 1, instance, start: r, end });
        r = end;
      }
    });
    this.entries.sort((a, b) => a.ts - b.ts || a.kind - b.kind || a.instance - b.instance);
    this.rowTicks = new Set(this.entries.map((e) => e.ts));
  }

  /** Whether stored rows fall on the tick closing at `ts` (that tick's last bar must be published). */
  hasRowsAt(ts: number): boolean {
    return this.rowTicks.has(ts);
  }

  protected override onInitialize(): void {
    const bus = this.root.bus;
    bus.subscribe('BAR', (e) => this.onBar(e), { subscriber: this.id, filter: { where: (e) => e.payload.tickEnd, describe: 'tickEnd (publishes the stored rows of the tick)' } });
    bus.subscribe('SYSTEM_STOP', () => this.onSystemStop(), { subscriber: this.id });
  }

  private onBar(event: RuntimeEvent<'BAR'>): void {
    const now = event.ts;
    const { entries } = this;
    while (this.cursor < entries.length && entries[this.cursor].ts <= now) {
      const entry = entries[this.cursor++];
      if (entry.ts < now) throw new Error(`stored row at ${new Date(entry.ts).toISOString()} does not fall on a clock tick of this run (is this the data it was generated on?)`);
      if (entry.kind === 0) this.publishClassification(entry, event);
      else this.publishSignal(entry, event);
    }
  }

  private onSystemStop(): void {
    if (this.cursor < this.entries.length) {
      throw new Error(`${this.entries.length - this.cursor} stored rows lie after the end of this run's data (first at ${new Date(this.entries[this.cursor].ts).toISOString()})`);
    }
  }

  private leg(rows: ReplaySignalRows, r: number, now: number): SignalLeg {
    const streamIndex = this.streamIndex.get(rows.stream[r]);
    if (streamIndex === undefined) throw new Error(`stored signal leg on stream ${rows.stream[r]}, which this run does not load`);
    const s = this.series[streamIndex];
    const barIdx = rows.barIdx[r];
    if (!(barIdx >= 0 && barIdx < s.length) || s.start[barIdx] + s.timeframeMs > now || s.close[barIdx] !== rows.price[r]) {
      throw new Error(`stored signal leg ${rows.stream[r]} bar_idx ${barIdx} at ${new Date(now).toISOString()} does not match the base data (price ${rows.price[r]})`);
    }
    return { stream: s.id, streamIndex, symbol: s.symbol, timeframe: s.timeframe, barIdx, weight: rows.weight[r], price: rows.price[r] };
  }

  private publishSignal(entry: Entry, cause: RuntimeEvent<'BAR'>): void {
    const strategy = this.strategies[entry.instance];
    const { rows } = strategy;
    const legs: SignalLeg[] = [];
    for (let r = entry.start; r < entry.end; r++) legs.push(this.leg(rows, r, cause.ts));
    const value = rows.value[entry.start] as SignalValue;
    this.publish(this.event('SIGNAL', { strategyId: strategy.id, strategyType: strategy.type, value, previous: this.lastValue[entry.instance], legs }, cause));
    this.lastValue[entry.instance] = value;
    this.signals++;
  }

  private publishClassification(entry: Entry, cause: RuntimeEvent<'BAR'>): void {
    const classifier = this.classifiers[entry.instance];
    const { rows } = classifier;
    const r = entry.start;
    this.publish(this.event('CLASSIFICATION', {
      classifierId: classifier.id, stream: rows.stream[r], barIdx: rows.barIdx[r],
      regime: rows.newRegime[r], previousRegime: rows.oldRegime[r], confidence: rows.confidence[r],
    }, cause));
  }

  get signalCount(): number {
    return this.signals;
  }

  override describe(): string {
    const signals = this.entries.filter((e) => e.kind === 1).length;
    return `signal_replay ${this.id}: ${signals} stored signals of [${this.strategies.map((s) => s.id).join(', ')}], ` +
      `${this.entries.length - signals} classifier changes of [${this.classifiers.map((c) => c.id).join(', ')}]; no feature or strategy code runs`;
  }
}

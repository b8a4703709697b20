/**
 * The feature container: time alignment, the FeatureHub, classifiers and strategies.
 * On each BAR it records the bar and updates that stream's indicators; at the end of each
 * clock tick it runs classifiers, then strategies, whose requirements are met and whose
 * features are warm. A SIGNAL (or CLASSIFICATION) is published only when the value changes:
 * signals start flat (0), so the first published signal is the first non-flat one.
 */
import { Container, type RunContext } from '../core/container.ts';
import type { RuntimeEvent, SignalLeg } from '../core/events.ts';
import { TimeAlignmentBuffer, type MissingBarPolicy } from '../clock/alignment-buffer.ts';
import type { BarSeries } from '../data/bar-series.ts';
import { FeatureHub } from '../features/feature-hub.ts';
import type { ClassifierDefinition, SignalValue, StrategyDefinition } from '../strategies/types.ts';
import { Consumer } from './consumer.ts';

export interface StrategyInstanceSpec {
  readonly id: string;
  readonly definition: StrategyDefinition;
  /** Full params, defaults filled in (already validated by the definition's schema). */
  readonly params: Record<string, unknown>;
  /** Run stream indices of the inputs, in the strategy's order. */
  readonly inputs: readonly number[];
  /** Weight of each traded leg (one per leg; legs are the first inputs). */
  readonly legWeights: readonly number[];
}

export interface ClassifierInstanceSpec {
  readonly id: string;
  readonly definition: ClassifierDefinition;
  readonly params: Record<string, unknown>;
  readonly inputs: readonly number[];
}

interface StrategyState {
  readonly spec: StrategyInstanceSpec;
  readonly consumer: Consumer;
  last: SignalValue;
  calls: number;
}

interface ClassifierState {
  readonly spec: ClassifierInstanceSpec;
  readonly consumer: Consumer;
  regime: string | null;
  calls: number;
}

export class FeatureContainer extends Container {
  readonly buffer: TimeAlignmentBuffer;
  readonly hub: FeatureHub;
  private readonly strategies: StrategyState[];
  private readonly classifiers: ClassifierState[];
  private signals = 0;

  constructor(
    id: string,
    private readonly series: readonly BarSeries[],
    strategies: readonly StrategyInstanceSpec[],
    classifiers: readonly ClassifierInstanceSpec[],
    policy: MissingBarPolicy,
    context: RunContext,
  ) {
    super(id, 'feature', context);
    this.buffer = new TimeAlignmentBuffer(series, policy);
    this.hub = new FeatureHub(series, this.buffer);
    // The definitions' schemas produced these params, so the casts hand them back their own type.
    this.classifiers = classifiers.map((spec) => ({
      spec, regime: null, calls: 0,
      consumer: new Consumer(spec.id, spec.inputs, spec.definition.features(spec.params as never), series, this.buffer, this.hub),
    }));
    this.strategies = strategies.map((spec) => {
      if (spec.legWeights.length > spec.inputs.length) throw new Error(`strategy ${spec.id}: ${spec.legWeights.length} legs but ${spec.inputs.length} inputs`);
      return {
        spec, last: 0 as SignalValue, calls: 0,
        consumer: new Consumer(spec.id, spec.inputs, spec.definition.features(spec.params as never), series, this.buffer, this.hub),
      };
    });
  }

  protected override onInitialize(): void {
    this.root.bus.subscribe('BAR', (event) => this.onBar(event), { subscriber: this.id });
  }

  private onBar(event: RuntimeEvent<'BAR'>): void {
    const { streamIndex, barIdx, tickEnd } = event.payload;
    this.buffer.onBar(streamIndex, barIdx, event.ts);
    this.hub.updateBar(streamIndex, barIdx);
    if (tickEnd) this.evaluate(event);
  }

  private evaluate(cause: RuntimeEvent<'BAR'>): void {
    const now = cause.ts;
    this.hub.updatePairs(now);
    // Readiness depends on the requirement only: decided once per distinct stream list.
    const ready = this.buffer.readiness(now);
    for (const c of this.classifiers) {
      if (ready[c.consumer.requirement.id] === 0 || !c.consumer.load()) continue;
      c.calls++;
      const result = c.spec.definition.classify(c.consumer.features, c.consumer.bars, c.spec.params as never);
      if (result === null || result.regime === c.regime) continue;
      const input = c.consumer.bars[0];
      this.publish(this.event('CLASSIFICATION', {
        classifierId: c.spec.id, stream: this.series[c.spec.inputs[0]].id, barIdx: input.barIdx,
        regime: result.regime, previousRegime: c.regime, confidence: result.confidence,
      }, cause));
      c.regime = result.regime;
    }
    const publishFeatures = this.bus.hasSubscribers('FEATURES');
    for (const s of this.strategies) {
      if (ready[s.consumer.requirement.id] === 0 || !s.consumer.load()) continue;
      s.calls++;
      if (publishFeatures) this.publish(this.event('FEATURES', { strategyId: s.spec.id, values: { ...s.consumer.features } }, cause), 'local');
      const value = s.spec.definition.decide(s.consumer.features, s.consumer.bars, s.spec.params as never);
      if (value === null || value === s.last) continue;
      this.publish(this.event('SIGNAL', {
        strategyId: s.spec.id, strategyType: s.spec.definition.type, value, previous: s.last, legs: this.legs(s),
      }, cause));
      s.last = value;
      this.signals++;
    }
  }

  private legs(s: StrategyState): SignalLeg[] {
    return s.spec.legWeights.map((weight, i) => {
      const streamIndex = s.spec.inputs[i];
      const series = this.series[streamIndex];
      const bar = s.consumer.bars[i];
      return { stream: series.id, streamIndex, symbol: series.symbol, timeframe: series.timeframe, barIdx: bar.barIdx, weight, price: bar.close };
    });
  }

  /** Calls and signal counts per strategy; calls per classifier (alignment tests and reports). */
  stats() {
    return {
      signals: this.signals,
      strategyCalls: Object.fromEntries(this.strategies.map((s) => [s.spec.id, s.calls])),
      classifierCalls: Object.fromEntries(this.classifiers.map((c) => [c.spec.id, c.calls])),
      features: this.hub.keys(),
    };
  }

  override describe(): string {
    const lines = [`feature ${this.id}: policy ${this.buffer.policy}, ${this.hub.keys().length} indicators [${this.hub.keys().join(', ')}]`];
    for (const c of this.classifiers) lines.push(`  classifier ${c.spec.id} (${c.spec.definition.type}) on ${c.spec.inputs.map((i) => this.series[i].id).join(', ')} params ${JSON.stringify(c.spec.params)}`);
    for (const s of this.strategies) lines.push(`  strategy ${s.spec.id} (${s.spec.definition.type}) on ${s.spec.inputs.map((i) => this.series[i].id).join(', ')} params ${JSON.stringify(s.spec.params)}`);
    return lines.join('\n');
  }
}

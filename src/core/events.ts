/**
 * The runtime's events: one discriminated union with literal `type`s. Every event has a
 * run-unique numeric `id`, the clock time `ts` (epoch ms UTC) at which it was published,
 * the `source` container id, a `correlationId` (the event that started its causal chain:
 * the BAR for signals and orders, inherited by the fills of those orders) and a
 * `causationId` (its direct cause; 0 for none). Payloads are small plain objects.
 */
import type { SignalValue } from '../strategies/types.ts';

export const EVENT_TYPES = [
  'BAR', 'FEATURES', 'SIGNAL', 'CLASSIFICATION', 'ORDER', 'FILL', 'ORDER_REJECTED',
  'POSITION_OPEN', 'POSITION_CLOSE', 'PORTFOLIO_UPDATE', 'SYSTEM_START', 'SYSTEM_STOP', 'ERROR',
  'RESULTS_STORED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface BarPayload {
  /** Index of the stream in the run's stream table (fast array lookups in hot handlers). */
  readonly streamIndex: number;
  readonly stream: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly barIdx: number;
  readonly start: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** True on the last bar of its clock tick (all bars sharing this close time have been published). */
  readonly tickEnd: boolean;
}

export interface FeaturesPayload {
  readonly strategyId: string;
  readonly values: Readonly<Record<string, number>>;
}

/** One leg of a (possibly multi-symbol) signal, pointing into its base dataset. */
export interface SignalLeg {
  readonly stream: string;
  readonly streamIndex: number;
  readonly symbol: string;
  readonly timeframe: string;
  readonly barIdx: number;
  /** Direction multiplier of this leg relative to the signal value (1 for the first leg of a pair, -hedge for the second). */
  readonly weight: number;
  /** Close of the leg's bar at the signal time. */
  readonly price: number;
}

export interface SignalPayload {
  readonly strategyId: string;
  readonly strategyType: string;
  readonly value: SignalValue;
  readonly previous: SignalValue;
  readonly legs: readonly SignalLeg[];
}

export interface ClassificationPayload {
  readonly classifierId: string;
  readonly stream: string;
  readonly barIdx: number;
  readonly regime: string;
  readonly previousRegime: string | null;
  readonly confidence: number;
}

/**
 * Opening size of an order: units, or a notional the broker converts to units at the fill
 * price (rounded down to whole units unless fractional). Ignored when the target is 0.
 */
export type OrderSize = { readonly quantity: number } | { readonly notional: number; readonly fractional: boolean };

export type OrderKind = 'market' | 'stop_loss' | 'trailing_stop' | 'take_profit' | 'end_of_data';

/**
 * Orders are target orders: "bring the sub-position (portfolio, strategy, stream) to
 * direction `target`". A newer pending order for the same sub-position supersedes an older one.
 */
export interface OrderPayload {
  readonly orderId: number;
  readonly portfolioId: string;
  readonly strategyId: string;
  readonly stream: string;
  readonly streamIndex: number;
  readonly symbol: string;
  readonly kind: OrderKind;
  readonly target: SignalValue;
  readonly size: OrderSize;
  /** For stop_loss / take_profit: the trigger level. */
  readonly triggerPrice?: number;
  /** bar_idx (in `stream`) of the bar whose close produced this order. */
  readonly decisionBarIdx: number;
}

export type FillReason = 'signal' | 'stop_loss' | 'trailing_stop' | 'take_profit' | 'end_of_data';

export interface FillPayload {
  readonly orderId: number;
  readonly portfolioId: string;
  readonly strategyId: string;
  readonly stream: string;
  readonly streamIndex: number;
  readonly symbol: string;
  /** Signed quantity: + buys, - sells. */
  readonly quantity: number;
  /** Execution price after slippage. */
  readonly price: number;
  /** Price before slippage (open, close, stop or limit level). */
  readonly basePrice: number;
  readonly commission: number;
  readonly barIdx: number;
  /** Time the price refers to: the bar's start for open fills, its close for close fills. */
  readonly fillTime: number;
  readonly reason: FillReason;
  /** True when this leg opens a position, false when it closes one. */
  readonly opening: boolean;
}

export interface OrderRejectedPayload {
  readonly orderId: number;
  readonly portfolioId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly reason: string;
}

export interface PositionOpenPayload {
  readonly portfolioId: string;
  readonly strategyId: string;
  readonly positionId: number;
  readonly symbol: string;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly barIdx: number;
}

export interface PositionClosePayload extends PositionOpenPayload {
  readonly exitPrice: number;
  readonly pnl: number;
  readonly reason: FillReason;
  /** correlationId of the POSITION_OPEN, so a trace can join both ends of the trade. */
  readonly openCorrelationId: number;
}

export interface PortfolioUpdatePayload {
  readonly portfolioId: string;
  readonly cash: number;
  readonly equity: number;
  readonly grossExposure: number;
}

export interface SystemStartPayload { readonly runId: string; readonly topology: string }
export interface SystemStopPayload { readonly reason: 'end_of_data' | 'error' }

export interface ErrorPayload {
  readonly message: string;
  readonly subscriber: string;
  readonly failedEventType: EventType;
  readonly failedEventId: number;
}

/** A store acknowledging durable records (or reporting a storage failure with `error`). */
export interface ResultsStoredPayload {
  readonly runId: string;
  /** What was stored: 'timestep', 'trades', 'events', 'summary', 'decision', ... */
  readonly kind: string;
  readonly records: number;
  readonly bytes: number;
  readonly file: string | null;
  readonly error?: string;
}

export interface PayloadMap {
  BAR: BarPayload;
  FEATURES: FeaturesPayload;
  SIGNAL: SignalPayload;
  CLASSIFICATION: ClassificationPayload;
  ORDER: OrderPayload;
  FILL: FillPayload;
  ORDER_REJECTED: OrderRejectedPayload;
  POSITION_OPEN: PositionOpenPayload;
  POSITION_CLOSE: PositionClosePayload;
  PORTFOLIO_UPDATE: PortfolioUpdatePayload;
  SYSTEM_START: SystemStartPayload;
  SYSTEM_STOP: SystemStopPayload;
  ERROR: ErrorPayload;
  RESULTS_STORED: ResultsStoredPayload;
}

export interface RuntimeEvent<T extends EventType = EventType> {
  readonly type: T;
  readonly id: number;
  readonly ts: number;
  readonly source: string;
  readonly correlationId: number;
  readonly causationId: number;
  readonly payload: PayloadMap[T];
}

/** The discriminated union of all events: narrowing on `type` narrows `payload`. */
export type AnyEvent = { [T in EventType]: RuntimeEvent<T> }[EventType];

/** Run-wide event id sequence: ids are unique across every bus of a run and deterministic. */
export class EventIdSequence {
  private last = 0;
  next(): number {
    return ++this.last;
  }
  get count(): number {
    return this.last;
  }
}

/**
 * Builds an event. With a `cause`, the new event joins the cause's correlation chain;
 * without one it starts a new chain (correlationId = its own id).
 */
export function createEvent<T extends EventType>(
  ids: EventIdSequence, type: T, ts: number, source: string, payload: PayloadMap[T], cause?: RuntimeEvent | null,
): RuntimeEvent<T> {
  const id = ids.next();
  return {
    type, id, ts, source,
    correlationId: cause ? cause.correlationId : id,
    causationId: cause ? cause.id : 0,
    payload,
  };
}

/**
 * The key that filtered subscriptions route on, per event type: SIGNAL by strategy, the
 * order/fill/position family by portfolio, BAR by stream, CLASSIFICATION by classifier.
 */
export function routingKey(event: AnyEvent): string | undefined {
  switch (event.type) {
    case 'SIGNAL':
    case 'FEATURES':
      return event.payload.strategyId;
    case 'ORDER':
    case 'FILL':
    case 'ORDER_REJECTED':
    case 'POSITION_OPEN':
    case 'POSITION_CLOSE':
    case 'PORTFOLIO_UPDATE':
      return event.payload.portfolioId;
    case 'BAR':
      return event.payload.stream;
    case 'CLASSIFICATION':
      return event.payload.classifierId;
    default:
      return undefined;
  }
}

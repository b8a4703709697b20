/**
 * How the store reports what it did: a RESULTS_STORED payload per operation (a journal
 * append that acknowledged records, a file written, a manifest committed, a cleanup, a
 * recovery), with `error` set when the operation failed. `busEmitter` publishes them as
 * runtime events on an EventBus, so they land in the run's event log like any other event.
 */
import type { EventBus } from '../../core/bus.ts';
import { createEvent, type EventIdSequence, type ResultsStoredPayload } from '../../core/events.ts';

export type StoreEmit = (payload: ResultsStoredPayload) => void;

export interface BusEmitterOptions {
  /** Source container id of the events (default 'results-store'). */
  readonly source?: string;
  /** Event time (default Date.now; a backtest passes its run clock). */
  readonly now?: () => number;
}

export function busEmitter(bus: EventBus, ids: EventIdSequence, options: BusEmitterOptions = {}): StoreEmit {
  const source = options.source ?? 'results-store';
  const now = options.now ?? Date.now;
  return (payload) => bus.publish(createEvent(ids, 'RESULTS_STORED', now(), source, payload));
}

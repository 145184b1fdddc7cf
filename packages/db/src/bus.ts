import { EventEmitter, on } from "node:events";
import type { EventOrigin } from "./replicas/pg-event-fanout.ts";
import type { EventSummary } from "./events/types.ts";

/** A lifecycle change as the bus transports it; the orchestrator's ControlFeed gives it its precise type. */
export interface ControlUpdate {
  entity: string;
  id: string;
  sessionId: string | null;
  action: string;
  status?: string | undefined;
  data?: unknown;
}

export interface BusEvents {
  /**
   * Committed events of one batch, ascending seq. `local`: committed by this process (its side effects ran here);
   * `replica`: committed by another replica on the same Postgres, published here by the fan-out.
   */
  events: [EventSummary[], EventOrigin];
  /** `id` is the feed id a `control.onUpdate` client resumes from. */
  control: [{ id: string; update: ControlUpdate }];
}

/**
 * In-process typed bus. It only wakes subscribers; the database stays the source of truth for replay.
 * Across replicas (Postgres), PgEventFanout publishes every replica's committed events on each replica's bus.
 */
export interface Bus {
  publish<K extends keyof BusEvents>(name: K, ...args: BusEvents[K]): void;
  subscribe<K extends keyof BusEvents>(name: K, listener: (...args: BusEvents[K]) => void): () => void;
  toIterable<K extends keyof BusEvents>(name: K, opts: { signal?: AbortSignal }): AsyncIterable<BusEvents[K]>;
  listenerCount(name: keyof BusEvents): number;
}

export function createBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(name, ...args) {
      emitter.emit(name, ...args);
    },
    subscribe(name, listener) {
      emitter.on(name, listener as (...a: unknown[]) => void);
      return () => emitter.off(name, listener as (...a: unknown[]) => void);
    },
    toIterable(name, opts) {
      return on(emitter, name, opts) as AsyncIterable<never>;
    },
    listenerCount(name) {
      return emitter.listenerCount(name);
    },
  };
}

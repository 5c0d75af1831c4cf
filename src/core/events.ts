import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';

/**
 * How a handled message ended: deleted, kept for redelivery, kept with a set retry delay, or moved to
 * the dead-letter queue.
 */
export type MessageOutcome = 'deleted' | 'kept' | 'retry' | 'dead-lettered';

/** The events a manager emits, by name, with their payloads. Events are for observation only. */
export interface LoaferEventMap {
  /** A route began polling its provider. */
  routeStarted: { readonly route: string; readonly description: string };
  /** A route stopped: no more polling, its in-flight work settled or was abandoned. */
  routeStopped: { readonly route: string };
  /** A message was fetched and is about to be handled. */
  messageReceived: { readonly route: string; readonly message: InboundMessage };
  /** A message's handling ended; `outcome` says what happens to it. */
  messageHandled: {
    readonly route: string;
    readonly message: InboundMessage;
    readonly outcome: MessageOutcome;
    readonly durationMs: number;
  };
  /** Translation or the handler failed; the error handler was called. */
  messageFailed: { readonly route: string; readonly message: InboundMessage; readonly error: unknown };
  /** The provider confirmed the deletion of a message. */
  messageAcked: { readonly route: string; readonly message: InboundMessage };
  /** A message was handed back to the queue (visible at once, or after `delaySeconds`). */
  messageReleased: {
    readonly route: string;
    readonly message: InboundMessage;
    readonly delaySeconds: number;
  };
  /** A message that cannot be translated was moved to the dead-letter queue and deleted. */
  messageDeadLettered: {
    readonly route: string;
    readonly message: InboundMessage;
    readonly reason: string;
    readonly code: string;
  };
  /** Deleting a message failed; it will be delivered again. */
  ackFailed: { readonly route: string; readonly message: InboundMessage; readonly error: unknown };
  /** A provider call failed (fetch, start); the route backs off and retries. */
  providerFailed: { readonly route: string; readonly operation: string; readonly error: unknown };
  /** A provider call succeeded again after failures. */
  providerRecovered: { readonly route: string; readonly operation: string; readonly failures: number };
}

/** The name of a loafer event. */
export type LoaferEventName = keyof LoaferEventMap;

/** A listener of one event. */
export type LoaferListener<E extends LoaferEventName> = (payload: LoaferEventMap[E]) => void;

/**
 * A small typed event hub. A listener that throws is logged and never breaks the pipeline.
 */
export class EventHub {
  readonly #listeners = new Map<LoaferEventName, Array<(payload: never) => void>>();
  readonly #logger: Logger;

  /** @param logger - where throwing listeners are reported. */
  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /**
   * Adds a listener and returns a function that removes it.
   *
   * @param event - the event's name.
   * @param listener - called synchronously with the payload.
   */
  on<E extends LoaferEventName>(event: E, listener: LoaferListener<E>): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener as (payload: never) => void);
    this.#listeners.set(event, list);
    return () => {
      const current = this.#listeners.get(event);
      if (current === undefined) return;
      const next = current.filter((item) => item !== listener);
      if (next.length === 0) this.#listeners.delete(event);
      else this.#listeners.set(event, next);
    };
  }

  /** Whether anyone listens to `event`; lets hot paths skip building payloads. */
  has(event: LoaferEventName): boolean {
    return this.#listeners.has(event);
  }

  /** Calls the listeners of `event`; a throwing listener is logged and skipped. */
  emit<E extends LoaferEventName>(event: E, payload: LoaferEventMap[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    for (const listener of list) {
      try {
        (listener as LoaferListener<E>)(payload);
      } catch (error) {
        this.#logger.error({ err: error, event }, 'event listener threw');
      }
    }
  }
}

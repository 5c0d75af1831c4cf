import type { Timer } from './clock.js';
import type { ErrorContext, HandlerContext } from './handler.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import { RetryAfter } from './retry.js';

/**
 * What happens to a message after its handling: deleted, kept for redelivery, kept with a set delay,
 * or moved to the dead-letter queue (translation failures, when the route asks for it).
 */
export type Decision = 'delete' | 'keep' | 'dead-letter' | RetryAfter;

/** The ack contract, for a handler's or error handler's return value: truthy deletes. */
export function decide(result: unknown): Decision {
  if (result instanceof RetryAfter) return result;
  return result ? 'delete' : 'keep';
}

/** Whether `value` is a promise-like object. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * One message from fetch to ack: the context its handler receives, and the pipeline's record of it.
 * The signal's controller and the child logger are created only when the handler asks for them.
 */
export class Delivery implements HandlerContext<unknown> {
  readonly route: string;
  readonly message: InboundMessage;
  readonly receiveCount: number;
  readonly isLastAttempt: boolean;
  /** When the message was fetched (clock ms): its visibility clock started about then. */
  readonly receivedAt: number;
  /** Until when the broker keeps the message hidden, as far as the heartbeat knows (clock ms). */
  hiddenUntil: number;
  metadata: unknown;
  content: unknown;
  /** Why the message is being dead-lettered, when it is. */
  failure: unknown;
  isTranslated = false;
  isTimedOut = false;
  isFinished = false;
  isAbandoned = false;
  timer: Timer | undefined;
  /** When the handler started (clock ms); 0 while waiting for its FIFO group. */
  startedAt = 0;
  #controller: AbortController | undefined;
  #abortReason: unknown;
  #logger: Logger | undefined;
  readonly #routeLogger: Logger;

  constructor(
    route: string,
    message: InboundMessage,
    maxReceiveCount: number | undefined,
    routeLogger: Logger,
    receivedAt: number,
    visibilityMs: number,
  ) {
    this.route = route;
    this.message = message;
    this.receiveCount = message.receiveCount;
    this.isLastAttempt = maxReceiveCount !== undefined && message.receiveCount >= maxReceiveCount;
    this.#routeLogger = routeLogger;
    this.receivedAt = receivedAt;
    this.hiddenUntil = receivedAt + visibilityMs;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  get logger(): Logger {
    this.#logger ??= this.#routeLogger.child({ messageId: this.message.id });
    return this.#logger;
  }

  /** Whether the handler's signal has been aborted (or will be, when first read). */
  get isAborted(): boolean {
    return this.#abortReason !== undefined;
  }

  /** Aborts the handler's signal with `reason`; only the first reason counts. */
  abort(reason: unknown): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /** The context an error handler receives for this delivery. */
  errorContext(): ErrorContext {
    const context: {
      route: string;
      message: InboundMessage;
      receiveCount: number;
      isLastAttempt: boolean;
      logger: Logger;
      content?: unknown;
      metadata?: unknown;
    } = {
      route: this.route,
      message: this.message,
      receiveCount: this.receiveCount,
      isLastAttempt: this.isLastAttempt,
      logger: this.logger,
    };
    if (this.isTranslated) {
      context.content = this.content;
      context.metadata = this.metadata;
    }
    return context;
  }
}

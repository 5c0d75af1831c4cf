import type { Logger } from './logger.js';
import type { InboundMessage, MessageMetadata } from './message.js';
import type { RetryAfter } from './retry.js';

/**
 * What a handler (or an error handler) returns. `true` deletes the message; `false` leaves it in the
 * queue to come back after its visibility timeout; a {@link RetryAfter} leaves it and asks for it to
 * come back after a given delay. A handler typed to return nothing does not compile: nothing is acked
 * by accident.
 */
export type HandlerResult = boolean | RetryAfter;

/**
 * What a handler receives besides the content: everything about this delivery. One context per
 * message; per-message state lives here, never on the handler.
 *
 * @typeParam Metadata - the translator's metadata type.
 */
export interface HandlerContext<Metadata = MessageMetadata> {
  /** The route's name. */
  readonly route: string;
  /** The translator's metadata: message id, attributes, and (for SNS) the envelope's fields. */
  readonly metadata: Metadata;
  /** The message as the provider fetched it; `message.raw` is the provider's own object. */
  readonly message: InboundMessage;
  /**
   * Aborted when the handler should give up: handler timeout, shutdown deadline, or lost visibility.
   * Pass it to `fetch()` and other cancellable work.
   */
  readonly signal: AbortSignal;
  /** How many times the message has been delivered, this delivery included (1 at first). */
  readonly receiveCount: number;
  /**
   * Whether this is the last delivery before the broker moves the message to its dead-letter queue
   * (false when the queue has no dead-letter queue).
   */
  readonly isLastAttempt: boolean;
  /** A logger bound to `{ route, messageId }`. */
  readonly logger: Logger;
}

/**
 * A handler as a function, sync or async.
 *
 * @typeParam Content - the translated content type.
 * @typeParam Metadata - the translator's metadata type.
 */
export type HandlerFunction<Content, Metadata = MessageMetadata> = (
  content: Content,
  context: HandlerContext<Metadata>,
) => HandlerResult | PromiseLike<HandlerResult>;

/**
 * A handler as an object: `handle()` is called for each message; `stop()`, when present, is called
 * once when the manager stops.
 *
 * @typeParam Content - the translated content type.
 * @typeParam Metadata - the translator's metadata type.
 */
export interface HandlerObject<Content, Metadata = MessageMetadata> {
  /** Handles one message; the return value decides the ack. */
  handle(content: Content, context: HandlerContext<Metadata>): HandlerResult | PromiseLike<HandlerResult>;
  /** Releases the handler's resources; called once, after the last message. */
  stop?(): void | PromiseLike<void>;
}

/**
 * The user's code for a route: a function or an object with `handle()`. Its return value decides
 * whether the message is deleted (see {@link HandlerResult}).
 *
 * @typeParam Content - the translated content type.
 * @typeParam Metadata - the translator's metadata type.
 */
export type Handler<Content, Metadata = MessageMetadata> =
  | HandlerFunction<Content, Metadata>
  | HandlerObject<Content, Metadata>;

/**
 * What an error handler receives besides the error. `content` and `metadata` are absent when the
 * error is a translation failure.
 */
export interface ErrorContext {
  /** The route's name. */
  readonly route: string;
  /** The message as the provider fetched it. */
  readonly message: InboundMessage;
  /** The translated content, when translation succeeded. */
  readonly content?: unknown;
  /** The translator's metadata, when translation succeeded. */
  readonly metadata?: unknown;
  /** How many times the message has been delivered, this delivery included. */
  readonly receiveCount: number;
  /** Whether this is the last delivery before the dead-letter queue. */
  readonly isLastAttempt: boolean;
  /** A logger bound to `{ route, messageId }`. */
  readonly logger: Logger;
}

/**
 * An error handler: called when translation or the handler fails (throws, times out). Its return
 * value decides the ack exactly as a handler's does: `true` deletes, `false` leaves the message for
 * redelivery, a `RetryAfter` sets when it comes back. If it throws, the message is not deleted.
 */
export type ErrorHandler = (
  error: unknown,
  context: ErrorContext,
) => HandlerResult | PromiseLike<HandlerResult>;

/** The default error handler: deletes nothing (the failure itself is logged by the route). */
export const keepMessageOnError: ErrorHandler = () => false;

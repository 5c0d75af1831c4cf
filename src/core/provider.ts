import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';

/** Options for {@link Provider.fetchMessages}. */
export interface FetchOptions {
  /** How many messages the route can start right now (1 or more); fetch at most this many. */
  readonly maxMessages: number;
  /** Aborted when the route stops: an idle long poll must end promptly. */
  readonly signal: AbortSignal;
}

/** Options for {@link Provider.start}. */
export interface ProviderStartOptions {
  /** Aborted when the route stops before the provider is ready. */
  readonly signal: AbortSignal;
  /**
   * The route's logger (bound to `{ route }`); a provider given no logger of its own should log here,
   * so that everything a service logs goes to the manager's logger.
   */
  readonly logger: Logger;
}

/** Options for {@link Provider.releaseMessage}. */
export interface ReleaseOptions {
  /** Seconds until the message may be delivered again; 0 (the default) makes it visible at once. */
  readonly delaySeconds?: number;
}

/** What a provider learned about its source when it started (all fields optional). */
export interface ProviderInfo {
  /** Whether the source delivers messages in groups that must be handled in order (SQS FIFO). */
  readonly isFifo?: boolean;
  /** Deliveries after which the broker moves a message to its dead-letter queue, when it has one. */
  readonly maxReceiveCount?: number;
  /** The dead-letter queue's identifier (ARN for SQS), when the source has one. */
  readonly deadLetterTarget?: string;
  /** The source's visibility timeout, in seconds. */
  readonly visibilityTimeoutSeconds?: number;
}

/** Options for {@link Provider.deadLetterMessage}. */
export interface DeadLetterOptions {
  /** Why the message is dead-lettered, readable. */
  readonly reason: string;
  /** The loafer error code behind it (`LOAFER_ERR_TRANSLATION_NOT_JSON`, ...). */
  readonly code: string;
}

/** Options for {@link Provider.extendVisibility}. */
export interface ExtendVisibilityOptions {
  /** New visibility from now, in seconds. */
  readonly visibilitySeconds: number;
}

/**
 * A provider: fetches messages from a source and confirms (acks) them. SQS is the first; the
 * in-memory provider of `loafer/testing` is another. A provider batches its own I/O (deletes,
 * visibility changes) and must be safe to call concurrently.
 *
 * @typeParam Raw - the provider's own message type.
 */
export interface Provider<Raw = unknown> {
  /** A short description for logs: `sqs queue orders`. */
  readonly description: string;
  /** The most messages one fetch can return (10 for SQS). */
  readonly maxMessagesPerFetch: number;
  /**
   * Prepares the provider (resolves a queue URL, reads queue attributes). Called once before the
   * first fetch; retried by the route with backoff when it throws.
   */
  start?(options: ProviderStartOptions): Promise<ProviderInfo>;
  /**
   * Fetches up to `maxMessages` messages, waiting (long polling) while there are none. Resolves early
   * with what it has, or with nothing, when `signal` aborts.
   *
   * @throws {ProviderError} when the source cannot be reached; the route backs off and retries.
   */
  fetchMessages(options: FetchOptions): Promise<readonly InboundMessage<Raw>[]>;
  /**
   * Deletes a message: its handler succeeded. Resolves once the deletion is done (batched), or
   * rejects with a `ProviderError`. A message whose receipt already expired is logged by the provider
   * and resolves.
   */
  confirmMessage(message: InboundMessage<Raw>): Promise<void>;
  /** Makes a message visible again, at once or after `delaySeconds`. Never deletes. */
  releaseMessage(message: InboundMessage<Raw>, options?: ReleaseOptions): Promise<void>;
  /** Keeps a message hidden for `visibilitySeconds` from now (visibility heartbeat). */
  extendVisibility?(message: InboundMessage<Raw>, options: ExtendVisibilityOptions): Promise<void>;
  /**
   * Moves a message that can never succeed to the source's dead-letter queue, with `reason` and
   * `code` attached (as message attributes for SQS), then deletes it from the source. Rejects — and
   * deletes nothing — when the move fails.
   */
  deadLetterMessage?(message: InboundMessage<Raw>, options: DeadLetterOptions): Promise<void>;
  /** Sends pending batched requests (deletes, visibility changes) now. */
  flush?(): Promise<void>;
  /** Flushes pending requests and releases resources. Idempotent. */
  stop(): Promise<void>;
}

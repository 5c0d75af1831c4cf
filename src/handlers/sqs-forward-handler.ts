import type { MessageMetadata } from '../core/message.js';
import { checkObject, checkThat } from '../core/validate.js';
import type {
  FromMessage,
  PublisherKind,
  PublishHandlerFields,
  PublishingHandler,
  ResolvedPublishHandlerFields,
} from './publish-handler.js';
import {
  createPublishingHandler,
  resolvePublisherChoice,
  resolvePublishHandlerFields,
} from './publish-handler.js';
import type { SqsMessageFields, SqsPublisherOptions } from './sqs-publisher.js';
import { SqsPublisher } from './sqs-publisher.js';

/**
 * Options of {@link sqsForwardHandler}: the target (`queue` and the publisher options, or your own
 * `publisher`) and how each received message becomes the published one.
 *
 * @typeParam Content - the received content type.
 * @typeParam Metadata - the route translator's metadata type.
 */
export interface SqsForwardHandlerOptions<Content = unknown, Metadata = MessageMetadata>
  extends Partial<SqsPublisherOptions>,
    PublishHandlerFields<Content, Metadata> {
  /**
   * A publisher of yours to publish with, instead of one created from `queue` and the other
   * publisher options (which must then be absent). Not stopped by the handler's `stop()`.
   *
   * @defaultValue a publisher created from the options, stopped by `stop()`
   */
  readonly publisher?: SqsPublisher;
  /**
   * Seconds before the forwarded message becomes visible (0-900; not on FIFO queues).
   *
   * @defaultValue none (the queue's own delay)
   */
  readonly delaySeconds?: FromMessage<number, Content, Metadata>;
}

/** {@link SqsForwardHandlerOptions} after validation, with the publisher options split off. */
export interface ResolvedSqsForwardHandlerOptions<Content, Metadata>
  extends ResolvedPublishHandlerFields<Content, Metadata> {
  /** Your publisher, or undefined when one is created from `publisherOptions`. */
  readonly publisher: SqsPublisher | undefined;
  /** The options of the publisher to create (validated by the publisher itself). */
  readonly publisherOptions: SqsPublisherOptions | undefined;
  readonly delaySeconds: FromMessage<number, Content, Metadata> | undefined;
}

const SQS_PUBLISHER: PublisherKind<SqsPublisher, SqsPublisherOptions> = {
  type: SqsPublisher,
  typeName: 'an SqsPublisher',
  keys: {
    queue: true,
    client: true,
    region: true,
    endpoint: true,
    credentials: true,
    maxAttempts: true,
    requestTimeoutMs: true,
    queueOwnerAccountId: true,
    encoder: true,
    maxMessageBytes: true,
    retry: true,
    logger: true,
    clock: true,
    random: true,
  },
  target: 'queue',
  targetExpectation: 'a queue name, URL or ARN (or give `publisher`)',
};

/**
 * Validates the options of {@link sqsForwardHandler} and splits off the publisher's. Creates nothing.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveSqsForwardHandlerOptions<Content, Metadata>(
  options: SqsForwardHandlerOptions<Content, Metadata>,
): ResolvedSqsForwardHandlerOptions<Content, Metadata> {
  checkObject('options', options);
  const fields = resolvePublishHandlerFields(options);
  checkThat(
    options.delaySeconds === undefined ||
      typeof options.delaySeconds === 'function' ||
      (Number.isInteger(options.delaySeconds) && options.delaySeconds >= 0 && options.delaySeconds <= 900),
    'delaySeconds',
    'an integer between 0 and 900, or a function',
    options.delaySeconds,
  );
  return {
    ...fields,
    ...resolvePublisherChoice(options, SQS_PUBLISHER),
    delaySeconds: options.delaySeconds,
  };
}

/** The handler returned by {@link sqsForwardHandler}. */
export type SqsForwardHandler<Content = unknown, Metadata = MessageMetadata> = PublishingHandler<
  Content,
  Metadata,
  SqsPublisher
>;

/**
 * A handler that forwards each message it receives to an SQS queue (loafer's SQS handler): the
 * content, or what `transform` makes of it, encoded as JSON by default. It returns `true` only once
 * SQS accepted the message, so the received message is deleted only after the forward is durable;
 * a failed forward throws a `PublishError` and the received message stays in its queue.
 *
 * @typeParam Content - the received content type.
 * @typeParam Metadata - the route translator's metadata type.
 * @example
 * ```ts
 * const route = new Route({
 *   name: 'audit',
 *   provider,
 *   messageTranslator: snsTranslator(),
 *   handler: sqsForwardHandler({ queue: 'audit-archive', transform: (event) => ({ ...event, seen: true }) }),
 * });
 * ```
 * @throws {ConfigurationError} when an option is invalid.
 */
export function sqsForwardHandler<Content = unknown, Metadata = MessageMetadata>(
  options: SqsForwardHandlerOptions<Content, Metadata>,
): SqsForwardHandler<Content, Metadata> {
  const resolved = resolveSqsForwardHandlerOptions(options);
  return createPublishingHandler<Content, Metadata, SqsMessageFields, SqsPublisher, SqsPublisherOptions>(
    resolved,
    SqsPublisher,
    { delaySeconds: resolved.delaySeconds },
  );
}

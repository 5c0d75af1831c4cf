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
import type { SnsMessageFields, SnsPublisherOptions } from './sns-publisher.js';
import { SnsPublisher } from './sns-publisher.js';

/**
 * Options of {@link snsPublishHandler}: the target (`topic` and the publisher options, or your own
 * `publisher`) and how each received message becomes the published one.
 *
 * @typeParam Content - the received content type.
 * @typeParam Metadata - the route translator's metadata type.
 */
export interface SnsPublishHandlerOptions<Content = unknown, Metadata = MessageMetadata>
  extends Partial<SnsPublisherOptions>,
    PublishHandlerFields<Content, Metadata> {
  /**
   * A publisher of yours to publish with, instead of one created from `topic` and the other
   * publisher options (which must then be absent). Not stopped by the handler's `stop()`.
   *
   * @defaultValue a publisher created from the options, stopped by `stop()`
   */
  readonly publisher?: SnsPublisher;
  /**
   * The `Subject` of the published message.
   *
   * @defaultValue none
   */
  readonly subject?: FromMessage<string, Content, Metadata>;
}

/** {@link SnsPublishHandlerOptions} after validation, with the publisher options split off. */
export interface ResolvedSnsPublishHandlerOptions<Content, Metadata>
  extends ResolvedPublishHandlerFields<Content, Metadata> {
  /** Your publisher, or undefined when one is created from `publisherOptions`. */
  readonly publisher: SnsPublisher | undefined;
  /** The options of the publisher to create (validated by the publisher itself). */
  readonly publisherOptions: SnsPublisherOptions | undefined;
  readonly subject: FromMessage<string, Content, Metadata> | undefined;
}

const SNS_PUBLISHER: PublisherKind<SnsPublisher, SnsPublisherOptions> = {
  type: SnsPublisher,
  typeName: 'an SnsPublisher',
  keys: {
    topic: true,
    client: true,
    region: true,
    endpoint: true,
    credentials: true,
    maxAttempts: true,
    requestTimeoutMs: true,
    encoder: true,
    maxMessageBytes: true,
    retry: true,
    logger: true,
    clock: true,
    random: true,
  },
  target: 'topic',
  targetExpectation: 'a topic ARN or name (or give `publisher`)',
};

/**
 * Validates the options of {@link snsPublishHandler} and splits off the publisher's. Creates nothing.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveSnsPublishHandlerOptions<Content, Metadata>(
  options: SnsPublishHandlerOptions<Content, Metadata>,
): ResolvedSnsPublishHandlerOptions<Content, Metadata> {
  checkObject('options', options);
  const fields = resolvePublishHandlerFields(options);
  checkThat(
    options.subject === undefined ||
      typeof options.subject === 'function' ||
      (typeof options.subject === 'string' && options.subject.length > 0),
    'subject',
    'a non-empty string or a function',
    options.subject,
  );
  return { ...fields, ...resolvePublisherChoice(options, SNS_PUBLISHER), subject: options.subject };
}

/** The handler returned by {@link snsPublishHandler}. */
export type SnsPublishHandler<Content = unknown, Metadata = MessageMetadata> = PublishingHandler<
  Content,
  Metadata,
  SnsPublisher
>;

/**
 * A handler that publishes each message it receives to an SNS topic (loafer's SNS handler): the
 * content, or what `transform` makes of it, encoded as JSON by default. It returns `true` only once
 * SNS accepted the message, so the received message is deleted only after the publish is durable; a
 * failed publish throws a `PublishError` and the received message stays in its queue.
 *
 * @typeParam Content - the received content type.
 * @typeParam Metadata - the route translator's metadata type.
 * @example
 * ```ts
 * const route = new Route({
 *   name: 'fan-out',
 *   provider,
 *   messageTranslator: jsonTranslator(),
 *   handler: snsPublishHandler({ topic: 'friend-created' }),
 * });
 * ```
 * @throws {ConfigurationError} when an option is invalid.
 */
export function snsPublishHandler<Content = unknown, Metadata = MessageMetadata>(
  options: SnsPublishHandlerOptions<Content, Metadata>,
): SnsPublishHandler<Content, Metadata> {
  const resolved = resolveSnsPublishHandlerOptions(options);
  return createPublishingHandler<Content, Metadata, SnsMessageFields, SnsPublisher, SnsPublisherOptions>(
    resolved,
    SnsPublisher,
    { subject: resolved.subject },
  );
}

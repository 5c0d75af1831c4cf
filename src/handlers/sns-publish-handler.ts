import type { HandlerContext } from '../core/handler.js';
import type { MessageMetadata } from '../core/message.js';
import { checkObject, checkThat } from '../core/validate.js';
import type {
  FromMessage,
  PublishHandlerFields,
  PublishingHandler,
  ResolvedPublishHandlerFields,
} from './publish-handler.js';
import { createPublishingHandler, fromMessage, resolvePublishHandlerFields } from './publish-handler.js';
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

const PUBLISHER_KEYS = [
  'topic',
  'client',
  'region',
  'endpoint',
  'credentials',
  'maxAttempts',
  'requestTimeoutMs',
  'encoder',
  'maxMessageBytes',
  'retry',
  'logger',
  'clock',
  'random',
] as const satisfies readonly (keyof SnsPublisherOptions)[];

// Every publisher option is in PUBLISHER_KEYS (this line stops compiling when one is added and not listed).
const listsEveryPublisherOption: [
  Exclude<keyof SnsPublisherOptions, (typeof PUBLISHER_KEYS)[number]>,
] extends [never]
  ? true
  : false = true;
void listsEveryPublisherOption;

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
  if (options.publisher !== undefined) {
    checkThat(options.publisher instanceof SnsPublisher, 'publisher', 'an SnsPublisher', options.publisher);
    const extra = PUBLISHER_KEYS.find((key) => options[key] !== undefined);
    checkThat(
      extra === undefined,
      extra ?? 'publisher',
      'absent when `publisher` is given (configure your publisher instead)',
      extra === 'credentials' ? '[credentials]' : extra === undefined ? undefined : options[extra],
    );
    return { ...fields, publisher: options.publisher, publisherOptions: undefined, subject: options.subject };
  }
  checkThat(options.topic !== undefined, 'topic', 'a topic ARN or name (or give `publisher`)', options.topic);
  const publisherOptions: Record<string, unknown> = {};
  for (const key of PUBLISHER_KEYS) if (options[key] !== undefined) publisherOptions[key] = options[key];
  return {
    ...fields,
    publisher: undefined,
    publisherOptions: publisherOptions as unknown as SnsPublisherOptions,
    subject: options.subject,
  };
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
  const publisher = resolved.publisher ?? new SnsPublisher(resolved.publisherOptions as SnsPublisherOptions);
  return createPublishingHandler<Content, Metadata, SnsMessageFields, SnsPublisher>(
    publisher,
    resolved.publisher === undefined,
    resolved,
    (content: Content, context: HandlerContext<Metadata>) => {
      const subject = fromMessage(resolved.subject, content, context);
      return subject === undefined ? {} : { subject };
    },
  );
}

// What the forward/publish handlers share: per-message fields taken from options or computed from
// the content and context, and a handler object that acks only after the publish succeeded.
import type { HandlerContext, HandlerObject } from '../core/handler.js';
import type { Logger } from '../core/logger.js';
import type { MessageMetadata } from '../core/message.js';
import { checkFunction, checkThat } from '../core/validate.js';
import type { PublishCallOptions } from './publish-engine.js';
import type { PublishResult } from './publish-error.js';
import type { PublishAttributes } from './publish-message.js';

/**
 * A per-message value: fixed, or computed from the content and the context (return `undefined` for
 * none).
 */
export type FromMessage<T, Content, Metadata> =
  | T
  | ((content: Content, context: HandlerContext<Metadata>) => T | undefined);

/** Options every forward/publish handler has, besides its target. */
export interface PublishHandlerFields<Content = unknown, Metadata = MessageMetadata> {
  /**
   * Turns the received content into the message to publish (sync or async). It runs for every
   * message; what it returns is encoded by the encoder.
   *
   * @defaultValue the content as it is
   */
  readonly transform?: (content: Content, context: HandlerContext<Metadata>) => unknown;
  /**
   * Message attributes of the published message: fixed, or from the content and context. To forward
   * the received attributes: `attributes: (_, context) => context.metadata.attributes`.
   *
   * @defaultValue none
   */
  readonly attributes?: FromMessage<PublishAttributes, Content, Metadata>;
  /**
   * The FIFO message group of the published message.
   *
   * @defaultValue the received message's group (`context.message.groupId`), if any
   */
  readonly groupId?: FromMessage<string, Content, Metadata>;
  /**
   * The FIFO deduplication id of the published message (FIFO targets only).
   *
   * @defaultValue on a FIFO target, the received message's id: a redelivered message is forwarded
   * again but deduplicated by the target for 5 minutes; none on other targets
   */
  readonly deduplicationId?: FromMessage<string, Content, Metadata>;
}

/** {@link PublishHandlerFields} after validation. */
export interface ResolvedPublishHandlerFields<Content, Metadata> {
  readonly transform: ((content: Content, context: HandlerContext<Metadata>) => unknown) | undefined;
  readonly attributes: FromMessage<PublishAttributes, Content, Metadata> | undefined;
  readonly groupId: FromMessage<string, Content, Metadata> | undefined;
  readonly deduplicationId: FromMessage<string, Content, Metadata> | undefined;
}

/**
 * Validates the handler fields shared by the forward/publish handlers.
 *
 * @throws {ConfigurationError} naming the invalid option and its value.
 */
export function resolvePublishHandlerFields<Content, Metadata>(
  options: PublishHandlerFields<Content, Metadata>,
): ResolvedPublishHandlerFields<Content, Metadata> {
  const transform = checkFunction<
    ((content: Content, context: HandlerContext<Metadata>) => unknown) | undefined
  >('transform', options.transform, undefined);
  checkThat(
    options.attributes === undefined ||
      typeof options.attributes === 'function' ||
      (typeof options.attributes === 'object' && options.attributes !== null),
    'attributes',
    'an object of attributes or a function',
    options.attributes,
  );
  for (const key of ['groupId', 'deduplicationId'] as const) {
    const value = options[key];
    checkThat(
      value === undefined || typeof value === 'function' || (typeof value === 'string' && value.length > 0),
      key,
      'a non-empty string or a function',
      value,
    );
  }
  return {
    transform,
    attributes: options.attributes,
    groupId: options.groupId,
    deduplicationId: options.deduplicationId,
  };
}

/** Evaluates a {@link FromMessage} value for one message. */
export function fromMessage<T, Content, Metadata>(
  value: FromMessage<T, Content, Metadata> | undefined,
  content: Content,
  context: HandlerContext<Metadata>,
): T | undefined {
  if (typeof value === 'function') {
    return (value as (content: Content, context: HandlerContext<Metadata>) => T | undefined)(
      content,
      context,
    );
  }
  return value;
}

/** What a handler needs from a publisher. */
export interface HandlerPublisher<Fields> {
  readonly description: string;
  readonly options: { readonly isFifo: boolean };
  publish(message: unknown, options: Fields & PublishCallOptions): Promise<PublishResult>;
  stop(): Promise<void>;
}

/**
 * A handler that publishes what it receives. It returns `true` only once the publish succeeded, so
 * the received message is deleted only after the forward is durable; when the publish fails it
 * throws (a `PublishError`), and the message stays in its queue.
 *
 * @typeParam Content - the received content type.
 * @typeParam Metadata - the route translator's metadata type.
 * @typeParam Publisher - the publisher it uses.
 */
export interface PublishingHandler<Content, Metadata, Publisher> extends HandlerObject<Content, Metadata> {
  /** The publisher it uses (created from the options, or yours). */
  readonly publisher: Publisher;
  /**
   * Publishes the (transformed) content; resolves `true` once published.
   *
   * @throws {PublishError} when it was not published.
   */
  handle(content: Content, context: HandlerContext<Metadata>): Promise<boolean>;
  /** Stops the publisher if the handler created it (destroying the client it created). Idempotent. */
  stop(): Promise<void>;
}

/**
 * The options of a publisher, listed once each (a missing or unknown one does not compile), in the
 * order a handler checks them.
 */
export type PublisherKeys<PublisherOptions> = { readonly [Key in keyof PublisherOptions]-?: true };

/** A publisher class, created from its options. */
export type PublisherClass<Publisher, PublisherOptions> = new (options: PublisherOptions) => Publisher;

/** How a handler makes or checks its publisher, for {@link resolvePublisherChoice}. */
export interface PublisherKind<Publisher, PublisherOptions> {
  /** The publisher class: `publisher` must be one; otherwise one is created from the options. */
  readonly type: PublisherClass<Publisher, PublisherOptions>;
  /** The class for messages: `an SqsPublisher`. */
  readonly typeName: string;
  /** Every publisher option. */
  readonly keys: PublisherKeys<PublisherOptions>;
  /** The option naming the target (`queue`, `topic`), required without `publisher`. */
  readonly target: keyof PublisherOptions & string;
  /** What `target` expects, for messages. */
  readonly targetExpectation: string;
}

/** A handler's publisher: yours, or the options of the one it creates. */
export interface PublisherChoice<Publisher, PublisherOptions> {
  /** Your publisher, or undefined when one is created from `publisherOptions`. */
  readonly publisher: Publisher | undefined;
  /** The options of the publisher to create (validated by the publisher itself). */
  readonly publisherOptions: PublisherOptions | undefined;
}

/**
 * Splits a handler's options into its publisher (`publisher`, then no publisher option may be given)
 * or the options of the publisher to create (then `target` is required). Creates nothing.
 *
 * @throws {ConfigurationError} naming the invalid option (credentials are never echoed).
 */
export function resolvePublisherChoice<Publisher, PublisherOptions>(
  options: Partial<PublisherOptions> & { readonly publisher?: Publisher | undefined },
  kind: PublisherKind<Publisher, PublisherOptions>,
): PublisherChoice<Publisher, PublisherOptions> {
  const keys = Object.keys(kind.keys) as (keyof PublisherOptions & string)[];
  if (options.publisher !== undefined) {
    checkThat(options.publisher instanceof kind.type, 'publisher', kind.typeName, options.publisher);
    const extra = keys.find((key) => options[key] !== undefined);
    checkThat(
      extra === undefined,
      extra ?? 'publisher',
      'absent when `publisher` is given (configure your publisher instead)',
      extra === 'credentials' ? '[credentials]' : extra === undefined ? undefined : options[extra],
    );
    return { publisher: options.publisher, publisherOptions: undefined };
  }
  checkThat(options[kind.target] !== undefined, kind.target, kind.targetExpectation, options[kind.target]);
  const publisherOptions: Record<string, unknown> = {};
  for (const key of keys) if (options[key] !== undefined) publisherOptions[key] = options[key];
  return { publisher: undefined, publisherOptions: publisherOptions as PublisherOptions };
}

/**
 * Builds a {@link PublishingHandler} around your publisher, or around one it creates (and stops).
 *
 * @param resolved - the handler's resolved options.
 * @param type - the publisher class, to create one from `resolved.publisherOptions`.
 * @param extraFields - the target's own per-message fields (`delaySeconds`, `subject`).
 */
export function createPublishingHandler<
  Content,
  Metadata,
  Fields extends object,
  Publisher extends HandlerPublisher<Fields>,
  PublisherOptions,
>(
  resolved: ResolvedPublishHandlerFields<Content, Metadata> & PublisherChoice<Publisher, PublisherOptions>,
  type: PublisherClass<Publisher, PublisherOptions>,
  extraFields: { readonly [Key in keyof Fields]?: FromMessage<Fields[Key], Content, Metadata> | undefined },
): PublishingHandler<Content, Metadata, Publisher> {
  const publisher = resolved.publisher ?? new type(resolved.publisherOptions as PublisherOptions);
  const ownsPublisher = resolved.publisher === undefined;
  const isFifo = publisher.options.isFifo;
  let stopping: Promise<void> | undefined;
  return {
    publisher,
    async handle(content, context) {
      const message = resolved.transform === undefined ? content : await resolved.transform(content, context);
      const attributes = fromMessage(resolved.attributes, content, context);
      const groupId =
        resolved.groupId === undefined
          ? context.message.groupId
          : fromMessage(resolved.groupId, content, context);
      const deduplicationId =
        resolved.deduplicationId === undefined
          ? isFifo
            ? context.message.id
            : undefined
          : fromMessage(resolved.deduplicationId, content, context);
      const options: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(extraFields)) {
        const field = fromMessage(value as FromMessage<unknown, Content, Metadata>, content, context);
        if (field !== undefined) options[key] = field;
      }
      options.signal = context.signal;
      const logger: Logger | undefined = context.logger;
      if (logger !== undefined) options.logger = logger;
      if (attributes !== undefined) options.attributes = attributes;
      if (groupId !== undefined) options.groupId = groupId;
      if (deduplicationId !== undefined) options.deduplicationId = deduplicationId;
      const result = await publisher.publish(message, options as Fields & PublishCallOptions);
      logger?.debug(
        { target: publisher.description, publishedMessageId: result.messageId },
        'message published',
      );
      return true;
    },
    stop() {
      if (!ownsPublisher) return Promise.resolve();
      stopping ??= publisher.stop();
      return stopping;
    },
  };
}

import type { PublishBatchRequestEntry, SNSClientConfig } from '@aws-sdk/client-sns';
import { ListTopicsCommand, PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { checkObject, checkString, checkThat } from '../core/validate.js';
import { resolveAwsClientConfig } from '../providers/aws/client-config.js';
import { awsErrorCode } from '../providers/aws/errors.js';
import type {
  PublishCallOptions,
  PublishRetryOptions,
  ResolvedPublishRetryOptions,
} from './publish-engine.js';
import { TargetNotFound } from './publish-engine.js';
import type { PublishError, PublishResult } from './publish-error.js';
import type { MessageEncoderOption, PreparedEntry, PublishMessageFields } from './publish-message.js';
import type { PublisherWire } from './publisher-core.js';
import { PublisherCore } from './publisher-core.js';
import { resolveCommonPublisherOptions } from './publisher-support.js';

/** SNS's limit on a message (body and attributes), and on a PublishBatch request: 256 KiB. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

/** Options of an {@link SnsPublisher}. */
export interface SnsPublisherOptions<Message = unknown> {
  /**
   * The target topic: its ARN, or its name. A name is resolved once, at the first publish, by paging
   * through ListTopics for the ARN ending in `:<name>` (needs `sns:ListTopics`), then cached. Topics
   * are never created.
   */
  readonly topic: string;
  /**
   * Your own SNS client, used as is (its region, endpoint, credentials and retries) and never
   * destroyed; `region`, `endpoint`, `credentials` and `maxAttempts` must then be left out.
   *
   * @defaultValue a client the publisher creates from the options below, destroyed by `stop()`
   */
  readonly client?: SNSClient;
  /**
   * The AWS region of the client the publisher creates.
   *
   * @defaultValue the SDK's own resolution (`AWS_REGION`, the shared config file, ...)
   */
  readonly region?: string;
  /**
   * The endpoint of the client the publisher creates (`http://localhost:4566` for a local server).
   *
   * @defaultValue the SDK's own resolution (`AWS_ENDPOINT_URL_SNS`, `AWS_ENDPOINT_URL`, then the region's)
   */
  readonly endpoint?: string;
  /**
   * Credentials of the client the publisher creates: an object or a provider function.
   *
   * @defaultValue the SDK's default credential chain
   */
  readonly credentials?: SNSClientConfig['credentials'];
  /**
   * Attempts per request the SDK makes itself, in the client the publisher creates. loafer retries
   * failed requests and failed entries with its own backoff (`retry`), so the SDK's are off by default.
   *
   * @defaultValue 1
   */
  readonly maxAttempts?: number;
  /**
   * A client-side timeout for one request, in milliseconds: a request without an answer by then is
   * aborted and retried like a network error, so that a hung connection cannot hold a handler.
   *
   * @defaultValue 10000
   */
  readonly requestTimeoutMs?: number;
  /**
   * How messages are encoded: `'json'`, a function, or `'none'`/`false` to send strings as they are.
   *
   * @defaultValue 'json'
   */
  readonly encoder?: MessageEncoderOption<Message>;
  /**
   * The largest message (body and attributes) and the largest batch request, in bytes; at most
   * SNS's own 262144.
   *
   * @defaultValue 262144
   */
  readonly maxMessageBytes?: number;
  /**
   * How failed entries and failed requests are retried.
   *
   * @defaultValue `{ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000 }`
   */
  readonly retry?: PublishRetryOptions;
  /**
   * Where retries are logged (message bodies are never logged).
   *
   * @defaultValue pino at `info` on stdout
   */
  readonly logger?: Logger;
  /**
   * Time for the waits between retries; tests pass a `ManualClock`.
   *
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
  /**
   * Random numbers in [0, 1) for the retry jitter.
   *
   * @defaultValue Math.random
   */
  readonly random?: () => number;
}

/** {@link SnsPublisherOptions} after defaults and validation. */
export interface ResolvedSnsPublisherOptions<Message> {
  /** The topic as given. */
  readonly topic: string;
  /** The topic ARN when `topic` is one; otherwise resolved at the first publish. */
  readonly topicArn: string | undefined;
  /** The topic's name (from the name or the ARN). */
  readonly topicName: string;
  /** Whether the topic is FIFO (its name ends with `.fifo`). */
  readonly isFifo: boolean;
  readonly client: SNSClient | undefined;
  /** The settings of the client to create, when `client` is undefined. */
  readonly clientConfig: SNSClientConfig;
  readonly requestTimeoutMs: number;
  readonly encode: (message: Message) => string;
  readonly maxMessageBytes: number;
  readonly retry: ResolvedPublishRetryOptions;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: () => number;
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const TOPIC_NAME_FIFO = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const TOPIC_ARN = /^arn:[^:]+:sns:[^:]*:[^:]*:([^:]+)$/;

/**
 * Applies defaults to SNS publisher options and validates them. Creates nothing.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveSnsPublisherOptions<Message>(
  options: SnsPublisherOptions<Message>,
): ResolvedSnsPublisherOptions<Message> {
  checkObject('options', options);
  const topic = checkString('topic', options.topic, undefined);
  checkThat(topic !== undefined, 'topic', 'a topic ARN or name', options.topic);
  const arn = TOPIC_ARN.exec(topic as string);
  const topicName = arn === null ? (topic as string) : (arn[1] as string);
  checkThat(
    TOPIC_NAME.test(topicName) || TOPIC_NAME_FIFO.test(topicName),
    'topic',
    'a topic ARN or name (1-256 of A-Z a-z 0-9 _ -, optionally ending in .fifo)',
    topic,
  );
  const { client, clientConfig } = resolveAwsClientConfig<
    SNSClient,
    NonNullable<SNSClientConfig['credentials']>
  >(options, 'SNSClient');
  return {
    topic: topic as string,
    topicArn: arn === null ? undefined : (topic as string),
    topicName,
    isFifo: topicName.endsWith('.fifo'),
    client,
    clientConfig,
    ...resolveCommonPublisherOptions(options, {
      defaultValue: SNS_MAX_MESSAGE_BYTES,
      max: SNS_MAX_MESSAGE_BYTES,
    }),
  };
}

/** Per-message fields for SNS: attributes, FIFO ids, and a subject. */
export interface SnsMessageFields extends PublishMessageFields {
  /** The `Subject` (1-100 characters, no line breaks), shown by e-mail endpoints and kept in envelopes. */
  readonly subject?: string;
}

/** Options of {@link SnsPublisher.publish}: the message's fields and the call's signal and logger. */
export interface SnsPublishOptions extends SnsMessageFields, PublishCallOptions {}

/** One message of {@link SnsPublisher.publishBatch}. */
export interface SnsPublishEntry<Message = unknown> extends SnsMessageFields {
  /** The message; encoded with the publisher's encoder. */
  readonly message: Message;
}

function isTopicNotFound(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code === 'NotFound' || code === 'NotFoundException';
}

/**
 * Publishes messages to one SNS topic: encoded (JSON by default), with typed attributes, FIFO ids
 * and subjects, in PublishBatch requests split by entry count (10) and size (256 KiB); failed entries
 * and failed requests retried with exponential backoff and jitter; a {@link PublishError} listing each
 * message that did not make it.
 *
 * @typeParam Message - what you publish (before encoding).
 * @example
 * ```ts
 * const publisher = new SnsPublisher({ topic: 'friend-created' });
 * await publisher.publish({ id: 'test-1', username: 'georgeyk' });
 * await publisher.stop();
 * ```
 */
export class SnsPublisher<Message = unknown> {
  readonly #options: ResolvedSnsPublisherOptions<Message>;
  readonly #core: PublisherCore<Message, SNSClient>;

  /**
   * @param options - see {@link SnsPublisherOptions}.
   * @throws {ConfigurationError} when an option is invalid.
   */
  constructor(options: SnsPublisherOptions<Message>) {
    this.#options = resolveSnsPublisherOptions(options);
    this.#core = new PublisherCore(this.#options, snsWire(this.#options));
  }

  /** The publisher's options after defaults. */
  get options(): ResolvedSnsPublisherOptions<Message> {
    return this.#options;
  }

  /** The SNS client in use (yours, or the one loafer created). */
  get client(): SNSClient {
    return this.#core.client;
  }

  /** `topic <name>`, for logs. */
  get description(): string {
    return this.#core.description;
  }

  /**
   * The topic's ARN: as given, or found once by name with ListTopics and cached (a failed lookup is
   * tried again next time).
   *
   * @throws {PublishError} `LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND` when no topic has that name.
   */
  async topicArn(options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    return this.#core.address(options.signal);
  }

  /**
   * Publishes one message (Publish).
   *
   * @returns its message id (and sequence number on FIFO topics).
   * @throws {PublishError} when it was not published: invalid or too large (nothing sent), topic not
   * found, refused by SNS, or retries ran out.
   */
  async publish(message: Message, options: SnsPublishOptions = {}): Promise<PublishResult> {
    return this.#core.publish(message, options);
  }

  /**
   * Publishes many messages with PublishBatch: batches of at most 10 entries and `maxMessageBytes`
   * in total, sent in order. Every message is checked before anything is sent.
   *
   * @returns one result per message, in the order given.
   * @throws {PublishError} listing each message not published (index, entry id, code, reason) and
   * the ones that were.
   */
  async publishBatch(
    entries: readonly SnsPublishEntry<Message>[],
    options: PublishCallOptions = {},
  ): Promise<PublishResult[]> {
    return this.#core.publishBatch(entries, options);
  }

  /** Stops the publisher: destroys the client it created (yours is left alone). Idempotent. */
  async stop(): Promise<void> {
    return this.#core.stop();
  }
}

/** The SNS side of an {@link SnsPublisher}: ListTopics, Publish, PublishBatch. */
function snsWire<Message>(options: ResolvedSnsPublisherOptions<Message>): PublisherWire<SNSClient> {
  return {
    description: `topic ${options.topicName}`,
    maxAttributes: undefined,
    address: options.topicArn,
    createClient: () => new SNSClient(options.clientConfig),
    lookUp: (client, send) => findTopic(client, options.topicName, send),
    isNotFound: isTopicNotFound,
    sendOne: (client, arn, entry, send) => {
      const { Id: _id, ...fields } = toEntry(entry);
      return client.send(new PublishCommand({ TopicArn: arn, ...fields }), send);
    },
    sendBatch: (client, arn, entries, send) =>
      client.send(
        new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: entries.map(toEntry) }),
        send,
      ),
  };
}

/** Pages through ListTopics for the ARN whose last part is the topic's name. */
async function findTopic(
  client: SNSClient,
  topicName: string,
  send: { abortSignal?: AbortSignal },
): Promise<string> {
  const suffix = `:${topicName}`;
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListTopicsCommand(nextToken === undefined ? {} : { NextToken: nextToken }),
      send,
    );
    const found = page.Topics?.find((topic) => topic.TopicArn?.endsWith(suffix) === true);
    if (found?.TopicArn !== undefined) return found.TopicArn;
    nextToken = page.NextToken;
  } while (nextToken !== undefined && nextToken.length > 0);
  throw new TargetNotFound(
    `topic ${topicName} was not found by ListTopics in this account and region; create it or pass its ARN`,
  );
}

function toEntry(entry: PreparedEntry): PublishBatchRequestEntry {
  const request: PublishBatchRequestEntry = { Id: entry.id, Message: entry.body };
  if (entry.attributes !== undefined) request.MessageAttributes = entry.attributes;
  if (entry.groupId !== undefined) request.MessageGroupId = entry.groupId;
  if (entry.deduplicationId !== undefined) request.MessageDeduplicationId = entry.deduplicationId;
  if (entry.subject !== undefined) request.Subject = entry.subject;
  return request;
}

import type { SendMessageBatchRequestEntry, SQSClientConfig } from '@aws-sdk/client-sqs';
import {
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { checkObject, checkString, checkThat } from '../core/validate.js';
import { resolveAwsClientConfig } from '../providers/aws/client-config.js';
import { isQueueNotFoundError } from '../providers/aws/errors.js';
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

/** SQS's limit on a message, and on a batch request, since August 2025 (1 MiB). */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;
/** The classic limit of 256 KiB, loafer's default: accepted by every SQS queue. */
export const DEFAULT_MAX_MESSAGE_BYTES = 262_144;

/** Options of an {@link SqsPublisher}. */
export interface SqsPublisherOptions<Message = unknown> {
  /**
   * The target queue: its name (resolved once with GetQueueUrl, then cached), its URL, or its ARN
   * (resolved with GetQueueUrl and the ARN's account id).
   */
  readonly queue: string;
  /**
   * Your own SQS client, used as is (its region, endpoint, credentials and retries) and never
   * destroyed; `region`, `endpoint`, `credentials` and `maxAttempts` must then be left out.
   *
   * @defaultValue a client the publisher creates from the options below, destroyed by `stop()`
   */
  readonly client?: SQSClient;
  /**
   * The AWS region of the client the publisher creates.
   *
   * @defaultValue the SDK's own resolution (`AWS_REGION`, the shared config file, ...)
   */
  readonly region?: string;
  /**
   * The endpoint of the client the publisher creates (`http://localhost:4566` for a local server).
   *
   * @defaultValue the SDK's own resolution (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL`, then the region's)
   */
  readonly endpoint?: string;
  /**
   * Credentials of the client the publisher creates: an object or a provider function.
   *
   * @defaultValue the SDK's default credential chain
   */
  readonly credentials?: SQSClientConfig['credentials'];
  /**
   * Attempts per request the SDK makes itself, in the client the publisher creates. loafer retries
   * failed requests and failed entries with its own backoff (`retry`), so the SDK's are off by default.
   *
   * @defaultValue 1
   */
  readonly maxAttempts?: number;
  /**
   * The account that owns the queue, when `queue` is the name of a queue in another account (a queue
   * ARN carries it already).
   *
   * @defaultValue the caller's account
   */
  readonly queueOwnerAccountId?: string;
  /**
   * A client-side timeout for one request, in milliseconds: a request without an answer by then is
   * aborted and retried like a network error, so that a hung connection cannot hold a handler.
   *
   * @defaultValue 10000
   */
  readonly requestTimeoutMs?: number;
  /**
   * How messages are encoded into bodies: `'json'`, a function, or `'none'`/`false` to send strings
   * as they are.
   *
   * @defaultValue 'json'
   */
  readonly encoder?: MessageEncoderOption<Message>;
  /**
   * The largest message (body and attributes) and the largest batch request, in bytes. SQS accepts
   * up to 1 MiB (1048576) since 2025 on queues whose `MaximumMessageSize` allows it; the default is
   * the classic 256 KiB every queue accepts.
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

/** {@link SqsPublisherOptions} after defaults and validation. */
export interface ResolvedSqsPublisherOptions<Message> {
  /** The queue as given. */
  readonly queue: string;
  /** The queue URL when `queue` is one; otherwise resolved at the first publish. */
  readonly queueUrl: string | undefined;
  /** The queue's name (from the name, the URL or the ARN). */
  readonly queueName: string;
  /** The queue owner's account id, when `queue` is an ARN. */
  readonly queueOwnerAccountId: string | undefined;
  /** Whether the queue is FIFO (its name ends with `.fifo`). */
  readonly isFifo: boolean;
  readonly client: SQSClient | undefined;
  /** The settings of the client to create, when `client` is undefined. */
  readonly clientConfig: SQSClientConfig;
  readonly requestTimeoutMs: number;
  readonly encode: (message: Message) => string;
  readonly maxMessageBytes: number;
  readonly retry: ResolvedPublishRetryOptions;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: () => number;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const QUEUE_NAME_FIFO = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const QUEUE_ARN = /^arn:[^:]+:sqs:[^:]*:(\d{12}):([^:]+)$/;

/**
 * Applies defaults to SQS publisher options and validates them. Creates nothing.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveSqsPublisherOptions<Message>(
  options: SqsPublisherOptions<Message>,
): ResolvedSqsPublisherOptions<Message> {
  checkObject('options', options);
  const queue = checkString('queue', options.queue, undefined);
  checkThat(queue !== undefined, 'queue', 'a queue name, URL or ARN', options.queue);
  let queueUrl: string | undefined;
  let queueName: string;
  let queueOwnerAccountId: string | undefined;
  const arn = QUEUE_ARN.exec(queue as string);
  if (/^https?:\/\//i.test(queue as string)) {
    let url: URL | undefined;
    try {
      url = new URL(queue as string);
    } catch {
      url = undefined;
    }
    const last = url?.pathname
      .split('/')
      .filter((part) => part.length > 0)
      .at(-1);
    checkThat(last !== undefined, 'queue', 'a queue URL ending with the queue name', queue);
    queueUrl = queue;
    queueName = last as string;
  } else if (arn !== null) {
    queueOwnerAccountId = arn[1];
    queueName = arn[2] as string;
  } else {
    queueName = queue as string;
  }
  checkThat(
    QUEUE_NAME.test(queueName) || QUEUE_NAME_FIFO.test(queueName),
    'queue',
    'a queue name (1-80 of A-Z a-z 0-9 _ -, optionally ending in .fifo), URL or ARN',
    queue,
  );
  const { client, clientConfig } = resolveAwsClientConfig<
    SQSClient,
    NonNullable<SQSClientConfig['credentials']>
  >(options, 'SQSClient');
  if (arn === null) {
    queueOwnerAccountId = checkString('queueOwnerAccountId', options.queueOwnerAccountId, undefined);
  } else {
    checkThat(
      options.queueOwnerAccountId === undefined || options.queueOwnerAccountId === queueOwnerAccountId,
      'queueOwnerAccountId',
      `left out or equal to the queue ARN's account (${queueOwnerAccountId})`,
      options.queueOwnerAccountId,
    );
  }
  return {
    queue: queue as string,
    queueUrl,
    queueName,
    queueOwnerAccountId,
    isFifo: queueName.endsWith('.fifo'),
    client,
    // Requests go to the configured endpoint (or AWS_ENDPOINT_URL, or the region's), never to the
    // host of the queue URL, as the SQS provider does.
    clientConfig: { ...clientConfig, useQueueUrlAsEndpoint: false },
    ...resolveCommonPublisherOptions(options, {
      defaultValue: DEFAULT_MAX_MESSAGE_BYTES,
      max: SQS_MAX_MESSAGE_BYTES,
    }),
  };
}

/** Per-message fields for SQS: attributes, FIFO ids, and a delivery delay. */
export interface SqsMessageFields extends PublishMessageFields {
  /** Seconds before the message becomes visible (0-900; not on FIFO queues). */
  readonly delaySeconds?: number;
}

/** Options of {@link SqsPublisher.publish}: the message's fields and the call's signal and logger. */
export interface SqsPublishOptions extends SqsMessageFields, PublishCallOptions {}

/** One message of {@link SqsPublisher.publishBatch}. */
export interface SqsPublishEntry<Message = unknown> extends SqsMessageFields {
  /** The message; encoded with the publisher's encoder. */
  readonly message: Message;
}

/**
 * Publishes messages to one SQS queue: encoded (JSON by default), with typed attributes and FIFO ids,
 * in batches split by entry count (10) and size; failed entries and failed requests retried with
 * exponential backoff and jitter; a {@link PublishError} listing each message that did not make it.
 *
 * @typeParam Message - what you publish (before encoding).
 * @example
 * ```ts
 * const publisher = new SqsPublisher({ queue: 'orders' });
 * await publisher.publish({ id: 1 }, { attributes: { kind: 'created' } });
 * await publisher.publishBatch(orders.map((order) => ({ message: order })));
 * await publisher.stop();
 * ```
 */
export class SqsPublisher<Message = unknown> {
  readonly #options: ResolvedSqsPublisherOptions<Message>;
  readonly #core: PublisherCore<Message, SQSClient>;

  /**
   * @param options - see {@link SqsPublisherOptions}.
   * @throws {ConfigurationError} when an option is invalid.
   */
  constructor(options: SqsPublisherOptions<Message>) {
    this.#options = resolveSqsPublisherOptions(options);
    this.#core = new PublisherCore(this.#options, sqsWire(this.#options));
  }

  /** The publisher's options after defaults. */
  get options(): ResolvedSqsPublisherOptions<Message> {
    return this.#options;
  }

  /** The SQS client in use (yours, or the one loafer created). */
  get client(): SQSClient {
    return this.#core.client;
  }

  /** `queue <name>`, for logs. */
  get description(): string {
    return this.#core.description;
  }

  /**
   * The queue's URL: as given, or resolved once with GetQueueUrl and cached (a failed lookup is
   * tried again next time).
   *
   * @throws {PublishError} `LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND` when the queue does not exist.
   */
  async queueUrl(options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    return this.#core.address(options.signal);
  }

  /**
   * Publishes one message (SendMessage).
   *
   * @returns its message id (and sequence number on FIFO queues).
   * @throws {PublishError} when it was not published: invalid or too large (nothing sent), queue not
   * found, refused by SQS, or retries ran out.
   */
  async publish(message: Message, options: SqsPublishOptions = {}): Promise<PublishResult> {
    return this.#core.publish(message, options);
  }

  /**
   * Publishes many messages with SendMessageBatch: batches of at most 10 entries and
   * `maxMessageBytes` in total, sent in order. Every message is checked before anything is sent.
   *
   * @returns one result per message, in the order given.
   * @throws {PublishError} listing each message not published (index, entry id, code, reason) and
   * the ones that were.
   */
  async publishBatch(
    entries: readonly SqsPublishEntry<Message>[],
    options: PublishCallOptions = {},
  ): Promise<PublishResult[]> {
    return this.#core.publishBatch(entries, options);
  }

  /** Stops the publisher: destroys the client it created (yours is left alone). Idempotent. */
  async stop(): Promise<void> {
    return this.#core.stop();
  }
}

/** The SQS side of an {@link SqsPublisher}: GetQueueUrl, SendMessage, SendMessageBatch. */
function sqsWire<Message>(options: ResolvedSqsPublisherOptions<Message>): PublisherWire<SQSClient> {
  const { queueName, queueOwnerAccountId } = options;
  return {
    description: `queue ${queueName}`,
    maxAttributes: 10,
    address: options.queueUrl,
    createClient: () => new SQSClient(options.clientConfig),
    lookUp: (client, send) =>
      client
        .send(
          new GetQueueUrlCommand(
            queueOwnerAccountId === undefined
              ? { QueueName: queueName }
              : { QueueName: queueName, QueueOwnerAWSAccountId: queueOwnerAccountId },
          ),
          send,
        )
        .then(
          (output) => {
            if (output.QueueUrl === undefined) throw new TargetNotFound(`queue ${queueName} has no URL`);
            return output.QueueUrl;
          },
          (error: unknown) => {
            if (isQueueNotFoundError(error))
              throw new TargetNotFound(`queue ${queueName} does not exist`, { cause: error });
            throw error;
          },
        ),
    isNotFound: isQueueNotFoundError,
    sendOne: (client, url, entry, send) => {
      const { Id: _id, ...fields } = toEntry(entry);
      return client.send(new SendMessageCommand({ QueueUrl: url, ...fields }), send);
    },
    sendBatch: (client, url, entries, send) =>
      client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries.map(toEntry) }), send),
  };
}

function toEntry(entry: PreparedEntry): SendMessageBatchRequestEntry {
  const request: SendMessageBatchRequestEntry = { Id: entry.id, MessageBody: entry.body };
  if (entry.attributes !== undefined) request.MessageAttributes = entry.attributes;
  if (entry.groupId !== undefined) request.MessageGroupId = entry.groupId;
  if (entry.deduplicationId !== undefined) request.MessageDeduplicationId = entry.deduplicationId;
  if (entry.delaySeconds !== undefined) request.DelaySeconds = entry.delaySeconds;
  return request;
}

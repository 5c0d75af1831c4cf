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
import { isQueueNotFoundError } from './aws-errors.js';
import type {
  BatchOutcome,
  PublishCallOptions,
  PublishRetryOptions,
  PublishTransport,
  ResolvedPublishRetryOptions,
} from './publish-engine.js';
import { PublishEngine, TargetNotFound } from './publish-engine.js';
import type { PublishResult } from './publish-error.js';
import { PublishError } from './publish-error.js';
import type {
  MessageEncoderOption,
  PreparedEntry,
  PublishMessageFields,
  RawEntry,
} from './publish-message.js';
import { prepareEntries } from './publish-message.js';
import {
  resolveAwsClientConfig,
  resolveCommonPublisherOptions,
  resolveOwnClient,
  sendOptions,
  stoppedError,
} from './publisher-support.js';

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
  readonly #client: SQSClient;
  readonly #ownsClient: boolean;
  readonly #engine: PublishEngine;
  readonly #description: string;
  #queueUrl: Promise<string> | undefined;
  #isStopped = false;

  /**
   * @param options - see {@link SqsPublisherOptions}.
   * @throws {ConfigurationError} when an option is invalid.
   */
  constructor(options: SqsPublisherOptions<Message>) {
    this.#options = resolveSqsPublisherOptions(options);
    const own = resolveOwnClient(this.#options.client, () => new SQSClient(this.#options.clientConfig));
    this.#client = own.client;
    this.#ownsClient = own.isOwned;
    if (this.#options.queueUrl !== undefined) this.#queueUrl = Promise.resolve(this.#options.queueUrl);
    this.#description = `queue ${this.#options.queueName}`;
    const transport: PublishTransport = {
      description: this.#description,
      maxEntriesPerBatch: 10,
      maxBatchBytes: this.#options.maxMessageBytes,
      sendOne: (entry, signal) => this.#sendOne(entry, signal),
      sendBatch: (entries, signal) => this.#sendBatch(entries, signal),
    };
    this.#engine = new PublishEngine({
      transport,
      retry: this.#options.retry,
      requestTimeoutMs: this.#options.requestTimeoutMs,
      clock: this.#options.clock,
      random: this.#options.random,
      logger: this.#options.logger,
    });
  }

  /** The publisher's options after defaults. */
  get options(): ResolvedSqsPublisherOptions<Message> {
    return this.#options;
  }

  /** The SQS client in use (yours, or the one loafer created). */
  get client(): SQSClient {
    return this.#client;
  }

  /** `queue <name>`, for logs. */
  get description(): string {
    return this.#description;
  }

  /**
   * The queue's URL: as given, or resolved once with GetQueueUrl and cached (a failed lookup is
   * tried again next time).
   *
   * @throws {PublishError} `LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND` when the queue does not exist.
   */
  async queueUrl(options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    try {
      return await this.#resolveUrl(options.signal);
    } catch (error) {
      if (error instanceof TargetNotFound) {
        throw new PublishError('LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND', error.message, {
          failures: [],
          cause: error.cause,
        });
      }
      throw error;
    }
  }

  /**
   * Publishes one message (SendMessage).
   *
   * @returns its message id (and sequence number on FIFO queues).
   * @throws {PublishError} when it was not published: invalid or too large (nothing sent), queue not
   * found, refused by SQS, or retries ran out.
   */
  async publish(message: Message, options: SqsPublishOptions = {}): Promise<PublishResult> {
    const entries = this.#prepare([{ ...options, message }]);
    return this.#engine.publishOne(entries[0] as PreparedEntry, options);
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
    checkThat(Array.isArray(entries), 'entries', 'an array of { message, ...fields }', entries);
    const prepared = this.#prepare(entries);
    return this.#engine.publishBatch(prepared, options);
  }

  /** Stops the publisher: destroys the client it created (yours is left alone). Idempotent. */
  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    if (this.#ownsClient) this.#client.destroy();
  }

  #prepare(entries: readonly RawEntry<Message>[]): PreparedEntry[] {
    if (this.#isStopped) throw stoppedError(this.#description, entries.length);
    return prepareEntries(entries, this.#options.encode, {
      maxMessageBytes: this.#options.maxMessageBytes,
      maxAttributes: 10,
      isFifo: this.#options.isFifo,
      target: this.#description,
    });
  }

  #resolveUrl(signal: AbortSignal | undefined): Promise<string> {
    if (this.#queueUrl !== undefined) return this.#queueUrl;
    const { queueName, queueOwnerAccountId } = this.#options;
    const lookup = this.#client
      .send(
        new GetQueueUrlCommand(
          queueOwnerAccountId === undefined
            ? { QueueName: queueName }
            : { QueueName: queueName, QueueOwnerAWSAccountId: queueOwnerAccountId },
        ),
        sendOptions(signal),
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
      );
    this.#queueUrl = lookup;
    // A failed lookup is not cached: the next publish tries again.
    lookup.catch(() => {
      if (this.#queueUrl === lookup) this.#queueUrl = undefined;
    });
    return lookup;
  }

  #toEntry(entry: PreparedEntry): SendMessageBatchRequestEntry {
    const request: SendMessageBatchRequestEntry = { Id: entry.id, MessageBody: entry.body };
    if (entry.attributes !== undefined) request.MessageAttributes = entry.attributes;
    if (entry.groupId !== undefined) request.MessageGroupId = entry.groupId;
    if (entry.deduplicationId !== undefined) request.MessageDeduplicationId = entry.deduplicationId;
    if (entry.delaySeconds !== undefined) request.DelaySeconds = entry.delaySeconds;
    return request;
  }

  async #sendOne(
    entry: PreparedEntry,
    signal: AbortSignal | undefined,
  ): Promise<{ messageId: string; sequenceNumber?: string }> {
    const url = await this.#resolveUrl(signal);
    const { Id: _id, ...fields } = this.#toEntry(entry);
    try {
      const output = await this.#client.send(
        new SendMessageCommand({ QueueUrl: url, ...fields }),
        sendOptions(signal),
      );
      return output.SequenceNumber === undefined
        ? { messageId: output.MessageId ?? '' }
        : { messageId: output.MessageId ?? '', sequenceNumber: output.SequenceNumber };
    } catch (error) {
      throw this.#notFound(error);
    }
  }

  async #sendBatch(
    entries: readonly PreparedEntry[],
    signal: AbortSignal | undefined,
  ): Promise<BatchOutcome> {
    const url = await this.#resolveUrl(signal);
    try {
      const output = await this.#client.send(
        new SendMessageBatchCommand({ QueueUrl: url, Entries: entries.map((entry) => this.#toEntry(entry)) }),
        sendOptions(signal),
      );
      return {
        successful: (output.Successful ?? []).map((sent) =>
          sent.SequenceNumber === undefined
            ? { id: sent.Id ?? '', messageId: sent.MessageId ?? '' }
            : { id: sent.Id ?? '', messageId: sent.MessageId ?? '', sequenceNumber: sent.SequenceNumber },
        ),
        failed: (output.Failed ?? []).map((failed) => ({
          id: failed.Id ?? '',
          code: failed.Code ?? 'UnknownError',
          message: failed.Message ?? '',
          isSenderFault: failed.SenderFault ?? false,
        })),
      };
    } catch (error) {
      throw this.#notFound(error);
    }
  }

  /** Maps "queue does not exist" to {@link TargetNotFound} and forgets a resolved URL. */
  #notFound(error: unknown): unknown {
    if (!isQueueNotFoundError(error)) return error;
    if (this.#options.queueUrl === undefined) this.#queueUrl = undefined;
    return new TargetNotFound(`queue ${this.#options.queueName} does not exist`, { cause: error });
  }
}

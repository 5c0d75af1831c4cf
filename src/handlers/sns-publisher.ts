import type { PublishBatchRequestEntry, SNSClientConfig } from '@aws-sdk/client-sns';
import { ListTopicsCommand, PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { checkObject, checkString, checkThat } from '../core/validate.js';
import { awsErrorCode } from './aws-errors.js';
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
  readonly #client: SNSClient;
  readonly #ownsClient: boolean;
  readonly #engine: PublishEngine;
  readonly #description: string;
  #topicArn: Promise<string> | undefined;
  #isStopped = false;

  /**
   * @param options - see {@link SnsPublisherOptions}.
   * @throws {ConfigurationError} when an option is invalid.
   */
  constructor(options: SnsPublisherOptions<Message>) {
    this.#options = resolveSnsPublisherOptions(options);
    const own = resolveOwnClient(this.#options.client, () => new SNSClient(this.#options.clientConfig));
    this.#client = own.client;
    this.#ownsClient = own.isOwned;
    if (this.#options.topicArn !== undefined) this.#topicArn = Promise.resolve(this.#options.topicArn);
    this.#description = `topic ${this.#options.topicName}`;
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
  get options(): ResolvedSnsPublisherOptions<Message> {
    return this.#options;
  }

  /** The SNS client in use (yours, or the one loafer created). */
  get client(): SNSClient {
    return this.#client;
  }

  /** `topic <name>`, for logs. */
  get description(): string {
    return this.#description;
  }

  /**
   * The topic's ARN: as given, or found once by name with ListTopics and cached (a failed lookup is
   * tried again next time).
   *
   * @throws {PublishError} `LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND` when no topic has that name.
   */
  async topicArn(options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    try {
      return await this.#resolveArn(options.signal);
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
   * Publishes one message (Publish).
   *
   * @returns its message id (and sequence number on FIFO topics).
   * @throws {PublishError} when it was not published: invalid or too large (nothing sent), topic not
   * found, refused by SNS, or retries ran out.
   */
  async publish(message: Message, options: SnsPublishOptions = {}): Promise<PublishResult> {
    const entries = this.#prepare([{ ...options, message }]);
    return this.#engine.publishOne(entries[0] as PreparedEntry, options);
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
      maxAttributes: undefined,
      isFifo: this.#options.isFifo,
      target: this.#description,
    });
  }

  #resolveArn(signal: AbortSignal | undefined): Promise<string> {
    if (this.#topicArn !== undefined) return this.#topicArn;
    const lookup = this.#findTopic(signal);
    this.#topicArn = lookup;
    // A failed lookup is not cached: the next publish tries again.
    lookup.catch(() => {
      if (this.#topicArn === lookup) this.#topicArn = undefined;
    });
    return lookup;
  }

  /** Pages through ListTopics for the ARN whose last part is the topic's name. */
  async #findTopic(signal: AbortSignal | undefined): Promise<string> {
    const suffix = `:${this.#options.topicName}`;
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListTopicsCommand(nextToken === undefined ? {} : { NextToken: nextToken }),
        sendOptions(signal),
      );
      const found = page.Topics?.find((topic) => topic.TopicArn?.endsWith(suffix) === true);
      if (found?.TopicArn !== undefined) return found.TopicArn;
      nextToken = page.NextToken;
    } while (nextToken !== undefined && nextToken.length > 0);
    throw new TargetNotFound(
      `topic ${this.#options.topicName} was not found by ListTopics in this account and region; create it or pass its ARN`,
    );
  }

  #toEntry(entry: PreparedEntry): PublishBatchRequestEntry {
    const request: PublishBatchRequestEntry = { Id: entry.id, Message: entry.body };
    if (entry.attributes !== undefined) request.MessageAttributes = entry.attributes;
    if (entry.groupId !== undefined) request.MessageGroupId = entry.groupId;
    if (entry.deduplicationId !== undefined) request.MessageDeduplicationId = entry.deduplicationId;
    if (entry.subject !== undefined) request.Subject = entry.subject;
    return request;
  }

  async #sendOne(
    entry: PreparedEntry,
    signal: AbortSignal | undefined,
  ): Promise<{ messageId: string; sequenceNumber?: string }> {
    const arn = await this.#resolveArn(signal);
    const { Id: _id, ...fields } = this.#toEntry(entry);
    try {
      const output = await this.#client.send(
        new PublishCommand({ TopicArn: arn, ...fields }),
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
    const arn = await this.#resolveArn(signal);
    try {
      const output = await this.#client.send(
        new PublishBatchCommand({
          TopicArn: arn,
          PublishBatchRequestEntries: entries.map((entry) => this.#toEntry(entry)),
        }),
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

  /** Maps "topic not found" to {@link TargetNotFound} and forgets a resolved ARN. */
  #notFound(error: unknown): unknown {
    if (!isTopicNotFound(error)) return error;
    if (this.#options.topicArn === undefined) this.#topicArn = undefined;
    return new TargetNotFound(`topic ${this.#options.topicName} does not exist`, { cause: error });
  }
}

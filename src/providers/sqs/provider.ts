import type {
  Message,
  MessageAttributeValue,
  QueueAttributeName,
  ReceiveMessageRequest,
  SendMessageRequest,
} from '@aws-sdk/client-sqs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigurationError, ProviderError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createDefaultLogger } from '../../core/logger.js';
import type { InboundMessage } from '../../core/message.js';
import type {
  DeadLetterOptions,
  ExtendVisibilityOptions,
  FetchOptions,
  Provider,
  ProviderInfo,
  ReleaseOptions,
} from '../../core/provider.js';
import { MAX_VISIBILITY_SECONDS } from '../../core/retry.js';
import { describeValue } from '../../core/validate.js';
import type { BatchEntryFailure } from './batcher.js';
import { RequestBatcher } from './batcher.js';
import {
  isAccessDeniedError,
  isRetryableEntryFailure,
  isStaleReceiptFailure,
  toProviderError,
} from './errors.js';
import { LeanTransport } from './lean-transport.js';
import type { SqsInboundMessage } from './message.js';
import { toInboundMessage } from './message.js';
import type { ResolvedSqsProviderOptions, SqsProviderOptions } from './options.js';
import { MAX_BATCH_ENTRIES, resolveSqsProviderOptions } from './options.js';
import type { SqsTransport, SqsTransportName, TransportCallOptions } from './transport.js';
import { SdkTransport, sdkRequestHandlerOptions, TransportTimeoutError } from './transport.js';

/** A pending visibility change: a release (back to the queue) or an extension (heartbeat). */
interface VisibilityChange {
  readonly message: InboundMessage<Message>;
  readonly visibilityTimeout: number;
  readonly isExtension: boolean;
}

/** The parts of a receive request that never change. */
type ReceiveDefaults = Omit<ReceiveMessageRequest, 'QueueUrl' | 'MaxNumberOfMessages'>;

const QUEUE_ATTRIBUTES: QueueAttributeName[] = ['FifoQueue', 'VisibilityTimeout', 'RedrivePolicy'];
const NO_MESSAGES: readonly SqsInboundMessage[] = Object.freeze([]);
/** SQS accepts at most 10 message attributes per message. */
const MAX_MESSAGE_ATTRIBUTES = 10;
/** The longest dead-letter reason kept, in characters (it counts toward the message size). */
const MAX_REASON_LENGTH = 1024;

/** The queue URL of the queue `arn` names, when it lives where `sourceUrl` lives: `/account/name` swapped. */
export function siblingQueueUrl(sourceUrl: string, arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs') return undefined;
  const [, , , , account, name] = parts as [string, string, string, string, string, string];
  let url: URL;
  try {
    url = new URL(sourceUrl);
  } catch {
    return undefined;
  }
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);
  if (segments.length !== 2 || account.length === 0 || name.length === 0) return undefined;
  url.pathname = `/${account}/${name}`;
  return url.toString();
}

/** Reads `maxReceiveCount` and `deadLetterTargetArn` from a queue's `RedrivePolicy` attribute. */
export function parseRedrivePolicy(
  text: string | undefined,
): { readonly maxReceiveCount: number; readonly deadLetterTarget: string } | undefined {
  if (text === undefined || text.length === 0) return undefined;
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof policy !== 'object' || policy === null) return undefined;
  const { maxReceiveCount, deadLetterTargetArn } = policy as Record<string, unknown>;
  const count = typeof maxReceiveCount === 'string' ? Number(maxReceiveCount) : maxReceiveCount;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return undefined;
  if (typeof deadLetterTargetArn !== 'string' || deadLetterTargetArn.length === 0) return undefined;
  return { maxReceiveCount: count, deadLetterTarget: deadLetterTargetArn };
}

function receiptOf(message: InboundMessage<Message>): string | undefined {
  const receipt = (message.raw as Message | undefined)?.ReceiptHandle;
  return typeof receipt === 'string' && receipt.length > 0 ? receipt : undefined;
}

/**
 * The SQS provider: receives messages from one queue with long polling, and batches its acks: deletes
 * go out as `DeleteMessageBatch`, releases and visibility extensions as `ChangeMessageVisibilityBatch`
 * (at 10 entries, or a few milliseconds after the first), each entry's result handled on its own.
 *
 * Requests go out on the lean transport (AWS JSON 1.0 with SigV4 signatures byte-identical to the AWS
 * SDK's signer's, from the SDK's credentials, over a keep-alive undici pool) unless `transport: 'sdk'` or your own `client` is given. Either way, region,
 * endpoint and credentials are resolved by an AWS SDK v3 `SQSClient`: without client options, the SDK's
 * defaults (the default credential chain, `AWS_REGION`, `AWS_ENDPOINT_URL`). Requests always go to
 * that endpoint, never to the host of a queue URL.
 *
 * @example
 * ```ts
 * const provider = new SqsProvider({ queue: 'orders', region: 'eu-west-1' });
 * const route = new Route({ name: 'orders', provider, messageTranslator: jsonTranslator(), handler });
 * ```
 */
export class SqsProvider implements Provider<Message> {
  /** `sqs queue <name>`, for logs. */
  readonly description: string;
  /** The most messages one receive asks for (`maxMessagesPerFetch`, at most 10). */
  readonly maxMessagesPerFetch: number;
  readonly #options: ResolvedSqsProviderOptions;
  readonly #client: SQSClient;
  readonly #ownsClient: boolean;
  readonly #transport: SqsTransport;
  /** Where to log: the `logger` option, else the route's (from `start()`), else a default made when first needed. */
  #logger: Logger | undefined;
  readonly #stopController = new AbortController();
  readonly #receives = new Set<Promise<unknown>>();
  readonly #deletes: RequestBatcher<InboundMessage<Message>>;
  readonly #visibility: RequestBatcher<VisibilityChange>;
  readonly #receiveInput: ReceiveDefaults;
  #queueUrl: string | undefined;
  #deadLetterTarget: string | undefined;
  #isStopped = false;
  #stopping: Promise<void> | undefined;

  /**
   * @param options - see {@link SqsProviderOptions}.
   * @throws {ConfigurationError} when an option is invalid.
   */
  constructor(options: SqsProviderOptions) {
    const resolved = resolveSqsProviderOptions(options);
    this.#options = resolved;
    this.#queueUrl = resolved.queueUrl;
    this.#ownsClient = resolved.client === undefined;
    if (resolved.client !== undefined) {
      this.#client = resolved.client;
    } else if (resolved.transport === 'sdk') {
      this.#client = new SQSClient({ ...resolved.clientConfig, requestHandler: sdkRequestHandlerOptions() });
    } else {
      // Never sends: it resolves region, endpoint, credentials and the signer for the lean transport.
      this.#client = new SQSClient(resolved.clientConfig);
    }
    this.#transport =
      resolved.transport === 'lean'
        ? new LeanTransport({
            client: this.#client,
            maxAttempts: resolved.clientConfig.maxAttempts as number,
            clock: resolved.clock,
            random: resolved.random,
          })
        : new SdkTransport(this.#client);
    this.#logger = resolved.logger?.child({ queue: resolved.queueName });
    this.description = `sqs queue ${resolved.queueName}`;
    this.maxMessagesPerFetch = resolved.maxMessagesPerFetch;
    const receiveInput: { -readonly [K in keyof ReceiveDefaults]: ReceiveDefaults[K] } = {
      WaitTimeSeconds: resolved.waitTimeSeconds,
      MessageSystemAttributeNames: [
        ...resolved.attributeNames,
      ] as ReceiveMessageRequest['MessageSystemAttributeNames'],
      MessageAttributeNames: [...resolved.messageAttributeNames],
    };
    if (resolved.visibilityTimeoutSeconds !== undefined) {
      receiveInput.VisibilityTimeout = resolved.visibilityTimeoutSeconds;
    }
    this.#receiveInput = receiveInput;
    const batching = {
      maxEntries: MAX_BATCH_ENTRIES,
      windowMs: resolved.ackBatchWindowMs,
      maxAttempts: resolved.ackMaxAttempts,
      clock: resolved.clock,
      random: resolved.random,
    };
    this.#deletes = new RequestBatcher<InboundMessage<Message>>({
      ...batching,
      send: (messages, ids) => this.#sendDeletes(messages, ids),
      toError: (error) => toProviderError(error, `delete from queue ${resolved.queueName}`),
      judgeFailure: (message, failure) => this.#judgeDeleteFailure(message, failure),
    });
    this.#visibility = new RequestBatcher<VisibilityChange>({
      ...batching,
      send: (changes, ids) => this.#sendVisibilityChanges(changes, ids),
      toError: (error) => toProviderError(error, `change visibility in queue ${resolved.queueName}`),
      judgeFailure: (change, failure) => this.#judgeVisibilityFailure(change, failure),
    });
  }

  /** The queue as given: a name or a URL. */
  get queue(): string {
    return this.#options.queue;
  }

  /** The queue's name. */
  get queueName(): string {
    return this.#options.queueName;
  }

  /** The queue's URL, once known (given, or resolved by `start()` or the first fetch). */
  get queueUrl(): string | undefined {
    return this.#queueUrl;
  }

  /**
   * The SQS client: the caller's, or the one the provider created. With the lean transport, requests
   * do not go through it; it resolves their region, endpoint and credentials.
   */
  get client(): SQSClient {
    return this.#client;
  }

  /** How requests are sent: `lean` (loafer's JSON client) or `sdk` (the `SQSClient`). */
  get transport(): SqsTransportName {
    return this.#transport.name;
  }

  /** The options after defaults. */
  get options(): ResolvedSqsProviderOptions {
    return this.#options;
  }

  /**
   * Resolves the queue URL (when given a name) and reads the queue's attributes: whether it is FIFO,
   * its visibility timeout, and its redrive policy (`maxReceiveCount`, dead-letter queue ARN). When the
   * credentials may not read queue attributes, logs a warning once and reports what the name tells.
   * Without a `logger` option, the provider logs to the route's `logger` from now on.
   *
   * @throws {ProviderError} when the queue does not exist or SQS cannot be reached; the route retries.
   */
  async start({
    signal,
    logger,
  }: {
    readonly signal: AbortSignal;
    readonly logger?: Logger;
  }): Promise<ProviderInfo> {
    this.#assertRunning();
    if (this.#options.logger === undefined && logger !== undefined) {
      this.#logger = logger.child({ queue: this.#options.queueName });
    }
    const queueUrl = await this.#resolveQueueUrl(signal);
    const name = this.#options.queueName;
    let attributes: Record<string, string>;
    try {
      const output = await this.#call(signal, undefined, (callOptions) =>
        this.#transport.getQueueAttributes(
          { QueueUrl: queueUrl, AttributeNames: QUEUE_ATTRIBUTES },
          callOptions,
        ),
      );
      attributes = output.Attributes ?? {};
    } catch (error) {
      if (isAccessDeniedError(error)) {
        this.#log.warn(
          { err: toProviderError(error, `read attributes of queue ${name}`) },
          'cannot read queue attributes: dead-letter awareness is off',
        );
        return this.#fallbackInfo();
      }
      throw toProviderError(error, `read attributes of queue ${name}`);
    }
    const info: {
      isFifo: boolean;
      visibilityTimeoutSeconds?: number;
      maxReceiveCount?: number;
      deadLetterTarget?: string;
    } = { isFifo: attributes.FifoQueue === 'true' };
    const visibility = this.#options.visibilityTimeoutSeconds ?? Number(attributes.VisibilityTimeout);
    if (Number.isInteger(visibility) && visibility >= 0) info.visibilityTimeoutSeconds = visibility;
    const redrive = parseRedrivePolicy(attributes.RedrivePolicy);
    if (redrive !== undefined) {
      info.maxReceiveCount = redrive.maxReceiveCount;
      info.deadLetterTarget = redrive.deadLetterTarget;
      this.#deadLetterTarget = redrive.deadLetterTarget;
    }
    this.#log.debug({ queueUrl, ...info }, 'queue attributes read');
    return info;
  }

  /**
   * Receives up to `maxMessages` messages (at most `maxMessagesPerFetch`), long polling for up to
   * `waitTimeSeconds`. Resolves with nothing when `signal` aborts or the provider stops mid-poll.
   *
   * @throws {ProviderError} when the receive fails or times out (`requestTimeoutMs`).
   */
  async fetchMessages({ maxMessages, signal }: FetchOptions): Promise<readonly SqsInboundMessage[]> {
    this.#assertRunning();
    if (signal.aborted) return NO_MESSAGES;
    const request = this.#receive(maxMessages, signal);
    this.#receives.add(request);
    try {
      return await request;
    } finally {
      this.#receives.delete(request);
    }
  }

  /**
   * Deletes a message, batched with others into `DeleteMessageBatch`. A receipt that is no longer
   * valid (the message was deleted, or redelivered elsewhere) is logged as a warning and resolves.
   *
   * @throws {ProviderError} `LOAFER_ERR_PROVIDER_ACK_FAILED` when SQS refused this entry; the
   * request's own error when the whole request failed after its retries;
   * `LOAFER_ERR_PROVIDER_STOPPED` after `stop()`.
   */
  confirmMessage(message: InboundMessage<Message>): Promise<void> {
    const refused = this.#refuse(message);
    if (refused !== undefined) return refused;
    return this.#deletes.add(message);
  }

  /**
   * Makes a message visible again, at once or after `delaySeconds` (rounded up, 0 to 43200), batched
   * into `ChangeMessageVisibilityBatch`. Never deletes. A receipt that is no longer valid is logged and
   * resolves: the message is already back in the queue (or gone).
   *
   * @throws {ProviderError} as {@link confirmMessage} does.
   */
  releaseMessage(message: InboundMessage<Message>, options: ReleaseOptions = {}): Promise<void> {
    const refused = this.#refuse(message);
    if (refused !== undefined) return refused;
    const delay = options.delaySeconds ?? 0;
    if (typeof delay !== 'number' || Number.isNaN(delay) || delay < 0) {
      return Promise.reject(
        new ConfigurationError(
          'delaySeconds',
          `Expected \`delaySeconds\` to be a number >= 0, got ${describeValue(delay)}`,
        ),
      );
    }
    const visibilityTimeout = Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(delay));
    return this.#visibility.add({ message, visibilityTimeout, isExtension: false });
  }

  /**
   * Keeps a message hidden for `visibilitySeconds` (rounded up) from now, batched into
   * `ChangeMessageVisibilityBatch` with other extensions and releases: the visibility heartbeat's call.
   *
   * @throws {ProviderError} `LOAFER_ERR_PROVIDER_ACK_FAILED` (not retryable) when the receipt is no
   * longer valid or SQS refused the entry (past its 12-hour limit, for one): the heartbeat should stop
   * and the handler's work be aborted, as the message may be delivered again. A whole-request failure
   * rejects with its own error after the retries.
   */
  extendVisibility(message: InboundMessage<Message>, options: ExtendVisibilityOptions): Promise<void> {
    const refused = this.#refuse(message);
    if (refused !== undefined) return refused;
    const seconds = options?.visibilitySeconds;
    if (typeof seconds !== 'number' || Number.isNaN(seconds) || seconds < 0) {
      return Promise.reject(
        new ConfigurationError(
          'visibilitySeconds',
          `Expected \`visibilitySeconds\` to be a number >= 0, got ${describeValue(seconds)}`,
        ),
      );
    }
    const visibilityTimeout = Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(seconds));
    return this.#visibility.add({ message, visibilityTimeout, isExtension: true });
  }

  /**
   * Moves a message that can never succeed to the queue's dead-letter queue (from its `RedrivePolicy`,
   * read by `start()`), with its body and message attributes, plus `LoaferErrorCode` and
   * `LoaferErrorReason` attributes; then deletes it from the queue. On a FIFO dead-letter queue the
   * message keeps its group, and its message id serves as deduplication id. When the message already
   * has 9 or 10 attributes, the last ones are left out to make room (SQS allows 10), with a warning.
   *
   * @throws {ProviderError} when the queue has no dead-letter queue or the send fails (nothing is
   * deleted then), or when the delete fails (the message is then in both queues, and is dead-lettered
   * again on its next delivery).
   */
  async deadLetterMessage(message: InboundMessage<Message>, options: DeadLetterOptions): Promise<void> {
    const refused = this.#refuse(message);
    if (refused !== undefined) return refused;
    const target = this.#deadLetterTarget;
    const name = this.#options.queueName;
    if (target === undefined) {
      throw new ProviderError(
        'LOAFER_ERR_PROVIDER_REQUEST_FAILED',
        `queue ${name} has no dead-letter queue (no RedrivePolicy read at start)`,
      );
    }
    const targetName = target.slice(target.lastIndexOf(':') + 1);
    const targetUrl = await this.#resolveDeadLetterUrl(target);
    const input: SendMessageRequest = {
      QueueUrl: targetUrl,
      MessageBody: message.body,
      MessageAttributes: this.#deadLetterAttributes(message, options),
    };
    if (targetName.endsWith('.fifo')) {
      input.MessageGroupId = message.groupId ?? message.id;
      input.MessageDeduplicationId = message.id;
    }
    try {
      await this.#call(undefined, undefined, (callOptions) =>
        this.#transport.sendMessage(input, callOptions),
      );
    } catch (error) {
      throw toProviderError(error, `move message ${message.id} to dead-letter queue ${targetName}`);
    }
    await this.confirmMessage(message);
  }

  /** Sends pending deletes and visibility changes now; resolves when every request sent so far settled. */
  async flush(): Promise<void> {
    await Promise.all([this.#deletes.flush(), this.#visibility.flush()]);
  }

  /**
   * Stops: new calls reject with `LOAFER_ERR_PROVIDER_STOPPED`, a receive in progress ends with no
   * messages, pending deletes and visibility changes are sent and awaited, and the client is destroyed
   * when the provider created it (a client you gave stays yours). Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#isStopped = true;
    this.#stopController.abort();
    await this.flush();
    while (this.#receives.size > 0) await Promise.allSettled([...this.#receives]);
    await this.#transport.destroy();
    if (this.#ownsClient) this.#client.destroy();
  }

  // ---- receiving ----

  async #receive(maxMessages: number, signal: AbortSignal): Promise<readonly SqsInboundMessage[]> {
    const stopSignal = this.#stopController.signal;
    let messages: Message[] | undefined;
    try {
      const queueUrl = this.#queueUrl ?? (await this.#resolveQueueUrl(signal));
      const input: ReceiveMessageRequest = {
        ...this.#receiveInput,
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(maxMessages, this.maxMessagesPerFetch)),
      };
      const output = await this.#call(signal, stopSignal, (callOptions) =>
        this.#transport.receiveMessage(input, callOptions),
      );
      messages = output.Messages;
    } catch (error) {
      if (signal.aborted || stopSignal.aborted) return NO_MESSAGES;
      throw toProviderError(error, `receive from queue ${this.#options.queueName}`);
    }
    if (messages === undefined || messages.length === 0) return NO_MESSAGES;
    const inbound = new Array<SqsInboundMessage>(messages.length);
    for (let index = 0; index < messages.length; index++) {
      inbound[index] = toInboundMessage(messages[index] as Message);
    }
    return inbound;
  }

  /** The queue URL: given, cached, or looked up by name (once it succeeds, never again). */
  async #resolveQueueUrl(signal: AbortSignal | undefined): Promise<string> {
    if (this.#queueUrl !== undefined) return this.#queueUrl;
    const name = this.#options.queueName;
    try {
      const input: { QueueName: string; QueueOwnerAWSAccountId?: string } = { QueueName: name };
      if (this.#options.queueOwnerAccountId !== undefined) {
        input.QueueOwnerAWSAccountId = this.#options.queueOwnerAccountId;
      }
      const output = await this.#call(signal, this.#stopController.signal, (callOptions) =>
        this.#transport.getQueueUrl(input, callOptions),
      );
      if (output.QueueUrl === undefined || output.QueueUrl.length === 0) {
        throw new ProviderError(
          'LOAFER_ERR_PROVIDER_REQUEST_FAILED',
          `GetQueueUrl returned no URL for queue ${name}`,
        );
      }
      this.#queueUrl ??= output.QueueUrl;
      this.#log.debug({ queueUrl: this.#queueUrl }, 'queue url resolved');
      return this.#queueUrl;
    } catch (error) {
      throw toProviderError(error, `resolve the url of queue ${name}`);
    }
  }

  /** The dead-letter queue's URL: next to the queue's own URL when it can be, else looked up by name. */
  async #resolveDeadLetterUrl(arn: string): Promise<string> {
    const queueUrl = await this.#resolveQueueUrl(undefined);
    const sibling = siblingQueueUrl(queueUrl, arn);
    if (sibling !== undefined) return sibling;
    const parts = arn.split(':');
    const input: { QueueName: string; QueueOwnerAWSAccountId?: string } = { QueueName: parts.at(-1) ?? arn };
    const account = parts[4];
    if (account !== undefined && account.length > 0) input.QueueOwnerAWSAccountId = account;
    try {
      const output = await this.#call(undefined, undefined, (callOptions) =>
        this.#transport.getQueueUrl(input, callOptions),
      );
      if (output.QueueUrl !== undefined) return output.QueueUrl;
    } catch (error) {
      throw toProviderError(error, `resolve the url of dead-letter queue ${input.QueueName}`);
    }
    throw new ProviderError('LOAFER_ERR_PROVIDER_REQUEST_FAILED', `GetQueueUrl returned no URL for ${arn}`);
  }

  /** The message's own attributes (as many as fit) and loafer's reason. */
  #deadLetterAttributes(
    message: InboundMessage<Message>,
    { reason, code }: DeadLetterOptions,
  ): Record<string, MessageAttributeValue> {
    const attributes: Record<string, MessageAttributeValue> = {};
    const own = message.raw.MessageAttributes ?? {};
    const names = Object.keys(own).filter((key) => key !== 'LoaferErrorCode' && key !== 'LoaferErrorReason');
    const room = MAX_MESSAGE_ATTRIBUTES - 2;
    for (const key of names.slice(0, room)) {
      const value = own[key] as MessageAttributeValue;
      const copy: MessageAttributeValue = { DataType: value.DataType };
      if (value.StringValue !== undefined) copy.StringValue = value.StringValue;
      if (value.BinaryValue !== undefined) copy.BinaryValue = value.BinaryValue;
      attributes[key] = copy;
    }
    if (names.length > room) {
      this.#log.warn(
        { messageId: message.id, dropped: names.slice(room) },
        'dead-lettered message keeps only 8 of its attributes: SQS allows 10',
      );
    }
    // SQS refuses empty attribute values.
    const text = reason.length === 0 ? 'no reason given' : reason;
    attributes.LoaferErrorCode = { DataType: 'String', StringValue: code.length === 0 ? 'unknown' : code };
    attributes.LoaferErrorReason = {
      DataType: 'String',
      StringValue: text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 3)}...` : text,
    };
    return attributes;
  }

  #fallbackInfo(): ProviderInfo {
    const info: { isFifo: boolean; visibilityTimeoutSeconds?: number } = {
      isFifo: this.#options.queueName.endsWith('.fifo'),
    };
    if (this.#options.visibilityTimeoutSeconds !== undefined) {
      info.visibilityTimeoutSeconds = this.#options.visibilityTimeoutSeconds;
    }
    return info;
  }

  // ---- batched acks ----

  async #sendDeletes(messages: readonly InboundMessage<Message>[], ids: readonly string[]) {
    const queueUrl = await this.#resolveQueueUrl(undefined);
    const entries = new Array<{ Id: string; ReceiptHandle: string }>(messages.length);
    for (let index = 0; index < messages.length; index++) {
      entries[index] = {
        Id: ids[index] as string,
        ReceiptHandle: receiptOf(messages[index] as InboundMessage<Message>) as string,
      };
    }
    return this.#call(undefined, undefined, (callOptions) =>
      this.#transport.deleteMessageBatch({ QueueUrl: queueUrl, Entries: entries }, callOptions),
    );
  }

  async #sendVisibilityChanges(changes: readonly VisibilityChange[], ids: readonly string[]) {
    const queueUrl = await this.#resolveQueueUrl(undefined);
    const entries = new Array<{ Id: string; ReceiptHandle: string; VisibilityTimeout: number }>(
      changes.length,
    );
    for (let index = 0; index < changes.length; index++) {
      const change = changes[index] as VisibilityChange;
      entries[index] = {
        Id: ids[index] as string,
        ReceiptHandle: receiptOf(change.message) as string,
        VisibilityTimeout: change.visibilityTimeout,
      };
    }
    return this.#call(undefined, undefined, (callOptions) =>
      this.#transport.changeMessageVisibilityBatch({ QueueUrl: queueUrl, Entries: entries }, callOptions),
    );
  }

  #judgeDeleteFailure(
    message: InboundMessage<Message>,
    failure: BatchEntryFailure,
  ): ProviderError | undefined {
    if (isStaleReceiptFailure(failure.Code, failure.Message)) {
      this.#log.warn(
        { messageId: message.id, code: failure.Code },
        'delete skipped: the receipt is no longer valid (message already deleted or delivered again)',
      );
      return undefined;
    }
    return this.#entryError('delete', message, failure);
  }

  #judgeVisibilityFailure(change: VisibilityChange, failure: BatchEntryFailure): ProviderError | undefined {
    if (isStaleReceiptFailure(failure.Code, failure.Message)) {
      if (change.isExtension) {
        return new ProviderError(
          'LOAFER_ERR_PROVIDER_ACK_FAILED',
          `cannot extend the visibility of message ${change.message.id}: its receipt is no longer valid (${failure.Code})`,
        );
      }
      this.#log.warn(
        { messageId: change.message.id, code: failure.Code },
        'release skipped: the receipt is no longer valid (message already visible again or deleted)',
      );
      return undefined;
    }
    return this.#entryError(
      change.isExtension ? 'extend the visibility of' : 'release',
      change.message,
      failure,
    );
  }

  #entryError(action: string, message: InboundMessage<Message>, failure: BatchEntryFailure): ProviderError {
    return new ProviderError(
      'LOAFER_ERR_PROVIDER_ACK_FAILED',
      `cannot ${action} message ${message.id}: ${failure.Code ?? 'unknown error'}: ${failure.Message ?? ''}`.trim(),
      { isRetryable: isRetryableEntryFailure(failure.Code, failure.SenderFault) },
    );
  }

  // ---- requests ----

  /**
   * Runs one request with the client-side timeout; it is aborted when `first` or `second` aborts.
   * A timeout becomes a retryable `ProviderError`; other errors are rethrown as they are.
   */
  /**
   * Runs one transport call with the request timeout and up to two signals. With one signal or none,
   * the signal goes to the transport as it is: no controller, listener or timer of ours per request
   * (the lean transport times out in undici itself) — acks take this path.
   */
  async #call<T>(
    first: AbortSignal | undefined,
    second: AbortSignal | undefined,
    run: (options: TransportCallOptions) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = this.#options.requestTimeoutMs;
    if (second === undefined || first === undefined) {
      try {
        return await run({ signal: first ?? second, timeoutMs });
      } catch (error) {
        throw this.#timeoutError(error);
      }
    }
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    if (first.aborted || second.aborted) controller.abort();
    first.addEventListener('abort', abort, { once: true });
    second.addEventListener('abort', abort, { once: true });
    try {
      return await run({ signal: controller.signal, timeoutMs });
    } catch (error) {
      throw this.#timeoutError(error);
    } finally {
      first.removeEventListener('abort', abort);
      second.removeEventListener('abort', abort);
    }
  }

  /** A transport timeout, as the retryable provider error that names `requestTimeoutMs`. */
  #timeoutError(error: unknown): unknown {
    if (!(error instanceof TransportTimeoutError)) return error;
    return new ProviderError(
      'LOAFER_ERR_PROVIDER_REQUEST_FAILED',
      `request to queue ${this.#options.queueName} timed out after ${this.#options.requestTimeoutMs} ms (requestTimeoutMs)`,
      { cause: error, isRetryable: true },
    );
  }

  get #log(): Logger {
    this.#logger ??= createDefaultLogger().child({ queue: this.#options.queueName });
    return this.#logger;
  }

  #assertRunning(): void {
    if (this.#isStopped) throw this.#stoppedError();
  }

  #stoppedError(): ProviderError {
    return new ProviderError(
      'LOAFER_ERR_PROVIDER_STOPPED',
      `the provider of queue ${this.#options.queueName} is stopped`,
    );
  }

  /** A rejection for a call that cannot be batched: provider stopped, or no receipt handle. */
  #refuse(message: InboundMessage<Message>): Promise<void> | undefined {
    if (this.#isStopped) return Promise.reject(this.#stoppedError());
    if (receiptOf(message) === undefined) {
      return Promise.reject(
        new ProviderError(
          'LOAFER_ERR_PROVIDER_ACK_FAILED',
          `message ${message.id} has no receipt handle: it was not received from SQS by this provider`,
        ),
      );
    }
    return undefined;
  }
}

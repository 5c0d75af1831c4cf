import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { MAX_VISIBILITY_SECONDS } from '../../core/retry.js';
import { checkFunction, checkInteger, checkObject, checkString, checkThat } from '../../core/validate.js';
import { resolveAwsClientConfig } from '../aws/client-config.js';
import type { SqsTransportName } from './transport.js';

/** The longest long poll SQS allows, in seconds. */
export const MAX_WAIT_TIME_SECONDS = 20;
/** The most entries (messages) in one SQS batch request or receive. */
export const MAX_BATCH_ENTRIES = 10;

/** The system attributes every receive asks for, whatever `attributeNames` says: loafer needs them. */
const REQUIRED_ATTRIBUTE_NAMES = ['ApproximateReceiveCount', 'MessageGroupId'] as const;

/**
 * Options of an {@link SqsProvider}: the queue, how to reach SQS (client options or your own
 * `SQSClient`), how to receive, and how acks are batched.
 */
export interface SqsProviderOptions {
  /**
   * The queue: its name (resolved once with `GetQueueUrl`, then cached) or its URL
   * (`https://sqs.eu-west-1.amazonaws.com/123456789012/orders`).
   */
  readonly queue: string;
  /**
   * Your own SQS client. When given, the provider uses it as is (its region, endpoint, credentials,
   * retries) and never destroys it; `region`, `endpoint`, `credentials` and `maxAttempts` must then be
   * left out.
   *
   * @defaultValue a client the provider creates from the options below, destroyed by `stop()`
   */
  readonly client?: SQSClient;
  /**
   * How the provider talks to SQS. `lean`: AWS JSON 1.0 requests with SigV4 signatures byte-identical
   * to the AWS SDK's signer's, over a keep-alive undici pool, with region, endpoint and credentials resolved by an
   * `SQSClient` as always — about a third of the SDK's CPU per message. `sdk`: every request through
   * the SDK's `SQSClient` (the only choice with your own `client`). Both map errors alike.
   *
   * @defaultValue 'lean', or 'sdk' when `client` is given
   */
  readonly transport?: SqsTransportName;
  /**
   * The AWS region of the client the provider creates.
   *
   * @defaultValue the SDK's own resolution (`AWS_REGION`, the shared config file, ...)
   */
  readonly region?: string;
  /**
   * The endpoint of the client the provider creates (`http://localhost:4566` for a local server).
   *
   * @defaultValue the SDK's own resolution (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL`, then the region's endpoint)
   */
  readonly endpoint?: string;
  /**
   * Credentials of the client the provider creates: an object or a provider function (for example
   * `fromIni()` of `@aws-sdk/credential-providers`).
   *
   * @defaultValue the SDK's default credential chain (environment, SSO, shared files, container and instance roles)
   */
  readonly credentials?: SQSClientConfig['credentials'];
  /**
   * Attempts per request the SDK makes itself, in the client the provider creates. Loafer retries
   * failed receives and batch requests with its own backoff (see `ackMaxAttempts`), so the SDK's
   * retries are off by default: an endpoint that is down costs one attempt per backoff step.
   *
   * @defaultValue 1
   */
  readonly maxAttempts?: number;
  /**
   * The account that owns the queue, when `queue` is a name of a queue in another account.
   *
   * @defaultValue the caller's account
   */
  readonly queueOwnerAccountId?: string;
  /**
   * How long one receive waits for messages when the queue is empty (long polling), in seconds, 0 to 20.
   *
   * @defaultValue 20
   */
  readonly waitTimeSeconds?: number;
  /**
   * The most messages one receive asks for, 1 to 10.
   *
   * @defaultValue 10
   */
  readonly maxMessagesPerFetch?: number;
  /**
   * The visibility timeout of received messages, in seconds (0 to 43200), instead of the queue's.
   *
   * @defaultValue the queue's `VisibilityTimeout`
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * The system attributes to receive (`SentTimestamp`, `SenderId`, ... or `All`).
   * `ApproximateReceiveCount` and `MessageGroupId` are always asked for: loafer needs them.
   *
   * @defaultValue ['All']
   */
  readonly attributeNames?: readonly string[];
  /**
   * The message attributes to receive: names, prefixes such as `trace.*`, or `All`.
   *
   * @defaultValue ['All']
   */
  readonly messageAttributeNames?: readonly string[];
  /**
   * A client-side timeout for one request, in milliseconds, so that a hung connection cannot freeze a
   * route. It covers the whole request, a receive's long poll included, so it must exceed
   * `waitTimeSeconds`. A receive that times out fails with a retryable `ProviderError`.
   *
   * @defaultValue `waitTimeSeconds * 1000 + 10000`
   */
  readonly requestTimeoutMs?: number;
  /**
   * How long an ack waits for others to share its batch request, in milliseconds. Deletes are sent as
   * `DeleteMessageBatch` and releases and visibility extensions as `ChangeMessageVisibilityBatch`: at 10
   * entries at once, otherwise when this window ends.
   *
   * @defaultValue 5
   */
  readonly ackBatchWindowMs?: number;
  /**
   * Attempts for one batch request (delete or visibility change) that fails as a whole with a
   * retryable error (network, throttling, 5xx), with exponential backoff and jitter between them.
   *
   * @defaultValue 4
   */
  readonly ackMaxAttempts?: number;
  /**
   * Where the provider logs (stale receipts, dropped attributes, fallbacks), bound to `{ queue }`.
   *
   * @defaultValue the route's logger, given at `start()` (the manager's, bound to `{ route }`); pino at
   * `info` on stdout for a provider used without a route
   */
  readonly logger?: Logger;
  /**
   * Time as the provider sees it (batch windows, retry backoff, receive times). Tests pass `ManualClock`.
   *
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
  /**
   * Random numbers in [0, 1) for backoff jitter.
   *
   * @defaultValue Math.random
   */
  readonly random?: () => number;
}

/** The options of an {@link SqsProvider} after defaults and validation. */
export interface ResolvedSqsProviderOptions {
  /** The queue as given: a name or a URL. */
  readonly queue: string;
  /** The queue's URL when `queue` is one; otherwise undefined (resolved by name at start). */
  readonly queueUrl: string | undefined;
  /** The queue's name (the last path segment of a URL). */
  readonly queueName: string;
  /** The caller's client, or undefined when the provider creates its own from `clientConfig`. */
  readonly client: SQSClient | undefined;
  /** The configuration of the client the provider creates (unused with `client`). */
  readonly clientConfig: SQSClientConfig;
  /** How requests are sent: `lean` (loafer's JSON client) or `sdk` (the `SQSClient`). */
  readonly transport: SqsTransportName;
  readonly queueOwnerAccountId: string | undefined;
  readonly waitTimeSeconds: number;
  readonly maxMessagesPerFetch: number;
  readonly visibilityTimeoutSeconds: number | undefined;
  readonly attributeNames: readonly string[];
  readonly messageAttributeNames: readonly string[];
  readonly requestTimeoutMs: number;
  readonly ackBatchWindowMs: number;
  readonly ackMaxAttempts: number;
  /** The provider's own logger; undefined to log where the route logs. */
  readonly logger: Logger | undefined;
  readonly clock: Clock;
  readonly random: () => number;
}

const QUEUE_URL = /^https?:\/\//i;
/** SQS queue names: up to 80 letters, digits, hyphens and underscores, `.fifo` for FIFO queues. */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$/;

/** Whether `queue` is a queue URL rather than a name. */
export function isQueueUrl(queue: string): boolean {
  return QUEUE_URL.test(queue);
}

/** The queue's name from its URL: the last non-empty path segment. */
export function queueNameFromUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/').filter((segment) => segment.length > 0);
  return segments.at(-1);
}

function checkNames(option: string, value: unknown): readonly string[] {
  if (value === undefined) return ['All'];
  checkThat(
    Array.isArray(value) &&
      value.length > 0 &&
      value.every((name) => typeof name === 'string' && name.length > 0),
    option,
    'a non-empty array of non-empty strings',
    value,
  );
  return [...(value as string[])];
}

function withRequiredAttributes(names: readonly string[]): readonly string[] {
  if (names.includes('All')) return ['All'];
  const merged = [...names];
  for (const name of REQUIRED_ATTRIBUTE_NAMES) if (!merged.includes(name)) merged.push(name);
  return merged;
}

/**
 * Applies defaults to SQS provider options and validates them. Pure: creates no client.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveSqsProviderOptions(options: SqsProviderOptions): ResolvedSqsProviderOptions {
  checkObject('options', options);
  const queue = checkString('queue', options.queue, undefined);
  checkThat(queue !== undefined, 'queue', 'a queue name or URL', options.queue);
  const isUrl = isQueueUrl(queue as string);
  const queueName = isUrl ? queueNameFromUrl(queue as string) : (queue as string);
  checkThat(
    queueName !== undefined && QUEUE_NAME.test(queueName),
    'queue',
    'a queue name (letters, digits, `-`, `_`, up to 80 characters, `.fifo` for FIFO) or a queue URL',
    options.queue,
  );

  const { client, clientConfig: common } = resolveAwsClientConfig<
    SQSClient,
    NonNullable<SQSClientConfig['credentials']>
  >(options, 'SQSClient of @aws-sdk/client-sqs');
  checkThat(
    options.transport === undefined || options.transport === 'lean' || options.transport === 'sdk',
    'transport',
    "'lean' or 'sdk'",
    options.transport,
  );
  checkThat(
    client === undefined || options.transport !== 'lean',
    'transport',
    "'sdk' or left out when `client` is given (the lean transport sends no request through a client)",
    options.transport,
  );
  const transport: SqsTransportName = options.transport ?? (client === undefined ? 'lean' : 'sdk');
  const clientConfig: { -readonly [K in keyof SQSClientConfig]: SQSClientConfig[K] } = {
    ...common,
    // Requests go to the configured endpoint (or AWS_ENDPOINT_URL, or the region's), never to the
    // host of the queue URL: that host may not resolve (local servers), and the SDK would warn on
    // every request that it differs.
    useQueueUrlAsEndpoint: false,
  };

  const waitTimeSeconds = checkInteger('waitTimeSeconds', options.waitTimeSeconds, MAX_WAIT_TIME_SECONDS, {
    min: 0,
    max: MAX_WAIT_TIME_SECONDS,
  });
  const requestTimeoutMs = checkInteger(
    'requestTimeoutMs',
    options.requestTimeoutMs,
    waitTimeSeconds * 1000 + 10_000,
    { min: 1 },
  );
  checkThat(
    requestTimeoutMs > waitTimeSeconds * 1000,
    'requestTimeoutMs',
    `greater than \`waitTimeSeconds\` in milliseconds (${waitTimeSeconds * 1000})`,
    requestTimeoutMs,
  );
  const visibilityTimeoutSeconds =
    options.visibilityTimeoutSeconds === undefined
      ? undefined
      : checkInteger('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds, 0, {
          min: 0,
          max: MAX_VISIBILITY_SECONDS,
        });
  const logger = options.logger;
  checkThat(
    logger === undefined ||
      (typeof logger === 'object' &&
        logger !== null &&
        typeof logger.warn === 'function' &&
        typeof logger.child === 'function'),
    'logger',
    'a logger with pino’s methods (debug, info, warn, error, child)',
    options.logger,
  );
  const clock = options.clock ?? systemClock;
  checkThat(
    typeof clock === 'object' &&
      clock !== null &&
      typeof clock.now === 'function' &&
      typeof clock.setTimer === 'function' &&
      typeof clock.sleep === 'function',
    'clock',
    'a clock (now, setTimer, sleep)',
    options.clock,
  );

  return {
    queue: queue as string,
    queueUrl: isUrl ? (queue as string) : undefined,
    queueName: queueName as string,
    client,
    clientConfig,
    transport,
    queueOwnerAccountId: checkString('queueOwnerAccountId', options.queueOwnerAccountId, undefined),
    waitTimeSeconds,
    maxMessagesPerFetch: checkInteger('maxMessagesPerFetch', options.maxMessagesPerFetch, MAX_BATCH_ENTRIES, {
      min: 1,
      max: MAX_BATCH_ENTRIES,
    }),
    visibilityTimeoutSeconds,
    attributeNames: withRequiredAttributes(checkNames('attributeNames', options.attributeNames)),
    messageAttributeNames: checkNames('messageAttributeNames', options.messageAttributeNames),
    requestTimeoutMs,
    ackBatchWindowMs: checkInteger('ackBatchWindowMs', options.ackBatchWindowMs, 5, { min: 0, max: 10_000 }),
    ackMaxAttempts: checkInteger('ackMaxAttempts', options.ackMaxAttempts, 4, { min: 1, max: 20 }),
    logger,
    clock,
    random: checkFunction('random', options.random, Math.random),
  };
}

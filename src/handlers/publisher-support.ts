// Small pieces both publishers use: the options they share, the client they may own, the stopped error.
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { createDefaultLogger } from '../core/logger.js';
import { checkFunction, checkInteger, checkString, checkThat } from '../core/validate.js';
import type { PublishRetryOptions, ResolvedPublishRetryOptions } from './publish-engine.js';
import { resolvePublishRetryOptions } from './publish-engine.js';
import type { PublishFailure } from './publish-error.js';
import { PublishError } from './publish-error.js';
import type { MessageEncoderOption } from './publish-message.js';
import { entryId, resolveEncoder } from './publish-message.js';

/**
 * Validates a `logger` option; the default is pino at `info`.
 *
 * @throws {ConfigurationError} when `logger` lacks pino's methods.
 */
export function resolveLogger(logger: Logger | undefined): Logger {
  if (logger === undefined) return createDefaultLogger();
  checkThat(
    typeof logger === 'object' &&
      logger !== null &&
      typeof logger.debug === 'function' &&
      typeof logger.warn === 'function' &&
      typeof logger.child === 'function',
    'logger',
    'a logger with pino’s methods (debug, info, warn, error, child)',
    logger,
  );
  return logger;
}

/** The caller's client, or one created here (then owned: destroyed by the publisher's `stop()`). */
export function resolveOwnClient<Client>(
  given: Client | undefined,
  create: () => Client,
): { client: Client; isOwned: boolean } {
  return given === undefined ? { client: create(), isOwned: true } : { client: given, isOwned: false };
}

/** The error of a publish call made after `stop()`: every message fails with `PublisherStopped`. */
export function stoppedError(target: string, count: number): PublishError {
  const failures: PublishFailure[] = Array.from({ length: count }, (_, index) => ({
    index,
    id: entryId(index),
    code: 'PublisherStopped',
    message: 'the publisher was stopped',
    isSenderFault: false,
    attempts: 0,
  }));
  return new PublishError(
    'LOAFER_ERR_PUBLISH_FAILED',
    `the publisher of ${target} was stopped; nothing was sent`,
    {
      failures,
    },
  );
}

/** SDK `send()` options carrying `signal`, if any. */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal === undefined ? {} : { abortSignal: signal };
}

/** The client settings both publishers accept (as the SQS provider does). */
export interface AwsClientFields<Credentials> {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: Credentials | undefined;
  readonly maxAttempts?: number;
}

/** Client settings after validation, ready for `new SQSClient()` / `new SNSClient()`. */
export interface AwsClientConfig<Credentials> {
  region?: string;
  endpoint?: string;
  credentials?: Credentials;
  maxAttempts: number;
}

const CLIENT_FIELDS = ['region', 'endpoint', 'credentials', 'maxAttempts'] as const;

/**
 * Validates `client` (the caller's SDK client) or the settings of the client to create; they exclude
 * each other.
 *
 * @throws {ConfigurationError} naming the invalid option (credentials are never echoed).
 */
export function resolveAwsClientConfig<Client extends { send: unknown }, Credentials>(
  options: AwsClientFields<Credentials> & { readonly client?: Client },
  clientName: string,
): { client: Client | undefined; clientConfig: AwsClientConfig<Credentials> } {
  const client = options.client;
  if (client !== undefined) {
    checkThat(
      typeof client === 'object' && client !== null && typeof client.send === 'function',
      'client',
      `an ${clientName}`,
      client,
    );
    for (const name of CLIENT_FIELDS) {
      checkThat(
        options[name] === undefined,
        name,
        'left out when `client` is given (configure your client instead)',
        name === 'credentials' ? '[credentials]' : options[name],
      );
    }
  }
  const clientConfig: AwsClientConfig<Credentials> = {
    maxAttempts: checkInteger('maxAttempts', options.maxAttempts, 1, { min: 1, max: 10 }),
  };
  const region = checkString('region', options.region, undefined);
  if (region !== undefined) clientConfig.region = region;
  const endpoint = checkString('endpoint', options.endpoint, undefined);
  if (endpoint !== undefined) {
    let isValid = false;
    try {
      isValid = /^https?:$/.test(new URL(endpoint).protocol);
    } catch {
      isValid = false;
    }
    checkThat(isValid, 'endpoint', 'an http(s) URL', endpoint);
    clientConfig.endpoint = endpoint;
  }
  const credentials = options.credentials as unknown;
  if (credentials !== undefined) {
    checkThat(
      typeof credentials === 'function' ||
        (typeof credentials === 'object' &&
          credentials !== null &&
          typeof (credentials as { accessKeyId?: unknown }).accessKeyId === 'string' &&
          typeof (credentials as { secretAccessKey?: unknown }).secretAccessKey === 'string'),
      'credentials',
      'an object with accessKeyId and secretAccessKey, or a credential provider function',
      typeof credentials === 'object' && credentials !== null ? '[credentials]' : credentials,
    );
    clientConfig.credentials = options.credentials as Credentials;
  }
  return { client, clientConfig };
}

/** The options both publishers take besides their target and client settings (documented on each). */
export interface CommonPublisherOptions<Message> {
  readonly requestTimeoutMs?: number;
  readonly encoder?: MessageEncoderOption<Message>;
  readonly maxMessageBytes?: number;
  readonly retry?: PublishRetryOptions;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** {@link CommonPublisherOptions} after defaults and validation. */
export interface ResolvedCommonPublisherOptions<Message> {
  readonly requestTimeoutMs: number;
  readonly encode: (message: Message) => string;
  readonly maxMessageBytes: number;
  readonly retry: ResolvedPublishRetryOptions;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: () => number;
}

/**
 * Applies defaults to the options both publishers share and validates them, in this order:
 * `requestTimeoutMs`, `encoder`, `maxMessageBytes` (between 1024 and the target's `max`), `retry`,
 * `logger`, `random`.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveCommonPublisherOptions<Message>(
  options: CommonPublisherOptions<Message>,
  maxMessageBytes: { readonly defaultValue: number; readonly max: number },
): ResolvedCommonPublisherOptions<Message> {
  return {
    requestTimeoutMs: checkInteger('requestTimeoutMs', options.requestTimeoutMs, 10_000, {
      min: 1,
      max: 600_000,
    }),
    encode: resolveEncoder<Message>(options.encoder),
    maxMessageBytes: checkInteger('maxMessageBytes', options.maxMessageBytes, maxMessageBytes.defaultValue, {
      min: 1024,
      max: maxMessageBytes.max,
    }),
    retry: resolvePublishRetryOptions(options.retry),
    logger: resolveLogger(options.logger),
    clock: options.clock ?? systemClock,
    random: checkFunction('random', options.random, Math.random),
  };
}

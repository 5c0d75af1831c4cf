// Small pieces both publishers use: the options they share, the client they may own, the stopped error.
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { createDefaultLogger } from '../core/logger.js';
import { checkFunction, checkInteger, checkThat } from '../core/validate.js';
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

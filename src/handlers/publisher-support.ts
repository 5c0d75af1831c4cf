// Small pieces both publishers use: the logger option, the client they may own, the stopped error.
import type { Logger } from '../core/logger.js';
import { createDefaultLogger } from '../core/logger.js';
import { checkThat } from '../core/validate.js';
import type { PublishFailure } from './publish-error.js';
import { PublishError } from './publish-error.js';
import { entryId } from './publish-message.js';

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

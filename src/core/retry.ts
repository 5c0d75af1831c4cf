import { checkNumber } from './validate.js';

/** The longest visibility SQS accepts, in seconds (12 hours). */
export const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * A handler or error handler result that asks for this message to come back after `delaySeconds`:
 * the message is not deleted, and its visibility is set so that it is redelivered then (instead of
 * after the whole visibility timeout). Create it with {@link retryAfter}.
 */
export class RetryAfter {
  /** When the message should be delivered again, in seconds from now (0 to 43200). */
  readonly delaySeconds: number;

  /**
   * @param delaySeconds - seconds until redelivery; rounded up, 0 to 43200.
   * @throws {ConfigurationError} when `delaySeconds` is out of range.
   */
  constructor(delaySeconds: number) {
    this.delaySeconds = Math.ceil(
      checkNumber('delaySeconds', delaySeconds, 0, { min: 0, max: MAX_VISIBILITY_SECONDS }),
    );
    Object.freeze(this);
  }
}

/**
 * Returns the handler result "do not delete; deliver this message again after `delaySeconds`".
 *
 * @example
 * ```ts
 * if (response.status === 429) return retryAfter(30);
 * ```
 * @throws {ConfigurationError} when `delaySeconds` is not between 0 and 43200.
 */
export function retryAfter(delaySeconds: number): RetryAfter {
  return new RetryAfter(delaySeconds);
}

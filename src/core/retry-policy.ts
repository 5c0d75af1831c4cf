import { MAX_VISIBILITY_SECONDS } from './retry.js';
import { checkBoolean, checkFunction, checkNumber, checkObject, checkThat } from './validate.js';

/**
 * A retry policy: given how many times a failed message has been delivered, says in how many seconds
 * it should come back. The result is rounded up and clamped to what SQS accepts (0 to 43200).
 * Build one with {@link exponentialRetry} or {@link linearRetry}, or pass a function.
 */
export type RetryPolicy = RetryDelayFunction | { readonly delaySeconds: RetryDelayFunction };

/** Returns the delay, in seconds, before delivery number `receiveCount + 1`. */
export type RetryDelayFunction = (receiveCount: number) => number;

/** Options of {@link exponentialRetry}. */
export interface ExponentialRetryOptions {
  /**
   * The delay after the first failed delivery, in seconds.
   *
   * @defaultValue 1
   */
  readonly baseSeconds?: number;
  /**
   * The largest delay, in seconds.
   *
   * @defaultValue 900
   */
  readonly maxSeconds?: number;
  /**
   * Spread delays randomly over [delay / 2, delay] so that failures do not come back in lockstep.
   *
   * @defaultValue true
   */
  readonly isJittered?: boolean;
  /**
   * Random numbers in [0, 1) for the jitter.
   *
   * @defaultValue Math.random
   */
  readonly random?: () => number;
}

/**
 * Exponential backoff: `baseSeconds * 2^(receiveCount - 1)`, capped at `maxSeconds`, jittered.
 *
 * @example
 * ```ts
 * new Route({ ..., retry: exponentialRetry({ baseSeconds: 2, maxSeconds: 300 }) });
 * ```
 * @throws {ConfigurationError} when an option is invalid.
 */
export function exponentialRetry(options: ExponentialRetryOptions = {}): RetryPolicy {
  checkObject('options', options);
  const baseSeconds = checkNumber('baseSeconds', options.baseSeconds, 1, {
    min: 0,
    max: MAX_VISIBILITY_SECONDS,
  });
  const maxSeconds = checkNumber('maxSeconds', options.maxSeconds, 900, {
    min: 0,
    max: MAX_VISIBILITY_SECONDS,
  });
  const isJittered = checkBoolean('isJittered', options.isJittered, true);
  const random = checkFunction('random', options.random, Math.random);
  return {
    delaySeconds(receiveCount) {
      const delay = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, receiveCount - 1));
      return isJittered ? delay / 2 + random() * (delay / 2) : delay;
    },
  };
}

/** Options of {@link linearRetry}. */
export interface LinearRetryOptions {
  /**
   * Seconds added per delivery: the delay is `stepSeconds * receiveCount`.
   *
   * @defaultValue 10
   */
  readonly stepSeconds?: number;
  /**
   * The largest delay, in seconds.
   *
   * @defaultValue 900
   */
  readonly maxSeconds?: number;
}

/**
 * Linear backoff: `stepSeconds * receiveCount`, capped at `maxSeconds`.
 *
 * @throws {ConfigurationError} when an option is invalid.
 */
export function linearRetry(options: LinearRetryOptions = {}): RetryPolicy {
  checkObject('options', options);
  const stepSeconds = checkNumber('stepSeconds', options.stepSeconds, 10, {
    min: 0,
    max: MAX_VISIBILITY_SECONDS,
  });
  const maxSeconds = checkNumber('maxSeconds', options.maxSeconds, 900, {
    min: 0,
    max: MAX_VISIBILITY_SECONDS,
  });
  return { delaySeconds: (receiveCount) => Math.min(maxSeconds, stepSeconds * Math.max(1, receiveCount)) };
}

/**
 * Validates a retry policy and returns it in object form.
 *
 * @throws {ConfigurationError} when `policy` is neither a function nor an object with delaySeconds().
 */
export function resolveRetryPolicy(policy: RetryPolicy): { readonly delaySeconds: RetryDelayFunction } {
  if (typeof policy === 'function') return { delaySeconds: policy };
  checkThat(
    typeof policy === 'object' && policy !== null && typeof policy.delaySeconds === 'function',
    'retry',
    'a retry policy (a function or an object with delaySeconds())',
    policy,
  );
  return policy;
}

/** Applies a policy and clamps the result to what SQS accepts: whole seconds, 0 to 43200. */
export function retryDelaySeconds(
  policy: { readonly delaySeconds: RetryDelayFunction },
  receiveCount: number,
): number {
  const delay = policy.delaySeconds(receiveCount);
  if (typeof delay !== 'number' || Number.isNaN(delay)) return 0;
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delay)));
}

/** A scheduled callback that can be cancelled. */
export interface Timer {
  /** Cancels the callback if it has not run. */
  cancel(): void;
}

/**
 * Time, as the pipeline sees it: the current time, timers and sleeps. The default is the system
 * clock; tests pass `ManualClock` from `loafer/testing` to drive time without waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` after `ms` milliseconds. The timer must not keep the process alive. */
  setTimer(ms: number, callback: () => void): Timer;
  /** Resolves after `ms` milliseconds, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The system clock: `Date.now()` and unref'd Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
  sleep(ms, signal) {
    if (signal?.aborted === true) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(handle);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const handle = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/** Options for {@link backoffDelayMs}. */
export interface BackoffOptions {
  /** The first delay, in milliseconds. */
  readonly baseMs: number;
  /** The largest delay, in milliseconds. */
  readonly maxMs: number;
  /** A random number in [0, 1); `Math.random` by default. */
  readonly random?: () => number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry): exponential, capped, with "equal
 * jitter" — half fixed, half random — so that retries spread out but never come faster than half the
 * capped delay.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  return exponential / 2 + random() * (exponential / 2);
}

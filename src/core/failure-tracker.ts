import { backoffDelayMs } from './clock.js';
import { isLoaferError } from './errors.js';
import type { EventHub } from './events.js';
import type { Logger } from './logger.js';

/** The longest pause between failing provider calls, in milliseconds (equal jitter: 1–2 s). */
const MAX_BACKOFF_MS = 2000;
const BASE_BACKOFF_MS = 100;

function errorText(error: unknown): string {
  if (isLoaferError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Tracks a route's failing provider calls: counts them, logs one error per state change (not per
 * attempt), logs the recovery, and says how long to back off (exponential, capped at 2 s, equal jitter:
 * at most about one attempt per second while the provider stays down).
 */
export class FailureTracker {
  readonly #route: string;
  readonly #description: string;
  readonly #logger: Logger;
  readonly #events: EventHub;
  readonly #random: () => number;
  #consecutive = 0;
  #lastText: string | undefined;
  #lastLogged: string | undefined;

  constructor(route: string, description: string, logger: Logger, events: EventHub, random: () => number) {
    this.#route = route;
    this.#description = description;
    this.#logger = logger;
    this.#events = events;
    this.#random = random;
  }

  /** Failed calls in a row; 0 after a success. */
  get consecutive(): number {
    return this.#consecutive;
  }

  /** The latest error's text while failing. */
  get lastErrorText(): string | undefined {
    return this.#consecutive > 0 ? this.#lastText : undefined;
  }

  /** How long to wait before the next attempt, in milliseconds. */
  backoffMs(): number {
    return backoffDelayMs(this.#consecutive, {
      baseMs: BASE_BACKOFF_MS,
      maxMs: MAX_BACKOFF_MS,
      random: this.#random,
    });
  }

  /** Records a failure; logs it at error level only when it differs from the previous one. */
  failed(operation: string, error: unknown): void {
    this.#consecutive += 1;
    const text = errorText(error);
    this.#lastText = text;
    const kind = `${operation}:${isLoaferError(error) ? error.code : text}`;
    if (kind !== this.#lastLogged) {
      this.#lastLogged = kind;
      this.#logger.error(
        { err: error, operation, provider: this.#description },
        `${operation} failed: retrying with backoff`,
      );
    } else {
      this.#logger.debug(
        { err: error, operation, failures: this.#consecutive },
        `${operation} still failing`,
      );
    }
    this.#events.emit('providerFailed', { route: this.#route, operation, error });
  }

  /** Records a success; logs the recovery when it ends a run of failures. */
  succeeded(operation: string): void {
    if (this.#consecutive === 0) return;
    const failures = this.#consecutive;
    this.#consecutive = 0;
    this.#lastLogged = undefined;
    this.#logger.info({ operation, failures }, `${operation} recovered`);
    this.#events.emit('providerRecovered', { route: this.#route, operation, failures });
  }
}

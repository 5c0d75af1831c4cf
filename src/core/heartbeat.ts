import type { Clock, Timer } from './clock.js';
import type { Delivery } from './delivery.js';
import { HandlerAbortedError } from './errors.js';
import type { Logger } from './logger.js';
import type { Provider } from './provider.js';

/** Options of a {@link VisibilityHeartbeat}. */
export interface VisibilityHeartbeatOptions {
  readonly provider: Provider;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The visibility each extension asks for, in seconds (the queue's visibility timeout). */
  readonly visibilitySeconds: number;
  /** The most a message may stay hidden in all, counted from its receipt, in seconds. */
  readonly maxVisibilitySeconds: number;
  /** Registers a pending provider call so that shutdown waits for it. */
  readonly track: (promise: Promise<void>) => void;
  /** The deliveries to keep hidden (in flight and waiting for their FIFO group). */
  readonly deliveries: () => Iterable<Delivery>;
}

/**
 * Keeps in-flight messages hidden while their handlers run. One timer per route sweeps every third of
 * the visibility timeout and extends each message whose hidden time would run out before the sweep
 * after next; the provider coalesces the extensions into batch calls. When an extension fails (the
 * receipt is gone) or the cap is reached, the handler's signal is aborted and the event is logged.
 */
export class VisibilityHeartbeat {
  readonly #options: VisibilityHeartbeatOptions;
  readonly #intervalMs: number;
  #timer: Timer | undefined;
  #isStopped = false;

  constructor(options: VisibilityHeartbeatOptions) {
    this.#options = options;
    this.#intervalMs = Math.max(100, Math.floor((options.visibilitySeconds * 1000) / 3));
  }

  /** How often the sweep runs, in milliseconds. */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Starts sweeping. */
  start(): void {
    this.#arm();
  }

  /** Stops sweeping; extensions already sent are left to settle. */
  stop(): void {
    this.#isStopped = true;
    this.#timer?.cancel();
  }

  #arm(): void {
    if (this.#isStopped) return;
    this.#timer = this.#options.clock.setTimer(this.#intervalMs, () => {
      this.sweep();
      this.#arm();
    });
  }

  /** Extends the messages that need it now. */
  sweep(): void {
    const { clock, provider, visibilitySeconds, maxVisibilitySeconds } = this.#options;
    const extend = provider.extendVisibility?.bind(provider);
    if (extend === undefined) return;
    const now = clock.now();
    const horizon = now + 2 * this.#intervalMs;
    for (const delivery of this.#options.deliveries()) {
      if (delivery.isFinished || delivery.isAborted || delivery.hiddenUntil > horizon) continue;
      const capAt = delivery.receivedAt + maxVisibilitySeconds * 1000;
      const target = Math.min(now + visibilitySeconds * 1000, capAt);
      const seconds = Math.floor((target - now) / 1000);
      if (now + seconds * 1000 <= delivery.hiddenUntil) {
        // No extension can add time: the cap is reached. Give up when the message is about to show.
        if (delivery.hiddenUntil - now <= this.#intervalMs) {
          this.#lose(delivery, 'visibility cap reached', undefined);
        }
        continue;
      }
      delivery.hiddenUntil = now + seconds * 1000;
      let promise: Promise<void>;
      try {
        promise = extend(delivery.message, { visibilitySeconds: seconds });
      } catch (error) {
        promise = Promise.reject(error);
      }
      this.#options.track(
        promise.catch((error: unknown) => {
          if (!delivery.isFinished) this.#lose(delivery, 'visibility extension failed', error);
        }),
      );
    }
  }

  #lose(delivery: Delivery, reason: string, error: unknown): void {
    this.#options.logger.warn(
      { err: error, messageId: delivery.message.id },
      `${reason}: handler signal aborted, the message may be delivered again`,
    );
    delivery.abort(new HandlerAbortedError(`${reason}: the message may be delivered again`));
  }
}

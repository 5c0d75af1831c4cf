import type { Clock } from './clock.js';

interface Waiter {
  readonly count: number;
  readonly grant: () => void;
}

/**
 * A counting semaphore: the pipeline takes permits before it fetches and gives them back when a
 * handler settles, so a full service stops polling instead of buffering messages. A waiter asks for
 * several permits at once and gets them all together (so that pollers waiting for a batch do not
 * starve each other one permit at a time); waiters are served in order, and a waiter whose signal
 * aborts leaves the queue at once.
 */
export class Capacity {
  #available: number;
  readonly #limit: number;
  readonly #waiters = new Set<Waiter>();

  /** @param limit - the number of permits; `Infinity` for no limit. */
  constructor(limit: number) {
    this.#limit = limit;
    this.#available = limit;
  }

  /** The number of permits in all. */
  get limit(): number {
    return this.#limit;
  }

  /** The number of permits free right now. */
  get available(): number {
    return this.#available;
  }

  /** Takes up to `count` permits without waiting (never ahead of a waiter); returns how many. */
  tryAcquire(count: number): number {
    if (this.#waiters.size > 0) return 0;
    const taken = Math.min(count, this.#available);
    this.#available -= taken;
    return taken;
  }

  /** Takes exactly `count` permits if they are free and nobody waits; returns whether it did. */
  tryAcquireAll(count: number): boolean {
    if (this.#waiters.size > 0 || this.#available < count) return false;
    this.#available -= count;
    return true;
  }

  /**
   * Waits for `count` permits (1 by default; at most the limit), taken all together. Resolves `true`
   * when taken, `false` when `signal` aborted first (no permit is held then).
   */
  acquire(signal: AbortSignal, count = 1): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    const wanted = Math.min(count, this.#limit);
    if (this.#available >= wanted && this.#waiters.size === 0) {
      this.#available -= wanted;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        count: wanted,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        },
      };
      const onAbort = (): void => {
        this.#waiters.delete(waiter);
        resolve(false);
        // The head may have been the only thing blocking the next waiters.
        this.#serve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /**
   * Like {@link acquire}, but gives up after `ms` on `clock`: resolves `false` then (or when `signal`
   * aborts), holding no permit. One timer and one listener, no controller.
   */
  acquireWithin(signal: AbortSignal, count: number, clock: Clock, ms: number): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.tryAcquireAll(Math.min(count, this.#limit))) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const finish = (isGranted: boolean): void => {
        timer.cancel();
        signal.removeEventListener('abort', onAbort);
        if (!isGranted) {
          this.#waiters.delete(waiter);
          this.#serve();
        }
        resolve(isGranted);
      };
      const waiter: Waiter = { count: Math.min(count, this.#limit), grant: () => finish(true) };
      const onAbort = (): void => finish(false);
      const timer = clock.setTimer(ms, () => {
        if (this.#waiters.has(waiter)) finish(false);
      });
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Gives back `count` permits, waking waiters in order. */
  release(count = 1): void {
    this.#available += count;
    if (this.#waiters.size > 0) this.#serve();
  }

  #serve(): void {
    for (const waiter of this.#waiters) {
      if (waiter.count > this.#available) return;
      this.#available -= waiter.count;
      this.#waiters.delete(waiter);
      waiter.grant();
    }
  }
}

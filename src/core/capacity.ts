/**
 * A counting semaphore: the pipeline takes permits before it fetches and gives them back when a
 * handler settles, so a full service stops polling instead of buffering messages. Waiters are served
 * in order; a waiter whose signal aborts leaves the queue at once.
 */
export class Capacity {
  #available: number;
  readonly #limit: number;
  readonly #waiters = new Set<() => void>();

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

  /**
   * Waits for one permit. Resolves `true` when taken, `false` when `signal` aborted first (no permit
   * is held then).
   */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#available > 0 && this.#waiters.size === 0) {
      this.#available -= 1;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = (): void => {
        this.#waiters.delete(grant);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(grant);
    });
  }

  /** Gives back `count` permits, waking waiters first. */
  release(count = 1): void {
    if (this.#waiters.size === 0) {
      this.#available += count;
      return;
    }
    for (let i = 0; i < count; i++) {
      const next = this.#waiters.values().next();
      if (next.done === true) {
        this.#available += 1;
        continue;
      }
      this.#waiters.delete(next.value);
      next.value();
    }
  }
}

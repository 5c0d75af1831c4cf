import type { Clock, Timer } from '../core/clock.js';

interface ScheduledTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  isCancelled: boolean;
}

/**
 * A clock that only moves when told to: timers and sleeps fire during {@link ManualClock.advance}.
 * Pass it to a `Manager` and a `MemoryProvider` to test timeouts, visibility and shutdown deadlines
 * without waiting.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 30 });
 * await clock.advance(30_000); // the message is visible again
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: ScheduledTimer[] = [];

  /** @param startAt - the initial time, in epoch milliseconds. */
  constructor(startAt = 1_700_000_000_000) {
    this.#now = startAt;
  }

  /** The current (manual) time. */
  now(): number {
    return this.#now;
  }

  /** How many timers are scheduled and not cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((timer) => !timer.isCancelled).length;
  }

  /** Schedules `callback` at `now() + ms`. */
  setTimer(ms: number, callback: () => void): Timer {
    const timer: ScheduledTimer = {
      at: this.#now + Math.max(0, ms),
      seq: this.#seq++,
      callback,
      isCancelled: false,
    };
    this.#timers.push(timer);
    this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return {
      cancel: () => {
        timer.isCancelled = true;
      },
    };
  }

  /** Resolves when the clock has been advanced by `ms`, or when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = (): void => {
        timer.cancel();
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Moves time forward by `ms`, firing due timers in order; between timers, lets pending promise
   * callbacks run so that work they schedule is seen.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushPromises();
    for (;;) {
      const next = this.#timers[0];
      if (next === undefined || next.at > target) break;
      this.#timers.shift();
      if (next.isCancelled) continue;
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await flushPromises();
    }
    this.#now = target;
    await flushPromises();
  }
}

/** Lets every pending promise callback (and the ones they schedule) run. */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

import type { Clock } from '../../core/clock.js';
import { backoffDelayMs } from '../../core/clock.js';
import type { ProviderError } from '../../core/errors.js';

/** One failed entry of a batch response (SQS's `BatchResultErrorEntry`). */
export interface BatchEntryFailure {
  /** The entry's id in the request. */
  readonly Id?: string | undefined;
  /** SQS's error code for this entry (`ReceiptHandleIsInvalid`, ...). */
  readonly Code?: string | undefined;
  /** SQS's text for this entry. */
  readonly Message?: string | undefined;
  /** Whether the caller caused the failure (false: the server's fault, worth retrying). */
  readonly SenderFault?: boolean | undefined;
}

/** What one batch request returned: SQS's `Successful` and `Failed` lists. */
export interface BatchResponse {
  readonly Successful?: readonly { readonly Id?: string | undefined }[] | undefined;
  readonly Failed?: readonly BatchEntryFailure[] | undefined;
}

/** How a {@link RequestBatcher} sends and judges its requests. */
export interface RequestBatcherOptions<Item> {
  /** Entries per request; a full batch is sent at once. */
  readonly maxEntries: number;
  /** How long the first entry of a batch waits for others, in milliseconds. */
  readonly windowMs: number;
  /** Attempts per request (and per entry that failed with a retryable error). */
  readonly maxAttempts: number;
  /** Timers for the window and the backoff. */
  readonly clock: Clock;
  /** Random numbers in [0, 1) for backoff jitter. */
  readonly random: () => number;
  /**
   * Sends one request. `ids[i]` is the entry id to give `items[i]`. Rejects when the request failed as
   * a whole.
   */
  readonly send: (items: readonly Item[], ids: readonly string[]) => Promise<BatchResponse>;
  /** The error the entries of a request that failed as a whole reject with; `isRetryable` decides retries. */
  readonly toError: (error: unknown) => ProviderError;
  /**
   * What a failed entry means: undefined to resolve it anyway (a stale receipt), or the error to reject
   * it with (retried first when `isRetryable`).
   */
  readonly judgeFailure: (item: Item, failure: BatchEntryFailure) => ProviderError | undefined;
}

interface Slot<Item> {
  readonly item: Item;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 2000;

/** Entry ids `0`..`n-1`, made once: valid SQS batch ids, unique within a request. */
function entryIds(count: number): readonly string[] {
  return Array.from({ length: count }, (_, index) => String(index));
}

/**
 * Coalesces single operations (delete this message, change that one's visibility) into batch requests
 * of up to `maxEntries`, sent when full or when the window of their first entry ends. Each operation's
 * promise settles with its own entry's result. A request that fails as a whole with a retryable error,
 * and entries that fail with a retryable error, are tried again with exponential backoff and jitter,
 * up to `maxAttempts`.
 *
 * @typeParam Item - what one operation carries (a message, or a message and a visibility).
 */
export class RequestBatcher<Item> {
  readonly #options: RequestBatcherOptions<Item>;
  readonly #ids: readonly string[];
  readonly #inFlight = new Set<Promise<void>>();
  #pending: Slot<Item>[] = [];
  /** The open batch window (a token: a window's sleep sends only if it is still the open one). */
  #window: object | undefined;

  /** @param options - see {@link RequestBatcherOptions}. */
  constructor(options: RequestBatcherOptions<Item>) {
    this.#options = options;
    this.#ids = entryIds(options.maxEntries);
  }

  /** Operations waiting for their batch to be sent. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Requests sent and not yet settled (retries included). */
  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  /** Queues one operation; resolves when its entry succeeded, rejects with a `ProviderError` otherwise. */
  add(item: Item): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.#options.maxEntries) {
        this.#sendPending();
      } else if (this.#window === undefined) {
        this.#openWindow();
      }
    });
  }

  /** Sends what is pending now and waits until every request sent so far has settled. */
  async flush(): Promise<void> {
    this.#sendPending();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Sends the pending batch when the window ends. A sleep rather than a timer: the system clock's
   * timers do not keep the process alive, and a pending delete must. A window closed early (its batch
   * filled up) is not cancelled: its sleep ends as a no-op. Aborting it would cost more than the wait
   * (an abort builds a `DOMException`), once per 10 acks on a busy route.
   */
  #openWindow(): void {
    const window = {};
    this.#window = window;
    this.#options.clock.sleep(this.#options.windowMs).then(
      () => {
        if (this.#window !== window) return;
        this.#window = undefined;
        this.#sendPending();
      },
      () => {},
    );
  }

  #sendPending(): void {
    this.#window = undefined;
    const max = this.#options.maxEntries;
    while (this.#pending.length > 0) {
      let batch: Slot<Item>[];
      if (this.#pending.length <= max) {
        batch = this.#pending;
        this.#pending = [];
      } else {
        batch = this.#pending.slice(0, max);
        this.#pending = this.#pending.slice(max);
      }
      const request = this.#run(batch);
      this.#inFlight.add(request);
      request.then(
        () => this.#inFlight.delete(request),
        () => this.#inFlight.delete(request),
      );
    }
  }

  /** Sends one batch until every entry is settled; never rejects. */
  async #run(batch: Slot<Item>[]): Promise<void> {
    const { maxAttempts, clock, random } = this.#options;
    let remaining = batch;
    for (let attempt = 1; ; attempt++) {
      const retry = await this.#attempt(remaining, attempt < maxAttempts);
      if (retry.length === 0) return;
      await clock.sleep(backoffDelayMs(attempt, { baseMs: BACKOFF_BASE_MS, maxMs: BACKOFF_MAX_MS, random }));
      remaining = retry;
    }
  }

  /** One request; settles its entries and returns those to try again. */
  async #attempt(slots: Slot<Item>[], mayRetry: boolean): Promise<Slot<Item>[]> {
    const items = slots.map((slot) => slot.item);
    let response: BatchResponse;
    try {
      response = await this.#options.send(items, this.#ids);
    } catch (caught) {
      const error = this.#options.toError(caught);
      if (mayRetry && error.isRetryable) return slots;
      for (const slot of slots) slot.reject(error);
      return [];
    }
    const failed = response.Failed ?? [];
    const successful = response.Successful ?? [];
    if (failed.length === 0 && successful.length === slots.length) {
      for (const slot of slots) slot.resolve();
      return [];
    }
    const failures = new Map<string, BatchEntryFailure>();
    for (const failure of failed) if (failure.Id !== undefined) failures.set(failure.Id, failure);
    const succeeded = new Set(successful.map((entry) => entry.Id));
    let retry: Slot<Item>[] | undefined;
    for (let index = 0; index < slots.length; index++) {
      const slot = slots[index] as Slot<Item>;
      const id = this.#ids[index] as string;
      if (succeeded.has(id) && !failures.has(id)) {
        slot.resolve();
        continue;
      }
      // Neither listed as done nor as failed: never assume it was done.
      const failure = failures.get(id) ?? {
        Id: id,
        Code: 'MissingBatchResult',
        Message: 'the response did not list this entry',
        SenderFault: false,
      };
      const error = this.#options.judgeFailure(slot.item, failure);
      if (error === undefined) {
        slot.resolve();
      } else if (mayRetry && error.isRetryable) {
        retry ??= [];
        retry.push(slot);
      } else {
        slot.reject(error);
      }
    }
    return retry ?? [];
  }
}

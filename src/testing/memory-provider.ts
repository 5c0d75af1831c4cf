import type { Clock, Timer } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { ProviderError } from '../core/errors.js';
import type { InboundMessage, MessageAttribute, MessageAttributes } from '../core/message.js';
import type {
  DeadLetterOptions,
  ExtendVisibilityOptions,
  FetchOptions,
  Provider,
  ProviderInfo,
  ReleaseOptions,
} from '../core/provider.js';
import {
  checkBoolean,
  checkClock,
  checkInteger,
  checkObject,
  checkString,
  checkThat,
} from '../core/validate.js';
import type { StoredMessage } from './memory-store.js';
import { MessageStore } from './memory-store.js';

/** Options of a {@link MemoryProvider}. */
export interface MemoryProviderOptions {
  /**
   * The queue's name, used in logs.
   *
   * @defaultValue 'memory'
   */
  readonly name?: string;
  /**
   * Seconds a fetched message stays hidden before it is delivered again.
   *
   * @defaultValue 30
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Seconds a fetch waits for messages when the queue is empty (long polling).
   *
   * @defaultValue 20
   */
  readonly waitTimeSeconds?: number;
  /**
   * The most messages one fetch returns.
   *
   * @defaultValue 10
   */
  readonly maxMessagesPerFetch?: number;
  /**
   * Deliveries after which a message moves to `deadLetterQueue` instead of being delivered again.
   * Requires `deadLetterQueue`.
   */
  readonly maxReceiveCount?: number;
  /** Where messages go after `maxReceiveCount` deliveries. */
  readonly deadLetterQueue?: MemoryProvider;
  /**
   * A FIFO queue: messages of one group are delivered in order, and none of a group while another
   * of it is in flight.
   *
   * @defaultValue false
   */
  readonly isFifo?: boolean;
  /**
   * Time as the queue sees it; pass a `ManualClock` to move visibility without waiting.
   *
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

/** Options of {@link MemoryProvider.send}. */
export interface MemorySendOptions {
  /** The message id; generated when absent. */
  readonly id?: string;
  /** Message attributes: plain strings, numbers and bytes, or typed attributes. */
  readonly attributes?: Readonly<Record<string, string | number | Uint8Array | MessageAttribute>>;
  /** The FIFO message group (required on FIFO queues). */
  readonly groupId?: string;
  /** Seconds before the message becomes visible. */
  readonly delaySeconds?: number;
  /** How many times the message was already delivered (to start a test mid-life). */
  readonly receiveCount?: number;
}

/** One message held by a {@link MemoryProvider}, as the tests inspect it. */
export interface MemoryMessage {
  /** The message id. */
  readonly id: string;
  /** The body, as text. */
  readonly body: string;
  /** Typed attributes. */
  readonly attributes: MessageAttributes;
  /** The FIFO group, if any. */
  readonly groupId: string | undefined;
  /** Deliveries so far. */
  readonly receiveCount: number;
  /** When the message becomes (or became) visible, in clock milliseconds. */
  readonly visibleAt: number;
  /** Whether a consumer holds it right now (fetched, not visible yet). */
  readonly isInFlight: boolean;
}

/** Counts of the calls a {@link MemoryProvider} received. */
export interface MemoryProviderStats {
  fetches: number;
  emptyFetches: number;
  confirms: number;
  staleConfirms: number;
  releases: number;
  extensions: number;
  deadLetters: number;
}

/** The provider's own message object (`InboundMessage.raw`) for a memory queue. */
export interface MemoryReceipt {
  /** The message id. */
  readonly id: string;
  /** The receipt of this delivery; only the latest delivery's receipt can delete the message. */
  readonly receipt: number;
}

type Operation = 'fetch' | 'confirm' | 'release' | 'extend' | 'dead-letter';

function toAttribute(value: string | number | Uint8Array | MessageAttribute): MessageAttribute {
  if (typeof value === 'string') return { dataType: 'String', value };
  if (typeof value === 'number') return { dataType: 'Number', value, text: String(value) };
  if (value instanceof Uint8Array) return { dataType: 'Binary', value };
  return value;
}

/**
 * An in-memory queue that behaves like SQS where it matters to a consumer: visibility timeouts,
 * receive counts, redrive to a dead-letter queue after `maxReceiveCount`, FIFO groups, long polling.
 * For unit tests — loafer's and yours. Drive time with a `ManualClock`.
 *
 * @example
 * ```ts
 * const provider = new MemoryProvider();
 * provider.send({ id: 'test-1' });
 * const manager = new Manager({ routes: [new Route({ name: 'r', provider, messageTranslator: jsonTranslator(), handler })] });
 * await manager.runOnce();
 * assert.equal(provider.size, 0); // deleted
 * ```
 */
export class MemoryProvider implements Provider<MemoryReceipt> {
  readonly description: string;
  readonly maxMessagesPerFetch: number;
  /** Calls received so far. */
  readonly stats: MemoryProviderStats = {
    fetches: 0,
    emptyFetches: 0,
    confirms: 0,
    staleConfirms: 0,
    releases: 0,
    extensions: 0,
    deadLetters: 0,
  };
  readonly #name: string;
  readonly #visibilityMs: number;
  readonly #waitMs: number;
  readonly #maxReceiveCount: number | undefined;
  readonly #deadLetterQueue: MemoryProvider | undefined;
  readonly #isFifo: boolean;
  readonly #clock: Clock;
  readonly #messages = new MessageStore();
  readonly #deleted: string[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #faults: Array<{ operation: Operation; error: Error; remaining: number }> = [];
  #receipt = 0;
  #idSeq = 0;
  #isStopped = false;

  /**
   * @param options - see {@link MemoryProviderOptions}.
   * @throws {ConfigurationError} when an option is invalid.
   */
  constructor(options: MemoryProviderOptions = {}) {
    checkObject('options', options);
    this.#name = checkString('name', options.name, 'memory');
    this.#visibilityMs =
      checkInteger('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds, 30, {
        min: 0,
        max: 43_200,
      }) * 1000;
    this.#waitMs = checkInteger('waitTimeSeconds', options.waitTimeSeconds, 20, { min: 0, max: 20 }) * 1000;
    this.maxMessagesPerFetch = checkInteger('maxMessagesPerFetch', options.maxMessagesPerFetch, 10, {
      min: 1,
    });
    this.#maxReceiveCount =
      options.maxReceiveCount === undefined
        ? undefined
        : checkInteger('maxReceiveCount', options.maxReceiveCount, 0, { min: 1, max: 1000 });
    checkThat(
      (this.#maxReceiveCount === undefined) === (options.deadLetterQueue === undefined),
      'deadLetterQueue',
      'given together with `maxReceiveCount`',
      options.deadLetterQueue,
    );
    this.#deadLetterQueue = options.deadLetterQueue;
    this.#isFifo = checkBoolean('isFifo', options.isFifo, false);
    this.#clock = checkClock('clock', options.clock, systemClock);
    this.description = `memory queue ${this.#name}`;
  }

  /** Adds a message; returns its id. An object body is sent as JSON. */
  send(body: string | object, options: MemorySendOptions = {}): string {
    if (this.#isFifo && options.groupId === undefined) {
      throw new ProviderError(
        'LOAFER_ERR_PROVIDER_REQUEST_FAILED',
        'a FIFO memory queue needs a groupId per message',
      );
    }
    const id = options.id ?? `${this.#name}-${++this.#idSeq}`;
    const attributes: Record<string, MessageAttribute> = {};
    for (const [name, value] of Object.entries(options.attributes ?? {}))
      attributes[name] = toAttribute(value);
    this.#messages.add({
      id,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes,
      groupId: options.groupId,
      receiveCount: options.receiveCount ?? 0,
      visibleAt: this.#clock.now() + (options.delaySeconds ?? 0) * 1000,
      receipt: 0,
      isInFlight: false,
      isGone: false,
    });
    this.#wake();
    return id;
  }

  /** Makes the next `times` calls of `operation` fail with `error` (a retryable `ProviderError` by default). */
  injectFailure(operation: Operation, times = 1, error?: Error): void {
    this.#faults.push({
      operation,
      remaining: times,
      error:
        error ??
        new ProviderError('LOAFER_ERR_PROVIDER_REQUEST_FAILED', `injected ${operation} failure`, {
          isRetryable: true,
        }),
    });
  }

  /** Messages still in the queue (visible, delayed or in flight). */
  get size(): number {
    return this.#messages.size;
  }

  /** Ids of deleted messages, in deletion order. */
  get deletedIds(): readonly string[] {
    return this.#deleted;
  }

  /** Whether the message with `id` was deleted. */
  isDeleted(id: string): boolean {
    return this.#deleted.includes(id);
  }

  /** A snapshot of one message, or undefined once it is deleted or moved. */
  peek(id: string): MemoryMessage | undefined {
    const stored = this.#messages.get(id);
    return stored === undefined ? undefined : this.#snapshot(stored);
  }

  /** Snapshots of every message in the queue, in send order. */
  messages(): MemoryMessage[] {
    return [...this.#messages.ordered()].map((stored) => this.#snapshot(stored));
  }

  /** Adds a message moved here from another queue (redrive, or a route's dead-lettering). */
  receiveRedriven(message: MemoryMessage, extraAttributes: MessageAttributes = {}): void {
    this.#messages.add({
      id: message.id,
      body: message.body,
      attributes: { ...message.attributes, ...extraAttributes },
      groupId: message.groupId,
      receiveCount: 0,
      visibleAt: this.#clock.now(),
      receipt: 0,
      isInFlight: false,
      isGone: false,
    });
    this.#wake();
  }

  /** Reports the queue's shape, as the SQS provider reads it from queue attributes. */
  async start(): Promise<ProviderInfo> {
    const info: {
      isFifo: boolean;
      visibilityTimeoutSeconds: number;
      maxReceiveCount?: number;
      deadLetterTarget?: string;
    } = {
      isFifo: this.#isFifo,
      visibilityTimeoutSeconds: this.#visibilityMs / 1000,
    };
    if (this.#maxReceiveCount !== undefined && this.#deadLetterQueue !== undefined) {
      info.maxReceiveCount = this.#maxReceiveCount;
      info.deadLetterTarget = this.#deadLetterQueue.description;
    }
    return info;
  }

  /** Returns up to `maxMessages` visible messages, waiting up to `waitTimeSeconds` for some. */
  async fetchMessages({ maxMessages, signal }: FetchOptions): Promise<InboundMessage<MemoryReceipt>[]> {
    this.stats.fetches += 1;
    this.#checkFault('fetch');
    const deadline = this.#clock.now() + this.#waitMs;
    for (;;) {
      const batch = this.#take(maxMessages);
      if (batch.length > 0 || signal.aborted || this.#isStopped || this.#clock.now() >= deadline) {
        if (batch.length === 0) this.stats.emptyFetches += 1;
        return batch;
      }
      await this.#waitForChange(deadline, signal);
    }
  }

  /** Deletes the message if `message` is its latest delivery; a stale receipt is counted and ignored. */
  async confirmMessage(message: InboundMessage<MemoryReceipt>): Promise<void> {
    this.stats.confirms += 1;
    this.#checkFault('confirm');
    const stored = this.#messages.get(message.raw.id);
    if (stored === undefined || stored.receipt !== message.raw.receipt) {
      this.stats.staleConfirms += 1;
      return;
    }
    this.#messages.remove(stored.id);
    this.#deleted.push(stored.id);
    this.#wake();
  }

  /** Makes the message visible again after `delaySeconds` (0: at once). */
  async releaseMessage(message: InboundMessage<MemoryReceipt>, options: ReleaseOptions = {}): Promise<void> {
    this.stats.releases += 1;
    this.#checkFault('release');
    const stored = this.#current(message);
    if (stored === undefined) return;
    this.#setVisibility(stored, (options.delaySeconds ?? 0) * 1000);
  }

  /** Keeps the message hidden for `visibilitySeconds` from now. */
  async extendVisibility(
    message: InboundMessage<MemoryReceipt>,
    options: ExtendVisibilityOptions,
  ): Promise<void> {
    this.stats.extensions += 1;
    this.#checkFault('extend');
    const stored = this.#current(message);
    if (stored === undefined) {
      throw new ProviderError(
        'LOAFER_ERR_PROVIDER_ACK_FAILED',
        `receipt of message ${message.id} is no longer valid`,
      );
    }
    this.#setVisibility(stored, options.visibilitySeconds * 1000);
  }

  /**
   * Moves the message to the dead-letter queue with `LoaferErrorCode` and `LoaferErrorReason`
   * attributes, then deletes it here, as the SQS provider does.
   */
  async deadLetterMessage(message: InboundMessage<MemoryReceipt>, options: DeadLetterOptions): Promise<void> {
    this.stats.deadLetters += 1;
    this.#checkFault('dead-letter');
    const stored = this.#current(message);
    if (this.#deadLetterQueue === undefined) {
      throw new ProviderError(
        'LOAFER_ERR_PROVIDER_REQUEST_FAILED',
        `${this.description} has no dead-letter queue`,
      );
    }
    if (stored === undefined) return;
    this.#deadLetterQueue.receiveRedriven(this.#snapshot(stored), {
      LoaferErrorCode: { dataType: 'String', value: options.code },
      LoaferErrorReason: { dataType: 'String', value: options.reason },
    });
    this.#messages.remove(stored.id);
    this.#deleted.push(stored.id);
    this.#wake();
  }

  /** Stops: pending fetches return empty. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#wake();
  }

  #snapshot(stored: StoredMessage): MemoryMessage {
    return {
      id: stored.id,
      body: stored.body,
      attributes: stored.attributes,
      groupId: stored.groupId,
      receiveCount: stored.receiveCount,
      visibleAt: stored.visibleAt,
      isInFlight: stored.isInFlight && stored.visibleAt > this.#clock.now(),
    };
  }

  #current(message: InboundMessage<MemoryReceipt>): StoredMessage | undefined {
    const stored = this.#messages.get(message.raw.id);
    if (stored === undefined || stored.receipt !== message.raw.receipt) return undefined;
    return stored;
  }

  #setVisibility(stored: StoredMessage, delayMs: number): void {
    stored.visibleAt = this.#clock.now() + delayMs;
    if (delayMs === 0) stored.isInFlight = false;
    this.#wake();
  }

  #checkFault(operation: Operation): void {
    const fault = this.#faults.find((item) => item.operation === operation && item.remaining > 0);
    if (fault === undefined) return;
    fault.remaining -= 1;
    throw fault.error;
  }

  #take(maxMessages: number): InboundMessage<MemoryReceipt>[] {
    const now = this.#clock.now();
    const lockedGroups = new Set<string>();
    // A Map iterates in insertion order, which is send order: no sorting on the fetch path.
    const candidates = this.#messages.ordered();
    if (this.#isFifo) {
      for (const stored of this.#messages.ordered()) {
        if (stored.visibleAt > now && stored.isInFlight && stored.groupId !== undefined)
          lockedGroups.add(stored.groupId);
      }
    }
    const batch: InboundMessage<MemoryReceipt>[] = [];
    for (const stored of candidates) {
      if (batch.length >= maxMessages) break;
      if (stored.visibleAt > now) {
        // In FIFO order, a delayed message blocks the rest of its group.
        if (this.#isFifo && stored.groupId !== undefined) lockedGroups.add(stored.groupId);
        continue;
      }
      if (this.#isFifo && stored.groupId !== undefined && lockedGroups.has(stored.groupId)) continue;
      if (this.#maxReceiveCount !== undefined && stored.receiveCount >= this.#maxReceiveCount) {
        this.#messages.remove(stored.id);
        this.#deadLetterQueue?.receiveRedriven(this.#snapshot(stored));
        continue;
      }
      stored.receiveCount += 1;
      stored.receipt = ++this.#receipt;
      stored.visibleAt = now + this.#visibilityMs;
      stored.isInFlight = true;
      const message: {
        id: string;
        body: string;
        receiveCount: number;
        attributes: MessageAttributes;
        systemAttributes: Record<string, string>;
        raw: MemoryReceipt;
        groupId?: string;
      } = {
        id: stored.id,
        body: stored.body,
        receiveCount: stored.receiveCount,
        attributes: stored.attributes,
        systemAttributes: { ApproximateReceiveCount: String(stored.receiveCount) },
        raw: { id: stored.id, receipt: stored.receipt },
      };
      if (stored.groupId !== undefined) message.groupId = stored.groupId;
      batch.push(message);
    }
    return batch;
  }

  #waitForChange(deadline: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timers: Timer[] = [];
      const done = (): void => {
        this.#waiters.delete(done);
        signal.removeEventListener('abort', done);
        for (const timer of timers) timer.cancel();
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
      const now = this.#clock.now();
      timers.push(this.#clock.setTimer(deadline - now, done));
      let nextVisible = Number.POSITIVE_INFINITY;
      for (const stored of this.#messages.ordered()) {
        if (stored.visibleAt > now && stored.visibleAt < nextVisible) nextVisible = stored.visibleAt;
      }
      if (nextVisible < deadline) timers.push(this.#clock.setTimer(nextVisible - now, done));
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

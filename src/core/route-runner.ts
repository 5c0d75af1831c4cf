import type { Capacity } from './capacity.js';
import { Capacity as CapacityClass } from './capacity.js';
import type { Clock, Timer } from './clock.js';
import { backoffDelayMs } from './clock.js';
import {
  HandlerAbortedError,
  HandlerTimeoutError,
  isDeleteMessage,
  isLoaferError,
  isTranslationError,
  TranslationError,
} from './errors.js';
import type { EventHub, MessageOutcome } from './events.js';
import type { ErrorContext, HandlerContext, HandlerResult } from './handler.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import type { ProviderInfo } from './provider.js';
import { RetryAfter } from './retry.js';
import { retryDelaySeconds } from './retry-policy.js';
import type { Route } from './route.js';
import type { TranslatedMessage } from './translator.js';

/** What happens to a message after its handling. */
type Decision = 'delete' | 'keep' | RetryAfter;

/** The longest pause between failing provider calls, in milliseconds (equal jitter: 1–2 s). */
const MAX_BACKOFF_MS = 2000;
const BASE_BACKOFF_MS = 100;

/** A snapshot of one route's liveness, as `manager.health()` reports it. */
export interface RouteHealth {
  /** The route's name. */
  readonly route: string;
  /** `starting` until the provider is ready, then `running`, `stopping`, `stopped`. */
  readonly state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';
  /** When a fetch last succeeded (epoch ms), or undefined. */
  readonly lastFetchAt: number | undefined;
  /** When a deletion was last confirmed (epoch ms), or undefined. */
  readonly lastAckAt: number | undefined;
  /** Messages whose handler is running. */
  readonly inFlight: number;
  /** Messages fetched and waiting for their FIFO group. */
  readonly waiting: number;
  /** Provider calls (fetch, start) that failed in a row; 0 when the last one succeeded. */
  readonly consecutiveErrors: number;
  /** The most recent provider error's text, while `consecutiveErrors` > 0. */
  readonly lastError: string | undefined;
  /** Messages handled since start, by outcome. */
  readonly handled: { readonly deleted: number; readonly kept: number; readonly retry: number };
}

/** The per-message context a handler receives; also the runner's record of an in-flight message. */
class Delivery implements HandlerContext<unknown> {
  readonly route: string;
  readonly message: InboundMessage;
  readonly receiveCount: number;
  readonly isLastAttempt: boolean;
  metadata: unknown;
  content: unknown;
  isTranslated = false;
  isTimedOut = false;
  isFinished = false;
  isAbandoned = false;
  timer: Timer | undefined;
  startedAt = 0;
  #controller: AbortController | undefined;
  #abortReason: unknown;
  #logger: Logger | undefined;
  readonly #routeLogger: Logger;

  constructor(
    route: string,
    message: InboundMessage,
    maxReceiveCount: number | undefined,
    routeLogger: Logger,
  ) {
    this.route = route;
    this.message = message;
    this.receiveCount = message.receiveCount;
    this.isLastAttempt = maxReceiveCount !== undefined && message.receiveCount >= maxReceiveCount;
    this.#routeLogger = routeLogger;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  get logger(): Logger {
    this.#logger ??= this.#routeLogger.child({ messageId: this.message.id });
    return this.#logger;
  }

  abort(reason: unknown): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  errorContext(): ErrorContext {
    const context: {
      route: string;
      message: InboundMessage;
      receiveCount: number;
      isLastAttempt: boolean;
      logger: Logger;
      content?: unknown;
      metadata?: unknown;
    } = {
      route: this.route,
      message: this.message,
      receiveCount: this.receiveCount,
      isLastAttempt: this.isLastAttempt,
      logger: this.logger,
    };
    if (this.isTranslated) {
      context.content = this.content;
      context.metadata = this.metadata;
    }
    return context;
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function decide(result: unknown): Decision {
  if (result instanceof RetryAfter) return result;
  return result ? 'delete' : 'keep';
}

/** A translator's failure, as the typed error the error handler receives. */
function asTranslationError(error: unknown): TranslationError {
  if (isTranslationError(error)) return error;
  return new TranslationError('LOAFER_ERR_TRANSLATION_FAILED', 'message translator failed', { cause: error });
}

function errorText(error: unknown): string {
  if (isLoaferError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Dependencies of a {@link RouteRunner}, given by the manager. */
export interface RouteRunnerDeps {
  readonly globalCapacity: Capacity;
  readonly logger: Logger;
  readonly events: EventHub;
  readonly clock: Clock;
  readonly random: () => number;
}

/**
 * The pipeline of one route: pollers that take capacity before they fetch, each message dispatched
 * the moment it arrives, acks handed to the provider (which batches them), FIFO groups kept in order,
 * and a staged shutdown. Internal: the manager drives it.
 */
export class RouteRunner {
  readonly #route: Route<unknown, unknown>;
  readonly #deps: RouteRunnerDeps;
  readonly #logger: Logger;
  readonly #capacity: Capacity;
  readonly #batchSize: number;
  readonly #pollController = new AbortController();
  readonly #inFlight = new Set<Delivery>();
  readonly #pending = new Set<Promise<void>>();
  readonly #groups = new Map<string, Delivery[]>();
  #waiting = 0;
  #pollers = 0;
  #pollersIdle: (() => void) | undefined;
  #inFlightIdle: (() => void) | undefined;
  #info: ProviderInfo = {};
  #isFifo = false;
  #state: RouteHealth['state'] = 'idle';
  #lastFetchAt: number | undefined;
  #lastAckAt: number | undefined;
  #consecutiveErrors = 0;
  #lastErrorText: string | undefined;
  #lastLoggedError: string | undefined;
  readonly #handled = { deleted: 0, kept: 0, retry: 0 };

  constructor(route: Route<unknown, unknown>, deps: RouteRunnerDeps) {
    this.#route = route;
    this.#deps = deps;
    this.#logger = deps.logger.child({ route: route.name });
    this.#capacity = new CapacityClass(route.options.concurrency);
    this.#batchSize = Math.min(route.provider.maxMessagesPerFetch, route.options.concurrency);
  }

  /** The route this runner runs. */
  get route(): Route<unknown, unknown> {
    return this.#route;
  }

  /** Whether stop has been asked. */
  get isStopping(): boolean {
    return this.#pollController.signal.aborted;
  }

  /** A liveness snapshot. */
  health(): RouteHealth {
    return {
      route: this.#route.name,
      state: this.#state,
      lastFetchAt: this.#lastFetchAt,
      lastAckAt: this.#lastAckAt,
      inFlight: this.#inFlight.size - this.#waiting,
      waiting: this.#waiting,
      consecutiveErrors: this.#consecutiveErrors,
      lastError: this.#consecutiveErrors > 0 ? this.#lastErrorText : undefined,
      handled: { ...this.#handled },
    };
  }

  /**
   * Starts the provider and polls until {@link stopPolling}; with `isOnce`, fetches one batch,
   * handles it and returns. Resolves when polling ended and in-flight work settled or was abandoned
   * (see {@link drain}).
   */
  async run(isOnce: boolean): Promise<void> {
    this.#state = 'starting';
    const started = await this.#startProvider();
    if (!started) return;
    this.#state = 'running';
    const options = this.#route.options;
    this.#logger.info(
      { provider: this.#route.provider.description, concurrency: options.concurrency, isFifo: this.#isFifo },
      'route started',
    );
    this.#deps.events.emit('routeStarted', {
      route: this.#route.name,
      description: this.#route.provider.description,
    });
    if (isOnce) {
      this.#pollers = 1;
      await this.#pollOnce();
      this.#pollerExited();
      await this.#whenInFlightIdle();
      return;
    }
    this.#spawnPoller();
    await this.#whenPollersIdle();
  }

  /** Stops polling: aborts idle long polls; fetched messages not yet started are released. */
  stopPolling(): void {
    if (this.#pollController.signal.aborted) return;
    if (this.#state === 'running' || this.#state === 'starting' || this.#state === 'idle')
      this.#state = 'stopping';
    this.#pollController.abort();
  }

  /**
   * Waits for in-flight handlers until `deadlineAt` (epoch ms); then aborts their signals, waits
   * `abortGraceMs` more, and abandons the rest (their messages are not deleted). Then waits for the
   * acks and releases already handed to the provider.
   */
  async drain(deadlineAt: number, abortGraceMs: number): Promise<void> {
    this.stopPolling();
    await this.#whenPollersIdle();
    this.#releaseWaiting();
    const clock = this.#deps.clock;
    if (this.#activeCount() > 0) {
      await this.#waitInFlight(Math.max(0, deadlineAt - clock.now()));
    }
    if (this.#activeCount() > 0) {
      const reason = new HandlerAbortedError('shutdown deadline reached');
      this.#logger.warn({ inFlight: this.#activeCount() }, 'shutdown deadline reached: aborting handlers');
      for (const delivery of this.#inFlight) delivery.abort(reason);
      await this.#waitInFlight(abortGraceMs);
      for (const delivery of [...this.#inFlight]) {
        if (delivery.startedAt === 0) continue;
        delivery.isAbandoned = true;
        this.#logger.warn(
          { messageId: delivery.message.id },
          'handler ignored its aborted signal: abandoned, message not deleted',
        );
        this.#finish(delivery, 'keep', true);
      }
    }
    await this.settlePending();
    this.#state = 'stopped';
    this.#deps.events.emit('routeStopped', { route: this.#route.name });
  }

  /** Waits for acks and releases handed to the provider. */
  async settlePending(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  // ---- starting ----

  async #startProvider(): Promise<boolean> {
    const provider = this.#route.provider;
    const signal = this.#pollController.signal;
    if (provider.start === undefined) {
      this.#isFifo = this.#route.options.isFifo ?? false;
      return !signal.aborted;
    }
    for (;;) {
      if (signal.aborted) return false;
      try {
        this.#info = await provider.start({ signal });
        this.#onProviderSuccess('start');
        this.#isFifo = this.#route.options.isFifo ?? this.#info.isFifo ?? false;
        return !signal.aborted;
      } catch (error) {
        if (signal.aborted) return false;
        this.#onProviderFailure('start', error);
        await this.#deps.clock.sleep(this.#backoffMs(), signal);
      }
    }
  }

  // ---- polling ----

  #spawnPoller(): void {
    this.#pollers += 1;
    this.#poll().catch((error: unknown) => {
      this.#logger.error({ err: error }, 'poller failed unexpectedly');
    });
  }

  #pollerExited(): void {
    this.#pollers -= 1;
    if (this.#pollers === 0 && this.#pollersIdle !== undefined) {
      const resolve = this.#pollersIdle;
      this.#pollersIdle = undefined;
      resolve();
    }
  }

  #whenPollersIdle(): Promise<void> {
    if (this.#pollers === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#pollersIdle;
      this.#pollersIdle = () => {
        previous?.();
        resolve();
      };
    });
  }

  async #poll(): Promise<void> {
    let hasLeft = false;
    // Leaving is decided and counted in one synchronous step, so that pollers deciding at the same
    // time see each other and the last one always stays.
    const leaveIfNotLast = (): boolean => {
      if (this.#pollers <= 1) return false;
      hasLeft = true;
      this.#pollerExited();
      return true;
    };
    try {
      const signal = this.#pollController.signal;
      const maxPollers = this.#route.options.maxConcurrentFetches;
      while (!signal.aborted) {
        const permits = await this.#takePermits(signal);
        if (permits === 0) return;
        const messages = await this.#fetch(permits, signal);
        if (messages === undefined) {
          // Failed: one poller keeps retrying with backoff, the others leave.
          if (leaveIfNotLast()) return;
          await this.#deps.clock.sleep(this.#backoffMs(), signal);
          continue;
        }
        this.#dispatchAll(messages, permits);
        if (messages.length === 0) {
          if (leaveIfNotLast()) return;
          // A provider that answers "empty" at once (short polling) must not starve the event loop.
          await yieldToEventLoop();
        } else if (
          messages.length === this.#batchSize &&
          this.#pollers < maxPollers &&
          this.#capacity.available > 0
        ) {
          this.#spawnPoller();
        }
      }
    } finally {
      if (!hasLeft) this.#pollerExited();
    }
  }

  async #pollOnce(): Promise<void> {
    const signal = this.#pollController.signal;
    const permits = await this.#takePermits(signal);
    if (permits === 0) return;
    const messages = await this.#fetch(permits, signal);
    if (messages !== undefined) this.#dispatchAll(messages, permits);
  }

  /** Takes one permit (waiting), then up to a batch without waiting; returns 0 when stopped. */
  async #takePermits(signal: AbortSignal): Promise<number> {
    const global = this.#deps.globalCapacity;
    if (!(await this.#capacity.acquire(signal))) return 0;
    if (!(await global.acquire(signal))) {
      this.#capacity.release(1);
      return 0;
    }
    const extra = this.#capacity.tryAcquire(this.#batchSize - 1);
    if (extra === 0) return 1;
    const extraGlobal = global.tryAcquire(extra);
    if (extraGlobal < extra) this.#capacity.release(extra - extraGlobal);
    return 1 + extraGlobal;
  }

  #releasePermits(count: number): void {
    if (count <= 0) return;
    this.#capacity.release(count);
    this.#deps.globalCapacity.release(count);
  }

  async #fetch(permits: number, signal: AbortSignal): Promise<readonly InboundMessage[] | undefined> {
    try {
      const messages = await this.#route.provider.fetchMessages({ maxMessages: permits, signal });
      this.#lastFetchAt = this.#deps.clock.now();
      this.#onProviderSuccess('fetch');
      return messages;
    } catch (error) {
      this.#releasePermits(permits);
      if (signal.aborted) return [];
      this.#onProviderFailure('fetch', error);
      return undefined;
    }
  }

  #dispatchAll(messages: readonly InboundMessage[], permits: number): void {
    const count = Math.min(messages.length, permits);
    this.#releasePermits(permits - count);
    if (count < messages.length) {
      this.#logger.warn(
        { asked: permits, got: messages.length },
        'provider returned more messages than asked: releasing the extra ones',
      );
      for (const message of messages.slice(count)) this.#releaseMessage(message, 0);
    }
    const isStopping = this.#pollController.signal.aborted;
    for (let i = 0; i < count; i++) {
      const message = messages[i] as InboundMessage;
      if (isStopping) {
        // Fetched while stopping: hand it back at once rather than start new work.
        this.#releasePermits(1);
        this.#releaseMessage(message, 0);
        continue;
      }
      this.#dispatch(message);
    }
  }

  // ---- handling ----

  #dispatch(message: InboundMessage): void {
    const delivery = new Delivery(this.#route.name, message, this.#info.maxReceiveCount, this.#logger);
    this.#inFlight.add(delivery);
    const events = this.#deps.events;
    if (events.has('messageReceived')) events.emit('messageReceived', { route: this.#route.name, message });
    if (this.#isFifo && message.groupId !== undefined) {
      const queue = this.#groups.get(message.groupId);
      if (queue !== undefined) {
        queue.push(delivery);
        this.#waiting += 1;
        return;
      }
      this.#groups.set(message.groupId, []);
    }
    this.#start(delivery);
  }

  #start(delivery: Delivery): void {
    delivery.startedAt = this.#deps.clock.now() || 1;
    const timeoutMs = this.#route.options.handlerTimeoutMs;
    if (timeoutMs !== undefined) {
      delivery.timer = this.#deps.clock.setTimer(timeoutMs, () => this.#onTimeout(delivery, timeoutMs));
    }
    let outcome: Decision | PromiseLike<Decision>;
    try {
      outcome = this.#process(delivery);
    } catch (error) {
      this.#logger.error({ err: error, messageId: delivery.message.id }, 'unexpected pipeline error');
      outcome = 'keep';
    }
    if (isThenable(outcome)) {
      outcome.then(
        (decision) => this.#settle(delivery, decision),
        (error: unknown) => {
          this.#logger.error({ err: error, messageId: delivery.message.id }, 'unexpected pipeline error');
          this.#settle(delivery, 'keep');
        },
      );
    } else {
      this.#settle(delivery, outcome);
    }
  }

  /** Applies the handler's decision, unless the delivery was abandoned meanwhile. */
  #settle(delivery: Delivery, decision: Decision): void {
    if (delivery.isAbandoned) {
      this.#logger.warn(
        { messageId: delivery.message.id, decision: decision instanceof RetryAfter ? 'retry' : decision },
        'abandoned handler settled late: result ignored, message not deleted',
      );
      return;
    }
    this.#finish(delivery, decision, false);
  }

  /** Translates and handles one message; returns (or resolves to) what happens to it. */
  #process(delivery: Delivery): Decision | PromiseLike<Decision> {
    let translated: TranslatedMessage<unknown, unknown> | PromiseLike<TranslatedMessage<unknown, unknown>>;
    try {
      translated = this.#route.options.messageTranslator.translate(delivery.message);
    } catch (error) {
      return this.#fail(delivery, asTranslationError(error));
    }
    if (isThenable(translated)) {
      return Promise.resolve(translated).then(
        (value) => this.#invoke(delivery, value),
        (error: unknown) => this.#fail(delivery, asTranslationError(error)),
      );
    }
    return this.#invoke(delivery, translated);
  }

  #invoke(
    delivery: Delivery,
    translated: TranslatedMessage<unknown, unknown>,
  ): Decision | PromiseLike<Decision> {
    delivery.content = translated.content;
    delivery.metadata = translated.metadata;
    delivery.isTranslated = true;
    let result: HandlerResult | PromiseLike<HandlerResult>;
    try {
      result = this.#route.handle(translated.content, delivery);
    } catch (error) {
      return this.#onHandlerError(delivery, error);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => this.#onHandlerResult(delivery, value),
        (error: unknown) => this.#onHandlerError(delivery, error),
      );
    }
    return this.#onHandlerResult(delivery, result);
  }

  #onHandlerResult(delivery: Delivery, result: unknown): Decision | PromiseLike<Decision> {
    if (delivery.isTimedOut)
      return this.#fail(delivery, new HandlerTimeoutError(this.#route.options.handlerTimeoutMs ?? 0));
    return decide(result);
  }

  #onHandlerError(delivery: Delivery, error: unknown): Decision | PromiseLike<Decision> {
    if (delivery.isTimedOut)
      return this.#fail(delivery, new HandlerTimeoutError(this.#route.options.handlerTimeoutMs ?? 0));
    if (isDeleteMessage(error)) {
      this.#logger.info(
        { messageId: delivery.message.id, reason: error.message },
        'handler asked to delete the message',
      );
      return 'delete';
    }
    return this.#fail(delivery, error);
  }

  /** Reports a failure and asks the error handler what to do. */
  #fail(delivery: Delivery, error: unknown): Decision | PromiseLike<Decision> {
    this.#logger.error(
      { err: error, messageId: delivery.message.id, receiveCount: delivery.receiveCount },
      delivery.isTranslated ? 'handler failed' : 'message could not be translated',
    );
    this.#deps.events.emit('messageFailed', { route: this.#route.name, message: delivery.message, error });
    let result: HandlerResult | PromiseLike<HandlerResult>;
    try {
      result = this.#route.options.errorHandler(error, delivery.errorContext());
    } catch (handlerError) {
      return this.#onErrorHandlerThrew(delivery, handlerError);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(decide, (handlerError: unknown) =>
        this.#onErrorHandlerThrew(delivery, handlerError),
      );
    }
    return decide(result);
  }

  #onErrorHandlerThrew(delivery: Delivery, error: unknown): Decision {
    if (isDeleteMessage(error)) return 'delete';
    this.#logger.error({ err: error, messageId: delivery.message.id }, 'error handler threw: message kept');
    return 'keep';
  }

  #onTimeout(delivery: Delivery, timeoutMs: number): void {
    if (delivery.isFinished) return;
    delivery.isTimedOut = true;
    delivery.abort(new HandlerTimeoutError(timeoutMs));
    this.#logger.warn({ messageId: delivery.message.id, timeoutMs }, 'handler timed out: signal aborted');
    const graceMs = this.#route.options.handlerTimeoutGraceMs;
    delivery.timer = this.#deps.clock.setTimer(graceMs, () => {
      if (delivery.isFinished) return;
      delivery.isAbandoned = true;
      this.#logger.warn(
        { messageId: delivery.message.id, timeoutMs, graceMs },
        'handler ignored its aborted signal: slot freed, message not deleted unless the error handler says so',
      );
      const decision = this.#fail(delivery, new HandlerTimeoutError(timeoutMs));
      if (isThenable(decision)) {
        decision.then(
          (value) => this.#finish(delivery, value, false),
          () => this.#finish(delivery, 'keep', false),
        );
      } else {
        this.#finish(delivery, decision, false);
      }
    });
  }

  /** Applies a decision once per delivery, frees its slot and moves its FIFO group on. */
  #finish(delivery: Delivery, decision: Decision, isAbandoned: boolean): void {
    if (!this.#inFlight.has(delivery)) return;
    delivery.isFinished = true;
    delivery.timer?.cancel();
    this.#inFlight.delete(delivery);
    let outcome: MessageOutcome;
    if (decision === 'delete') {
      outcome = 'deleted';
      this.#confirm(delivery.message);
    } else if (decision instanceof RetryAfter) {
      outcome = 'retry';
      this.#releaseMessage(delivery.message, decision.delaySeconds);
    } else {
      const policy = this.#route.options.retry;
      if (policy !== undefined && !isAbandoned) {
        outcome = 'retry';
        this.#releaseMessage(delivery.message, retryDelaySeconds(policy, delivery.receiveCount));
      } else {
        outcome = 'kept';
      }
    }
    this.#handled[outcome] += 1;
    this.#releasePermits(1);
    const events = this.#deps.events;
    if (events.has('messageHandled')) {
      events.emit('messageHandled', {
        route: this.#route.name,
        message: delivery.message,
        outcome,
        durationMs: this.#deps.clock.now() - delivery.startedAt,
      });
    }
    if (this.#isFifo && delivery.message.groupId !== undefined)
      this.#advanceGroup(delivery.message.groupId, outcome);
    if (this.#inFlight.size === 0 && this.#inFlightIdle !== undefined) {
      const resolve = this.#inFlightIdle;
      this.#inFlightIdle = undefined;
      resolve();
    }
  }

  #advanceGroup(groupId: string, outcome: MessageOutcome): void {
    const queue = this.#groups.get(groupId);
    if (queue === undefined) return;
    if (outcome !== 'deleted' || this.#pollController.signal.aborted) {
      // The group's order would break if later messages ran now: hand them back behind the failed one.
      this.#groups.delete(groupId);
      for (const waiting of queue) this.#abandonWaiting(waiting);
      return;
    }
    const next = queue.shift();
    if (next === undefined) {
      this.#groups.delete(groupId);
      return;
    }
    this.#waiting -= 1;
    this.#start(next);
  }

  /** Releases messages waiting for their FIFO group (shutdown). */
  #releaseWaiting(): void {
    for (const [groupId, queue] of this.#groups) {
      if (queue.length === 0) continue;
      this.#groups.set(groupId, []);
      for (const waiting of queue) this.#abandonWaiting(waiting);
    }
  }

  #abandonWaiting(delivery: Delivery): void {
    this.#waiting -= 1;
    this.#inFlight.delete(delivery);
    delivery.isFinished = true;
    this.#releasePermits(1);
    this.#releaseMessage(delivery.message, 0);
    if (this.#inFlight.size === 0 && this.#inFlightIdle !== undefined) {
      const resolve = this.#inFlightIdle;
      this.#inFlightIdle = undefined;
      resolve();
    }
  }

  #activeCount(): number {
    return this.#inFlight.size;
  }

  #whenInFlightIdle(): Promise<void> {
    if (this.#inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#inFlightIdle;
      this.#inFlightIdle = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** Waits until no handler runs or `ms` passed, whichever comes first. */
  async #waitInFlight(ms: number): Promise<void> {
    if (this.#inFlight.size === 0) return;
    const timeout = new AbortController();
    await Promise.race([this.#whenInFlightIdle(), this.#deps.clock.sleep(ms, timeout.signal)]);
    timeout.abort();
  }

  // ---- provider I/O ----

  #track(promise: Promise<void>): void {
    this.#pending.add(promise);
    promise.then(
      () => this.#pending.delete(promise),
      () => this.#pending.delete(promise),
    );
  }

  #confirm(message: InboundMessage): void {
    let promise: Promise<void>;
    try {
      promise = this.#route.provider.confirmMessage(message);
    } catch (error) {
      promise = Promise.reject(error);
    }
    this.#track(
      promise.then(
        () => {
          this.#lastAckAt = this.#deps.clock.now();
          const events = this.#deps.events;
          if (events.has('messageAcked')) events.emit('messageAcked', { route: this.#route.name, message });
        },
        (error: unknown) => {
          this.#logger.warn(
            { err: error, messageId: message.id },
            'delete failed: the message will be delivered again',
          );
          this.#deps.events.emit('ackFailed', { route: this.#route.name, message, error });
        },
      ),
    );
  }

  #releaseMessage(message: InboundMessage, delaySeconds: number): void {
    let promise: Promise<void>;
    try {
      promise = this.#route.provider.releaseMessage(message, { delaySeconds });
    } catch (error) {
      promise = Promise.reject(error);
    }
    this.#track(
      promise.then(
        () => {
          const events = this.#deps.events;
          if (events.has('messageReleased')) {
            events.emit('messageReleased', { route: this.#route.name, message, delaySeconds });
          }
        },
        (error: unknown) => {
          this.#logger.warn(
            { err: error, messageId: message.id, delaySeconds },
            'release failed: the message comes back after its visibility timeout',
          );
        },
      ),
    );
  }

  // ---- provider failures: logged once per state change, backed off with jitter ----

  #backoffMs(): number {
    return backoffDelayMs(this.#consecutiveErrors, {
      baseMs: BASE_BACKOFF_MS,
      maxMs: MAX_BACKOFF_MS,
      random: this.#deps.random,
    });
  }

  #onProviderFailure(operation: string, error: unknown): void {
    this.#consecutiveErrors += 1;
    const text = errorText(error);
    this.#lastErrorText = text;
    const code = isLoaferError(error) ? error.code : text;
    if (code !== this.#lastLoggedError) {
      this.#lastLoggedError = code;
      this.#logger.error(
        { err: error, operation, provider: this.#route.provider.description },
        `${operation} failed: retrying with backoff`,
      );
    } else {
      this.#logger.debug(
        { err: error, operation, failures: this.#consecutiveErrors },
        `${operation} still failing`,
      );
    }
    this.#deps.events.emit('providerFailed', { route: this.#route.name, operation, error });
  }

  #onProviderSuccess(operation: string): void {
    if (this.#consecutiveErrors === 0) return;
    const failures = this.#consecutiveErrors;
    this.#consecutiveErrors = 0;
    this.#lastLoggedError = undefined;
    this.#logger.info({ operation, failures }, `${operation} recovered`);
    this.#deps.events.emit('providerRecovered', { route: this.#route.name, operation, failures });
  }
}

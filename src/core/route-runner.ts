import type { Capacity } from './capacity.js';
import { Capacity as CapacityClass } from './capacity.js';
import type { Clock } from './clock.js';
import { ContractProcessor } from './contract.js';
import type { Decision } from './delivery.js';
import { Delivery, isThenable } from './delivery.js';
import { HandlerAbortedError, HandlerTimeoutError, isLoaferError } from './errors.js';
import type { EventHub, MessageOutcome } from './events.js';
import { FailureTracker } from './failure-tracker.js';
import { VisibilityHeartbeat } from './heartbeat.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import type { ProviderInfo } from './provider.js';
import { RetryAfter } from './retry.js';
import { retryDelaySeconds } from './retry-policy.js';
import type { Route } from './route.js';

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
  readonly handled: Readonly<Record<MessageOutcome, number>>;
}

/** How long a fetch in flight at stop may still complete before it is aborted, in ms. */
const FETCH_ABORT_GRACE_MS = 100;

/** How long a fetch waits for a full batch of free slots before it settles for fewer, in ms. */
const FETCH_COALESCE_MS = 20;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
  /**
   * The fewest permits a fetch waits for. A route with room for two batches or more fetches only
   * full batches (half its capacity stays busy meanwhile), which keeps receives at 0.1 request per
   * message at saturation; a smaller route fetches as soon as one slot is free, so that it never
   * waits for the slowest message of a batch.
   */
  readonly #minFetchSize: number;
  readonly #pollController = new AbortController();
  /**
   * Aborts fetches in flight. It lags the poll controller by FETCH_ABORT_GRACE_MS at stop: a receive
   * the broker is already answering is let through (its messages are then released), since aborting
   * it would lose them in transit until their visibility timeout; an idle long poll is aborted.
   */
  readonly #fetchController = new AbortController();
  readonly #inFlight = new Set<Delivery>();
  /** Provider calls (acks, releases, extensions) handed over and not settled yet. */
  #pendingCount = 0;
  #pendingIdle: (() => void) | undefined;
  readonly #groups = new Map<string, Delivery[]>();
  #waiting = 0;
  #pollers = 0;
  #pollersIdle: (() => void) | undefined;
  #inFlightIdle: (() => void) | undefined;
  readonly #contract: ContractProcessor;
  readonly #failures: FailureTracker;
  #heartbeat: VisibilityHeartbeat | undefined;
  #info: ProviderInfo = {};
  #isFifo = false;
  #visibilityMs = 0;
  #state: RouteHealth['state'] = 'idle';
  #lastFetchAt: number | undefined;
  #lastAckAt: number | undefined;
  readonly #handled: Record<MessageOutcome, number> = { deleted: 0, kept: 0, retry: 0, 'dead-lettered': 0 };

  constructor(route: Route<unknown, unknown>, deps: RouteRunnerDeps) {
    this.#route = route;
    this.#deps = deps;
    this.#logger = deps.logger.child({ route: route.name });
    this.#capacity = new CapacityClass(route.options.concurrency);
    this.#batchSize = Math.min(route.provider.maxMessagesPerFetch, route.options.concurrency);
    this.#minFetchSize = route.options.concurrency >= 2 * this.#batchSize ? this.#batchSize : 1;
    this.#contract = new ContractProcessor(route, this.#logger, deps.events);
    this.#failures = new FailureTracker(
      route.name,
      route.provider.description,
      this.#logger,
      deps.events,
      deps.random,
    );
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
      consecutiveErrors: this.#failures.consecutive,
      lastError: this.#failures.lastErrorText,
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
    this.#configure();
    const options = this.#route.options;
    this.#logger.info(
      {
        provider: this.#route.provider.description,
        concurrency: options.concurrency,
        isFifo: this.#isFifo,
        heartbeatIntervalMs: this.#heartbeat?.intervalMs,
        maxReceiveCount: this.#info.maxReceiveCount,
      },
      'route started',
    );
    this.#heartbeat?.start();
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

  /** Applies what the provider reported at start: FIFO, visibility heartbeat, dead-lettering. */
  #configure(): void {
    const options = this.#route.options;
    const provider = this.#route.provider;
    this.#isFifo = options.isFifo ?? this.#info.isFifo ?? false;
    const visibilitySeconds = options.visibilityTimeoutSeconds ?? this.#info.visibilityTimeoutSeconds;
    this.#visibilityMs = (visibilitySeconds ?? 0) * 1000;
    if (
      options.shouldExtendVisibility &&
      visibilitySeconds !== undefined &&
      provider.extendVisibility !== undefined
    ) {
      this.#heartbeat = new VisibilityHeartbeat({
        provider,
        clock: this.#deps.clock,
        logger: this.#logger,
        visibilitySeconds,
        maxVisibilitySeconds: options.maxVisibilitySeconds,
        track: (promise) => this.#track(promise),
        deliveries: () => this.#inFlight,
      });
    }
    if (options.onTranslationFailure === 'dead-letter') {
      if (provider.deadLetterMessage !== undefined && this.#info.deadLetterTarget !== undefined) {
        this.#contract.enableDeadLetter();
      } else {
        this.#logger.error(
          { provider: provider.description },
          'onTranslationFailure is dead-letter but the source has no dead-letter queue: using the error handler',
        );
      }
    }
  }

  /** Stops polling: aborts idle long polls; fetched messages not yet started are released. */
  stopPolling(): void {
    if (this.#pollController.signal.aborted) return;
    this.#heartbeat?.stop();
    if (this.#state === 'running' || this.#state === 'starting' || this.#state === 'idle')
      this.#state = 'stopping';
    this.#pollController.abort();
    // A real timer, not the injected clock: this is about bytes on the wire, not the pipeline's time.
    // It keeps the process alive for at most the grace, until the fetches in flight are done.
    const timer = setTimeout(() => this.#fetchController.abort(), FETCH_ABORT_GRACE_MS);
    void this.#whenPollersIdle().then(() => {
      clearTimeout(timer);
      this.#fetchController.abort();
    });
  }

  /**
   * Waits for in-flight handlers until `deadlineAt` (epoch ms); then aborts their signals, waits
   * `abortGraceMs` more, and abandons the rest (their messages are not deleted). Then waits for the
   * acks and releases already handed to the provider.
   */
  async drain(deadlineAt: number, abortGraceMs: number): Promise<void> {
    this.stopPolling();
    // Unstarted messages go back at once; fetches still in flight release theirs as they land.
    this.#releaseWaiting();
    await this.#whenPollersIdle();
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
    if (this.#pendingCount === 0) return;
    await new Promise<void>((resolve) => {
      const previous = this.#pendingIdle;
      this.#pendingIdle = () => {
        previous?.();
        resolve();
      };
    });
  }

  // ---- starting ----

  async #startProvider(): Promise<boolean> {
    const provider = this.#route.provider;
    const signal = this.#pollController.signal;
    if (provider.start === undefined) return !signal.aborted;
    for (;;) {
      if (signal.aborted) return false;
      try {
        this.#info = await provider.start({ signal, logger: this.#logger });
        this.#failures.succeeded('start');
        return !signal.aborted;
      } catch (error) {
        if (signal.aborted) return false;
        this.#failures.failed('start', error);
        await this.#deps.clock.sleep(this.#failures.backoffMs(), signal);
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
          await this.#deps.clock.sleep(this.#failures.backoffMs(), signal);
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

  /**
   * Takes the permits for one fetch: waits for `#minFetchSize` together — but no longer than
   * FETCH_COALESCE_MS, then settles for one — and takes up to a batch without waiting. Returns 0
   * when stopped.
   */
  async #takePermits(signal: AbortSignal): Promise<number> {
    const global = this.#deps.globalCapacity;
    let wanted = Math.min(this.#minFetchSize, global.limit);
    if (!(await this.#acquireBoth(signal, wanted))) {
      if (signal.aborted || wanted === 1) return 0;
      wanted = 1;
      if (!(await this.#acquireBoth(signal, 1))) return 0;
    }
    const extra = this.#capacity.tryAcquire(this.#batchSize - wanted);
    if (extra === 0) return wanted;
    const extraGlobal = global.tryAcquire(extra);
    if (extraGlobal < extra) this.#capacity.release(extra - extraGlobal);
    return wanted + extraGlobal;
  }

  /**
   * Takes `count` route and global permits. When more than one is wanted, gives up after
   * FETCH_COALESCE_MS so that a nearly full route still fills its last slots.
   */
  async #acquireBoth(signal: AbortSignal, count: number): Promise<boolean> {
    const global = this.#deps.globalCapacity;
    if (count === 1) {
      if (!(await this.#capacity.acquire(signal, 1))) return false;
      if (await global.acquire(signal, 1)) return true;
      this.#capacity.release(1);
      return false;
    }
    const clock = this.#deps.clock;
    if (!(await this.#capacity.acquireWithin(signal, count, clock, FETCH_COALESCE_MS))) return false;
    if (
      global.tryAcquireAll(count) ||
      (await global.acquireWithin(signal, count, clock, FETCH_COALESCE_MS))
    ) {
      return true;
    }
    this.#capacity.release(count);
    return false;
  }

  #releasePermits(count: number): void {
    if (count <= 0) return;
    this.#capacity.release(count);
    this.#deps.globalCapacity.release(count);
  }

  async #fetch(permits: number, signal: AbortSignal): Promise<readonly InboundMessage[] | undefined> {
    try {
      const messages = await this.#route.provider.fetchMessages({
        maxMessages: permits,
        signal: this.#fetchController.signal,
      });
      this.#lastFetchAt = this.#deps.clock.now();
      this.#failures.succeeded('fetch');
      return messages;
    } catch (error) {
      this.#releasePermits(permits);
      if (signal.aborted) return [];
      this.#failures.failed('fetch', error);
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
    const delivery = new Delivery(
      this.#route.name,
      message,
      this.#info.maxReceiveCount,
      this.#logger,
      this.#deps.clock.now(),
      this.#visibilityMs,
    );
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
      outcome = this.#contract.process(delivery);
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
      const decision = this.#contract.fail(delivery, new HandlerTimeoutError(timeoutMs));
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
    } else if (decision === 'dead-letter') {
      outcome = 'dead-lettered';
      this.#deadLetter(delivery);
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
    this.#pendingCount += 1;
    promise.then(this.#settled, this.#settled);
  }

  readonly #settled = (): void => {
    this.#pendingCount -= 1;
    if (this.#pendingCount === 0 && this.#pendingIdle !== undefined) {
      const resolve = this.#pendingIdle;
      this.#pendingIdle = undefined;
      resolve();
    }
  };

  #confirm(message: InboundMessage): void {
    let promise: Promise<void>;
    try {
      promise = this.#route.provider.confirmMessage(message);
    } catch (error) {
      promise = Promise.reject(error);
    }
    // The hot path: one callback pair per ack, counted without a Set or a second promise.
    this.#pendingCount += 1;
    promise.then(
      () => {
        this.#lastAckAt = this.#deps.clock.now();
        const events = this.#deps.events;
        if (events.has('messageAcked')) events.emit('messageAcked', { route: this.#route.name, message });
        this.#settled();
      },
      (error: unknown) => {
        this.#logger.warn(
          { err: error, messageId: message.id },
          'delete failed: the message will be delivered again',
        );
        this.#deps.events.emit('ackFailed', { route: this.#route.name, message, error });
        this.#settled();
      },
    );
  }

  #deadLetter(delivery: Delivery): void {
    const { message } = delivery;
    const failure = delivery.failure;
    const code = isLoaferError(failure) ? failure.code : 'LOAFER_ERR_TRANSLATION_FAILED';
    const reason = failure instanceof Error ? failure.message : 'message cannot be translated';
    const deadLetterMessage = this.#route.provider.deadLetterMessage;
    if (deadLetterMessage === undefined) return;
    let promise: Promise<void>;
    try {
      promise = deadLetterMessage.call(this.#route.provider, message, { reason, code });
    } catch (error) {
      promise = Promise.reject(error);
    }
    this.#track(
      promise.then(
        () => {
          this.#logger.warn(
            { messageId: message.id, code, deadLetterTarget: this.#info.deadLetterTarget },
            'message moved to the dead-letter queue',
          );
          this.#deps.events.emit('messageDeadLettered', { route: this.#route.name, message, reason, code });
        },
        (error: unknown) => {
          this.#logger.error(
            { err: error, messageId: message.id, code },
            'moving the message to the dead-letter queue failed: it stays in the queue',
          );
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
}

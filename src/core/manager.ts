import { Capacity } from './capacity.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { ConfigurationError, LoaferError } from './errors.js';
import type { LoaferEventName, LoaferListener } from './events.js';
import { EventHub } from './events.js';
import type { Logger } from './logger.js';
import { createDefaultLogger } from './logger.js';
import type { Provider } from './provider.js';
import type { Route } from './route.js';
import type { RouteHealth } from './route-runner.js';
import { RouteRunner } from './route-runner.js';
import { checkClock, checkFunction, checkInteger, checkObject, checkThat } from './validate.js';

/** Options of a {@link Manager}. */
export interface ManagerOptions {
  /** The routes to run; at least one, with unique names. */
  // biome-ignore lint/suspicious/noExplicitAny: routes of any content and metadata types run together.
  readonly routes: readonly Route<any, any>[];
  /**
   * The most messages handled at once across all routes (each route also has its own limit).
   *
   * @defaultValue no global limit: the sum of the routes' limits
   */
  readonly concurrency?: number;
  /**
   * How long `stop()` lets in-flight handlers finish before it aborts their signals, in milliseconds.
   *
   * @defaultValue 30000
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * After the shutdown deadline aborted their signals, how long handlers still get to settle before
   * they are abandoned (their messages are not deleted), in milliseconds.
   *
   * @defaultValue 2000
   */
  readonly shutdownAbortGraceMs?: number;
  /**
   * Where loafer logs: pino or anything with pino's method shape.
   *
   * @defaultValue pino at `info` on stdout
   */
  readonly logger?: Logger;
  /**
   * Time as the pipeline sees it; tests pass `ManualClock` from `loafer/testing`.
   *
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
  /**
   * Random numbers in [0, 1) for backoff jitter.
   *
   * @defaultValue Math.random
   */
  readonly random?: () => number;
}

/** The options of a {@link Manager} after defaults and validation. */
export interface ResolvedManagerOptions {
  // biome-ignore lint/suspicious/noExplicitAny: see ManagerOptions.routes.
  readonly routes: readonly Route<any, any>[];
  readonly concurrency: number;
  readonly shutdownTimeoutMs: number;
  readonly shutdownAbortGraceMs: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: () => number;
}

/**
 * Applies defaults to manager options and validates them.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveManagerOptions(options: ManagerOptions): ResolvedManagerOptions {
  checkObject('options', options);
  checkThat(
    Array.isArray(options.routes) && options.routes.length > 0,
    'routes',
    'a non-empty array of routes',
    options.routes,
  );
  const names = new Set<string>();
  for (const route of options.routes) {
    checkThat(
      typeof route === 'object' && route !== null && typeof route.name === 'string' && 'options' in route,
      'routes',
      'an array of Route instances',
      route,
    );
    if (names.has(route.name)) {
      throw new ConfigurationError(
        'routes',
        `Expected route names to be unique, got \`${route.name}\` twice`,
      );
    }
    names.add(route.name);
  }
  const logger = options.logger ?? createDefaultLogger();
  checkThat(
    typeof logger === 'object' &&
      logger !== null &&
      typeof logger.info === 'function' &&
      typeof logger.child === 'function',
    'logger',
    'a logger with pino’s methods (debug, info, warn, error, child)',
    options.logger,
  );
  return {
    routes: options.routes,
    concurrency:
      options.concurrency === undefined
        ? Number.POSITIVE_INFINITY
        : checkInteger('concurrency', options.concurrency, 0, { min: 1 }),
    shutdownTimeoutMs: checkInteger('shutdownTimeoutMs', options.shutdownTimeoutMs, 30_000, { min: 0 }),
    shutdownAbortGraceMs: checkInteger('shutdownAbortGraceMs', options.shutdownAbortGraceMs, 2000, {
      min: 0,
    }),
    logger,
    clock: checkClock('clock', options.clock, systemClock),
    random: checkFunction('random', options.random, Math.random),
  };
}

/** A snapshot of the manager's liveness, for liveness and readiness probes. */
export interface ManagerHealth {
  /** `idle` before run, `running`, `stopping`, `stopped`. */
  readonly state: 'idle' | 'running' | 'stopping' | 'stopped';
  /** One entry per route. */
  readonly routes: readonly RouteHealth[];
}

/**
 * The manager: runs one or more routes with a global and per-route concurrency limit, forever or
 * once, and stops them gracefully.
 *
 * @example
 * ```ts
 * const manager = new Manager({ routes: [route] });
 * process.once('SIGTERM', () => void manager.stop());
 * await manager.run();
 * ```
 */
export class Manager {
  readonly #options: ResolvedManagerOptions;
  readonly #events: EventHub;
  readonly #runners: RouteRunner[];
  #state: ManagerHealth['state'] = 'idle';
  #running: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  /**
   * @param options - see {@link ManagerOptions}.
   * @throws {ConfigurationError} when an option is invalid.
   */
  constructor(options: ManagerOptions) {
    this.#options = resolveManagerOptions(options);
    this.#events = new EventHub(this.#options.logger);
    const globalCapacity = new Capacity(this.#options.concurrency);
    this.#runners = this.#options.routes.map(
      (route) =>
        new RouteRunner(route, {
          globalCapacity,
          logger: this.#options.logger,
          events: this.#events,
          clock: this.#options.clock,
          random: this.#options.random,
        }),
    );
  }

  /** The manager's options after defaults. */
  get options(): ResolvedManagerOptions {
    return this.#options;
  }

  /**
   * Listens to an event; returns a function that removes the listener. A throwing listener is logged
   * and never breaks the pipeline.
   */
  on<E extends LoaferEventName>(event: E, listener: LoaferListener<E>): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Runs every route until {@link stop} is called. Resolves once everything stopped.
   *
   * @throws {LoaferError} `LOAFER_ERR_MANAGER_ALREADY_RUNNING` when called twice.
   */
  run(): Promise<void> {
    return this.#begin(false);
  }

  /**
   * Fetches one batch per route, handles it, then stops (flushes acks, stops providers and
   * handlers). Useful for jobs and tests.
   *
   * @throws {LoaferError} `LOAFER_ERR_MANAGER_ALREADY_RUNNING` when called twice.
   */
  runOnce(): Promise<void> {
    return this.#begin(true);
  }

  /**
   * Stops gracefully: stops polling (idle long polls are aborted), hands back fetched messages that
   * were not started, lets in-flight handlers finish until `shutdownTimeoutMs`, then aborts them,
   * flushes acks, and stops providers and handlers. Idempotent: every call returns the same promise.
   */
  stop(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    this.#stopping = this.#shutdown();
    return this.#stopping;
  }

  /** Per route: the last fetch and ack, in-flight count, consecutive errors. */
  health(): ManagerHealth {
    return { state: this.#state, routes: this.#runners.map((runner) => runner.health()) };
  }

  #begin(isOnce: boolean): Promise<void> {
    if (this.#running !== undefined || this.#stopping !== undefined) {
      return Promise.reject(
        new LoaferError(
          'LOAFER_ERR_MANAGER_ALREADY_RUNNING',
          'this manager has already run; create a new one',
        ),
      );
    }
    this.#state = 'running';
    const logger = this.#options.logger;
    logger.info({ routes: this.#runners.map((runner) => runner.route.name), isOnce }, 'loafer started');
    const running = Promise.all(this.#runners.map((runner) => runner.run(isOnce))).then(() => undefined);
    this.#running = running;
    if (isOnce) return running.then(() => this.stop());
    return running.then(() => this.#stopping);
  }

  async #shutdown(): Promise<void> {
    const logger = this.#options.logger;
    this.#state = 'stopping';
    logger.info({ shutdownTimeoutMs: this.#options.shutdownTimeoutMs }, 'loafer stopping');
    for (const runner of this.#runners) runner.stopPolling();
    const deadlineAt = this.#options.clock.now() + this.#options.shutdownTimeoutMs;
    await Promise.all(
      this.#runners.map((runner) => runner.drain(deadlineAt, this.#options.shutdownAbortGraceMs)),
    );
    const providers = new Set<Provider>(this.#runners.map((runner) => runner.route.provider));
    for (const provider of providers) {
      try {
        await provider.stop();
      } catch (error) {
        logger.error({ err: error, provider: provider.description }, 'provider stop failed');
      }
    }
    for (const runner of this.#runners) await runner.settlePending();
    const handlers = new Set<unknown>();
    for (const runner of this.#runners) {
      const handler = runner.route.options.handler;
      if (handlers.has(handler)) continue;
      handlers.add(handler);
      try {
        await runner.route.stopHandler();
      } catch (error) {
        logger.error({ err: error, route: runner.route.name }, 'handler stop failed');
      }
    }
    await this.#running;
    this.#state = 'stopped';
    logger.info({}, 'loafer stopped');
  }
}

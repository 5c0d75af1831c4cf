import type { ErrorHandler, Handler, HandlerContext, HandlerResult } from './handler.js';
import { keepMessageOnError } from './handler.js';
import type { MessageMetadata } from './message.js';
import type { Provider } from './provider.js';
import type { RetryDelayFunction, RetryPolicy } from './retry-policy.js';
import { resolveRetryPolicy } from './retry-policy.js';
import type { MessageTranslator } from './translator.js';
import {
  checkBoolean,
  checkChoice,
  checkFunction,
  checkInteger,
  checkObject,
  checkString,
  checkThat,
  describeValue,
} from './validate.js';

/**
 * Options of a {@link Route}.
 *
 * @typeParam Content - what the translator produces and the handler receives.
 * @typeParam Metadata - the translator's metadata type.
 */
export interface RouteOptions<Content, Metadata = MessageMetadata> {
  /** The route's name, used in logs, events and health. Unique within a manager. */
  readonly name: string;
  /** Where messages come from. */
  readonly provider: Provider;
  /** Turns each fetched message into `{ content, metadata }`. */
  readonly messageTranslator: MessageTranslator<Content, Metadata>;
  /** The user's code; its return value decides the ack. */
  readonly handler: Handler<Content, Metadata>;
  /**
   * Called when translation or the handler fails; its return value decides the ack.
   *
   * @defaultValue an error handler that returns `false` (the message is kept for redelivery)
   */
  readonly errorHandler?: ErrorHandler;
  /**
   * The most messages of this route handled at once.
   *
   * @defaultValue 10
   */
  readonly concurrency?: number;
  /**
   * The most fetches (long polls) in flight at once. More than one runs only while receives come back
   * full and free capacity exceeds one batch.
   *
   * @defaultValue `ceil(concurrency / provider.maxMessagesPerFetch)`
   */
  readonly maxConcurrentFetches?: number;
  /**
   * Aborts the handler's signal with a `HandlerTimeoutError` after this many milliseconds; the
   * message is then not deleted unless the error handler says so. Off when undefined.
   */
  readonly handlerTimeoutMs?: number;
  /**
   * How long a handler that ignores its aborted signal may keep its concurrency slot after a timeout,
   * in milliseconds. After that it is reported and abandoned: its message is not deleted, and its
   * late result is ignored.
   *
   * @defaultValue 5000
   */
  readonly handlerTimeoutGraceMs?: number;
  /**
   * When a message fails (false, a throw, a timeout), set its visibility from its receive count so
   * that it comes back sooner (or later) than the queue's visibility timeout. Off when undefined: the
   * message comes back after the visibility timeout.
   */
  readonly retry?: RetryPolicy;
  /**
   * Keep messages hidden while their handlers run by extending their visibility ahead of expiry
   * (when the provider can, and the visibility timeout is known).
   *
   * @defaultValue true
   */
  readonly shouldExtendVisibility?: boolean;
  /**
   * The visibility timeout of the route's messages, in seconds; the heartbeat extends by this much.
   *
   * @defaultValue what the provider reports (the queue's `VisibilityTimeout` for SQS)
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * The most a message may stay hidden in all while its handler runs, counted from its receipt, in
   * seconds. When reached, the handler's signal is aborted. SQS's own limit is 12 hours.
   *
   * @defaultValue 43200
   */
  readonly maxVisibilitySeconds?: number;
  /**
   * What to do with a message that cannot be translated (not JSON, no SNS envelope, fails the
   * schema): give it to the `error-handler` (kept unless it says otherwise), or move it straight to
   * the queue's `dead-letter` queue with the reason attached, then delete it — logged, never silent.
   * Falls back to the error handler when the provider has no dead-letter queue.
   *
   * @defaultValue 'error-handler'
   */
  readonly onTranslationFailure?: 'error-handler' | 'dead-letter';
  /**
   * Handle messages of one FIFO group one after another, in order. On by default when the provider
   * reports a FIFO source.
   *
   * @defaultValue the provider's `isFifo`
   */
  readonly isFifo?: boolean;
}

/** The options of a {@link Route} after defaults and validation. */
export interface ResolvedRouteOptions<Content, Metadata> {
  readonly name: string;
  readonly provider: Provider;
  readonly messageTranslator: MessageTranslator<Content, Metadata>;
  readonly handler: Handler<Content, Metadata>;
  readonly errorHandler: ErrorHandler;
  readonly concurrency: number;
  readonly maxConcurrentFetches: number;
  readonly handlerTimeoutMs: number | undefined;
  readonly handlerTimeoutGraceMs: number;
  readonly retry: { readonly delaySeconds: RetryDelayFunction } | undefined;
  readonly isFifo: boolean | undefined;
  readonly shouldExtendVisibility: boolean;
  readonly visibilityTimeoutSeconds: number | undefined;
  readonly maxVisibilitySeconds: number;
  readonly onTranslationFailure: 'error-handler' | 'dead-letter';
}

/**
 * Applies defaults to route options and validates them.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveRouteOptions<Content, Metadata>(
  options: RouteOptions<Content, Metadata>,
): ResolvedRouteOptions<Content, Metadata> {
  checkObject('options', options);
  const name = checkString('name', options.name, undefined);
  checkThat(name !== undefined, 'name', 'a non-empty string', options.name);
  const provider = options.provider as Partial<Provider> | undefined;
  checkThat(
    typeof provider === 'object' &&
      provider !== null &&
      typeof provider.fetchMessages === 'function' &&
      typeof provider.confirmMessage === 'function' &&
      typeof provider.releaseMessage === 'function' &&
      typeof provider.stop === 'function',
    'provider',
    'a provider (an object with fetchMessages, confirmMessage, releaseMessage and stop)',
    options.provider,
  );
  const translator = options.messageTranslator as Partial<MessageTranslator> | undefined;
  checkThat(
    typeof translator === 'object' && translator !== null && typeof translator.translate === 'function',
    'messageTranslator',
    'a message translator (an object with translate())',
    options.messageTranslator,
  );
  const handler = options.handler as unknown;
  checkThat(
    typeof handler === 'function' ||
      (typeof handler === 'object' &&
        handler !== null &&
        typeof (handler as { handle?: unknown }).handle === 'function'),
    'handler',
    'a function or an object with handle()',
    handler,
  );
  const concurrency = checkInteger('concurrency', options.concurrency, 10, { min: 1 });
  const perFetch = (options.provider as Provider).maxMessagesPerFetch;
  checkThat(
    Number.isInteger(perFetch) && perFetch >= 1,
    'provider.maxMessagesPerFetch',
    'an integer >= 1',
    perFetch,
  );
  const maxConcurrentFetches = checkInteger(
    'maxConcurrentFetches',
    options.maxConcurrentFetches,
    Math.ceil(concurrency / perFetch),
    { min: 1 },
  );
  const handlerTimeoutMs =
    options.handlerTimeoutMs === undefined
      ? undefined
      : checkInteger('handlerTimeoutMs', options.handlerTimeoutMs, 0, { min: 1 });
  const handlerTimeoutGraceMs = checkInteger('handlerTimeoutGraceMs', options.handlerTimeoutGraceMs, 5000, {
    min: 0,
  });
  const retry = options.retry === undefined ? undefined : resolveRetryPolicy(options.retry);
  const isFifo = options.isFifo === undefined ? undefined : checkBoolean('isFifo', options.isFifo, false);
  const visibilityTimeoutSeconds =
    options.visibilityTimeoutSeconds === undefined
      ? undefined
      : checkInteger('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds, 0, {
          min: 1,
          max: 43_200,
        });
  return {
    name: name as string,
    provider: options.provider,
    messageTranslator: options.messageTranslator,
    handler: options.handler,
    errorHandler: checkFunction('errorHandler', options.errorHandler, keepMessageOnError),
    concurrency,
    maxConcurrentFetches,
    handlerTimeoutMs,
    handlerTimeoutGraceMs,
    retry,
    isFifo,
    shouldExtendVisibility: checkBoolean('shouldExtendVisibility', options.shouldExtendVisibility, true),
    visibilityTimeoutSeconds,
    maxVisibilitySeconds: checkInteger('maxVisibilitySeconds', options.maxVisibilitySeconds, 43_200, {
      min: 1,
      max: 43_200,
    }),
    onTranslationFailure: checkChoice(
      'onTranslationFailure',
      options.onTranslationFailure,
      ['error-handler', 'dead-letter'],
      'error-handler',
    ),
  };
}

/**
 * A route: a provider, a message translator, a handler and an error handler, with a name and
 * per-route limits. A manager runs one or more routes.
 *
 * @typeParam Content - what the translator produces and the handler receives.
 * @typeParam Metadata - the translator's metadata type.
 *
 * @example
 * ```ts
 * const route = new Route({
 *   name: 'orders',
 *   provider: new SqsProvider({ queue: 'orders' }),
 *   messageTranslator: jsonTranslator(),
 *   handler: async (order) => { await save(order); return true; },
 * });
 * ```
 */
export class Route<Content = unknown, Metadata = MessageMetadata> {
  readonly #options: ResolvedRouteOptions<Content, Metadata>;
  readonly #handle: (
    content: Content,
    context: HandlerContext<Metadata>,
  ) => HandlerResult | PromiseLike<HandlerResult>;

  /**
   * @param options - see {@link RouteOptions}.
   * @throws {ConfigurationError} when an option is invalid.
   */
  constructor(options: RouteOptions<Content, Metadata>) {
    this.#options = resolveRouteOptions(options);
    const handler = this.#options.handler;
    this.#handle =
      typeof handler === 'function' ? handler : (content, context) => handler.handle(content, context);
  }

  /** The route's name. */
  get name(): string {
    return this.#options.name;
  }

  /** The route's provider. */
  get provider(): Provider {
    return this.#options.provider;
  }

  /** The route's options after defaults. */
  get options(): ResolvedRouteOptions<Content, Metadata> {
    return this.#options;
  }

  /** Calls the handler for one message. */
  handle(content: Content, context: HandlerContext<Metadata>): HandlerResult | PromiseLike<HandlerResult> {
    return this.#handle(content, context);
  }

  /** Calls the handler's `stop()`, when it has one. */
  async stopHandler(): Promise<void> {
    const handler = this.#options.handler;
    if (typeof handler === 'object' && typeof handler.stop === 'function') await handler.stop();
  }

  /** A short description for logs. */
  toString(): string {
    return `Route(${describeValue(this.#options.name)})`;
  }
}

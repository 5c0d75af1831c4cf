// loafer's Sentry error handler: reports the error with the message attached, then answers the ack
// question with `deleteMessage`. `@sentry/node` is an optional peer dependency: it is given by the
// caller or loaded on demand; only structural types are used here, so loafer's types never require it.
import { ConfigurationError, isLoaferError } from '../core/errors.js';
import type { ErrorContext, ErrorHandler } from '../core/handler.js';
import type { MessageAttribute } from '../core/message.js';
import { checkBoolean, checkInteger, checkObject, checkThat } from '../core/validate.js';

/** The part of a Sentry scope the error handler uses (`@sentry/node`'s `Scope` has it). */
export interface SentryScopeLike {
  /** Sets a searchable tag. */
  setTag(key: string, value: string): unknown;
  /** Sets a structured context, shown on the event page. */
  setContext(name: string, context: Record<string, unknown> | null): unknown;
  /** Sets an extra value. */
  setExtra(key: string, extra: unknown): unknown;
}

/** Per-event data passed to `captureException` when the Sentry object has no `withScope`. */
export interface SentryCaptureContext {
  readonly tags?: Record<string, string>;
  readonly contexts?: Record<string, Record<string, unknown>>;
  readonly extra?: Record<string, unknown>;
}

/**
 * What the error handler needs from Sentry: the `@sentry/node` module itself
 * (`import * as Sentry from '@sentry/node'`), or a hub-like object with `captureException` and,
 * preferably, `withScope`.
 */
export interface SentryLike {
  /** Reports an exception; returns the event id. */
  captureException(exception: unknown, captureContext?: SentryCaptureContext): string;
  /** Runs `callback` with a fresh scope in which `captureException` reports. */
  withScope?(callback: (scope: SentryScopeLike) => void): unknown;
}

/** Options of {@link sentryErrorHandler}. */
export interface SentryErrorHandlerOptions {
  /**
   * The Sentry SDK to report to: `import * as Sentry from '@sentry/node'` (initialised with
   * `Sentry.init()`), or a hub-like object with `captureException` (and `withScope`).
   *
   * @defaultValue `@sentry/node`, loaded with a dynamic import at the first error; if it is not
   * installed the error handler throws a `ConfigurationError` (and the message is kept)
   */
  readonly sentry?: SentryLike;
  /**
   * What the error handler returns after reporting: `true` deletes the message, `false` leaves it for
   * redelivery (and, after `maxReceiveCount`, the dead-letter queue). loafer's `delete_message`.
   *
   * @defaultValue false
   */
  readonly deleteMessage?: boolean;
  /**
   * Attach the message body to the event (extra `message.body`). Sentry is where failing messages are
   * meant to be looked at; turn this off when bodies carry data that must not leave the service.
   *
   * @defaultValue true
   */
  readonly includeBody?: boolean;
  /**
   * The longest body attached, in characters; longer bodies are cut and marked as truncated (Sentry
   * drops events that are too large).
   *
   * @defaultValue 16384
   */
  readonly maxBodyChars?: number;
}

/** {@link SentryErrorHandlerOptions} after defaults and validation. */
export interface ResolvedSentryErrorHandlerOptions {
  readonly sentry: SentryLike | undefined;
  readonly deleteMessage: boolean;
  readonly includeBody: boolean;
  readonly maxBodyChars: number;
}

/**
 * Applies defaults to Sentry error handler options and validates them. Loads nothing.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveSentryErrorHandlerOptions(
  options: SentryErrorHandlerOptions = {},
): ResolvedSentryErrorHandlerOptions {
  checkObject('options', options);
  const sentry = options.sentry;
  checkThat(
    sentry === undefined ||
      ((typeof sentry === 'object' || typeof sentry === 'function') &&
        sentry !== null &&
        typeof sentry.captureException === 'function' &&
        (sentry.withScope === undefined || typeof sentry.withScope === 'function')),
    'sentry',
    'the @sentry/node module or an object with captureException()',
    sentry,
  );
  return {
    sentry,
    deleteMessage: checkBoolean('deleteMessage', options.deleteMessage, false),
    includeBody: checkBoolean('includeBody', options.includeBody, true),
    maxBodyChars: checkInteger('maxBodyChars', options.maxBodyChars, 16_384, { min: 0 }),
  };
}

/**
 * Loads `@sentry/node` with a dynamic import.
 *
 * @param importer - how to import it (tests pass a failing one).
 * @throws {ConfigurationError} (option `sentry`) when it cannot be loaded.
 */
export async function loadSentry(
  importer: () => Promise<unknown> = () => import('@sentry/node'),
): Promise<SentryLike> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw Object.assign(
      new ConfigurationError(
        'sentry',
        `sentryErrorHandler() needs @sentry/node: install it (npm install @sentry/node) or pass \`sentry\` (${reason})`,
      ),
      { cause: error },
    );
  }
  const sentry = loaded as Partial<SentryLike> | null;
  if (typeof sentry?.captureException !== 'function') {
    throw new ConfigurationError('sentry', 'the loaded @sentry/node module has no captureException()');
  }
  return sentry as SentryLike;
}

function attributeText(attribute: MessageAttribute): string {
  switch (attribute.dataType) {
    case 'Binary':
      return `<${attribute.value.byteLength} bytes>`;
    case 'Number':
    case 'String.Array':
      return attribute.text;
    default:
      return attribute.value;
  }
}

/** The data attached to a Sentry event for one failed message. */
export interface SentryEventData {
  readonly tags: Record<string, string>;
  readonly contexts: { readonly loafer: Record<string, unknown> };
  readonly extra: { readonly message: Record<string, unknown> };
}

/** Builds what is attached to the event: tags, the `loafer` context, and the message as an extra. */
export function sentryEventData(
  error: unknown,
  context: ErrorContext,
  options: Pick<ResolvedSentryErrorHandlerOptions, 'includeBody' | 'maxBodyChars'>,
): SentryEventData {
  const { message } = context;
  const tags: Record<string, string> = { 'loafer.route': context.route };
  if (isLoaferError(error)) tags['loafer.error_code'] = error.code;
  const loafer: Record<string, unknown> = {
    route: context.route,
    messageId: message.id,
    receiveCount: context.receiveCount,
    isLastAttempt: context.isLastAttempt,
  };
  if (message.groupId !== undefined) loafer.groupId = message.groupId;
  const attached: Record<string, unknown> = {
    id: message.id,
    attributes: Object.fromEntries(
      Object.entries(message.attributes).map(([name, attribute]) => [name, attributeText(attribute)]),
    ),
  };
  if (options.includeBody) {
    const isTruncated = message.body.length > options.maxBodyChars;
    attached.body = isTruncated ? message.body.slice(0, options.maxBodyChars) : message.body;
    if (isTruncated) attached.bodyTruncatedFrom = message.body.length;
  }
  return { tags, contexts: { loafer }, extra: { message: attached } };
}

/**
 * loafer's Sentry error handler (Python's `sentry_handler(sdk_or_hub, delete_message=False)`): reports
 * the error to Sentry with the failed message attached — tag `loafer.route` (and `loafer.error_code`),
 * context `loafer` (route, message id, receive count, last attempt, group), extra `message` (id,
 * attributes and, unless `includeBody: false`, the body) — then returns `deleteMessage`.
 *
 * @example
 * ```ts
 * import * as Sentry from '@sentry/node';
 * Sentry.init({ dsn: process.env.SENTRY_DSN });
 * new Route({ ..., errorHandler: sentryErrorHandler({ sentry: Sentry }) });
 * ```
 * @throws {ConfigurationError} when an option is invalid.
 */
export function sentryErrorHandler(options: SentryErrorHandlerOptions = {}): ErrorHandler {
  const resolved = resolveSentryErrorHandlerOptions(options);
  let sentry: Promise<SentryLike> | undefined =
    resolved.sentry === undefined ? undefined : Promise.resolve(resolved.sentry);
  return async (error, context) => {
    sentry ??= loadSentry();
    let sdk: SentryLike;
    try {
      sdk = await sentry;
    } catch (loadError) {
      context.logger.error({ err: loadError }, 'sentry error handler cannot load @sentry/node');
      throw loadError;
    }
    const data = sentryEventData(error, context, resolved);
    let eventId: string | undefined;
    if (typeof sdk.withScope === 'function') {
      sdk.withScope((scope) => {
        for (const [key, value] of Object.entries(data.tags)) scope.setTag(key, value);
        scope.setContext('loafer', data.contexts.loafer);
        scope.setExtra('message', data.extra.message);
        eventId = sdk.captureException(error);
      });
    } else {
      eventId = sdk.captureException(error, data);
    }
    context.logger.debug({ eventId }, 'error reported to sentry');
    return resolved.deleteMessage;
  };
}

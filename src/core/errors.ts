/**
 * Every error code loafer throws or reports. Each one has a row in docs/errors.md (a test keeps the
 * two in step).
 */
export const ERROR_CODES = [
  'LOAFER_ERR_CONFIG_INVALID_OPTION',
  'LOAFER_ERR_TRANSLATION_EMPTY_BODY',
  'LOAFER_ERR_TRANSLATION_NOT_JSON',
  'LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE',
  'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED',
  'LOAFER_ERR_TRANSLATION_FAILED',
  'LOAFER_ERR_HANDLER_TIMEOUT',
  'LOAFER_ERR_HANDLER_ABORTED',
  'LOAFER_ERR_PROVIDER_REQUEST_FAILED',
  'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND',
  'LOAFER_ERR_PROVIDER_CREDENTIALS',
  'LOAFER_ERR_PROVIDER_THROTTLED',
  'LOAFER_ERR_PROVIDER_ACK_FAILED',
  'LOAFER_ERR_PROVIDER_STOPPED',
  'LOAFER_ERR_PUBLISH_FAILED',
  'LOAFER_ERR_PUBLISH_MESSAGE_TOO_LARGE',
  'LOAFER_ERR_PUBLISH_INVALID_MESSAGE',
  'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND',
  'LOAFER_ERR_MANAGER_ALREADY_RUNNING',
] as const;

/** One of the codes in {@link ERROR_CODES}. */
export type LoaferErrorCode = (typeof ERROR_CODES)[number];

/** Options accepted by every {@link LoaferError} constructor. */
export interface LoaferErrorOptions {
  /** The foreign error this one wraps; kept as is, never mutated. */
  readonly cause?: unknown;
}

/**
 * The base class of every error loafer throws. Check `code` (or use the `is…` predicates), not the
 * class name.
 */
export class LoaferError extends Error {
  /** A stable, documented code: see docs/errors.md. */
  readonly code: LoaferErrorCode;

  /**
   * @param code - the stable code of this error.
   * @param message - a readable sentence that says what went wrong.
   * @param options - `cause`, the wrapped foreign error.
   */
  constructor(code: LoaferErrorCode, message: string, options?: LoaferErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option given to a constructor or a function is invalid. Thrown at construction, never later. */
export class ConfigurationError extends LoaferError {
  /** The name of the invalid option, as the caller spelled it (`concurrency`, `route.name`...). */
  readonly option: string;

  /**
   * @param option - the option's name.
   * @param message - what was expected and what was given.
   */
  constructor(option: string, message: string) {
    super('LOAFER_ERR_CONFIG_INVALID_OPTION', message);
    this.option = option;
  }
}

/** The codes a {@link TranslationError} may carry. */
export type TranslationErrorCode =
  | 'LOAFER_ERR_TRANSLATION_EMPTY_BODY'
  | 'LOAFER_ERR_TRANSLATION_NOT_JSON'
  | 'LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE'
  | 'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED'
  | 'LOAFER_ERR_TRANSLATION_FAILED';

/** One problem found by a schema, with the path of the offending value. */
export interface SchemaIssue {
  /** What is wrong, in the validator's words. */
  readonly message: string;
  /** Where in the content, as keys and indexes from the root; empty for the root itself. */
  readonly path: readonly PropertyKey[];
}

/**
 * A message could not be turned into content for its handler: empty, not JSON, not an SNS envelope,
 * or rejected by the route's schema. It reaches the error handler; the message is not deleted unless
 * the error handler says so.
 */
export class TranslationError extends LoaferError {
  /**
   * Schema issues, when `code` is `LOAFER_ERR_TRANSLATION_SCHEMA_FAILED`; otherwise empty. In the
   * validator's words, which may quote message content: not enumerable, so that it stays out of logs.
   */
  declare readonly issues: readonly SchemaIssue[];

  /**
   * @param code - which translation problem this is.
   * @param message - the readable reason.
   * @param options - `cause` and, for schema failures, `issues`.
   */
  constructor(
    code: TranslationErrorCode,
    message: string,
    options?: LoaferErrorOptions & { readonly issues?: readonly SchemaIssue[] },
  ) {
    super(code, message, options);
    // Not enumerable: validators may quote message content in their issues, and error serializers
    // (pino's among them) copy enumerable fields into log records.
    Object.defineProperty(this, 'issues', { value: options?.issues ?? [], enumerable: false });
  }
}

/**
 * A handler ran longer than its route's `handlerTimeoutMs`. It is the reason of the handler's aborted
 * `AbortSignal`, and what the error handler receives.
 */
export class HandlerTimeoutError extends LoaferError {
  /** The timeout that expired, in milliseconds. */
  readonly timeoutMs: number;

  /** @param timeoutMs - the timeout that expired. */
  constructor(timeoutMs: number) {
    super('LOAFER_ERR_HANDLER_TIMEOUT', `handler did not settle within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A handler's work was cancelled by loafer (shutdown deadline, or its message's visibility could not
 * be kept). It is the reason of the handler's aborted `AbortSignal`.
 */
export class HandlerAbortedError extends LoaferError {
  /** @param message - why the handler was aborted. */
  constructor(message: string) {
    super('LOAFER_ERR_HANDLER_ABORTED', message);
  }
}

/** The codes a {@link ProviderError} may carry. */
export type ProviderErrorCode =
  | 'LOAFER_ERR_PROVIDER_REQUEST_FAILED'
  | 'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND'
  | 'LOAFER_ERR_PROVIDER_CREDENTIALS'
  | 'LOAFER_ERR_PROVIDER_THROTTLED'
  | 'LOAFER_ERR_PROVIDER_ACK_FAILED'
  | 'LOAFER_ERR_PROVIDER_STOPPED';

/** A provider's request to its broker failed. `isRetryable` says whether trying again may help. */
export class ProviderError extends LoaferError {
  /** Whether the same request may succeed later (network, throttling, 5xx). */
  readonly isRetryable: boolean;

  /**
   * @param code - which provider problem this is.
   * @param message - the readable reason.
   * @param options - `cause` (the broker SDK's error) and `isRetryable`.
   */
  constructor(
    code: ProviderErrorCode,
    message: string,
    options?: LoaferErrorOptions & { readonly isRetryable?: boolean },
  ) {
    super(code, message, options);
    this.isRetryable = options?.isRetryable ?? false;
  }
}

/**
 * Throw this from a handler to delete the message even though the handler did not finish its work:
 * the explicit "this message can never succeed, drop it" of loafer. It is the only exception that
 * deletes.
 *
 * @example
 * ```ts
 * if (content.version !== 2) throw new DeleteMessage('unsupported version');
 * ```
 */
export class DeleteMessage extends Error {
  /** @param reason - why the message is dropped; logged. */
  constructor(reason = 'handler asked to delete the message') {
    super(reason);
    this.name = 'DeleteMessage';
  }
}

/** Whether `error` is a {@link LoaferError} (of any code). */
export function isLoaferError(error: unknown): error is LoaferError {
  return error instanceof LoaferError;
}

/** Whether `error` is a {@link TranslationError}: the message could not be decoded for its handler. */
export function isTranslationError(error: unknown): error is TranslationError {
  return error instanceof TranslationError;
}

/** Whether `error` is a provider error that may succeed when tried again. */
export function isRetryableProviderError(error: unknown): boolean {
  return error instanceof ProviderError && error.isRetryable;
}

/** Whether `error` is the explicit {@link DeleteMessage} signal. */
export function isDeleteMessage(error: unknown): error is DeleteMessage {
  return error instanceof DeleteMessage;
}

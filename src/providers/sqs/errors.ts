// Turns AWS SDK errors into loafer's ProviderError. Every classification is a small predicate over the
// error's name, its query-compatible `Code`, its HTTP status or its Node error code; nothing else in the
// provider looks at error names.
import type { ProviderErrorCode } from '../../core/errors.js';
import { ProviderError } from '../../core/errors.js';

/** The fields of an AWS SDK v3 error that the predicates read. All optional: anything may be thrown. */
interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

const QUERY_PREFIX = 'AWS.SimpleQueueService.';

/**
 * The error's names, as the SDK reports them: its `name` and its query-compatible `Code` (SQS's JSON
 * protocol sends `AWS.SimpleQueueService.NonExistentQueue` there), prefix removed.
 */
function errorNames(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const shape = error as SdkErrorShape;
  const names: string[] = [];
  for (const value of [shape.name, shape.Code]) {
    if (typeof value !== 'string' || value.length === 0) continue;
    names.push(value.startsWith(QUERY_PREFIX) ? value.slice(QUERY_PREFIX.length) : value);
  }
  return names;
}

function hasName(error: unknown, candidates: ReadonlySet<string>): boolean {
  for (const name of errorNames(error)) if (candidates.has(name)) return true;
  return false;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as SdkErrorShape).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

const QUEUE_NOT_FOUND = new Set(['QueueDoesNotExist', 'NonExistentQueue', 'QueueDeletedRecently']);

const THROTTLING = new Set([
  'RequestThrottled',
  'RequestThrottledException',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'OverLimit',
  'KmsThrottled',
  'KMSThrottlingException',
  'KMS.ThrottlingException',
  'SlowDown',
]);

const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidSecurity',
  'AuthFailure',
  'NotAuthorized',
  'AccessDenied',
  'AccessDeniedException',
  'KmsAccessDenied',
]);

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'NotAuthorized']);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
]);

/** Names of transient failures: timeouts and the server's own errors. */
const TRANSIENT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

const STALE_RECEIPT = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight', 'InvalidReceiptHandle']);

/** Whether the queue does not exist (or was deleted moments ago). */
export function isQueueNotFoundError(error: unknown): boolean {
  return hasName(error, QUEUE_NOT_FOUND);
}

/** Whether SQS (or KMS behind it) asked the caller to slow down. */
export function isThrottlingError(error: unknown): boolean {
  if (hasName(error, THROTTLING)) return true;
  if (httpStatus(error) === 429) return true;
  const retryable = (error as SdkErrorShape | null)?.$retryable;
  return (
    typeof retryable === 'object' &&
    retryable !== null &&
    (retryable as { throttling?: unknown }).throttling === true
  );
}

/** Whether the request failed on credentials: missing, invalid, expired, or not allowed. */
export function isCredentialsError(error: unknown): boolean {
  return hasName(error, CREDENTIALS);
}

/** Whether the credentials are valid but not allowed this action (an IAM policy says no). */
export function isAccessDeniedError(error: unknown): boolean {
  return hasName(error, ACCESS_DENIED);
}

/**
 * Whether the request failed in transit or on the server's side: connection refused or reset, DNS,
 * timeouts, HTTP 5xx. Trying again later may succeed.
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const shape = error as SdkErrorShape;
  if (
    typeof shape.code === 'string' &&
    (NETWORK_CODES.has(shape.code) || shape.code.startsWith('UND_ERR_'))
  ) {
    return true;
  }
  if (hasName(error, TRANSIENT)) return true;
  const status = httpStatus(error);
  if (status !== undefined && status >= 500) return true;
  return shape.$fault === 'server' || (typeof shape.$retryable === 'object' && shape.$retryable !== null);
}

/**
 * Whether a batch entry failed because its receipt handle is no longer valid: the message was deleted,
 * or its visibility expired and someone else received it. `code` is the entry's `Code`.
 */
export function isStaleReceiptFailure(code: string | undefined, message: string | undefined): boolean {
  if (code === undefined) return false;
  const name = code.startsWith(QUERY_PREFIX) ? code.slice(QUERY_PREFIX.length) : code;
  if (STALE_RECEIPT.has(name)) return true;
  // FIFO queues and ChangeMessageVisibility on AWS say so in an InvalidParameterValue.
  return (
    name === 'InvalidParameterValue' &&
    message !== undefined &&
    /receipt handle|not available for visibility timeout change/i.test(message)
  );
}

/** Whether a batch entry's failure may succeed when tried again (the server's fault, or throttling). */
export function isRetryableEntryFailure(code: string | undefined, senderFault: boolean | undefined): boolean {
  if (senderFault === false) return true;
  return code !== undefined && (hasName({ name: code }, THROTTLING) || hasName({ name: code }, TRANSIENT));
}

/** The error's text, short and on one line (an SDK message may carry a canonical request). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const shape = error as SdkErrorShape;
  const nodeCode = typeof shape.code === 'string' ? ` (${shape.code})` : '';
  const firstLine = error.message.split('\n', 1)[0] ?? '';
  const text = firstLine.length > 200 ? `${firstLine.slice(0, 197)}...` : firstLine;
  return `${error.name}${nodeCode}: ${text}`;
}

/**
 * Wraps an SDK error in a {@link ProviderError} with the matching code:
 *
 * | SDK error | code | `isRetryable` |
 * |---|---|---|
 * | `QueueDoesNotExist` | `LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND` | false |
 * | credentials missing, invalid, expired, access denied | `LOAFER_ERR_PROVIDER_CREDENTIALS` | false |
 * | throttling (`RequestThrottled`, HTTP 429, ...) | `LOAFER_ERR_PROVIDER_THROTTLED` | true |
 * | network, timeouts, HTTP 5xx | `LOAFER_ERR_PROVIDER_REQUEST_FAILED` | true |
 * | anything else | `LOAFER_ERR_PROVIDER_REQUEST_FAILED` | false |
 *
 * A route keeps retrying every provider error with backoff; `isRetryable` tells batched acks whether
 * to try again and readers whether waiting can help. A `ProviderError` is returned as is.
 *
 * @param error - what the SDK threw.
 * @param action - what was attempted, for the message: `receive from queue orders`.
 */
export function toProviderError(error: unknown, action: string): ProviderError {
  if (error instanceof ProviderError) return error;
  let code: ProviderErrorCode;
  let isRetryable: boolean;
  if (isQueueNotFoundError(error)) {
    code = 'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND';
    isRetryable = false;
  } else if (isCredentialsError(error)) {
    code = 'LOAFER_ERR_PROVIDER_CREDENTIALS';
    isRetryable = false;
  } else if (isThrottlingError(error)) {
    code = 'LOAFER_ERR_PROVIDER_THROTTLED';
    isRetryable = true;
  } else {
    code = 'LOAFER_ERR_PROVIDER_REQUEST_FAILED';
    isRetryable = isTransientError(error);
  }
  return new ProviderError(code, `${action} failed: ${describe(error)}`, { cause: error, isRetryable });
}

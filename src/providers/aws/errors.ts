// Classifies AWS SDK v3 errors (SQS and SNS, the provider's and the publishers'), and strips them of
// what must not travel further. Every classification is a small predicate over the error's name, its
// query-compatible `Code`, its HTTP status or its Node error code; nothing else looks at error names.

/** The fields of an AWS SDK v3 error that the predicates read. All optional: anything may be thrown. */
interface AwsErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: {
    readonly httpStatusCode?: unknown;
    readonly requestId?: unknown;
    readonly attempts?: unknown;
  };
}

const QUERY_PREFIX = 'AWS.SimpleQueueService.';

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
  'KMSThrottling',
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

/** Node error codes of connections that failed or broke (undici's `UND_ERR_*` are matched apart). */
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

/**
 * The error's names, as the SDK reports them: its `name` and its query-compatible `Code` (SQS's JSON
 * protocol sends `AWS.SimpleQueueService.NonExistentQueue` there), prefix removed.
 */
function errorNames(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const shape = error as AwsErrorShape;
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
  const status = (error as AwsErrorShape).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Removes SQS's query prefix from a code (`AWS.SimpleQueueService.NonExistentQueue`). */
export function withoutQueryPrefix(code: string): string {
  return code.startsWith(QUERY_PREFIX) ? code.slice(QUERY_PREFIX.length) : code;
}

/**
 * The AWS error code of an SDK error (`QueueDoesNotExist`, `ThrottlingException`...): the SDK's
 * exception name, or a network error's `code` (`ECONNRESET`), without SQS's query prefix so that it
 * reads like the codes of failed batch entries.
 */
export function awsErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'UnknownError';
  const shape = error as AwsErrorShape;
  let code = 'UnknownError';
  if (typeof shape.name === 'string' && shape.name.length > 0 && shape.name !== 'Error') code = shape.name;
  else if (typeof shape.code === 'string' && shape.code.length > 0) code = shape.code;
  return withoutQueryPrefix(code);
}

/** The readable message of an error, or its string form. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as AwsErrorShape).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** Whether the queue does not exist (or was deleted moments ago). */
export function isQueueNotFoundError(error: unknown): boolean {
  return hasName(error, QUEUE_NOT_FOUND);
}

/** Whether AWS (or KMS behind it) asked the caller to slow down. */
export function isThrottlingError(error: unknown): boolean {
  if (hasName(error, THROTTLING)) return true;
  if (httpStatus(error) === 429) return true;
  const retryable = (error as AwsErrorShape | null)?.$retryable;
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
  const shape = error as AwsErrorShape;
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
 * Whether a whole request that failed with `error` may succeed when sent again: throttling or a
 * transient failure. A cancellation (`AbortError`) and client faults (bad parameters, missing queue,
 * no permission) are not.
 */
export function isRetryableAwsError(error: unknown): boolean {
  if ((error as AwsErrorShape | null)?.name === 'AbortError') return false;
  return isThrottlingError(error) || isTransientError(error);
}

/**
 * Whether a failed batch entry may succeed when sent again: AWS says the fault is not the sender's
 * (`SenderFault: false`), or its code is throttling or an internal error.
 */
export function isRetryableEntryFailure(code: string | undefined, senderFault: boolean | undefined): boolean {
  if (senderFault === false) return true;
  return code !== undefined && (hasName({ name: code }, THROTTLING) || hasName({ name: code }, TRANSIENT));
}

/**
 * An AWS error stripped of the raw HTTP exchange: its name, first line of message, codes, fault and
 * request metadata. The SDK's exceptions keep the signed request (`$response`), whose headers carry
 * the access key id and the session token; loafer errors wrap this copy instead, so that no logger or
 * error reporter that walks an error's fields deeply can send credentials along.
 */
export class AwsErrorSummary extends Error {
  /** The Node or undici error code (`ECONNRESET`), when there was one. */
  readonly code: string | undefined;
  /** SQS's query-compatible code (`AWS.SimpleQueueService.NonExistentQueue`), when there was one. */
  readonly Code: string | undefined;
  /** `client` or `server`, as the SDK said. */
  readonly $fault: string | undefined;
  /** The HTTP status and AWS request id, as the SDK reported them. */
  readonly $metadata: {
    readonly httpStatusCode?: number;
    readonly requestId?: string;
    readonly attempts?: number;
  };

  /** @param error - the SDK's error. */
  constructor(error: unknown) {
    const shape = (typeof error === 'object' && error !== null ? error : {}) as AwsErrorShape;
    const message = errorMessage(error).split('\n', 1)[0] ?? '';
    super(message.length > 300 ? `${message.slice(0, 297)}...` : message);
    this.name = typeof shape.name === 'string' && shape.name.length > 0 ? shape.name : 'Error';
    this.code = typeof shape.code === 'string' ? shape.code : undefined;
    this.Code = typeof shape.Code === 'string' ? shape.Code : undefined;
    this.$fault = typeof shape.$fault === 'string' ? shape.$fault : undefined;
    const metadata: { httpStatusCode?: number; requestId?: string; attempts?: number } = {};
    const source = shape.$metadata;
    if (typeof source?.httpStatusCode === 'number') metadata.httpStatusCode = source.httpStatusCode;
    if (typeof source?.requestId === 'string') metadata.requestId = source.requestId;
    if (typeof source?.attempts === 'number') metadata.attempts = source.attempts;
    this.$metadata = metadata;
    // The original stack is not copied: its first lines repeat the whole message, which for a
    // signature mismatch holds the canonical request.
  }
}

/** Returns `error` as an {@link AwsErrorSummary} (an error that is already one is returned as is). */
export function summarizeAwsError(error: unknown): AwsErrorSummary {
  return error instanceof AwsErrorSummary ? error : new AwsErrorSummary(error);
}

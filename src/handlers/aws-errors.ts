// Classifies AWS SDK v3 errors and batch-entry failures for the publishers' retry loop.

/** Error codes AWS services use for throttling (SQS, SNS, KMS behind them, and the SDK's own). */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'SlowDown',
  'PriorRequestNotComplete',
  'KmsThrottled',
  'KMSThrottlingException',
  'KMSThrottling',
]);

/** Error codes of transient service-side failures. */
const TRANSIENT_CODES = new Set([
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Node and undici error codes of connections that failed or broke. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

interface AwsErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/**
 * The AWS error code of an SDK error (`QueueDoesNotExist`, `ThrottlingException`...): the SDK's
 * exception name, or a network error's `code` (`ECONNRESET`), without SQS's `AWS.SimpleQueueService.`
 * prefix so that it reads like the codes of failed batch entries.
 */
export function awsErrorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'UnknownError';
  const shape = error as AwsErrorShape;
  let code = 'UnknownError';
  if (typeof shape.name === 'string' && shape.name.length > 0 && shape.name !== 'Error') code = shape.name;
  else if (typeof shape.code === 'string' && shape.code.length > 0) code = shape.code;
  return code.replace(/^AWS\.SimpleQueueService\./, '');
}

/** The readable message of an error, or its string form. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as AwsErrorShape).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** Whether an AWS error code means throttling or a transient service failure. */
export function isRetryableAwsCode(code: string): boolean {
  return THROTTLING_CODES.has(code) || TRANSIENT_CODES.has(code);
}

/**
 * Whether a whole request that failed with `error` may succeed when sent again: throttling, a 5xx,
 * a timeout, a broken or refused connection, or an error the SDK itself marked retryable. A
 * cancellation (`AbortError`) and client faults (bad parameters, missing queue, no permission) are not.
 */
export function isRetryableAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const shape = error as AwsErrorShape;
  if (shape.name === 'AbortError') return false;
  if (shape.$retryable !== undefined && shape.$retryable !== null && shape.$retryable !== false) return true;
  if (typeof shape.name === 'string' && isRetryableAwsCode(shape.name)) return true;
  if (typeof shape.code === 'string' && (isRetryableAwsCode(shape.code) || NETWORK_CODES.has(shape.code))) {
    return true;
  }
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  return shape.$fault === 'server';
}

/**
 * Whether a failed batch entry may succeed when sent again: AWS says the fault is not the sender's
 * (`SenderFault: false`), or its code is throttling or an internal error.
 */
export function isRetryableEntryFailure(failure: {
  readonly code: string;
  readonly isSenderFault: boolean;
}): boolean {
  return !failure.isSenderFault || isRetryableAwsCode(failure.code);
}

/** Whether `error` says that a queue does not exist. */
export function isQueueNotFoundError(error: unknown): boolean {
  const code = awsErrorCode(error);
  const queryCode =
    typeof error === 'object' && error !== null ? (error as { Code?: unknown }).Code : undefined;
  return (
    code === 'QueueDoesNotExist' ||
    code === 'NonExistentQueue' ||
    queryCode === 'AWS.SimpleQueueService.NonExistentQueue'
  );
}

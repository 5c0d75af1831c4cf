// Turns AWS SDK errors into loafer's ProviderError. The classification itself is shared with the
// publishers (src/providers/aws/errors.ts); what is SQS's own (stale receipts) lives here.
import type { ProviderErrorCode } from '../../core/errors.js';
import { ProviderError } from '../../core/errors.js';
import {
  isCredentialsError,
  isQueueNotFoundError,
  isThrottlingError,
  isTransientError,
  summarizeAwsError,
  withoutQueryPrefix,
} from '../aws/errors.js';

export {
  isAccessDeniedError,
  isCredentialsError,
  isQueueNotFoundError,
  isRetryableEntryFailure,
  isThrottlingError,
  isTransientError,
} from '../aws/errors.js';

const STALE_RECEIPT = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight', 'InvalidReceiptHandle']);

/**
 * Whether a batch entry failed because its receipt handle is no longer valid: the message was deleted,
 * or its visibility expired and someone else received it. `code` is the entry's `Code`.
 */
export function isStaleReceiptFailure(code: string | undefined, message: string | undefined): boolean {
  if (code === undefined) return false;
  const name = withoutQueryPrefix(code);
  if (STALE_RECEIPT.has(name)) return true;
  // FIFO queues and ChangeMessageVisibility on AWS say so in an InvalidParameterValue.
  return (
    name === 'InvalidParameterValue' &&
    message !== undefined &&
    /receipt handle|not available for visibility timeout change/i.test(message)
  );
}

/** The error's text, short and on one line (an SDK message may carry a canonical request). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const nodeCode = typeof code === 'string' ? ` (${code})` : '';
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
 * The cause is a summary of the SDK error (name, message, codes, request id): never the SDK's own
 * exception, which holds the signed request. A route keeps retrying every provider error with backoff; `isRetryable` tells batched acks whether
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
  return new ProviderError(code, `${action} failed: ${describe(error)}`, {
    cause: summarizeAwsError(error),
    isRetryable,
  });
}

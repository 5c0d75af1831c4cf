// How SDK errors become ProviderErrors. The errors are the SDK's own exception classes, built the way
// its deserializers build them (no network involved).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverLimit, QueueDoesNotExist, RequestThrottled, SQSServiceException } from '@aws-sdk/client-sqs';
import { ProviderError } from 'loafer';
import {
  isAccessDeniedError,
  isCredentialsError,
  isQueueNotFoundError,
  isRetryableEntryFailure,
  isStaleReceiptFailure,
  isThrottlingError,
  isTransientError,
  toProviderError,
} from 'loafer/sqs';
import { AwsErrorSummary } from '../../src/providers/aws/errors.js';

function serviceError(
  name: string,
  status: number,
  fault: 'client' | 'server' = 'client',
): SQSServiceException {
  return new SQSServiceException({
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
    message: `${name} happened`,
  });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, $metadata: { attempts: 1 } });
}

describe('toProviderError()', () => {
  it('maps QueueDoesNotExist to QUEUE_NOT_FOUND, not retryable', () => {
    const cause = new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });

    const error = toProviderError(cause, 'receive from queue orders');

    assert.ok(error instanceof ProviderError);
    assert.equal(error.code, 'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND');
    assert.equal(error.isRetryable, false);
    assert.ok(error.cause instanceof AwsErrorSummary);
    assert.equal(error.cause.name, 'QueueDoesNotExist');
    assert.equal(error.cause.message, 'The specified queue does not exist.');
    assert.equal('$response' in error.cause, false);
    assert.equal(
      error.message,
      'receive from queue orders failed: QueueDoesNotExist: The specified queue does not exist.',
    );
  });

  it('recognizes the query-compatible code of a missing queue', () => {
    const cause = Object.assign(serviceError('Error', 400), {
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
    });

    assert.equal(toProviderError(cause, 'x').code, 'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND');
  });

  it('maps credential and permission errors to CREDENTIALS, not retryable', () => {
    for (const name of [
      'InvalidClientTokenId',
      'SignatureDoesNotMatch',
      'ExpiredToken',
      'AccessDenied',
      'CredentialsProviderError',
    ]) {
      const error = toProviderError(serviceError(name, 403), 'x');

      assert.equal(error.code, 'LOAFER_ERR_PROVIDER_CREDENTIALS', name);
      assert.equal(error.isRetryable, false, name);
    }
  });

  it('maps throttling to THROTTLED, retryable', () => {
    const causes = [
      new RequestThrottled({ message: 'slow down', $metadata: {} }),
      new OverLimit({ message: 'too many in flight', $metadata: {} }),
      serviceError('ThrottlingException', 400),
      serviceError('Whatever', 429),
    ];

    for (const cause of causes) {
      const error = toProviderError(cause, 'x');
      assert.equal(error.code, 'LOAFER_ERR_PROVIDER_THROTTLED', cause.name);
      assert.equal(error.isRetryable, true, cause.name);
    }
  });

  it('maps network failures, timeouts and 5xx to REQUEST_FAILED, retryable', () => {
    const causes = [
      networkError('ECONNREFUSED'),
      networkError('ECONNRESET'),
      networkError('ENOTFOUND'),
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      serviceError('InternalError', 500, 'server'),
      serviceError('ServiceUnavailable', 503, 'server'),
    ];

    for (const cause of causes) {
      const error = toProviderError(cause, 'x');
      assert.equal(error.code, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED', cause.message);
      assert.equal(error.isRetryable, true, cause.message);
    }
  });

  it('maps other client errors to REQUEST_FAILED, not retryable', () => {
    const error = toProviderError(serviceError('InvalidParameterValue', 400), 'x');

    assert.equal(error.code, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED');
    assert.equal(error.isRetryable, false);
  });

  it('returns a ProviderError as it is', () => {
    const original = new ProviderError('LOAFER_ERR_PROVIDER_THROTTLED', 'already mapped', {
      isRetryable: true,
    });

    assert.equal(toProviderError(original, 'x'), original);
  });

  it('keeps only the first line of a long SDK message', () => {
    const cause = serviceError('SignatureDoesNotMatch', 403);
    cause.message =
      'The request signature we calculated does not match.\nThe Canonical String for this request should have been\nx-amz-security-token:SECRET';

    const error = toProviderError(cause, 'x');

    assert.doesNotMatch(error.message, /SECRET/);
  });
});

describe('error predicates', () => {
  it('classify without looking at messages', () => {
    assert.equal(isQueueNotFoundError(serviceError('QueueDoesNotExist', 400)), true);
    assert.equal(isThrottlingError(serviceError('RequestThrottled', 400)), true);
    assert.equal(isCredentialsError(serviceError('UnrecognizedClientException', 400)), true);
    assert.equal(isAccessDeniedError(serviceError('AccessDenied', 403)), true);
    assert.equal(isAccessDeniedError(serviceError('InvalidClientTokenId', 403)), false);
    assert.equal(isTransientError(networkError('EPIPE')), true);
    assert.equal(isTransientError(serviceError('InvalidParameterValue', 400)), false);
    assert.equal(isTransientError('not an error'), false);
  });

  it('recognize stale receipts in batch entries', () => {
    assert.equal(
      isStaleReceiptFailure('ReceiptHandleIsInvalid', 'The input receipt handle is invalid.'),
      true,
    );
    assert.equal(isStaleReceiptFailure('AWS.SimpleQueueService.MessageNotInflight', undefined), true);
    assert.equal(
      isStaleReceiptFailure(
        'InvalidParameterValue',
        'Value x for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.',
      ),
      true,
    );
    assert.equal(
      isStaleReceiptFailure('InvalidParameterValue', 'VisibilityTimeout must be between 0 and 43200'),
      false,
    );
    assert.equal(isStaleReceiptFailure(undefined, undefined), false);
  });

  it('retry batch entries that failed on the server’s side or were throttled', () => {
    assert.equal(isRetryableEntryFailure('InternalError', false), true);
    assert.equal(isRetryableEntryFailure('RequestThrottled', true), true);
    assert.equal(isRetryableEntryFailure('InvalidParameterValue', true), false);
  });
});

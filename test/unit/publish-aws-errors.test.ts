import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  awsErrorCode,
  isQueueNotFoundError,
  isRetryableAwsError,
  isRetryableEntryFailure,
} from '../../src/providers/aws/errors.js';
import { awsError } from './publish-fakes.js';

describe('isRetryableAwsError()', () => {
  for (const [what, error] of [
    ['throttling', awsError('ThrottlingException', { isThrottling: true })],
    ['SQS RequestThrottled without $retryable', awsError('RequestThrottled')],
    ['a 500', awsError('InternalError', { status: 500, fault: 'server' })],
    ['a 503 of unknown name', awsError('Whatever', { status: 503, fault: 'server' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ] as const) {
    it(`retries ${what}`, () => {
      assert.equal(isRetryableAwsError(error), true);
    });
  }

  for (const [what, error] of [
    ['access denied', awsError('AccessDenied', { status: 403 })],
    ['an invalid parameter', awsError('InvalidParameterValue')],
    ['a missing queue', awsError('QueueDoesNotExist')],
    ['a cancellation', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ['a programming error', new TypeError('x is not a function')],
    ['a non-error', 'boom'],
  ] as const) {
    it(`does not retry ${what}`, () => {
      assert.equal(isRetryableAwsError(error), false);
    });
  }
});

describe('isRetryableEntryFailure()', () => {
  it('retries what AWS does not blame on the sender', () => {
    assert.equal(isRetryableEntryFailure('InternalError', false), true);
  });

  it('retries throttling even when blamed on the sender', () => {
    assert.equal(isRetryableEntryFailure('KmsThrottled', true), true);
  });

  it('does not retry a bad message', () => {
    assert.equal(isRetryableEntryFailure('InvalidParameterValue', true), false);
  });
});

describe('awsErrorCode()', () => {
  it('takes the exception name, without SQS’s query prefix', () => {
    assert.equal(
      awsErrorCode(awsError('AWS.SimpleQueueService.InvalidMessageContents')),
      'InvalidMessageContents',
    );
  });

  it('takes a network error’s code', () => {
    assert.equal(awsErrorCode(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), 'ECONNRESET');
  });
});

describe('isQueueNotFoundError()', () => {
  it('recognises the modeled exception and the query-compatible code', () => {
    assert.equal(isQueueNotFoundError(awsError('QueueDoesNotExist')), true);
    assert.equal(
      isQueueNotFoundError(
        Object.assign(awsError('Unknown'), { Code: 'AWS.SimpleQueueService.NonExistentQueue' }),
      ),
      true,
    );
    assert.equal(isQueueNotFoundError(awsError('AccessDenied')), false);
  });
});

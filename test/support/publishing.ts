// Helpers for the publishing tests.
import assert from 'node:assert/strict';
import type { PublishError } from 'loafer/sqs';
import { isPublishError } from 'loafer/sqs';

/** Resolves with the PublishError that `promise` rejects with; fails when it resolves or rejects otherwise. */
export async function publishError(promise: Promise<unknown>): Promise<PublishError> {
  try {
    await promise;
  } catch (error) {
    if (isPublishError(error)) return error;
    throw error;
  }
  assert.fail('expected a PublishError');
}

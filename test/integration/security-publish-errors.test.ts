// A PublishError once kept the AWS SDK's exception as its `cause`, and that exception keeps the raw
// HTTP exchange (`$response`): the signed request's headers, with the access key id and the session
// token. Publish and provider errors now wrap a summary of the SDK error instead; a logger or error
// reporter that walks an error's fields deeply finds no credential.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SnsPublisher } from 'loafer/sns';
import { SqsPublisher } from 'loafer/sqs';
import { stringsIn } from '../reliability/log-search.js';
import type { LocalAws } from '../support/fauxqs.js';
import { startLocalAws, TEST_REGION } from '../support/fauxqs.js';

const CREDENTIALS = {
  accessKeyId: 'AKIAMARKER0REPRO00001',
  secretAccessKey: 'secret-MARKER-repro-0a1b2c3d',
  sessionToken: 'session-MARKER-repro-4e5f6a7b',
} as const;

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

async function publishError(publish: () => Promise<unknown>): Promise<unknown> {
  try {
    await publish();
  } catch (error) {
    return error;
  }
  throw new Error('the publish should have failed');
}

function credentialsIn(error: unknown): string[] {
  const text = stringsIn(error).join('\n');
  return [CREDENTIALS.sessionToken, CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey].filter((secret) =>
    text.includes(secret),
  );
}

describe('publish errors and credentials', () => {
  it('SqsPublisher to a missing queue', async () => {
    const publisher = new SqsPublisher({
      queue: 'repro-missing-queue',
      endpoint: aws.endpoint,
      region: TEST_REGION,
      credentials: CREDENTIALS,
      retry: { maxAttempts: 1 },
    });

    const error = await publishError(() => publisher.publish({ hello: 'world' }));

    assert.deepEqual(credentialsIn(error), []);
  });

  it('SnsPublisher to a missing topic', async () => {
    const publisher = new SnsPublisher({
      topic: `arn:aws:sns:${TEST_REGION}:000000000000:repro-missing-topic`,
      endpoint: aws.endpoint,
      region: TEST_REGION,
      credentials: CREDENTIALS,
      retry: { maxAttempts: 1 },
    });

    const error = await publishError(() => publisher.publish({ hello: 'world' }));

    assert.deepEqual(credentialsIn(error), []);
  });
});

// REPRODUCER (open finding, not part of `npm test`; run with
//   node scripts/run-tests.mjs test/reliability/reproducers
// ): a PublishError (SqsPublisher, SnsPublisher, and the forward/publish handlers, which rethrow it)
// keeps the AWS SDK's ServiceException as its `cause`, and that exception keeps the raw HTTP exchange in
// `$response.body.req`: the signed request's headers, `authorization: ... Credential=<access key id>/...`
// and `x-amz-security-token: <session token>`. pino's default error serializer does not descend that
// far (the service's JSON logs are clean: test/integration/reliability-security-logs.test.ts), but a
// logger or an error reporter that serializes errors' properties deeply sends the session token along.
// The SQS provider's own errors do not carry it. A fix could wrap the SDK error in a cause that keeps
// its name, message, code and $metadata only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SnsPublisher } from 'loafer/sns';
import { SqsPublisher } from 'loafer/sqs';
import type { LocalAws } from '../../support/fauxqs.js';
import { startLocalAws, TEST_REGION } from '../../support/fauxqs.js';
import { stringsIn } from '../log-search.js';

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

describe('REPRODUCER: publish errors carry the signed request', () => {
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

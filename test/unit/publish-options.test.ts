import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError, silentLogger } from 'loafer';
import {
  resolvePublishRetryOptions,
  resolveSnsPublisherOptions,
  resolveSnsPublishHandlerOptions,
  SnsPublisher,
} from 'loafer/sns';
import { resolveSqsForwardHandlerOptions, resolveSqsPublisherOptions, SqsPublisher } from 'loafer/sqs';
import { FakeClient } from './publish-fakes.js';

function assertConfigError(run: () => unknown, option: string, fragment: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    assert.equal(error.option, option);
    assert.equal(error.code, 'LOAFER_ERR_CONFIG_INVALID_OPTION');
    assert.ok(error.message.includes(fragment), `"${error.message}" should include "${fragment}"`);
    return true;
  });
}

describe('resolveSqsPublisherOptions()', () => {
  it('applies the defaults to a queue name', () => {
    const resolved = resolveSqsPublisherOptions({ queue: 'orders', logger: silentLogger });

    assert.equal(resolved.queue, 'orders');
    assert.equal(resolved.queueName, 'orders');
    assert.equal(resolved.queueUrl, undefined);
    assert.equal(resolved.isFifo, false);
    assert.equal(resolved.maxMessageBytes, 262_144);
    assert.deepEqual(resolved.retry, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000 });
    assert.deepEqual(resolved.clientConfig, { maxAttempts: 1, useQueueUrlAsEndpoint: false });
    assert.equal(resolved.requestTimeoutMs, 10_000);
    assert.equal(resolved.encode({ a: 1 }), '{"a":1}');
  });

  it('takes a queue URL as is and reads the name from it', () => {
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo';

    const resolved = resolveSqsPublisherOptions({ queue: url, logger: silentLogger });

    assert.equal(resolved.queueUrl, url);
    assert.equal(resolved.queueName, 'orders.fifo');
    assert.equal(resolved.isFifo, true);
  });

  it('reads the name and the owner account from a queue ARN', () => {
    const resolved = resolveSqsPublisherOptions({
      queue: 'arn:aws:sqs:eu-west-1:123456789012:orders',
      logger: silentLogger,
    });

    assert.equal(resolved.queueName, 'orders');
    assert.equal(resolved.queueOwnerAccountId, '123456789012');
    assert.equal(resolved.queueUrl, undefined);
  });

  it('rejects a missing or malformed queue', () => {
    assertConfigError(() => resolveSqsPublisherOptions({} as never), 'queue', '`undefined`');
    assertConfigError(() => resolveSqsPublisherOptions({ queue: 'has space' }), 'queue', '"has space"');
    assertConfigError(() => resolveSqsPublisherOptions({ queue: 'x'.repeat(81) }), 'queue', 'queue name');
  });

  it('builds the client settings from region, endpoint, credentials and maxAttempts', () => {
    const credentials = { accessKeyId: 'AKIA', secretAccessKey: 'secret' };

    const resolved = resolveSqsPublisherOptions({
      queue: 'q',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials,
      maxAttempts: 3,
      logger: silentLogger,
    });

    assert.deepEqual(resolved.clientConfig, {
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials,
      maxAttempts: 3,
      useQueueUrlAsEndpoint: false,
    });
  });

  it('rejects client settings next to a client', () => {
    const client = new FakeClient().asSqs;

    assertConfigError(
      () => resolveSqsPublisherOptions({ queue: 'q', client, region: 'eu-west-1' }),
      'region',
      'left out when `client` is given',
    );
  });

  it('never echoes credentials in an error', () => {
    assert.throws(
      () =>
        resolveSqsPublisherOptions({
          queue: 'q',
          credentials: { accessKeyId: 'AKIA', secret: 'hunter2' } as never,
        }),
      (error: unknown) => error instanceof ConfigurationError && !error.message.includes('hunter2'),
    );
  });

  it('rejects an endpoint that is not an http(s) URL', () => {
    assertConfigError(
      () => resolveSqsPublisherOptions({ queue: 'q', endpoint: 'localhost:4566' }),
      'endpoint',
      'http(s) URL',
    );
  });

  it('takes the owner account of a queue named in another account', () => {
    const resolved = resolveSqsPublisherOptions({
      queue: 'orders',
      queueOwnerAccountId: '210987654321',
      logger: silentLogger,
    });

    assert.equal(resolved.queueOwnerAccountId, '210987654321');
  });

  it('rejects a client that is not one', () => {
    assertConfigError(
      () => resolveSqsPublisherOptions({ queue: 'q', client: {} as never }),
      'client',
      'SQSClient',
    );
  });

  it('rejects maxMessageBytes above the 1 MiB SQS accepts', () => {
    assertConfigError(
      () => resolveSqsPublisherOptions({ queue: 'q', maxMessageBytes: 1_048_577 }),
      'maxMessageBytes',
      'between 1024 and 1048576',
    );
  });

  it('accepts maxMessageBytes up to 1 MiB', () => {
    const resolved = resolveSqsPublisherOptions({
      queue: 'q',
      maxMessageBytes: 1_048_576,
      logger: silentLogger,
    });

    assert.equal(resolved.maxMessageBytes, 1_048_576);
  });

  it('rejects an unknown encoder', () => {
    assertConfigError(
      () => resolveSqsPublisherOptions({ queue: 'q', encoder: 'xml' as never }),
      'encoder',
      '"xml"',
    );
  });

  it('rejects a logger without pino’s methods', () => {
    assertConfigError(
      () => resolveSqsPublisherOptions({ queue: 'q', logger: {} as never }),
      'logger',
      'pino',
    );
  });
});

describe('resolvePublishRetryOptions()', () => {
  it('fills in the defaults', () => {
    assert.deepEqual(resolvePublishRetryOptions({ maxAttempts: 2 }), {
      maxAttempts: 2,
      baseDelayMs: 100,
      maxDelayMs: 5000,
    });
  });

  it('rejects zero attempts', () => {
    assertConfigError(
      () => resolvePublishRetryOptions({ maxAttempts: 0 }),
      'retry.maxAttempts',
      '`0` (number)',
    );
  });

  it('rejects a maximum delay below the base delay', () => {
    assertConfigError(
      () => resolvePublishRetryOptions({ baseDelayMs: 500, maxDelayMs: 100 }),
      'retry.maxDelayMs',
      '>= retry.baseDelayMs',
    );
  });
});

describe('resolveSnsPublisherOptions()', () => {
  it('takes a topic ARN as is', () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:friend-created';

    const resolved = resolveSnsPublisherOptions({ topic: arn, logger: silentLogger });

    assert.equal(resolved.topicArn, arn);
    assert.equal(resolved.topicName, 'friend-created');
    assert.equal(resolved.maxMessageBytes, 262_144);
  });

  it('keeps a topic name for a lookup and detects FIFO topics', () => {
    const resolved = resolveSnsPublisherOptions({ topic: 'events.fifo', logger: silentLogger });

    assert.equal(resolved.topicArn, undefined);
    assert.equal(resolved.topicName, 'events.fifo');
    assert.equal(resolved.isFifo, true);
  });

  it('rejects maxMessageBytes above the 256 KiB SNS accepts', () => {
    assertConfigError(
      () => resolveSnsPublisherOptions({ topic: 't', maxMessageBytes: 262_145 }),
      'maxMessageBytes',
      '262145',
    );
  });

  it('rejects a malformed topic', () => {
    assertConfigError(() => resolveSnsPublisherOptions({ topic: 'a/b' }), 'topic', '"a/b"');
  });
});

describe('resolveSqsForwardHandlerOptions()', () => {
  it('splits off the publisher options', () => {
    const transform = (content: unknown) => content;

    const resolved = resolveSqsForwardHandlerOptions({
      queue: 'target',
      encoder: 'none',
      transform,
      delaySeconds: 5,
    });

    assert.deepEqual(resolved.publisherOptions, { queue: 'target', encoder: 'none' });
    assert.equal(resolved.publisher, undefined);
    assert.equal(resolved.transform, transform);
    assert.equal(resolved.delaySeconds, 5);
  });

  it('needs a queue or a publisher', () => {
    assertConfigError(() => resolveSqsForwardHandlerOptions({}), 'queue', 'or give `publisher`');
  });

  it('rejects publisher options next to a publisher', () => {
    const publisher = new SqsPublisher({ queue: 'q', client: new FakeClient().asSqs, logger: silentLogger });

    assertConfigError(
      () => resolveSqsForwardHandlerOptions({ publisher, queue: 'other' }),
      'queue',
      'absent when `publisher` is given',
    );
  });

  it('rejects a publisher of the wrong kind', () => {
    const publisher = new SnsPublisher({ topic: 't', client: new FakeClient().asSns, logger: silentLogger });

    assertConfigError(
      () => resolveSqsForwardHandlerOptions({ publisher: publisher as never }),
      'publisher',
      'an SqsPublisher',
    );
  });

  it('rejects an out-of-range delay and a transform that is not a function', () => {
    assertConfigError(
      () => resolveSqsForwardHandlerOptions({ queue: 'q', delaySeconds: 901 }),
      'delaySeconds',
      '901',
    );
    assertConfigError(
      () => resolveSqsForwardHandlerOptions({ queue: 'q', transform: 'upper' as never }),
      'transform',
      'a function',
    );
  });

  it('rejects an empty group id', () => {
    assertConfigError(
      () => resolveSqsForwardHandlerOptions({ queue: 'q', groupId: '' }),
      'groupId',
      'non-empty',
    );
  });
});

describe('resolveSnsPublishHandlerOptions()', () => {
  it('splits off the publisher options', () => {
    const resolved = resolveSnsPublishHandlerOptions({ topic: 'events', subject: 'hello' });

    assert.deepEqual(resolved.publisherOptions, { topic: 'events' });
    assert.equal(resolved.subject, 'hello');
  });

  it('needs a topic or a publisher', () => {
    assertConfigError(() => resolveSnsPublishHandlerOptions({}), 'topic', 'or give `publisher`');
  });

  it('rejects an empty subject', () => {
    assertConfigError(
      () => resolveSnsPublishHandlerOptions({ topic: 't', subject: '' }),
      'subject',
      'non-empty',
    );
  });
});

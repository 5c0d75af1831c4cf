import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigurationError, silentLogger } from 'loafer';
import type { SqsProviderOptions } from 'loafer/sqs';
import { isQueueUrl, queueNameFromUrl, resolveSqsProviderOptions, SqsProvider } from 'loafer/sqs';

const URL_OF_ORDERS = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders';

function resolve(options: Record<string, unknown>) {
  return resolveSqsProviderOptions({
    queue: 'orders',
    logger: silentLogger,
    ...options,
  } as SqsProviderOptions);
}

function rejects(options: Record<string, unknown>, option: string, pattern: RegExp): void {
  assert.throws(
    () => resolve(options),
    (error: unknown) => {
      assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
      assert.equal(error.option, option);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('resolveSqsProviderOptions()', () => {
  it('applies the defaults', () => {
    const resolved = resolve({});

    assert.equal(resolved.queue, 'orders');
    assert.equal(resolved.queueName, 'orders');
    assert.equal(resolved.queueUrl, undefined);
    assert.equal(resolved.client, undefined);
    assert.deepEqual(resolved.clientConfig, { maxAttempts: 1, useQueueUrlAsEndpoint: false });
    assert.equal(resolved.waitTimeSeconds, 20);
    assert.equal(resolved.maxMessagesPerFetch, 10);
    assert.equal(resolved.visibilityTimeoutSeconds, undefined);
    assert.deepEqual(resolved.attributeNames, ['All']);
    assert.deepEqual(resolved.messageAttributeNames, ['All']);
    assert.equal(resolved.requestTimeoutMs, 30_000);
    assert.equal(resolved.ackBatchWindowMs, 5);
    assert.equal(resolved.ackMaxAttempts, 4);
    assert.equal(resolved.transport, 'lean');
  });

  it('sends through the SDK when given a client, or when asked to', () => {
    const client = new SQSClient({ region: 'eu-west-1' });

    assert.equal(resolve({ client }).transport, 'sdk');
    assert.equal(resolve({ client, transport: 'sdk' }).transport, 'sdk');
    assert.equal(resolve({ transport: 'sdk' }).transport, 'sdk');
    assert.equal(resolve({ transport: 'lean' }).transport, 'lean');
    client.destroy();
  });

  it('rejects the lean transport with a client, and unknown transports', () => {
    const client = new SQSClient({ region: 'eu-west-1' });

    rejects({ client, transport: 'lean' }, 'transport', /'sdk' or left out when `client` is given/);
    rejects({ transport: 'fetch' }, 'transport', /'lean' or 'sdk', got `"fetch"`/);
    client.destroy();
  });

  it('reads the name from a queue URL and keeps the URL', () => {
    const resolved = resolve({ queue: URL_OF_ORDERS });

    assert.equal(resolved.queueUrl, URL_OF_ORDERS);
    assert.equal(resolved.queueName, 'orders');
  });

  it('accepts FIFO queue names', () => {
    assert.equal(resolve({ queue: 'orders.fifo' }).queueName, 'orders.fifo');
  });

  it('passes client options to the client it will create, without reading the environment', () => {
    const credentials = { accessKeyId: 'key', secretAccessKey: 'secret' };

    const resolved = resolve({
      region: 'eu-west-1',
      endpoint: 'http://localhost:4566',
      credentials,
      maxAttempts: 3,
    });

    assert.deepEqual(resolved.clientConfig, {
      maxAttempts: 3,
      useQueueUrlAsEndpoint: false,
      region: 'eu-west-1',
      endpoint: 'http://localhost:4566',
      credentials,
    });
  });

  it('always asks for the receive count and the message group', () => {
    const resolved = resolve({ attributeNames: ['SentTimestamp'] });

    assert.deepEqual(resolved.attributeNames, ['SentTimestamp', 'ApproximateReceiveCount', 'MessageGroupId']);
  });

  it('derives the request timeout from the wait time', () => {
    assert.equal(resolve({ waitTimeSeconds: 5 }).requestTimeoutMs, 15_000);
  });

  it('rejects a missing or malformed queue', () => {
    rejects({ queue: undefined }, 'queue', /got `undefined`/);
    rejects({ queue: 'has space' }, 'queue', /queue name/);
    rejects({ queue: 'a'.repeat(81) }, 'queue', /queue name/);
  });

  it('rejects client options together with a client', () => {
    const client = new SQSClient({ region: 'eu-west-1' });

    rejects({ client, region: 'eu-west-1' }, 'region', /left out when `client` is given/);
    rejects({ client, endpoint: 'http://localhost:1' }, 'endpoint', /left out when `client` is given/);
    rejects({ client, maxAttempts: 2 }, 'maxAttempts', /left out when `client` is given/);
    client.destroy();
  });

  it('rejects something that is not a client', () => {
    rejects({ client: { region: 'x' } }, 'client', /SQSClient/);
  });

  it('rejects an endpoint that is not an http(s) URL', () => {
    rejects({ endpoint: 'localhost:4566' }, 'endpoint', /http\(s\) URL/);
  });

  it('rejects invalid credentials without echoing them', () => {
    assert.throws(
      () => resolve({ credentials: { accessKeyId: 'key', secretAccessKey: 42 } }),
      (error: unknown) => error instanceof ConfigurationError && !error.message.includes('key'),
    );
  });

  it('rejects out-of-range receive options', () => {
    rejects({ waitTimeSeconds: 21 }, 'waitTimeSeconds', /between 0 and 20, got `21`/);
    rejects({ maxMessagesPerFetch: 11 }, 'maxMessagesPerFetch', /between 1 and 10, got `11`/);
    rejects({ maxMessagesPerFetch: 0 }, 'maxMessagesPerFetch', /got `0`/);
    rejects({ visibilityTimeoutSeconds: 43_201 }, 'visibilityTimeoutSeconds', /43200/);
    rejects({ attributeNames: [] }, 'attributeNames', /non-empty array/);
    rejects({ messageAttributeNames: 'All' }, 'messageAttributeNames', /non-empty array/);
  });

  it('rejects a request timeout that would cut a long poll short', () => {
    rejects(
      { waitTimeSeconds: 20, requestTimeoutMs: 20_000 },
      'requestTimeoutMs',
      /greater than `waitTimeSeconds`/,
    );
  });

  it('rejects invalid batching options', () => {
    rejects({ ackBatchWindowMs: -1 }, 'ackBatchWindowMs', /got `-1`/);
    rejects({ ackMaxAttempts: 0 }, 'ackMaxAttempts', /got `0`/);
  });

  it('rejects a logger without pino’s methods', () => {
    rejects({ logger: console.log }, 'logger', /logger/);
  });
});

describe('isQueueUrl() and queueNameFromUrl()', () => {
  it('tells URLs from names and reads the name', () => {
    assert.equal(isQueueUrl(URL_OF_ORDERS), true);
    assert.equal(isQueueUrl('orders'), false);
    assert.equal(queueNameFromUrl('http://sqs.us-east-1.localhost:4566/000000000000/jobs.fifo'), 'jobs.fifo');
  });
});

describe('SqsProvider', () => {
  it('describes itself and its fetch size, sending nothing at construction', () => {
    const provider = new SqsProvider({
      queue: URL_OF_ORDERS,
      region: 'eu-west-1',
      maxMessagesPerFetch: 4,
      logger: silentLogger,
    });

    assert.equal(provider.description, 'sqs queue orders');
    assert.equal(provider.maxMessagesPerFetch, 4);
    assert.equal(provider.queueUrl, URL_OF_ORDERS);
    assert.equal(provider.transport, 'lean');
    provider.client.destroy();
  });

  it('uses the SDK transport with a client of yours, and keeps that client', () => {
    const client = new SQSClient({ region: 'eu-west-1' });

    const provider = new SqsProvider({ queue: URL_OF_ORDERS, client, logger: silentLogger });

    assert.equal(provider.transport, 'sdk');
    assert.equal(provider.client, client);
    client.destroy();
  });

  it('fails at construction on an invalid option', () => {
    assert.throws(() => new SqsProvider({ queue: 'orders', waitTimeSeconds: 30 }), ConfigurationError);
  });
});

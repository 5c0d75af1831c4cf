// SqsPublisher with the real AWS SDK against fauxqs: names and URLs, attributes, FIFO ids, batches
// split by count and size (SDK commands counted by a middleware), entries SQS refuses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { silentLogger } from 'loafer';
import { SqsPublisher } from 'loafer/sqs';
import { countCommands, type LocalAws, receiveAll, startLocalAws } from '../support/fauxqs.js';
import { publishError } from '../support/publishing.js';

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

/** A fresh SQS client whose commands are counted by name. */
function countingClient(): { client: SQSClient; counts: Map<string, number> } {
  const client = new SQSClient(aws.clientOptions);
  return { client, counts: countCommands(client) };
}

describe('SqsPublisher against fauxqs', () => {
  it('publishes to a queue by name, resolving the URL once', async () => {
    const queue = await aws.createQueue('publish-by-name');
    const { client, counts } = countingClient();
    const publisher = new SqsPublisher({ queue: queue.name, client, logger: silentLogger });

    const first = await publisher.publish({ id: 'test-1' });
    await publisher.publish({ id: 'test-2' });

    const received = await receiveAll(aws, queue.url, 2);
    assert.deepEqual(
      received.map((message) => JSON.parse(message.Body ?? '')).sort((a, b) => a.id.localeCompare(b.id)),
      [{ id: 'test-1' }, { id: 'test-2' }],
    );
    assert.ok(received.some((message) => message.MessageId === first.messageId));
    assert.equal(counts.get('GetQueueUrlCommand'), 1);
    assert.equal(counts.get('SendMessageCommand'), 2);
    client.destroy();
  });

  it('publishes to a queue by URL without looking it up', async () => {
    const queue = await aws.createQueue('publish-by-url');
    const { client, counts } = countingClient();
    const publisher = new SqsPublisher({ queue: queue.url, client, logger: silentLogger });

    await publisher.publish('hello');

    const [message] = await receiveAll(aws, queue.url, 1);
    assert.equal(message?.Body, '"hello"');
    assert.equal(counts.get('GetQueueUrlCommand'), undefined);
    client.destroy();
  });

  it('creates its own client from client options and destroys it on stop()', async () => {
    const queue = await aws.createQueue('publish-own-client');
    const publisher = new SqsPublisher({
      queue: queue.name,
      ...aws.clientOptions,
      logger: silentLogger,
    });

    await publisher.publish({ own: true });
    await publisher.stop();

    const [message] = await receiveAll(aws, queue.url, 1);
    assert.equal(message?.Body, '{"own":true}');
  });

  it('round-trips string, number, binary and custom-typed attributes', async () => {
    const queue = await aws.createQueue('publish-attributes');
    const publisher = new SqsPublisher({ queue: queue.url, client: aws.sqs, logger: silentLogger });
    const bytes = new Uint8Array([0, 1, 2, 250]);

    await publisher.publish(
      { id: 1 },
      {
        attributes: {
          kind: 'created',
          count: 42,
          blob: bytes,
          price: { dataType: 'Number.float', value: 9.5 },
          exact: { dataType: 'Number', value: 0.1, text: '0.10' },
        },
      },
    );

    const [message] = await receiveAll(aws, queue.url, 1);
    const attributes = message?.MessageAttributes ?? {};
    assert.deepEqual(
      { DataType: attributes.kind?.DataType, StringValue: attributes.kind?.StringValue },
      { DataType: 'String', StringValue: 'created' },
    );
    assert.deepEqual(
      { DataType: attributes.count?.DataType, StringValue: attributes.count?.StringValue },
      { DataType: 'Number', StringValue: '42' },
    );
    assert.equal(attributes.blob?.DataType, 'Binary');
    assert.deepEqual([...(attributes.blob?.BinaryValue ?? [])], [...bytes]);
    assert.deepEqual(
      { DataType: attributes.price?.DataType, StringValue: attributes.price?.StringValue },
      { DataType: 'Number.float', StringValue: '9.5' },
    );
    assert.equal(attributes.exact?.StringValue, '0.10');
  });

  it('sends FIFO group and deduplication ids: a repeated deduplication id is delivered once', async () => {
    const queue = await aws.createQueue('publish-fifo.fifo');
    const publisher = new SqsPublisher({ queue: queue.url, client: aws.sqs, logger: silentLogger });

    const results = await publisher.publishBatch([
      { message: { n: 1 }, groupId: 'customer-7', deduplicationId: 'order-1' },
      { message: { n: 2 }, groupId: 'customer-7', deduplicationId: 'order-2' },
      { message: { n: 1 }, groupId: 'customer-7', deduplicationId: 'order-1' },
    ]);
    await publisher.publish({ n: 3 }, { groupId: 'customer-7', deduplicationId: 'order-3' });

    const received = await receiveAll(aws, queue.url, 3);
    const extra = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 0 }));
    assert.deepEqual(
      received.map((message) => JSON.parse(message.Body ?? '').n),
      [1, 2, 3],
    );
    assert.equal(extra.Messages?.length ?? 0, 0);
    assert.ok(received.every((message) => message.Attributes?.MessageGroupId === 'customer-7'));
    assert.ok(results.every((result) => typeof result.sequenceNumber === 'string'));
    assert.equal(results[2]?.messageId, results[0]?.messageId);
  });

  it('splits 25 messages into 3 SendMessageBatch requests', async () => {
    const queue = await aws.createQueue('publish-25');
    const { client, counts } = countingClient();
    const publisher = new SqsPublisher({ queue: queue.url, client, logger: silentLogger });

    const results = await publisher.publishBatch(Array.from({ length: 25 }, (_, n) => ({ message: { n } })));

    assert.equal(counts.get('SendMessageBatchCommand'), 3);
    assert.equal(new Set(results.map((result) => result.messageId)).size, 25);
    const received = await receiveAll(aws, queue.url, 25);
    assert.deepEqual(
      received.map((message) => JSON.parse(message.Body ?? '').n).sort((a, b) => a - b),
      Array.from({ length: 25 }, (_, n) => n),
    );
    client.destroy();
  });

  it('splits big messages by total size: 6 of 100 KiB take 3 requests', async () => {
    const queue = await aws.createQueue('publish-big');
    const { client, counts } = countingClient();
    const publisher = new SqsPublisher({ queue: queue.url, client, logger: silentLogger, encoder: 'none' });
    const bodies = Array.from({ length: 6 }, (_, n) => `${n}${'x'.repeat(100 * 1024)}`);

    await publisher.publishBatch(bodies.map((message) => ({ message })));

    assert.equal(counts.get('SendMessageBatchCommand'), 3);
    const received = await receiveAll(aws, queue.url, 6);
    assert.deepEqual(received.map((message) => message.Body).sort(), [...bodies].sort());
    client.destroy();
  });

  it('publishes a 600 KiB message when maxMessageBytes is raised to SQS’s 1 MiB', async () => {
    const queue = await aws.createQueue('publish-1mib');
    const publisher = new SqsPublisher({
      queue: queue.url,
      client: aws.sqs,
      logger: silentLogger,
      encoder: 'none',
      maxMessageBytes: 1_048_576,
    });
    const body = 'y'.repeat(600 * 1024);

    await publisher.publish(body);

    const [message] = await receiveAll(aws, queue.url, 1);
    assert.equal(message?.Body?.length, body.length);
  });

  it('reports the entries SQS refuses, without retrying them, and delivers the others', async () => {
    const queue = await aws.createQueue('publish-refused', { MaximumMessageSize: '1024' });
    const { client, counts } = countingClient();
    const publisher = new SqsPublisher({ queue: queue.url, client, logger: silentLogger, encoder: 'none' });

    const error = await publishError(
      publisher.publishBatch([
        { message: 'small-0' },
        { message: 'x'.repeat(2000) },
        { message: 'small-2' },
        { message: 'bad\u0000char' },
      ]),
    );

    assert.equal(error.code, 'LOAFER_ERR_PUBLISH_FAILED');
    assert.deepEqual(
      error.failures.map((failure) => [
        failure.index,
        failure.id,
        failure.code,
        failure.isSenderFault,
        failure.attempts,
      ]),
      [
        [1, 'msg-1', 'InvalidParameterValue', true, 1],
        [3, 'msg-3', 'InvalidMessageContents', true, 1],
      ],
    );
    assert.match(error.failures[0]?.message ?? '', /shorter than 1024 bytes/);
    assert.deepEqual(
      error.successes.map((success) => success.index),
      [0, 2],
    );
    assert.equal(counts.get('SendMessageBatchCommand'), 1);
    const received = await receiveAll(aws, queue.url, 2);
    assert.deepEqual(received.map((message) => message.Body).sort(), ['small-0', 'small-2']);
    client.destroy();
  });

  it('reports a single message SQS refuses as a PublishError with its code', async () => {
    const queue = await aws.createQueue('publish-refused-one');
    const publisher = new SqsPublisher({
      queue: queue.url,
      client: aws.sqs,
      logger: silentLogger,
      encoder: 'none',
    });

    const error = await publishError(publisher.publish('bad\u0001char'));

    assert.equal(error.code, 'LOAFER_ERR_PUBLISH_FAILED');
    assert.equal(error.failures[0]?.code, 'InvalidMessageContents');
  });

  it('reports a queue name that does not exist as LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND', async () => {
    const publisher = new SqsPublisher({
      queue: 'no-such-queue-here',
      client: aws.sqs,
      logger: silentLogger,
    });

    const error = await publishError(publisher.publish({ id: 1 }));

    assert.equal(error.code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
    assert.match(error.message, /no-such-queue-here/);
  });

  it('reports a queue URL that does not exist as LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND', async () => {
    const publisher = new SqsPublisher({
      queue: `${aws.endpoint}/000000000000/no-such-queue`,
      client: aws.sqs,
      logger: silentLogger,
    });

    const error = await publishError(publisher.publishBatch([{ message: 1 }, { message: 2 }]));

    assert.equal(error.code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
    assert.equal(error.failures.length, 2);
  });
});

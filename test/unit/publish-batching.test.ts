import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from 'loafer';
import { isPublishError, type PublishError } from 'loafer/sns';
import { SqsPublisher } from 'loafer/sqs';
import { FakeClient } from './publish-fakes.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/target';
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

function publisherWith(client: FakeClient, options: { queue?: string; encoder?: 'none' } = {}) {
  return new SqsPublisher({
    queue: options.queue ?? QUEUE_URL,
    client: client.asSqs,
    logger: silentLogger,
    ...(options.encoder === undefined ? {} : { encoder: options.encoder }),
  });
}

async function publishError(promise: Promise<unknown>): Promise<PublishError> {
  try {
    await promise;
  } catch (error) {
    if (isPublishError(error)) return error;
    throw error;
  }
  assert.fail('expected a PublishError');
}

describe('SqsPublisher', () => {
  describe('publishBatch()', () => {
    it('splits 25 messages into SendMessageBatch requests of 10, 10 and 5', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client);
      const messages = Array.from({ length: 25 }, (_, index) => ({ message: { index } }));

      const results = await publisher.publishBatch(messages);

      const batches = client.of('SendMessageBatch');
      assert.deepEqual(
        batches.map((call) => call.input.Entries.length),
        [10, 10, 5],
      );
      assert.deepEqual(
        results.map((result) => result.index),
        messages.map((_, index) => index),
      );
      assert.equal(results[24]?.messageId, 'id-msg-24');
    });

    it('generates entry ids that are valid and unique within each request', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client);

      await publisher.publishBatch(Array.from({ length: 25 }, (_, index) => ({ message: index })));

      for (const call of client.of('SendMessageBatch')) {
        const ids: string[] = call.input.Entries.map((entry: { Id: string }) => entry.Id);
        assert.ok(
          ids.every((id) => ENTRY_ID.test(id)),
          `invalid ids: ${ids.join(', ')}`,
        );
        assert.equal(new Set(ids).size, ids.length);
      }
    });

    it('splits by total size: no request carries more than 256 KiB', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client, { encoder: 'none' });
      const body = 'x'.repeat(100 * 1024);

      await publisher.publishBatch(Array.from({ length: 5 }, () => ({ message: body })));

      const sizes = client.of('SendMessageBatch').map((call) => call.input.Entries.length);
      assert.deepEqual(sizes, [2, 2, 1]);
    });

    it('counts attribute names, types and values in the batch size, as AWS does', async () => {
      const withoutAttributes = new FakeClient();
      const withAttributes = new FakeClient();
      const body = 'x'.repeat(131_000);

      await publisherWith(withoutAttributes, { encoder: 'none' }).publishBatch([
        { message: body },
        { message: body },
      ]);
      await publisherWith(withAttributes, { encoder: 'none' }).publishBatch([
        { message: body, attributes: { note: 'y'.repeat(100) } },
        { message: body, attributes: { note: 'y'.repeat(100) } },
      ]);

      assert.equal(withoutAttributes.of('SendMessageBatch').length, 1);
      assert.equal(withAttributes.of('SendMessageBatch').length, 2);
    });

    it('returns an empty list and sends nothing for no messages', async () => {
      const client = new FakeClient();

      const results = await publisherWith(client).publishBatch([]);

      assert.deepEqual(results, []);
      assert.equal(client.calls.length, 0);
    });

    it('rejects a single message larger than the limit before sending anything', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client, { encoder: 'none' });

      const error = await publishError(
        publisher.publishBatch([
          { message: 'small' },
          { message: 'x'.repeat(262_145) },
          { message: 'also small' },
        ]),
      );

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_MESSAGE_TOO_LARGE');
      assert.equal(error.failures.length, 1);
      assert.equal(error.failures[0]?.index, 1);
      assert.equal(error.failures[0]?.code, 'MessageTooLarge');
      assert.match(error.failures[0]?.message ?? '', /262145 bytes.*at most 262144/);
      assert.equal(client.calls.length, 0);
    });

    it('counts attributes toward the single-message limit', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client, { encoder: 'none' });

      const error = await publishError(
        publisher.publish('x'.repeat(262_100), { attributes: { padding: 'y'.repeat(100) } }),
      );

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_MESSAGE_TOO_LARGE');
      assert.equal(client.calls.length, 0);
    });
  });

  describe('publish()', () => {
    it('encodes the message as JSON by default and sends it with SendMessage', async () => {
      const client = new FakeClient();

      const result = await publisherWith(client).publish({ id: 'test-1', tags: ['a'] });

      const [call] = client.of('SendMessage');
      assert.equal(call?.input.QueueUrl, QUEUE_URL);
      assert.equal(call?.input.MessageBody, '{"id":"test-1","tags":["a"]}');
      assert.deepEqual(result, { index: 0, messageId: 'id-single' });
    });

    it('uses an encoder function', async () => {
      const client = new FakeClient();
      const publisher = new SqsPublisher<{ name: string }>({
        queue: QUEUE_URL,
        client: client.asSqs,
        logger: silentLogger,
        encoder: (message) => `name=${message.name}`,
      });

      await publisher.publish({ name: 'loafer' });

      assert.equal(client.of('SendMessage')[0]?.input.MessageBody, 'name=loafer');
    });

    it('sends strings as they are with encoder none', async () => {
      const client = new FakeClient();

      await publisherWith(client, { encoder: 'none' }).publish('plain text');

      assert.equal(client.of('SendMessage')[0]?.input.MessageBody, 'plain text');
    });

    it('rejects a non-string with encoder none, before sending', async () => {
      const client = new FakeClient();

      const error = await publishError(publisherWith(client, { encoder: 'none' }).publish({ a: 1 }));

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE');
      assert.match(error.message, /sends strings only/);
      assert.equal(client.calls.length, 0);
    });

    it('rejects a message the JSON encoder cannot encode', async () => {
      const client = new FakeClient();

      const error = await publishError(publisherWith(client).publish(undefined));

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE');
      assert.equal(client.calls.length, 0);
    });

    it('rejects an empty body', async () => {
      const client = new FakeClient();

      const error = await publishError(publisherWith(client, { encoder: 'none' }).publish(''));

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE');
      assert.match(error.message, /empty/);
    });

    it('converts typed attributes to SQS message attributes', async () => {
      const client = new FakeClient();
      const bytes = new Uint8Array([1, 2, 3]);

      await publisherWith(client).publish('x', {
        attributes: {
          kind: 'created',
          count: 3,
          blob: bytes,
          price: { dataType: 'Number.float', value: 1.5 },
          exact: { dataType: 'Number', value: 0.1, text: '0.10' },
          custom: { dataType: 'String', value: 'v', customType: 'label' },
          png: { dataType: 'Binary.png', value: bytes },
        },
      });

      assert.deepEqual(client.of('SendMessage')[0]?.input.MessageAttributes, {
        kind: { DataType: 'String', StringValue: 'created' },
        count: { DataType: 'Number', StringValue: '3' },
        blob: { DataType: 'Binary', BinaryValue: bytes },
        price: { DataType: 'Number.float', StringValue: '1.5' },
        exact: { DataType: 'Number', StringValue: '0.10' },
        custom: { DataType: 'String.label', StringValue: 'v' },
        png: { DataType: 'Binary.png', BinaryValue: bytes },
      });
    });

    for (const [what, attributes, fragment] of [
      ['an empty string', { a: '' }, 'empty string'],
      ['a NaN', { a: Number.NaN }, 'finite number'],
      ['a boolean', { a: true }, 'must be a string'],
      ['a reserved name', { 'AWS.trace': 'x' }, 'attribute name'],
      ['a name with ..', { 'a..b': 'x' }, 'attribute name'],
      ['an unknown data type', { a: { dataType: 'Date', value: 'x' } }, 'invalid data type'],
      ['a binary type without bytes', { a: { dataType: 'Binary', value: 'x' } }, 'needs non-empty bytes'],
      [
        'eleven attributes',
        Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, 'x'])),
        'at most 10',
      ],
    ] as const) {
      it(`rejects ${what} as an attribute, before sending`, async () => {
        const client = new FakeClient();

        const error = await publishError(
          publisherWith(client).publish('x', { attributes: attributes as never }),
        );

        assert.equal(error.code, 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE');
        assert.equal(error.failures[0]?.code, 'InvalidAttribute');
        assert.ok(error.message.includes(fragment), `"${error.message}" should include "${fragment}"`);
        assert.equal(client.calls.length, 0);
      });
    }

    it('sends the FIFO group and deduplication ids', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client, { queue: `${QUEUE_URL}.fifo` });

      await publisher.publish({ n: 1 }, { groupId: 'customer-7', deduplicationId: 'order-42' });

      const input = client.of('SendMessage')[0]?.input;
      assert.equal(input.MessageGroupId, 'customer-7');
      assert.equal(input.MessageDeduplicationId, 'order-42');
    });

    it('requires a group id on a FIFO queue, before sending', async () => {
      const client = new FakeClient();

      const error = await publishError(
        publisherWith(client, { queue: `${QUEUE_URL}.fifo` }).publish({ n: 1 }),
      );

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE');
      assert.match(error.message, /needs a `groupId`/);
      assert.equal(client.calls.length, 0);
    });

    it('rejects a deduplication id longer than 128 characters', async () => {
      const client = new FakeClient();

      const error = await publishError(
        publisherWith(client, { queue: `${QUEUE_URL}.fifo` }).publish(1, {
          groupId: 'g',
          deduplicationId: 'd'.repeat(129),
        }),
      );

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE');
      assert.match(error.message, /deduplicationId/);
    });

    it('sends a delay', async () => {
      const client = new FakeClient();

      await publisherWith(client).publish(1, { delaySeconds: 30 });

      assert.equal(client.of('SendMessage')[0]?.input.DelaySeconds, 30);
    });
  });

  describe('queue resolution', () => {
    it('resolves a queue name once with GetQueueUrl and caches the URL', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client, { queue: 'orders' });

      await publisher.publish(1);
      await publisher.publishBatch([{ message: 2 }]);

      assert.equal(client.of('GetQueueUrl').length, 1);
      assert.equal(client.of('GetQueueUrl')[0]?.input.QueueName, 'orders');
      assert.equal(
        client.of('SendMessageBatch')[0]?.input.QueueUrl,
        'https://sqs.us-east-1.amazonaws.com/123456789012/orders',
      );
    });

    it('passes the account id of a queue ARN to GetQueueUrl', async () => {
      const client = new FakeClient();

      await publisherWith(client, { queue: 'arn:aws:sqs:us-east-1:210987654321:orders' }).publish(1);

      assert.deepEqual(client.of('GetQueueUrl')[0]?.input, {
        QueueName: 'orders',
        QueueOwnerAWSAccountId: '210987654321',
      });
    });

    it('never calls GetQueueUrl for a queue URL', async () => {
      const client = new FakeClient();

      await publisherWith(client).publish(1);

      assert.equal(client.of('GetQueueUrl').length, 0);
    });

    it('reports a queue that does not exist as LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND', async () => {
      const client = new FakeClient((call) => {
        if (call.name === 'GetQueueUrl') {
          const error = new Error('The specified queue does not exist.');
          error.name = 'QueueDoesNotExist';
          throw Object.assign(error, { $fault: 'client', $metadata: { httpStatusCode: 400 } });
        }
        return {};
      });

      const error = await publishError(publisherWith(client, { queue: 'missing' }).publish(1));

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
      assert.equal(error.failures[0]?.code, 'TargetNotFound');
      assert.equal(client.of('SendMessage').length, 0);
    });

    it('does not cache a failed lookup', async () => {
      let lookups = 0;
      const client = new FakeClient((call, calls) => {
        if (call.name === 'GetQueueUrl' && ++lookups === 1) {
          throw Object.assign(new Error('gone'), { name: 'QueueDoesNotExist', $fault: 'client' });
        }
        return calls.length > 0 ? { QueueUrl: QUEUE_URL, MessageId: 'm' } : {};
      });
      const publisher = publisherWith(client, { queue: 'later' });
      await publishError(publisher.publish(1));

      await publisher.publish(2);

      assert.equal(client.of('GetQueueUrl').length, 2);
      assert.equal(client.of('SendMessage').length, 1);
    });
  });

  describe('stop()', () => {
    it('leaves a client it did not create alone', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client);

      await publisher.stop();

      assert.equal(client.isDestroyed, false);
    });

    it('destroys the client it created, once', async () => {
      const publisher = new SqsPublisher({
        queue: QUEUE_URL,
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        logger: silentLogger,
      });
      let destroyed = 0;
      const destroy = publisher.client.destroy.bind(publisher.client);
      publisher.client.destroy = () => {
        destroyed += 1;
        destroy();
      };

      await publisher.stop();
      await publisher.stop();

      assert.equal(destroyed, 1);
    });

    it('refuses to publish after stop()', async () => {
      const client = new FakeClient();
      const publisher = publisherWith(client);
      await publisher.stop();

      const error = await publishError(publisher.publish(1));

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_FAILED');
      assert.equal(error.failures[0]?.code, 'PublisherStopped');
      assert.equal(client.calls.length, 0);
    });
  });
});

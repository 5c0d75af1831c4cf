import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from 'loafer';
import { isPublishError, type PublishError, SnsPublisher } from 'loafer/sns';
import { FakeClient, type Responder, succeed } from './publish-fakes.js';

const ACCOUNT = 'arn:aws:sns:us-east-1:123456789012';

/** ListTopics answered in pages of the given ARNs; everything else succeeds. */
function topicPages(pages: string[][]): Responder {
  return (call, calls) => {
    if (call.name !== 'ListTopics') return succeed(call, calls);
    const page = call.input.NextToken === undefined ? 0 : Number(call.input.NextToken);
    const next = page + 1 < pages.length ? { NextToken: String(page + 1) } : {};
    return { Topics: (pages[page] ?? []).map((arn) => ({ TopicArn: arn })), ...next };
  };
}

function publisherWith(client: FakeClient, topic: string): SnsPublisher {
  return new SnsPublisher({ topic, client: client.asSns, logger: silentLogger });
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

describe('SnsPublisher', () => {
  describe('topic resolution', () => {
    it('finds a topic by name across ListTopics pages, matching the whole last part of the ARN', async () => {
      const client = new FakeClient(
        topicPages([[`${ACCOUNT}:my-orders`, `${ACCOUNT}:orders-v2`], [`${ACCOUNT}:orders`]]),
      );

      await publisherWith(client, 'orders').publish({ id: 1 });

      assert.equal(client.of('ListTopics').length, 2);
      assert.equal(client.of('Publish')[0]?.input.TopicArn, `${ACCOUNT}:orders`);
    });

    it('resolves the name once and caches the ARN', async () => {
      const client = new FakeClient(topicPages([[`${ACCOUNT}:orders`]]));
      const publisher = publisherWith(client, 'orders');

      await publisher.publish(1);
      await publisher.publishBatch([{ message: 2 }, { message: 3 }]);

      assert.equal(client.of('ListTopics').length, 1);
      assert.equal(client.of('PublishBatch')[0]?.input.TopicArn, `${ACCOUNT}:orders`);
    });

    it('never lists topics when given an ARN', async () => {
      const client = new FakeClient();

      await publisherWith(client, `${ACCOUNT}:orders`).publish(1);

      assert.equal(client.of('ListTopics').length, 0);
    });

    it('reports an unknown name as LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND, and looks again next time', async () => {
      const client = new FakeClient(topicPages([[`${ACCOUNT}:other`]]));
      const publisher = publisherWith(client, 'orders');

      const error = await publishError(publisher.publish(1));
      await publishError(publisher.publish(2));

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
      assert.match(error.message, /topic orders/);
      assert.equal(client.of('ListTopics').length, 2);
      assert.equal(client.of('Publish').length, 0);
    });

    it('exposes the resolved ARN', async () => {
      const client = new FakeClient(topicPages([[`${ACCOUNT}:orders`]]));

      const arn = await publisherWith(client, 'orders').topicArn();

      assert.equal(arn, `${ACCOUNT}:orders`);
    });

    it('maps NotFound from Publish to LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND', async () => {
      const client = new FakeClient(() => {
        throw Object.assign(new Error('Topic does not exist'), {
          name: 'NotFoundException',
          $fault: 'client',
          $metadata: { httpStatusCode: 404 },
        });
      });

      const error = await publishError(publisherWith(client, `${ACCOUNT}:gone`).publish(1));

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
      assert.equal(client.of('Publish').length, 1);
    });
  });

  describe('publish()', () => {
    it('sends the subject, attributes and FIFO ids', async () => {
      const client = new FakeClient();

      await publisherWith(client, `${ACCOUNT}:events.fifo`).publish(
        { id: 1 },
        { subject: 'created', attributes: { kind: 'a' }, groupId: 'g-1', deduplicationId: 'd-1' },
      );

      assert.deepEqual(client.of('Publish')[0]?.input, {
        TopicArn: `${ACCOUNT}:events.fifo`,
        Message: '{"id":1}',
        Subject: 'created',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'a' } },
        MessageGroupId: 'g-1',
        MessageDeduplicationId: 'd-1',
      });
    });

    it('accepts String.Array attributes', async () => {
      const client = new FakeClient();

      await publisherWith(client, `${ACCOUNT}:events`).publish(1, {
        attributes: { tags: { dataType: 'String.Array', value: ['a', 'b'] } },
      });

      assert.deepEqual(client.of('Publish')[0]?.input.MessageAttributes, {
        tags: { DataType: 'String.Array', StringValue: '["a","b"]' },
      });
    });

    it('rejects a subject with a line break, before sending', async () => {
      const client = new FakeClient();

      const error = await publishError(
        publisherWith(client, `${ACCOUNT}:events`).publish(1, { subject: 'a\nb' }),
      );

      assert.equal(error.code, 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE');
      assert.equal(client.calls.length, 0);
    });
  });

  describe('publishBatch()', () => {
    it('splits 25 messages into PublishBatch requests of 10, 10 and 5', async () => {
      const client = new FakeClient();

      const results = await publisherWith(client, `${ACCOUNT}:events`).publishBatch(
        Array.from({ length: 25 }, (_, index) => ({ message: { index }, subject: `s${index}` })),
      );

      assert.deepEqual(
        client.of('PublishBatch').map((call) => call.input.PublishBatchRequestEntries.length),
        [10, 10, 5],
      );
      assert.equal(client.of('PublishBatch')[2]?.input.PublishBatchRequestEntries[4].Subject, 's24');
      assert.equal(results.length, 25);
    });

    it('splits by the 256 KiB total SNS accepts per request', async () => {
      const client = new FakeClient();
      const publisher = new SnsPublisher({
        topic: `${ACCOUNT}:events`,
        client: client.asSns,
        logger: silentLogger,
        encoder: 'none',
      });

      await publisher.publishBatch(Array.from({ length: 4 }, () => ({ message: 'x'.repeat(120 * 1024) })));

      assert.deepEqual(
        client.of('PublishBatch').map((call) => call.input.PublishBatchRequestEntries.length),
        [2, 2],
      );
    });
  });
});

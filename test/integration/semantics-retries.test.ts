// Timeouts, retry policies, retryAfter, dead-letter awareness, attributes and health on real queues
// (fauxqs, real SDK). Queues get a long visibility timeout, so that a message that comes back early
// can only have been brought back by loafer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { HandlerContext, SnsMetadata } from 'loafer';
import { HandlerTimeoutError, Manager, retryAfter, silentLogger } from 'loafer';
import { snsQueueRoute, sqsRoute } from 'loafer/sqs';
import type { LocalAws, TestQueue } from '../support/fauxqs.js';
import { startLocalAws } from '../support/fauxqs.js';
import { eventually, queueSize } from '../support/waits.js';

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

async function send(queue: TestQueue, body: unknown): Promise<string> {
  const sent = await aws.sqs.send(
    new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(body) }),
  );
  return sent.MessageId as string;
}

function source() {
  return { ...aws.clientOptions, waitTimeSeconds: 1, logger: silentLogger };
}

describe('retries and timeouts (fauxqs)', () => {
  it('aborts a handler at its timeout, keeps the message, and gets it back from SQS', async () => {
    const queue = await aws.createQueue('timeout', { VisibilityTimeout: '1' });
    await send(queue, { id: 1 });
    const errors: unknown[] = [];
    const deliveries: number[] = [];
    const route = sqsRoute(queue.url, {
      ...source(),
      handlerTimeoutMs: 200,
      handler: (_content, context: HandlerContext) => {
        deliveries.push(context.receiveCount);
        if (context.receiveCount > 1) return true;
        return new Promise<boolean>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
        });
      },
      errorHandler: (error) => {
        errors.push(error);
        return false;
      },
    });
    const manager = new Manager({ routes: [route], logger: silentLogger });
    const running = manager.run();

    await eventually(() => queueSize(aws, queue) === 0, 'the second delivery deleted');
    await manager.stop();
    await running;

    assert.deepEqual(deliveries, [1, 2]);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof HandlerTimeoutError);
  });

  it('brings a failed message back after the retry policy’s delay, not the visibility timeout', async () => {
    const queue = await aws.createQueue('policy', { VisibilityTimeout: '600' });
    await send(queue, { id: 1 });
    const deliveries: number[] = [];
    const route = sqsRoute(queue.url, {
      ...source(),
      retry: (receiveCount) => receiveCount - 1, // 0 s after the first failure
      handler: (_content, context: HandlerContext) => {
        deliveries.push(context.receiveCount);
        return context.receiveCount >= 3;
      },
    });
    const manager = new Manager({ routes: [route], logger: silentLogger });
    const running = manager.run();

    await eventually(() => queueSize(aws, queue) === 0, 'the third delivery deleted');
    await manager.stop();
    await running;

    assert.deepEqual(deliveries, [1, 2, 3]);
  });

  it('brings a message back after the delay a handler asked for with retryAfter', async () => {
    const queue = await aws.createQueue('retry-after', { VisibilityTimeout: '600' });
    await send(queue, { id: 1 });
    const seenAt: number[] = [];
    const route = sqsRoute(queue.url, {
      ...source(),
      handler: (_content, context: HandlerContext) => {
        seenAt.push(Date.now());
        return context.receiveCount === 1 ? retryAfter(1) : true;
      },
    });
    const manager = new Manager({ routes: [route], logger: silentLogger });
    const running = manager.run();

    await eventually(() => queueSize(aws, queue) === 0, 'the second delivery deleted');
    await manager.stop();
    await running;

    assert.equal(seenAt.length, 2);
    assert.ok((seenAt[1] as number) - (seenAt[0] as number) >= 900, 'the message came back before its delay');
  });

  it('tells the handler when a delivery is the last before the dead-letter queue', async () => {
    const { queue, dlq } = await aws.createQueueWithDlq('last', 3, { VisibilityTimeout: '600' });
    await send(queue, { id: 1 });
    const attempts: Array<[number, boolean]> = [];
    const route = sqsRoute(queue.url, {
      ...source(),
      retry: () => 0,
      handler: (_content, context: HandlerContext) => {
        attempts.push([context.receiveCount, context.isLastAttempt]);
        return false;
      },
    });
    const manager = new Manager({ routes: [route], logger: silentLogger });
    const running = manager.run();

    await eventually(() => queueSize(aws, dlq) === 1, 'the message in the dead-letter queue');
    await manager.stop();
    await running;

    assert.deepEqual(attempts, [
      [1, false],
      [2, false],
      [3, true],
    ]);
  });
});

describe('attributes and health (fauxqs)', () => {
  it('types SNS message attributes from the envelope and SQS attributes from the message', async () => {
    const queue = await aws.createQueue('attributes');
    const topic = await aws.sns.send(new CreateTopicCommand({ Name: `${queue.name}-topic` }));
    await aws.sns.send(
      new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: queue.arn }),
    );
    await aws.sns.send(
      new PublishCommand({
        TopicArn: topic.TopicArn,
        Message: JSON.stringify({ id: 'test-1' }),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'friend' },
          weight: { DataType: 'Number', StringValue: '2.5' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );
    let metadata: SnsMetadata | undefined;
    const route = snsQueueRoute(queue.url, {
      ...source(),
      handler: (_content, context: HandlerContext<SnsMetadata>) => {
        metadata = context.metadata;
        return true;
      },
    });
    const manager = new Manager({ routes: [route], logger: silentLogger });
    const running = manager.run();

    await eventually(() => metadata !== undefined, 'the message handled');
    await manager.stop();
    await running;

    const attributes = metadata?.sns?.messageAttributes;
    assert.deepEqual(attributes?.kind, { dataType: 'String', value: 'friend' });
    assert.deepEqual(attributes?.weight, { dataType: 'Number', value: 2.5, text: '2.5' });
    assert.deepEqual([...((attributes?.blob?.value as Uint8Array | undefined) ?? [])], [1, 2, 3]);
    assert.equal(metadata?.sns?.topicArn, topic.TopicArn);
    assert.ok(metadata?.systemAttributes.SentTimestamp);
  });

  it('reports the last fetch and ack, in-flight count and errors in health()', async () => {
    const queue = await aws.createQueue('health');
    await send(queue, { id: 1 });
    const route = sqsRoute(queue.url, { ...source(), name: 'health', handler: () => true });
    const manager = new Manager({ routes: [route], logger: silentLogger });
    const before = manager.health();
    const running = manager.run();

    await eventually(() => manager.health().routes[0]?.lastAckAt !== undefined, 'an ack');
    const during = manager.health();
    await manager.stop();
    await running;

    assert.equal(before.state, 'idle');
    assert.equal(during.state, 'running');
    const health = during.routes[0];
    assert.equal(health?.route, 'health');
    assert.equal(health?.state, 'running');
    assert.equal(health?.consecutiveErrors, 0);
    assert.equal(health?.handled.deleted, 1);
    assert.ok((health?.lastFetchAt ?? 0) > 0);
    assert.equal(manager.health().state, 'stopped');
  });
});

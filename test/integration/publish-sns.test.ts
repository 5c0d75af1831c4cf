// SnsPublisher with the real AWS SDK against fauxqs: topics by ARN and by name, subscribed queues
// with and without raw delivery, attributes, FIFO topics, PublishBatch split (commands counted).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { Message } from '@aws-sdk/client-sqs';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { InboundMessage } from 'loafer';
import { silentLogger, snsTranslator, toMessageAttribute } from 'loafer';
import { SnsPublisher } from 'loafer/sns';
import {
  countCommands,
  type LocalAws,
  receiveAll,
  startLocalAws,
  type TestQueue,
} from '../support/fauxqs.js';
import { publishError } from '../support/publishing.js';

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

interface TopicWithQueues {
  readonly name: string;
  readonly arn: string;
  /** Subscribed with the SNS envelope. */
  readonly envelope: TestQueue;
  /** Subscribed with raw message delivery. */
  readonly raw: TestQueue;
}

async function createTopicWithQueues(prefix: string): Promise<TopicWithQueues> {
  const isFifo = prefix.endsWith('.fifo');
  const base = isFifo ? prefix.slice(0, -5) : prefix;
  const name = `${base}-${randomUUID().slice(0, 8)}${isFifo ? '.fifo' : ''}`;
  const created = await aws.sns.send(
    new CreateTopicCommand(isFifo ? { Name: name, Attributes: { FifoTopic: 'true' } } : { Name: name }),
  );
  const arn = created.TopicArn as string;
  const envelope = await aws.createQueue(isFifo ? `${base}-envelope.fifo` : `${base}-envelope`);
  const raw = await aws.createQueue(isFifo ? `${base}-raw.fifo` : `${base}-raw`);
  await aws.sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: envelope.arn }));
  await aws.sns.send(
    new SubscribeCommand({
      TopicArn: arn,
      Protocol: 'sqs',
      Endpoint: raw.arn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return { name, arn, envelope, raw };
}

/** The message as loafer's SQS provider would hand it to a translator. */
function inbound(message: Message): InboundMessage {
  return {
    id: message.MessageId ?? '',
    body: message.Body ?? '',
    receiveCount: 1,
    attributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toMessageAttribute(value.DataType ?? 'String', value.StringValue, value.BinaryValue),
      ]),
    ),
    systemAttributes: {},
    raw: message,
  };
}

/** A fresh SNS client whose commands are counted by name. */
function countingClient(): { client: SNSClient; counts: Map<string, number> } {
  const client = new SNSClient(aws.clientOptions);
  return { client, counts: countCommands(client) };
}

describe('SnsPublisher against fauxqs', () => {
  it('publishes to a topic by ARN: the subscribed queue gets the SNS envelope with subject and attributes', async () => {
    const topic = await createTopicWithQueues('publish-envelope');
    const publisher = new SnsPublisher({ topic: topic.arn, client: aws.sns, logger: silentLogger });

    const result = await publisher.publish(
      { id: 'test-1', username: 'georgeyk', github_url: '' },
      { subject: 'friend created', attributes: { kind: 'created', version: 2 } },
    );

    const [message] = await receiveAll(aws, topic.envelope.url, 1);
    const translated = await snsTranslator().translate(inbound(message as Message));
    assert.deepEqual(translated.content, { id: 'test-1', username: 'georgeyk', github_url: '' });
    assert.equal(translated.metadata.sns?.topicArn, topic.arn);
    assert.equal(translated.metadata.sns?.messageId, result.messageId);
    assert.equal(translated.metadata.sns?.subject, 'friend created');
    assert.deepEqual(translated.metadata.sns?.messageAttributes, {
      kind: { dataType: 'String', value: 'created' },
      version: { dataType: 'Number', value: 2, text: '2' },
    });
  });

  it('publishes to a topic: a raw-delivery subscription gets the body and SQS attributes', async () => {
    const topic = await createTopicWithQueues('publish-raw');
    const publisher = new SnsPublisher({ topic: topic.arn, client: aws.sns, logger: silentLogger });
    const bytes = new Uint8Array([7, 8, 9]);

    await publisher.publish({ id: 'raw-1' }, { attributes: { kind: 'created', blob: bytes } });

    const [message] = await receiveAll(aws, topic.raw.url, 1);
    assert.equal(message?.Body, '{"id":"raw-1"}');
    assert.equal(message?.MessageAttributes?.kind?.StringValue, 'created');
    assert.equal(message?.MessageAttributes?.blob?.DataType, 'Binary');
    assert.deepEqual([...(message?.MessageAttributes?.blob?.BinaryValue ?? [])], [...bytes]);
  });

  it('finds a topic by name with ListTopics, once, and never creates one', async () => {
    const topic = await createTopicWithQueues('publish-by-name');
    await createTopicWithQueues(`x-${topic.name}`);
    const { client, counts } = countingClient();
    const publisher = new SnsPublisher({ topic: topic.name, client, logger: silentLogger });

    await publisher.publish({ n: 1 });
    await publisher.publish({ n: 2 });

    assert.equal(await publisher.topicArn(), topic.arn);
    assert.equal(counts.get('ListTopicsCommand'), 1);
    assert.equal(counts.get('CreateTopicCommand'), undefined);
    const received = await receiveAll(aws, topic.raw.url, 2);
    assert.equal(received.length, 2);
    client.destroy();
  });

  it('reports a topic name that does not exist as LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND, creating nothing', async () => {
    const { client, counts } = countingClient();
    const publisher = new SnsPublisher({ topic: `missing-${randomUUID()}`, client, logger: silentLogger });

    const error = await publishError(publisher.publish({ n: 1 }));

    assert.equal(error.code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
    assert.equal(counts.get('CreateTopicCommand'), undefined);
    assert.equal(counts.get('PublishCommand'), undefined);
    client.destroy();
  });

  it('reports a topic ARN that does not exist as LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND', async () => {
    const publisher = new SnsPublisher({
      topic: `arn:aws:sns:us-east-1:000000000000:missing-${randomUUID().slice(0, 8)}`,
      client: aws.sns,
      logger: silentLogger,
    });

    const error = await publishError(publisher.publish({ n: 1 }));

    assert.equal(error.code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
  });

  it('splits 25 messages into 3 PublishBatch requests, all delivered', async () => {
    const topic = await createTopicWithQueues('publish-batch');
    const { client, counts } = countingClient();
    const publisher = new SnsPublisher({ topic: topic.arn, client, logger: silentLogger });

    const results = await publisher.publishBatch(
      Array.from({ length: 25 }, (_, n) => ({ message: { n }, attributes: { n } })),
    );

    assert.equal(counts.get('PublishBatchCommand'), 3);
    assert.equal(new Set(results.map((result) => result.messageId)).size, 25);
    const received = await receiveAll(aws, topic.raw.url, 25);
    assert.deepEqual(
      received.map((message) => Number(message.MessageAttributes?.n?.StringValue)).sort((a, b) => a - b),
      Array.from({ length: 25 }, (_, n) => n),
    );
    client.destroy();
  });

  it('splits big messages by the 256 KiB total: 4 of 100 KiB take 2 requests', async () => {
    const topic = await createTopicWithQueues('publish-big');
    const { client, counts } = countingClient();
    const publisher = new SnsPublisher({ topic: topic.arn, client, logger: silentLogger, encoder: 'none' });
    const bodies = Array.from({ length: 4 }, (_, n) => `${n}${'z'.repeat(100 * 1024)}`);

    await publisher.publishBatch(bodies.map((message) => ({ message })));

    assert.equal(counts.get('PublishBatchCommand'), 2);
    const received = await receiveAll(aws, topic.raw.url, 4);
    assert.deepEqual(received.map((message) => message.Body).sort(), [...bodies].sort());
    client.destroy();
  });

  it('publishes to a FIFO topic with group and deduplication ids: a repeated id is delivered once', async () => {
    const topic = await createTopicWithQueues('publish-fifo.fifo');
    const publisher = new SnsPublisher({ topic: topic.arn, client: aws.sns, logger: silentLogger });

    await publisher.publishBatch([
      { message: { n: 1 }, groupId: 'g-1', deduplicationId: 'd-1' },
      { message: { n: 2 }, groupId: 'g-1', deduplicationId: 'd-2' },
    ]);
    await publisher.publish({ n: 1 }, { groupId: 'g-1', deduplicationId: 'd-1' });

    const received = await receiveAll(aws, topic.raw.url, 2);
    const extra = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: topic.raw.url, WaitTimeSeconds: 0 }),
    );
    assert.deepEqual(
      received.map((message) => JSON.parse(message.Body ?? '').n),
      [1, 2],
    );
    assert.equal(extra.Messages?.length ?? 0, 0);
    assert.ok(received.every((message) => message.Attributes?.MessageGroupId === 'g-1'));
  });

  it('refuses a message above 256 KiB before sending it', async () => {
    const { client, counts } = countingClient();
    const publisher = new SnsPublisher({
      topic: 'arn:aws:sns:us-east-1:000000000000:any',
      client,
      logger: silentLogger,
      encoder: 'none',
    });

    const error = await publishError(publisher.publish('x'.repeat(262_145)));

    assert.equal(error.code, 'LOAFER_ERR_PUBLISH_MESSAGE_TOO_LARGE');
    assert.equal(counts.size, 0);
    client.destroy();
  });
});

// docs/publishing.md: publish to an SQS queue and an SNS topic, handle a PublishError, and forward
// each message of a route to another queue. Runs against AWS or any local SQS/SNS server:
// AWS_ENDPOINT_URL=http://127.0.0.1:4566 node --conditions=source --import tsx examples/snippets/publishing.ts
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { SnsPublisher } from 'loafer/sns';
import { isPublishError, SqsPublisher, sqsForwardHandler } from 'loafer/sqs';
import { MemoryProvider } from 'loafer/testing';

/** Where to connect: region, endpoint, credentials (the SDK's defaults when left out). */
export interface Connection {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export async function main(connection: Connection = {}): Promise<string[]> {
  const lines: string[] = [];
  await createInfrastructure(connection); // in production, the queues and the topic exist already

  // 1. A standalone publisher: the queue by name (its URL is looked up once), JSON by default.
  const orders = new SqsPublisher({ queue: 'orders', ...connection });
  const sent = await orders.publish(
    { id: 'o-1', total: 42 },
    { attributes: { kind: 'order-created', version: 2 } },
  );
  lines.push(`order published as ${sent.messageId}`);

  // Many messages: batches of at most 10 entries and 256 KiB, failed entries retried with backoff.
  const results = await orders.publishBatch(
    Array.from({ length: 25 }, (_, n) => ({ message: { id: `o-${n + 2}`, total: n } })),
  );
  lines.push(`${results.length} orders published`);

  // 2. What did not make it is listed, message by message.
  try {
    await orders.publishBatch([{ message: { id: 'ok' } }, { message: { blob: 'x'.repeat(300_000) } }]);
  } catch (error) {
    if (!isPublishError(error)) throw error;
    for (const failure of error.failures) lines.push(`#${failure.index} not published: ${failure.code}`);
  }
  await orders.stop(); // destroys the client it created

  // 3. SNS: the topic by name (found with ListTopics, never created) or by ARN.
  const events = new SnsPublisher({ topic: 'order-events', ...connection });
  await events.publish({ id: 'o-1', status: 'paid' }, { subject: 'order paid' });
  lines.push(`event published to ${await events.topicArn()}`);
  await events.stop();

  // 4. A handler that forwards what its route receives; the received message is deleted only once
  // the forward is accepted by SQS. (The source here is in memory; in a service it is a queue.)
  const source = new MemoryProvider({ name: 'incoming' });
  source.send({ id: 'o-99', total: 7 });
  const route = new Route({
    name: 'archive-orders',
    provider: source,
    messageTranslator: jsonTranslator<{ id: string; total: number }>(),
    handler: sqsForwardHandler<{ id: string; total: number }>({
      queue: 'orders-archive',
      ...connection,
      transform: (order, context) => ({ ...order, archivedFrom: context.route }),
      attributes: (order) => ({ orderId: order.id }),
    }),
  });
  await new Manager({ routes: [route], logger: silentLogger }).runOnce(); // stop() stops the handler too
  lines.push(`forwarded, source left: ${source.size}`);
  return lines;
}

async function createInfrastructure(connection: Connection): Promise<void> {
  const sqs = new SQSClient(connection);
  const sns = new SNSClient(connection);
  for (const name of ['orders', 'orders-archive', 'order-events-audit']) {
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
  }
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'order-events' }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'order-events-audit' }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
  sqs.destroy();
  sns.destroy();
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await main()).join('\n'));

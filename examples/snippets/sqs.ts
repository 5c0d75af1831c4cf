// docs/sqs.md: consume an SQS queue and a queue subscribed to an SNS topic, with the route helpers
// and with an SqsProvider built by hand. Runs against AWS or any local SQS/SNS server:
// AWS_ENDPOINT_URL=http://127.0.0.1:4566 node --conditions=source --import tsx examples/snippets/sqs.ts
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { SqsProvider, snsQueueRoute, sqsRoute } from 'loafer/sqs';
import { z } from 'zod';

/** Where to connect: region, endpoint, credentials (the SDK's defaults when left out). */
export interface Connection {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

const Friend = z.object({ id: z.string(), username: z.string(), github_url: z.string() });

interface Order {
  readonly id: string;
  readonly total: number;
}

export async function main(connection: Connection = {}): Promise<string[]> {
  const lines: string[] = [];
  const { topicArn, auditUrl } = await createInfrastructure(connection); // in production they exist

  // 1. A queue subscribed to an SNS topic: the envelope is unwrapped, the schema types `friend`.
  const friends = snsQueueRoute('foobar-friend-created', {
    ...connection,
    schema: Friend,
    handler: (friend, { metadata }) => {
      lines.push(`friend ${friend.id} (${friend.username}) from ${metadata.sns?.topicArn}`);
      return true; // delete it
    },
  });

  // 2. A plain SQS queue with JSON bodies; messages that can never be decoded go to its DLQ.
  const orders = sqsRoute<Order>('orders', {
    ...connection,
    concurrency: 50,
    onTranslationFailure: 'dead-letter',
    handler: async (order, { receiveCount }) => {
      lines.push(`order ${order.id}: ${order.total} (delivery ${receiveCount})`);
      return true;
    },
  });

  // 3. The long form: your own SQSClient (kept yours: never destroyed) and a queue URL.
  const client = new SQSClient(connection);
  const audit = new Route({
    name: 'audit',
    provider: new SqsProvider({ queue: auditUrl, client, waitTimeSeconds: 10, logger: silentLogger }),
    messageTranslator: jsonTranslator<{ event: string }>(),
    handler: ({ event }) => {
      lines.push(`audit: ${event}`);
      return true;
    },
  });

  const manager = new Manager({ routes: [friends, orders, audit], logger: silentLogger });
  let acked = 0;
  const allAcked = new Promise<void>((resolve) => {
    manager.on('messageAcked', () => {
      acked += 1;
      if (acked === 3) resolve();
    });
  });
  const running = manager.run();

  const sns = new SNSClient(connection);
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify({ id: 'test-1', username: 'georgeyk', github_url: '' }),
    }),
  );
  await client.send(
    new SendMessageCommand({
      QueueUrl: await queueUrl(client, 'orders'),
      MessageBody: JSON.stringify({ id: 'o-1', total: 42 }),
    }),
  );
  await client.send(new SendMessageCommand({ QueueUrl: auditUrl, MessageBody: '{"event":"login"}' }));
  await allAcked;
  await manager.stop(); // stops polling at once (even mid long poll), flushes the deletes
  await running;
  sns.destroy();
  client.destroy();
  return lines.sort();
}

async function queueUrl(client: SQSClient, name: string): Promise<string> {
  const created = await client.send(new CreateQueueCommand({ QueueName: name }));
  return created.QueueUrl as string;
}

async function createInfrastructure(connection: Connection): Promise<{ topicArn: string; auditUrl: string }> {
  const sqs = new SQSClient(connection);
  const sns = new SNSClient(connection);
  const dlqUrl = await queueUrl(sqs, 'orders-dlq');
  const dlq = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  await sqs.send(
    new CreateQueueCommand({
      QueueName: 'orders',
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.Attributes?.QueueArn, maxReceiveCount: 5 }),
      },
    }),
  );
  const friendsUrl = await queueUrl(sqs, 'foobar-friend-created');
  const friends = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: friendsUrl, AttributeNames: ['QueueArn'] }),
  );
  const topic = await sns.send(new CreateTopicCommand({ Name: 'friend-created' }));
  await sns.send(
    new SubscribeCommand({
      TopicArn: topic.TopicArn,
      Protocol: 'sqs',
      Endpoint: friends.Attributes?.QueueArn,
    }),
  );
  const auditUrl = await queueUrl(sqs, 'audit');
  sqs.destroy();
  sns.destroy();
  return { topicArn: topic.TopicArn as string, auditUrl };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await main()) console.log(line);
}

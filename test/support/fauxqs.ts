// Starts an embedded fauxqs (a local SQS/SNS server speaking AWS's wire protocols) on a free port,
// and gives tests real AWS SDK v3 clients pointed at it. One server per test file; one fresh queue
// per test (names are unique).
import { randomUUID } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Message, QueueAttributeName } from '@aws-sdk/client-sqs';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

/** Credentials fauxqs accepts (it never validates them). */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const TEST_REGION = 'us-east-1';

type FauxqsServer = Awaited<ReturnType<typeof startFauxqs>>;

/** A running fauxqs with SDK clients. */
export interface LocalAws {
  /** The server, for its inspection helpers (`inspectQueue`, `spy`...). */
  readonly server: FauxqsServer;
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Client options that point the SDK at the server. */
  readonly clientOptions: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: typeof TEST_CREDENTIALS;
  };
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** Creates a queue with a unique name (prefix kept); returns its name, URL and ARN. */
  createQueue(prefix: string, attributes?: Partial<Record<QueueAttributeName, string>>): Promise<TestQueue>;
  /** Creates a queue with a dead-letter queue after `maxReceiveCount` deliveries. */
  createQueueWithDlq(
    prefix: string,
    maxReceiveCount: number,
    attributes?: Partial<Record<QueueAttributeName, string>>,
  ): Promise<{ queue: TestQueue; dlq: TestQueue }>;
  /** Stops the server and destroys the clients. */
  stop(): Promise<void>;
}

/** A queue created for one test. */
export interface TestQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/** Starts fauxqs on port 0 (a free port) with logging off. */
export async function startLocalAws(options: { messageSpies?: boolean } = {}): Promise<LocalAws> {
  const server = await startFauxqs({ port: 0, logger: false, messageSpies: options.messageSpies ?? false });
  const endpoint = server.address;
  const clientOptions = { endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS };
  const sqs = new SQSClient(clientOptions);
  const sns = new SNSClient(clientOptions);

  async function createQueue(
    prefix: string,
    attributes: Partial<Record<QueueAttributeName, string>> = {},
  ): Promise<TestQueue> {
    const isFifo = prefix.endsWith('.fifo');
    const base = isFifo ? prefix.slice(0, -'.fifo'.length) : prefix;
    const name = `${base}-${randomUUID().slice(0, 8)}${isFifo ? '.fifo' : ''}`;
    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: isFifo ? { FifoQueue: 'true', ...attributes } : attributes,
      }),
    );
    const url = created.QueueUrl as string;
    const described = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return { name, url, arn: described.Attributes?.QueueArn as string };
  }

  return {
    server,
    endpoint,
    clientOptions,
    sqs,
    sns,
    createQueue,
    async createQueueWithDlq(prefix, maxReceiveCount, attributes = {}) {
      const isFifo = prefix.endsWith('.fifo');
      const dlq = await createQueue(isFifo ? `${prefix.slice(0, -5)}-dlq.fifo` : `${prefix}-dlq`);
      const queue = await createQueue(prefix, {
        ...attributes,
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: String(maxReceiveCount),
        }),
      });
      return { queue, dlq };
    },
    async stop() {
      sqs.destroy();
      sns.destroy();
      await server.stop();
    },
  };
}

/** A client whose commands are counted by name, by a middleware on its own stack (real SDK, no mock). */
export function countCommands<C extends SQSClient | SNSClient>(client: C): Map<string, number> {
  const counts = new Map<string, number>();
  (client.middlewareStack as SQSClient['middlewareStack']).add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return counts;
}

/**
 * Receives — and deletes, so that a FIFO queue hands out a group's next message — until `count`
 * messages arrived or three polls in a row came back empty.
 */
export async function receiveAll(aws: LocalAws, url: string, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  let empty = 0;
  while (messages.length < count && empty < 3) {
    const output = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const received = output.Messages ?? [];
    if (received.length === 0) empty += 1;
    messages.push(...received);
    for (const message of received) {
      await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return messages;
}

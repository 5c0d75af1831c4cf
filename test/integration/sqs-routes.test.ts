// A Manager running sqsRoute / snsQueueRoute on SqsProvider against fauxqs, on each transport (the lean
// JSON client and the AWS SDK v3): the ack contract end to end, redelivery and dead letters, bad input,
// stop, provider errors. One fresh queue per test; waits are on events, or on fauxqs's state with a
// deadline.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Route } from 'loafer';
import { isLoaferError, Manager, ProviderError, silentLogger } from 'loafer';
import { snsQueueRoute, sqsRoute } from 'loafer/sqs';
import { z } from 'zod';
import type { LocalAws, TestQueue } from '../support/fauxqs.js';
import { startLocalAws, TEST_CREDENTIALS, TEST_REGION } from '../support/fauxqs.js';
import { eventually, nextEvent, queueSize } from '../support/waits.js';
import { recordRequests, TRANSPORTS } from './sqs-fixtures.js';

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

const Friend = z.object({ id: z.string(), username: z.string(), github_url: z.string() });

// biome-ignore lint/suspicious/noExplicitAny: routes of any content type run together.
function manager(...routes: Route<any, any>[]): Manager {
  return new Manager({ routes, logger: silentLogger, shutdownTimeoutMs: 10_000 });
}

async function send(queue: TestQueue, body: string): Promise<string> {
  const sent = await aws.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
  return sent.MessageId as string;
}

async function subscribedTopic(queue: TestQueue): Promise<string> {
  const topic = await aws.sns.send(new CreateTopicCommand({ Name: `${queue.name}-topic` }));
  const topicArn = topic.TopicArn as string;
  await aws.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }));
  return topicArn;
}

for (const transport of TRANSPORTS) {
  describe(`SQS routes on a Manager, ${transport} transport (fauxqs)`, () => {
    /** Client options, the transport and a short long poll, so that fetches keep turning. */
    function source() {
      return { ...aws.clientOptions, transport, waitTimeSeconds: 1, logger: silentLogger };
    }

    it('delivers an SNS publication to the handler, typed by the schema, and deletes it', async () => {
      const queue = await aws.createQueue('friend-created');
      const topicArn = await subscribedTopic(queue);
      const seen: Array<{ friend: z.infer<typeof Friend>; topicArn: string | undefined; origin: unknown }> =
        [];
      const service = manager(
        snsQueueRoute(queue.name, {
          ...source(),
          schema: Friend,
          handler: (friend, { metadata }) => {
            seen.push({
              friend,
              topicArn: metadata.sns?.topicArn,
              origin: metadata.sns?.messageAttributes.origin,
            });
            return true;
          },
        }),
      );
      const running = service.run();
      const acked = nextEvent(service, 'messageAcked');

      await aws.sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify({ id: 'test-1', username: 'georgeyk', github_url: '' }),
          MessageAttributes: { origin: { DataType: 'String', StringValue: 'tutorial' } },
        }),
      );
      await acked;
      await service.stop();
      await running;

      assert.deepEqual(seen, [
        {
          friend: { id: 'test-1', username: 'georgeyk', github_url: '' },
          topicArn,
          origin: { dataType: 'String', value: 'tutorial' },
        },
      ]);
      assert.equal(queueSize(aws, queue), 0);
    });

    it('redelivers a message whose handler returned false, then moves it to the dead-letter queue', async () => {
      const { queue, dlq } = await aws.createQueueWithDlq('falsy', 2, { VisibilityTimeout: '1' });
      const deliveries: Array<{ receiveCount: number; isLastAttempt: boolean }> = [];
      const service = manager(
        sqsRoute(queue.name, {
          ...source(),
          handler: (_content, context) => {
            deliveries.push({ receiveCount: context.receiveCount, isLastAttempt: context.isLastAttempt });
            return false;
          },
        }),
      );
      const running = service.run();
      const id = await send(queue, '{"n":1}');

      await eventually(
        () => (aws.server.inspectQueue(dlq.name)?.messages.ready.length ?? 0) === 1,
        'the DLQ',
      );
      await service.stop();
      await running;

      assert.deepEqual(deliveries, [
        { receiveCount: 1, isLastAttempt: false },
        { receiveCount: 2, isLastAttempt: true },
      ]);
      assert.equal(aws.server.inspectQueue(dlq.name)?.messages.ready[0]?.messageId, id);
      assert.equal(queueSize(aws, queue), 0);
    });

    it('hands non-JSON and envelope-less bodies to the error handler, keeps them, and serves the next message', async () => {
      const queue = await aws.createQueue('bad-input', { VisibilityTimeout: '60' });
      const topicArn = await subscribedTopic(queue);
      const errors: string[] = [];
      const handled: unknown[] = [];
      const service = manager(
        snsQueueRoute(queue.name, {
          ...source(),
          handler: (content) => {
            handled.push(content);
            return true;
          },
          errorHandler: (error) => {
            errors.push(isLoaferError(error) ? error.code : String(error));
            return false;
          },
        }),
      );
      const running = service.run();

      await send(queue, 'not json at all');
      await send(queue, '{"id":"no envelope"}');
      await aws.sns.send(new PublishCommand({ TopicArn: topicArn, Message: '{"id":"good"}' }));
      await eventually(() => handled.length === 1 && errors.length === 2, 'the good message and two errors');
      await service.stop();
      await running;

      assert.deepEqual(handled, [{ id: 'good' }]);
      assert.deepEqual(errors.sort(), [
        'LOAFER_ERR_TRANSLATION_NOT_JSON',
        'LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE',
      ]);
      assert.equal(queueSize(aws, queue), 2, 'the two bad messages are still in the queue');
    });

    it('lets an in-flight handler finish on stop, deletes its message, and does not wait for the long poll', async () => {
      const queue = await aws.createQueue('stop-in-flight');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const service = manager(
        sqsRoute(queue.name, {
          ...source(),
          waitTimeSeconds: 20,
          handler: async () => {
            await gate;
            return true;
          },
        }),
      );
      const running = service.run();
      const started = nextEvent(service, 'messageReceived');
      await send(queue, '{"slow":true}');
      await started;

      let isStopped = false;
      const stopping = service.stop().then(() => {
        isStopped = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stoppedBeforeHandler = isStopped;
      const releasedAt = Date.now();
      release();
      await stopping;
      const stopTookMs = Date.now() - releasedAt;
      await running;

      assert.equal(stoppedBeforeHandler, false, 'stop waited for the handler');
      assert.equal(queueSize(aws, queue), 0, 'the message was deleted');
      assert.ok(stopTookMs < 2000, `stop took ${stopTookMs} ms after the handler finished (20 s long polls)`);
    });

    it('stops an idle route promptly despite 20 s long polls', async () => {
      const queue = await aws.createQueue('stop-idle');
      const service = manager(
        sqsRoute(queue.name, { ...source(), waitTimeSeconds: 20, handler: () => true }),
      );
      const started = nextEvent(service, 'routeStarted');
      const running = service.run();
      await started;
      await new Promise((resolve) => setTimeout(resolve, 100));

      const stoppedAt = Date.now();
      await service.stop();
      await running;

      assert.ok(Date.now() - stoppedAt < 1000, `stop took ${Date.now() - stoppedAt} ms`);
    });

    it('coalesces the deletes of a busy route into DeleteMessageBatch requests', async () => {
      const queue = await aws.createQueue('coalesce-route');
      for (let start = 0; start < 30; start += 10) {
        await aws.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: Array.from({ length: 10 }, (_, index) => ({
              Id: `m${index}`,
              MessageBody: `{"n":${start + index}}`,
            })),
          }),
        );
      }
      const requests = recordRequests();
      let acked = 0;
      const service = manager(sqsRoute(queue.url, { ...source(), concurrency: 30, handler: () => true }));
      service.on('messageAcked', () => {
        acked += 1;
      });
      const running = service.run();

      await eventually(() => acked === 30, '30 acks');
      await service.stop();
      await running;
      requests.stop();

      const deleteRequests = requests.count('DeleteMessageBatch');
      assert.equal(requests.count('DeleteMessage'), 0);
      assert.ok(
        deleteRequests >= 3 && deleteRequests <= 4,
        `${deleteRequests} DeleteMessageBatch requests for 30 messages`,
      );
      assert.equal(queueSize(aws, queue), 0);
    });

    it('survives a delete whose receipt went stale while the handler ran', async () => {
      const queue = await aws.createQueue('stale-in-route', { VisibilityTimeout: '1' });
      const receiveCounts: number[] = [];
      let secondStarted!: () => void;
      const second = new Promise<void>((resolve) => {
        secondStarted = resolve;
      });
      const ackFailures: unknown[] = [];
      let acks = 0;
      const service = manager(
        sqsRoute(queue.name, {
          ...source(),
          concurrency: 2,
          // No heartbeat: the visibility must run out while the first delivery is handled.
          shouldExtendVisibility: false,
          handler: async (_content, context) => {
            receiveCounts.push(context.receiveCount);
            if (context.receiveCount === 1) await second;
            else secondStarted();
            return true;
          },
        }),
      );
      service.on('ackFailed', ({ error }) => ackFailures.push(error));
      service.on('messageAcked', () => {
        acks += 1;
      });
      const running = service.run();

      await send(queue, '{"slow":true}');
      await eventually(() => acks === 2, 'both deliveries acked');
      const afterward = await send(queue, '{"next":true}');
      await eventually(() => acks === 3, 'the next message');
      await service.stop();
      await running;

      assert.deepEqual(receiveCounts.slice(0, 2).sort(), [1, 2]);
      assert.deepEqual(ackFailures, []);
      assert.equal(typeof afterward, 'string');
      assert.equal(queueSize(aws, queue), 0);
    });

    it('keeps a long handler’s message hidden with the visibility heartbeat', async () => {
      const queue = await aws.createQueue('heartbeat', { VisibilityTimeout: '1' });
      const receiveCounts: number[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const service = manager(
        sqsRoute(queue.name, {
          ...source(),
          handler: async (_content, context) => {
            receiveCounts.push(context.receiveCount);
            await gate;
            return true;
          },
        }),
      );
      const running = service.run();
      const started = nextEvent(service, 'messageReceived');
      await send(queue, '{"long":true}');
      await started;
      const startedAt = Date.now();

      // Past the 1 s visibility timeout, the message is still hidden: extended, not redelivered.
      await eventually(() => {
        const inflight = aws.server.inspectQueue(queue.name)?.messages.inflight[0];
        return (
          Date.now() > startedAt + 1500 && inflight !== undefined && inflight.visibilityDeadline > Date.now()
        );
      }, 'the visibility to be extended past the timeout');
      const acked = nextEvent(service, 'messageAcked');
      release();
      await acked;
      await service.stop();
      await running;

      assert.deepEqual(receiveCounts, [1]);
      assert.equal(queueSize(aws, queue), 0);
    });

    it('moves an untranslatable message to the dead-letter queue with the reason, and serves the next one', async () => {
      const { queue, dlq } = await aws.createQueueWithDlq('to-dlq', 5);
      const handled: unknown[] = [];
      const errorHandlerCalls: unknown[] = [];
      const service = manager(
        sqsRoute(queue.name, {
          ...source(),
          onTranslationFailure: 'dead-letter',
          handler: (content) => {
            handled.push(content);
            return true;
          },
          errorHandler: (error) => {
            errorHandlerCalls.push(error);
            return false;
          },
        }),
      );
      const running = service.run();
      const deadLettered = nextEvent(service, 'messageDeadLettered');

      await aws.sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: 'not json',
          MessageAttributes: { origin: { DataType: 'String', StringValue: 'test' } },
        }),
      );
      const { code } = await deadLettered;
      await send(queue, '{"ok":true}');
      await eventually(() => handled.length === 1, 'the next message');
      await service.stop();
      await running;

      assert.equal(code, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
      assert.deepEqual(handled, [{ ok: true }]);
      assert.deepEqual(errorHandlerCalls, []);
      assert.equal(queueSize(aws, queue), 0);
      const moved = aws.server.inspectQueue(dlq.name)?.messages.ready[0];
      assert.equal(moved?.body, 'not json');
      assert.equal(moved?.messageAttributes.LoaferErrorCode?.StringValue, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
      assert.match(moved?.messageAttributes.LoaferErrorReason?.StringValue ?? '', /not valid JSON/);
      assert.equal(moved?.messageAttributes.origin?.StringValue, 'test');
    });

    it('dead-letters into a FIFO dead-letter queue, keeping the message group', async () => {
      const { queue, dlq } = await aws.createQueueWithDlq('to-dlq.fifo', 5, {
        ContentBasedDeduplication: 'true',
      });
      const service = manager(
        sqsRoute(queue.url, { ...source(), onTranslationFailure: 'dead-letter', handler: () => true }),
      );
      const running = service.run();
      const deadLettered = nextEvent(service, 'messageDeadLettered');

      await aws.sqs.send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{broken', MessageGroupId: 'g-7' }),
      );
      await deadLettered;
      await service.stop();
      await running;

      const moved = aws.server.inspectQueue(dlq.name)?.messages.ready[0];
      assert.equal(moved?.body, '{broken');
      assert.equal(moved?.messageGroupId, 'g-7');
      assert.equal(queueSize(aws, queue), 0);
    });

    it('reports an unreachable endpoint as a retryable ProviderError and keeps backing off', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const service = manager(
        sqsRoute('unreachable', {
          endpoint: `http://127.0.0.1:${port}`,
          region: TEST_REGION,
          credentials: TEST_CREDENTIALS,
          transport,
          logger: silentLogger,
          handler: () => true,
        }),
      );
      const failures: unknown[] = [];
      service.on('providerFailed', ({ error }) => failures.push(error));
      const running = service.run();

      await eventually(() => failures.length >= 2, 'two failed attempts');
      const health = service.health().routes[0];
      await service.stop();
      await running;

      const [first] = failures;
      assert.ok(first instanceof ProviderError);
      assert.equal(first.code, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED');
      assert.equal(first.isRetryable, true);
      assert.ok((health?.consecutiveErrors ?? 0) >= 2);
    });

    it('reports a missing queue as LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND', async () => {
      const service = manager(sqsRoute('never-created', { ...source(), handler: () => true }));
      const failed = nextEvent(service, 'providerFailed');
      const running = service.run();

      const { error, operation } = await failed;
      await service.stop();
      await running;

      assert.equal(operation, 'start');
      assert.ok(error instanceof ProviderError);
      assert.equal(error.code, 'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND');
    });

    it('runs a FIFO queue given by URL, reading FIFO from its attributes', async () => {
      const queue = await aws.createQueue('orders.fifo', { ContentBasedDeduplication: 'true' });
      const groups: Array<string | undefined> = [];
      const service = manager(
        sqsRoute<{ n: number }>(queue.url, {
          ...source(),
          handler: (_content, { metadata }) => {
            groups.push(metadata.groupId);
            return true;
          },
        }),
      );
      const running = service.run();
      const acked = nextEvent(service, 'messageAcked');

      await aws.sqs.send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"n":1}', MessageGroupId: 'g-1' }),
      );
      await acked;
      await service.stop();
      await running;

      assert.deepEqual(groups, ['g-1']);
      assert.equal(queueSize(aws, queue), 0);
    });
  });
}

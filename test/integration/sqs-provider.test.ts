// SqsProvider against fauxqs on each transport (the lean JSON client and the AWS SDK v3): receiving,
// queue info, batched acks with per-entry results, visibility changes, dead letters, errors, request
// timeouts, stop, the SDK's configuration from the environment. One fresh queue per test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Message } from '@aws-sdk/client-sqs';
import {
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { InboundMessage } from 'loafer';
import { ProviderError } from 'loafer';
import type { SqsProviderOptions } from 'loafer/sqs';
import { SqsProvider } from 'loafer/sqs';
import { MemoryLogger } from 'loafer/testing';
import type { LocalAws, TestQueue } from '../support/fauxqs.js';
import { countCommands, startLocalAws, TEST_CREDENTIALS, TEST_REGION } from '../support/fauxqs.js';
import { queueSize } from '../support/waits.js';
import { recordRequests, TRANSPORTS } from './sqs-fixtures.js';

/** Only there so that a broken test fails instead of hanging. */
const DEADLINE_MS = 10_000;

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

/** Runs a child process with `script` (ESM, loafer importable) in `env`; resolves with its last stdout line. */
async function runChild(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; last: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '--eval', script],
    {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { PATH: process.env.PATH, HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(killer);
  return { code, last: stdout.trim().split('\n').at(-1) ?? '', stderr };
}

/** Receives until `count` messages arrived or the deadline passed. */
async function fetchAll(source: SqsProvider, count: number): Promise<InboundMessage<Message>[]> {
  const received: InboundMessage<Message>[] = [];
  const deadline = Date.now() + DEADLINE_MS;
  while (received.length < count) {
    assert.ok(Date.now() < deadline, `received ${received.length} of ${count} messages before the deadline`);
    const batch = await source.fetchMessages({
      maxMessages: 10,
      signal: new AbortController().signal,
    });
    received.push(...batch);
  }
  return received;
}

async function send(queue: TestQueue, body: string): Promise<string> {
  const sent = await aws.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
  return sent.MessageId as string;
}

function inflightCount(queue: TestQueue): number {
  return aws.server.inspectQueue(queue.name)?.messages.inflight.length ?? -1;
}

for (const transport of TRANSPORTS) {
  describe(`SqsProvider on the ${transport} transport (fauxqs)`, () => {
    /** A provider on the test server; stopped by the caller. */
    function provider(queue: string, options: Partial<SqsProviderOptions> = {}): SqsProvider {
      return new SqsProvider({
        queue,
        ...aws.clientOptions,
        transport,
        waitTimeSeconds: 0,
        logger: new MemoryLogger(),
        ...options,
      } as SqsProviderOptions);
    }

    it(`sends on the ${transport} transport`, async () => {
      const source = provider('any');
      await source.stop();

      assert.equal(source.transport, transport);
    });

    describe('fetchMessages()', () => {
      it('resolves a queue name once and converts messages, attributes included', async () => {
        const queue = await aws.createQueue('convert');
        await aws.sqs.send(
          new SendMessageCommand({
            QueueUrl: queue.url,
            MessageBody: '{"id":"test-1"}',
            MessageAttributes: {
              kind: { DataType: 'String', StringValue: 'friend' },
              score: { DataType: 'Number.float', StringValue: '1.5' },
              blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
            },
          }),
        );
        const requests = recordRequests();
        const source = provider(queue.name);

        const [message] = await fetchAll(source, 1);
        await source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal });
        await source.stop();
        requests.stop();

        assert.ok(message !== undefined);
        assert.equal(source.queueUrl, queue.url);
        assert.equal(requests.count('GetQueueUrl'), 1);
        assert.equal(message.body, '{"id":"test-1"}');
        assert.equal(message.receiveCount, 1);
        assert.equal(message.groupId, undefined);
        assert.equal(message.raw.Body, '{"id":"test-1"}');
        assert.equal(typeof message.raw.ReceiptHandle, 'string');
        assert.equal(message.systemAttributes.ApproximateReceiveCount, '1');
        assert.equal(typeof message.systemAttributes.SentTimestamp, 'string');
        assert.deepEqual(message.attributes.kind, { dataType: 'String', value: 'friend' });
        assert.deepEqual(message.attributes.score, {
          dataType: 'Number',
          value: 1.5,
          text: '1.5',
          customType: 'float',
        });
        const blob = message.attributes.blob;
        assert.equal(blob?.dataType, 'Binary');
        assert.ok(blob.value instanceof Uint8Array);
        assert.equal(Buffer.from(blob.value).toString(), 'hi');
      });

      it('consumes a queue given by URL without looking it up', async () => {
        const queue = await aws.createQueue('by-url');
        await send(queue, 'by url');
        const requests = recordRequests();
        const source = provider(queue.url);

        const [message] = await fetchAll(source, 1);
        await source.stop();
        requests.stop();

        assert.equal(message?.body, 'by url');
        assert.equal(source.queueName, queue.name);
        assert.equal(requests.count('GetQueueUrl'), 0);
      });

      it('asks for at most maxMessages and gives an empty body as an empty string', async () => {
        const queue = await aws.createQueue('max');
        await aws.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: [0, 1, 2, 3, 4].map((index) => ({ Id: `m${index}`, MessageBody: ` ${index}` })),
          }),
        );
        const source = provider(queue.name);

        const batch = await source.fetchMessages({ maxMessages: 2, signal: new AbortController().signal });
        await source.stop();

        assert.equal(batch.length, 2);
      });

      it('ends an idle long poll at once when its signal aborts, with no messages', async () => {
        const queue = await aws.createQueue('abort');
        const source = provider(queue.name, { waitTimeSeconds: 20 });
        await source.start({ signal: new AbortController().signal });
        const controller = new AbortController();

        const polling = source.fetchMessages({ maxMessages: 10, signal: controller.signal });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const abortedAt = Date.now();
        controller.abort();
        const messages = await polling;
        const tookMs = Date.now() - abortedAt;
        await source.stop();

        assert.deepEqual(messages, []);
        assert.ok(tookMs < 1000, `the aborted poll took ${tookMs} ms`);
      });

      it('fails with a retryable ProviderError when the endpoint is down', async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        const source = new SqsProvider({
          queue: `http://127.0.0.1:${port}/000000000000/nowhere`,
          endpoint: `http://127.0.0.1:${port}`,
          region: TEST_REGION,
          credentials: TEST_CREDENTIALS,
          transport,
          logger: new MemoryLogger(),
        });

        const failure = await source
          .fetchMessages({ maxMessages: 10, signal: new AbortController().signal })
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        await source.stop();

        assert.ok(failure instanceof ProviderError, `expected a ProviderError, got ${String(failure)}`);
        assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED');
        assert.equal(failure.isRetryable, true);
        assert.equal((failure.cause as { code?: string }).code, 'ECONNREFUSED');
      });

      it('times a hung request out after requestTimeoutMs with a retryable ProviderError', async () => {
        const sockets = new Set<Socket>();
        const blackhole = createServer((socket) => {
          sockets.add(socket);
          socket.on('error', () => {});
        });
        await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
        const port = (blackhole.address() as AddressInfo).port;
        const source = new SqsProvider({
          queue: `http://127.0.0.1:${port}/000000000000/hung`,
          endpoint: `http://127.0.0.1:${port}`,
          region: TEST_REGION,
          credentials: TEST_CREDENTIALS,
          waitTimeSeconds: 0,
          requestTimeoutMs: 300,
          transport,
          logger: new MemoryLogger(),
        });

        const startedAt = Date.now();
        const failure = await source
          .fetchMessages({ maxMessages: 10, signal: new AbortController().signal })
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        const tookMs = Date.now() - startedAt;
        await source.stop();
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => blackhole.close(() => resolve()));

        assert.ok(failure instanceof ProviderError);
        assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED');
        assert.equal(failure.isRetryable, true);
        assert.match(failure.message, /timed out after 300 ms/);
        assert.ok(tookMs >= 250 && tookMs < 5000, `the request ended after ${tookMs} ms`);
      });
    });

    describe('start()', () => {
      it('reads a FIFO queue’s attributes: FIFO, visibility timeout, redrive policy', async () => {
        const { queue, dlq } = await aws.createQueueWithDlq('info.fifo', 3, { VisibilityTimeout: '7' });
        const source = provider(queue.name);

        const info = await source.start({ signal: new AbortController().signal });
        await source.stop();

        assert.deepEqual(info, {
          isFifo: true,
          visibilityTimeoutSeconds: 7,
          maxReceiveCount: 3,
          deadLetterTarget: dlq.arn,
        });
      });

      it('reports a standard queue without a dead-letter queue, and its own visibility timeout', async () => {
        const queue = await aws.createQueue('info-standard');
        const source = provider(queue.url, { visibilityTimeoutSeconds: 45 });

        const info = await source.start({ signal: new AbortController().signal });
        await source.stop();

        assert.deepEqual(info, { isFifo: false, visibilityTimeoutSeconds: 45 });
      });

      it('fails with LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND for a missing queue', async () => {
        const source = provider('no-such-queue');

        const failure = await source.start({ signal: new AbortController().signal }).then(
          () => undefined,
          (error: unknown) => error,
        );
        await source.stop();

        assert.ok(failure instanceof ProviderError);
        assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND');
        assert.equal(failure.isRetryable, false);
        assert.match(failure.message, /no-such-queue/);
        assert.ok(failure.cause instanceof QueueDoesNotExist, 'the SDK’s own error class');
        assert.equal(
          (failure.cause as QueueDoesNotExist & { Code?: string }).Code,
          'AWS.SimpleQueueService.NonExistentQueue',
        );
      });

      it('fails with LOAFER_ERR_PROVIDER_CREDENTIALS when no credentials can be found', async () => {
        const queue = await aws.createQueue('no-credentials');
        const source = provider(queue.name, {
          credentials: () =>
            Promise.reject(
              Object.assign(new Error('Could not load credentials from any providers'), {
                name: 'CredentialsProviderError',
              }),
            ),
        });

        const failure = await source.start({ signal: new AbortController().signal }).then(
          () => undefined,
          (error: unknown) => error,
        );
        await source.stop();

        assert.ok(failure instanceof ProviderError);
        assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_CREDENTIALS');
        assert.equal(failure.isRetryable, false);
      });
    });

    describe('confirmMessage()', () => {
      it('coalesces deletes into DeleteMessageBatch requests of 10', async () => {
        const queue = await aws.createQueue('coalesce');
        for (let start = 0; start < 25; start += 10) {
          await aws.sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: queue.url,
              Entries: Array.from({ length: Math.min(10, 25 - start) }, (_, index) => ({
                Id: `m${start + index}`,
                MessageBody: `${start + index}`,
              })),
            }),
          );
        }
        const source = provider(queue.url, { ackBatchWindowMs: 50 });
        const messages = await fetchAll(source, 25);
        const requests = recordRequests();

        await Promise.all(messages.map((message) => source.confirmMessage(message)));
        await source.stop();
        requests.stop();

        assert.equal(requests.count('DeleteMessageBatch'), 3);
        assert.equal(requests.count('DeleteMessage'), 0);
        assert.equal(queueSize(aws, queue), 0);
      });

      it('resolves for a stale receipt instead of failing', async () => {
        const queue = await aws.createQueue('stale-delete', { VisibilityTimeout: '1' });
        await send(queue, 'twice');
        const source = provider(queue.name);
        const [first] = await fetchAll(source, 1);
        const [second] = await fetchAll(source, 1);

        await source.confirmMessage(first as InboundMessage<Message>);
        await source.confirmMessage(second as InboundMessage<Message>);
        await source.stop();

        assert.equal(second?.receiveCount, 2);
        assert.equal(queueSize(aws, queue), 0);
      });

      it('sends pending deletes when stopped, then rejects new calls', async () => {
        const queue = await aws.createQueue('stop-flush');
        await send(queue, 'flush me');
        const source = provider(queue.name, { ackBatchWindowMs: 10_000 });
        const [message] = await fetchAll(source, 1);

        const confirmed = source.confirmMessage(message as InboundMessage<Message>);
        await source.stop();
        await confirmed;
        const late = await source.confirmMessage(message as InboundMessage<Message>).then(
          () => undefined,
          (error: unknown) => error,
        );
        const lateFetch = await source
          .fetchMessages({ maxMessages: 1, signal: new AbortController().signal })
          .then(
            () => undefined,
            (error: unknown) => error,
          );

        assert.equal(queueSize(aws, queue), 0);
        assert.ok(late instanceof ProviderError);
        assert.equal(late.code, 'LOAFER_ERR_PROVIDER_STOPPED');
        assert.ok(lateFetch instanceof ProviderError);
        assert.equal(lateFetch.code, 'LOAFER_ERR_PROVIDER_STOPPED');
      });
    });

    describe('releaseMessage()', () => {
      it('makes a message visible again at once, its receive count going up', async () => {
        const queue = await aws.createQueue('release', { VisibilityTimeout: '60' });
        await send(queue, 'again');
        const source = provider(queue.name);
        const [first] = await fetchAll(source, 1);

        await source.releaseMessage(first as InboundMessage<Message>);
        const [second] = await fetchAll(source, 1);
        await source.stop();

        assert.equal(second?.id, first?.id);
        assert.equal(second?.receiveCount, 2);
      });

      it('logs a stale receipt and resolves', async () => {
        const queue = await aws.createQueue('release-stale');
        await send(queue, 'gone');
        const logger = new MemoryLogger();
        const source = provider(queue.name, { logger });
        const [message] = await fetchAll(source, 1);
        await source.confirmMessage(message as InboundMessage<Message>);

        await source.releaseMessage(message as InboundMessage<Message>, { delaySeconds: 5 });
        await source.stop();

        const warning = logger.at('warn').find((record) => record.message.startsWith('release skipped'));
        assert.ok(warning, 'a warning about the stale receipt');
        assert.equal(warning.fields.messageId, message?.id);
        assert.equal(warning.fields.queue, queue.name);
        assert.equal(warning.fields.code, 'ReceiptHandleIsInvalid');
      });
    });

    describe('logging', () => {
      it('logs to the route’s logger, given at start, when it has no logger of its own', async () => {
        const queue = await aws.createQueue('route-logger');
        await send(queue, 'gone');
        const routeLogger = new MemoryLogger({ route: 'friends' });
        const source = new SqsProvider({
          queue: queue.name,
          ...aws.clientOptions,
          transport,
          waitTimeSeconds: 0,
        });
        await source.start({ signal: new AbortController().signal, logger: routeLogger });
        const [message] = await fetchAll(source, 1);
        await source.confirmMessage(message as InboundMessage<Message>);

        await source.releaseMessage(message as InboundMessage<Message>);
        await source.stop();

        const warning = routeLogger.at('warn')[0];
        assert.equal(warning?.message.startsWith('release skipped'), true);
        assert.equal(warning?.fields.route, 'friends');
        assert.equal(warning?.fields.queue, queue.name);
      });
    });

    describe('extendVisibility()', () => {
      it('keeps a message hidden for the requested time', async () => {
        const queue = await aws.createQueue('extend', { VisibilityTimeout: '1' });
        await send(queue, 'keep me');
        const source = provider(queue.name);
        const [message] = await fetchAll(source, 1);

        const extendedAt = Date.now();
        await source.extendVisibility(message as InboundMessage<Message>, { visibilitySeconds: 30 });
        const inflight = aws.server.inspectQueue(queue.name)?.messages.inflight[0];
        await source.stop();

        assert.ok(inflight !== undefined);
        assert.ok(inflight.visibilityDeadline >= extendedAt + 29_000, 'hidden for about 30 s from now');
      });

      it('rejects when the receipt is no longer valid, so that a heartbeat stops', async () => {
        const queue = await aws.createQueue('extend-stale');
        await send(queue, 'deleted');
        const source = provider(queue.name);
        const [message] = await fetchAll(source, 1);
        await source.confirmMessage(message as InboundMessage<Message>);

        const failure = await source
          .extendVisibility(message as InboundMessage<Message>, { visibilitySeconds: 30 })
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        await source.stop();

        assert.ok(failure instanceof ProviderError);
        assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_ACK_FAILED');
        assert.equal(failure.isRetryable, false);
        assert.match(failure.message, /no longer valid/);
      });

      it('coalesces releases and extensions into ChangeMessageVisibilityBatch requests', async () => {
        const queue = await aws.createQueue('visibility-batch', { VisibilityTimeout: '60' });
        await aws.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: Array.from({ length: 6 }, (_, index) => ({ Id: `m${index}`, MessageBody: `${index}` })),
          }),
        );
        const source = provider(queue.url, { ackBatchWindowMs: 50 });
        const messages = await fetchAll(source, 6);
        const requests = recordRequests();

        await Promise.all(
          messages.map((message, index) =>
            index % 2 === 0
              ? source.releaseMessage(message)
              : source.extendVisibility(message, { visibilitySeconds: 120 }),
          ),
        );
        await source.stop();
        requests.stop();

        assert.equal(requests.count('ChangeMessageVisibilityBatch'), 1);
        assert.equal(inflightCount(queue), 3);
      });
    });

    describe('deadLetterMessage()', () => {
      it('moves a message to the dead-letter queue with its attributes, binary ones included', async () => {
        const { queue, dlq } = await aws.createQueueWithDlq('to-dlq', 5);
        await aws.sqs.send(
          new SendMessageCommand({
            QueueUrl: queue.url,
            MessageBody: 'not json',
            MessageAttributes: {
              origin: { DataType: 'String', StringValue: 'test' },
              blob: { DataType: 'Binary', BinaryValue: Uint8Array.of(0, 1, 255) },
            },
          }),
        );
        const source = provider(queue.name);
        await source.start({ signal: new AbortController().signal });
        const [message] = await fetchAll(source, 1);

        await source.deadLetterMessage(message as InboundMessage<Message>, {
          reason: 'not valid JSON',
          code: 'LOAFER_ERR_TRANSLATION_NOT_JSON',
        });
        await source.stop();
        const moved = await aws.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlq.url,
            MessageAttributeNames: ['All'],
            WaitTimeSeconds: 0,
          }),
        );

        const attributes = moved.Messages?.[0]?.MessageAttributes;
        assert.equal(moved.Messages?.[0]?.Body, 'not json');
        assert.deepEqual([...(attributes?.blob?.BinaryValue ?? [])], [0, 1, 255]);
        assert.equal(attributes?.origin?.StringValue, 'test');
        assert.equal(attributes?.LoaferErrorCode?.StringValue, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
        assert.equal(queueSize(aws, queue), 0);
      });
    });

    describe('stop()', () => {
      it('ends a receive in progress with no messages, promptly', async () => {
        const queue = await aws.createQueue('stop-poll');
        const source = provider(queue.name, { waitTimeSeconds: 20 });
        await source.start({ signal: new AbortController().signal });
        const polling = source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal });
        await new Promise((resolve) => setTimeout(resolve, 50));

        const stoppedAt = Date.now();
        await source.stop();
        const messages = await polling;

        assert.deepEqual(messages, []);
        assert.ok(Date.now() - stoppedAt < 1000, 'stop did not wait for the long poll');
      });
    });

    describe('the SDK’s own configuration', () => {
      it('uses AWS_ENDPOINT_URL and the credentials of the environment when given no client options', async () => {
        const queue = await aws.createQueue('env');
        await send(queue, 'from env');
        const requests = recordRequests();
        const script = `
        import { SqsProvider } from 'loafer/sqs';
        import { silentLogger } from 'loafer';
        const provider = new SqsProvider({ queue: ${JSON.stringify(queue.name)}, transport: ${JSON.stringify(transport)}, waitTimeSeconds: 1, logger: silentLogger });
        const info = await provider.start({ signal: new AbortController().signal });
        const messages = await provider.fetchMessages({ maxMessages: 10, signal: new AbortController().signal });
        if (messages.length > 0) await provider.confirmMessage(messages[0]);
        await provider.stop();
        console.log(JSON.stringify({ isFifo: info.isFifo, bodies: messages.map((m) => m.body) }));
      `;

        const { code, last, stderr } = await runChild(script, {
          AWS_ENDPOINT_URL: aws.endpoint,
          AWS_REGION: TEST_REGION,
          AWS_ACCESS_KEY_ID: 'env-key',
          AWS_SECRET_ACCESS_KEY: 'env-secret',
        });
        requests.stop();

        assert.equal(code, 0, stderr);
        assert.deepEqual(JSON.parse(last), { isFifo: false, bodies: ['from env'] });
        assert.doesNotMatch(stderr, /differs from SQSClient resolved endpoint/);
        assert.equal(queueSize(aws, queue), 0);
        assert.ok(requests.authorizations.length >= 4, `${requests.authorizations.length} requests`);
        for (const authorization of requests.authorizations) {
          assert.match(
            authorization,
            /^AWS4-HMAC-SHA256 Credential=env-key\/\d{8}\/us-east-1\/sqs\/aws4_request, /,
          );
        }
      });

      it('prefers AWS_ENDPOINT_URL_SQS to AWS_ENDPOINT_URL, and reads the region from the environment', async () => {
        const queue = await aws.createQueue('env-sqs');
        await send(queue, 'from env');
        const requests = recordRequests();
        const script = `
        import { SqsProvider } from 'loafer/sqs';
        import { silentLogger } from 'loafer';
        const provider = new SqsProvider({ queue: ${JSON.stringify(queue.url)}, transport: ${JSON.stringify(transport)}, waitTimeSeconds: 1, logger: silentLogger });
        const messages = await provider.fetchMessages({ maxMessages: 10, signal: new AbortController().signal });
        await provider.stop();
        console.log(JSON.stringify(messages.map((m) => m.body)));
      `;

        const { code, last, stderr } = await runChild(script, {
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
          AWS_ENDPOINT_URL_SQS: aws.endpoint,
          AWS_REGION: 'eu-west-3',
          AWS_ACCESS_KEY_ID: 'env-key',
          AWS_SECRET_ACCESS_KEY: 'env-secret',
          AWS_SESSION_TOKEN: 'env-token',
        });
        requests.stop();

        assert.equal(code, 0, stderr);
        assert.deepEqual(JSON.parse(last), ['from env']);
        assert.match(
          requests.authorizations[0] ?? '',
          /Credential=env-key\/\d{8}\/eu-west-3\/sqs\/aws4_request/,
        );
        assert.match(requests.authorizations[0] ?? '', /SignedHeaders=[^,]*x-amz-security-token/);
      });
    });
  });
}

describe('SqsProvider with your own client (fauxqs)', () => {
  it('sends every request through that client', async () => {
    const queue = await aws.createQueue('own-client-requests');
    await send(queue, 'yours');
    const client = new SQSClient(aws.clientOptions);
    const counts = countCommands(client);
    const source = new SqsProvider({
      queue: queue.name,
      client,
      waitTimeSeconds: 0,
      logger: new MemoryLogger(),
    });

    const [message] = await fetchAll(source, 1);
    await source.confirmMessage(message as InboundMessage<Message>);
    await source.stop();

    assert.equal(source.transport, 'sdk');
    assert.equal(counts.get('GetQueueUrlCommand'), 1);
    assert.equal(counts.get('ReceiveMessageCommand'), 1);
    assert.equal(counts.get('DeleteMessageBatchCommand'), 1);
    assert.equal(queueSize(aws, queue), 0);
    client.destroy();
  });

  it('leaves a client it was given usable', async () => {
    const queue = await aws.createQueue('own-client');
    const client = new SQSClient(aws.clientOptions);
    const source = new SqsProvider({ queue: queue.url, client, logger: new MemoryLogger() });

    await source.stop();
    await source.stop();
    const output = await client.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 0 }));

    assert.equal(output.Messages?.length ?? 0, 0);
    client.destroy();
  });
});

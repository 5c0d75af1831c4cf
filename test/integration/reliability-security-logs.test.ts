// Credentials, and message bodies above debug, never appear in the logs of a failing run against the
// real SDK and fauxqs: distinctive fake credentials in client options and in the environment, bodies
// with a distinctive marker, and every kind of failure — translation, handler, provider (missing
// queue, refused connections), publishing (missing queue, missing topic). In-process logs are captured
// with MemoryLogger; a child service's stdout and stderr are captured whole.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Logger } from 'loafer';
import { Manager } from 'loafer';
import { snsPublishHandler } from 'loafer/sns';
import { sqsForwardHandler, sqsRoute } from 'loafer/sqs';
import { MemoryLogger } from 'loafer/testing';
import { z } from 'zod';
import { ChildService } from '../reliability/child-service.js';
import { FaultProxy } from '../reliability/fault-proxy.js';
import { capturingPino, leaksInLines, leaksInRecords } from '../reliability/log-search.js';
import type { LocalAws } from '../support/fauxqs.js';
import { startLocalAws, TEST_REGION } from '../support/fauxqs.js';

const CREDENTIALS = {
  accessKeyId: 'AKIAMARKER7F3A9C0000',
  secretAccessKey: 'secret-MARKER-3e8d1b0c7a64f2e9d5b1c3a7',
  sessionToken: 'session-MARKER-91c4e0f2d8b3a7c6e5f4',
} as const;
const BODY_MARKER = 'BODY-MARKER-5ae10f';
const SECRETS = [CREDENTIALS.secretAccessKey, CREDENTIALS.sessionToken];
const MARKERS = [...SECRETS, CREDENTIALS.accessKeyId, BODY_MARKER];

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

/** A localhost port that refuses connections. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

async function send(queueUrl: string, bodies: readonly string[]): Promise<void> {
  for (let index = 0; index < bodies.length; index += 10) {
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies
          .slice(index, index + 10)
          .map((body, entry) => ({ Id: String(entry), MessageBody: body })),
      }),
    );
  }
}

/** Consumes, translates, handles, publishes and polls with every failure, logging to `logger`. */
async function failingSqsRun(logger: Logger): Promise<void> {
  const client = { endpoint: aws.endpoint, region: TEST_REGION, credentials: CREDENTIALS, logger };
  const consumed = await aws.createQueue('security-consumed');
  const forwarded = await aws.createQueue('security-forwarded');
  const announced = await aws.createQueue('security-announced');
  await send(consumed.url, [
    `not json ${BODY_MARKER}`,
    `{"id":5,"username":"${BODY_MARKER}"}`,
    `{"id":"${BODY_MARKER}","username":"jane"}`,
  ]);
  await send(forwarded.url, [`{"note":"${BODY_MARKER}"}`]);
  await send(announced.url, [`{"note":"${BODY_MARKER}"}`]);
  const routes = [
    sqsRoute(consumed.url, {
      ...client,
      waitTimeSeconds: 1,
      schema: z.object({ id: z.string(), username: z.string() }),
      handler: () => {
        throw new Error('processing failed');
      },
    }),
    sqsRoute('security-missing-queue', {
      ...client,
      name: 'missing',
      waitTimeSeconds: 1,
      handler: () => true,
    }),
    sqsRoute(consumed.url, {
      ...client,
      name: 'refused',
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      waitTimeSeconds: 1,
      handler: () => true,
    }),
    sqsRoute(forwarded.url, {
      ...client,
      waitTimeSeconds: 1,
      handler: sqsForwardHandler({
        ...client,
        queue: 'security-missing-target',
        retry: { maxAttempts: 2 },
      }),
    }),
    sqsRoute(announced.url, {
      ...client,
      waitTimeSeconds: 1,
      handler: snsPublishHandler({
        ...client,
        topic: `arn:aws:sns:${TEST_REGION}:000000000000:security-missing-topic`,
        retry: { maxAttempts: 2 },
      }),
    }),
  ];
  const manager = new Manager({ routes, logger });
  const handled = new Map<string, number>();
  const failedRoutes = new Set<string>();
  const done = new Promise<void>((resolve) => {
    const check = (): void => {
      const isDone =
        (handled.get(consumed.name) ?? 0) >= 3 &&
        (handled.get(forwarded.name) ?? 0) >= 1 &&
        (handled.get(announced.name) ?? 0) >= 1 &&
        failedRoutes.has('missing') &&
        failedRoutes.has('refused');
      if (isDone) resolve();
    };
    manager.on('messageHandled', ({ route }) => {
      handled.set(route, (handled.get(route) ?? 0) + 1);
      check();
    });
    manager.on('providerFailed', ({ route }) => {
      failedRoutes.add(route);
      check();
    });
  });

  const running = manager.run();
  await done;
  await manager.stop();
  await running;
}

describe('logs of a failing run against SQS', () => {
  it('carry no credentials and no bodies above debug (in-process, MemoryLogger)', async () => {
    const logger = new MemoryLogger();

    await failingSqsRun(logger);

    const messages = new Set(
      logger.records.filter((record) => record.level === 'error').map((record) => record.message),
    );
    assert.ok(messages.has('message could not be translated'), [...messages].join(', '));
    assert.ok(messages.has('handler failed'), [...messages].join(', '));
    assert.ok([...messages].some((message) => message.includes('failed: retrying with backoff')));
    // As written to a log: nothing.
    assert.deepEqual(leaksInLines(logger.toText(), MARKERS), []);
    // Reachable from the logged objects, however deep: never the secret key, never a body. (The
    // session token and the access key id are: see reproducers/sdk-error-carries-signed-request.test.ts.)
    assert.deepEqual(leaksInRecords(logger.records, [CREDENTIALS.secretAccessKey, BODY_MARKER]), []);
  });

  it('carry no credentials and no bodies above debug (in-process, pino as loafer logs by default)', async () => {
    const capture = capturingPino();

    await failingSqsRun(capture.logger);

    assert.ok(capture.text().includes('"msg":"handler failed"'));
    assert.deepEqual(leaksInLines(capture.text(), MARKERS), []);
  });

  it('carry no credentials and no bodies in a child service’s output, handler and provider errors included', async () => {
    const queue = await aws.createQueue('security-child');
    await send(
      queue.url,
      Array.from({ length: 5 }, (_, index) => JSON.stringify({ id: `security-${index}`, note: BODY_MARKER })),
    );
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(aws.endpoint).port) });
    const service = ChildService.start(
      {
        queueUrl: queue.url,
        endpoint: proxy.url,
        ledgerPath: join(tmpdir(), `security-child-${Date.now()}.jsonl`),
        concurrency: 5,
        waitTimeSeconds: 1,
        requestTimeoutMs: 2000,
        failRate: 1,
        hangRate: 0,
        zombieShare: 0,
        workMs: [0, 0],
        seed: 5,
        report: ['attempt', 'providerFailed'],
        credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.secretAccessKey },
      },
      {
        env: {
          AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
          AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
        },
      },
    );
    try {
      await service.waitForCount((report) => report.reliability === 'attempt', 5);
      await proxy.setMode('refuse');
      await service.waitForCount((report) => report.reliability === 'providerFailed', 2);
      await proxy.setMode('pass');
      service.kill('SIGTERM');
      const exit = await service.exited;

      assert.equal(exit.code, 0, service.stderr);
      assert.ok(service.logs.some((line) => line.level === 50 && line.msg === 'handler failed'));
      assert.ok(service.logs.some((line) => line.level === 50 && line.msg.includes('retrying with backoff')));
      assert.deepEqual(leaksInLines(service.stdout, MARKERS), []);
      assert.deepEqual(leaksInLines(service.stderr, MARKERS), []);
    } finally {
      if (service.exit === undefined) service.kill('SIGKILL');
      await service.exited;
      await proxy.close();
    }
  });
});

// The tutorial's service end to end: the routes file against fauxqs (real AWS SDK, SNS → SQS
// fan-out), with stand-ins for the GitHub users API and httpbin; and run.ts as a real process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { LoaferEventMap, LoaferEventName } from 'loafer';
import { isTranslationError, Manager } from 'loafer';
import { MemoryLogger } from 'loafer/testing';
import type { FriendInfrastructure } from '../../examples/friend-service/infrastructure.js';
import { createFriendInfrastructure } from '../../examples/friend-service/infrastructure.js';
import { createRoutes } from '../../examples/friend-service/routes.js';
import type { StandIns } from '../../examples/friend-service/stand-ins.js';
import { startStandIns } from '../../examples/friend-service/stand-ins.js';
import type { LocalAws } from '../support/fauxqs.js';
import { startLocalAws } from '../support/fauxqs.js';

const EVENT = { id: 'test-1', username: 'georgeyk', github_url: '' };
const PATCHED = { id: 'test-1', github_url: 'https://github.com/georgeyk' };
/** Only there so that a broken test fails instead of hanging. */
const DEADLINE_MS = 10_000;

function within<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function next<E extends LoaferEventName>(manager: Manager, event: E): Promise<LoaferEventMap[E]> {
  return new Promise((resolve) => {
    const off = manager.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

describe('friend service against fauxqs', () => {
  let aws: LocalAws;
  let apis: StandIns;
  let infrastructure: FriendInfrastructure;
  let queueName: string;

  before(async () => {
    aws = await startLocalAws();
    apis = await startStandIns();
  });
  after(async () => {
    await apis.stop();
    await aws.stop();
  });
  beforeEach(async () => {
    apis.fail('github', undefined);
    const suffix = randomUUID().slice(0, 8);
    queueName = `foobar-friend-created-${suffix}`;
    infrastructure = await createFriendInfrastructure(aws, {
      topicName: `friend-created-${suffix}`,
      queueName,
    });
  });

  function startService(logger = new MemoryLogger()) {
    const manager = new Manager({
      routes: createRoutes({
        ...aws.clientOptions,
        queue: queueName,
        githubApiUrl: apis.githubApiUrl,
        httpbinUrl: apis.httpbinUrl,
        waitTimeSeconds: 1,
        logger,
      }),
      logger,
    });
    const started = next(manager, 'routeStarted');
    const running = manager.run();
    return { manager, started, running, logger };
  }

  async function publish(message: unknown): Promise<void> {
    await aws.sns.send(
      new PublishCommand({ TopicArn: infrastructure.topicArn, Message: JSON.stringify(message) }),
    );
  }

  function messagesLeft(): number {
    const queue = aws.server.inspectQueue(queueName);
    assert.ok(queue !== undefined, `queue ${queueName} exists`);
    return queue.messages.ready.length + queue.messages.inflight.length + queue.messages.delayed.length;
  }

  it('an event published to the topic is looked up on GitHub, patched to httpbin, and deleted', async () => {
    const { manager, started, running } = startService();
    await within(started, 'route start');
    const acked = next(manager, 'messageAcked');
    const seen = apis.requests.length;

    await publish(EVENT);
    await within(acked, 'the message deletion');
    await manager.stop();
    await running;

    const requests = apis.requests.slice(seen);
    assert.deepEqual(
      requests.map(({ api, method, path }) => `${api} ${method} ${path}`),
      ['github GET /users/georgeyk', 'httpbin PATCH /patch'],
    );
    assert.deepEqual((requests[1]?.response as { json?: unknown } | undefined)?.json, PATCHED);
    assert.equal(messagesLeft(), 0);
  });

  it('an event whose github_url is set is deleted without calling either API', async () => {
    const { manager, started, running } = startService();
    await within(started, 'route start');
    const acked = next(manager, 'messageAcked');
    const seen = apis.requests.length;

    await publish({ ...EVENT, github_url: 'https://github.com/georgeyk' });
    await within(acked, 'the message deletion');
    await manager.stop();
    await running;

    assert.equal(apis.requests.length, seen);
    assert.equal(messagesLeft(), 0);
  });

  it('a GitHub outage leaves the message in the queue, the error reported', async () => {
    apis.fail('github', 503);
    const { manager, started, running } = startService();
    await within(started, 'route start');
    const failed = next(manager, 'messageFailed');

    await publish(EVENT);
    const { error } = await within(failed, 'the handler failure');
    await manager.stop();
    await running;

    assert.match((error as Error).message, /GitHub users API answered 503/);
    assert.equal(messagesLeft(), 1);
  });

  it('an event that does not match the schema reaches the error handler and is not deleted', async () => {
    const { manager, started, running } = startService();
    await within(started, 'route start');
    const failed = next(manager, 'messageFailed');
    const seen = apis.requests.length;

    await publish({ id: 'test-2', github_url: '' });
    const { error } = await within(failed, 'the translation failure');
    await manager.stop();
    await running;

    assert.ok(isTranslationError(error));
    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED');
    assert.match(error.message, /username/);
    assert.equal(apis.requests.length, seen);
    assert.equal(messagesLeft(), 1);
  });

  it('run.ts as a process: consumes, patches, deletes, and exits 0 on SIGTERM', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'examples/friend-service/run.ts'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: aws.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          FRIEND_QUEUE: queueName,
          GITHUB_API_URL: apis.githubApiUrl,
          HTTPBIN_URL: apis.httpbinUrl,
        },
      },
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), 3 * DEADLINE_MS);
    let output = '';
    const lines: Array<{ msg?: string }> = [];
    const waiting = new Map<string, () => void>();
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const text = partial + chunk.toString();
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        if (!line.startsWith('{')) continue;
        const record = JSON.parse(line) as { msg?: string };
        lines.push(record);
        if (record.msg !== undefined) waiting.get(record.msg)?.();
      }
    });
    const logged = (msg: string) =>
      lines.some((line) => line.msg === msg)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.set(msg, resolve));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const patched = new Promise<void>((resolve) =>
      apis.onRequest((request) => {
        if (request.api === 'httpbin') resolve();
      }),
    );

    try {
      await within(logged('route started'), `the service start; output:\n${output}`, 3 * DEADLINE_MS);
      await publish(EVENT);
      await within(patched, 'the PATCH');
      await within(logged('friend patched'), 'the handler’s log');
      child.kill('SIGTERM');
      const code = await within(exited, 'the exit');

      assert.equal(code, 0, output);
      assert.ok(
        lines.some((line) => line.msg === 'loafer stopped'),
        output,
      );
      assert.equal(messagesLeft(), 0, output);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});

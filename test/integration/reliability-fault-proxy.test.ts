// The reliability suite's TCP fault proxy, between the real AWS SDK and fauxqs: each mode does to the
// SDK's requests what it promises, and the proxy counts the requests where they arrive.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ProxyRequest } from '../reliability/fault-proxy.js';
import { FaultProxy } from '../reliability/fault-proxy.js';
import type { LocalAws } from '../support/fauxqs.js';
import { startLocalAws, TEST_CREDENTIALS, TEST_REGION } from '../support/fauxqs.js';

let aws: LocalAws;
/** Every proxy and client a test started, closed after the file even when a test failed. */
const started: Array<{ proxy: FaultProxy; sqs: SQSClient }> = [];

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  for (const { proxy, sqs } of started) await stopProxy(proxy, sqs);
  await aws.stop();
});

async function startProxy(): Promise<{ proxy: FaultProxy; sqs: SQSClient }> {
  const proxy = await FaultProxy.start({ targetPort: Number(new URL(aws.endpoint).port) });
  const sqs = new SQSClient({
    endpoint: proxy.url,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  started.push({ proxy, sqs });
  return { proxy, sqs };
}

async function stopProxy(proxy: FaultProxy, sqs: SQSClient): Promise<void> {
  sqs.destroy();
  await proxy.close();
}

function errorCode(error: unknown): string {
  const { code, name } = error as { code?: string; name?: string };
  return code ?? name ?? String(error);
}

describe('FaultProxy', () => {
  it('forwards requests in pass mode and counts them by AWS action', async () => {
    const { proxy, sqs } = await startProxy();
    const queue = await aws.createQueue('proxy-pass');

    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 1 }));

    assert.equal(received.Messages?.[0]?.Body, 'hello');
    assert.equal(proxy.stats().requests.SendMessage, 1);
    assert.equal(proxy.stats().requests.ReceiveMessage, 1);
    assert.equal(proxy.stats().unparsable, 0);
  });

  it('hands the request bodies to request listeners with the mode they arrived in', async () => {
    const { proxy, sqs } = await startProxy();
    const queue = await aws.createQueue('proxy-listen');
    const seen: ProxyRequest[] = [];
    proxy.on('request', (request) => seen.push(request));

    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'marker-body' }));

    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.action, 'SendMessage');
    assert.equal(seen[0]?.mode, 'pass');
    assert.equal((JSON.parse(seen[0]?.body ?? '{}') as { MessageBody?: string }).MessageBody, 'marker-body');
  });

  it('adds latency in delay mode', async () => {
    const { proxy, sqs } = await startProxy();
    const queue = await aws.createQueue('proxy-delay');
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'warm-up' }));
    await proxy.setMode('delay', { delayMs: 300 });

    const startedAt = performance.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'late' }));
    const elapsedMs = performance.now() - startedAt;

    // One delay on the way there, one on the way back: a lower bound, never flaky.
    assert.ok(elapsedMs >= 590, `the request took ${elapsedMs.toFixed(0)} ms, expected >= 600`);
  });

  it('resets connections in reset mode, and forwards again in pass mode', async () => {
    const { proxy, sqs } = await startProxy();
    const queue = await aws.createQueue('proxy-reset');
    await proxy.setMode('reset');

    const failure = await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'lost' })).then(
      () => undefined,
      (error: unknown) => error,
    );

    assert.ok(failure !== undefined, 'the request should fail');
    assert.match(errorCode(failure), /ECONNRESET|socket hang up|EPIPE/i);
    assert.ok(proxy.stats().resets >= 1);
    assert.equal(aws.server.inspectQueue(queue.name)?.messages.ready.length, 0);
    await proxy.setMode('pass');
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'through' }));
    assert.equal(aws.server.inspectQueue(queue.name)?.messages.ready.length, 1);
  });

  it('holds requests without an answer in blackhole mode, counting them but never forwarding', async () => {
    const { proxy, sqs } = await startProxy();
    const queue = await aws.createQueue('proxy-blackhole');
    await proxy.setMode('blackhole');
    const seen: ProxyRequest[] = [];
    proxy.on('request', (request) => seen.push(request));

    const failure = await sqs
      .send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'held' }), {
        abortSignal: AbortSignal.timeout(500),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    assert.ok(failure !== undefined, 'the request should never be answered');
    assert.match(errorCode(failure), /AbortError|abort/i);
    assert.deepEqual(
      seen.map((request) => [request.action, request.mode]),
      [['SendMessage', 'blackhole']],
    );
    assert.equal(aws.server.inspectQueue(queue.name)?.messages.ready.length, 0);
  });

  it('resets the connections it held when a blackhole ends', async () => {
    const { proxy } = await startProxy();
    await proxy.setMode('blackhole');
    const socket = connect(proxy.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    socket.on('error', () => {});
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const deadline = Date.now() + 5000;
    while (proxy.stats().open === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }

    await proxy.setMode('pass');
    await closed;

    assert.equal(proxy.stats().open, 0);
    assert.ok(proxy.stats().resets >= 1);
  });

  it('refuses connections in refuse mode and listens on the same port again afterwards', async () => {
    const { proxy, sqs } = await startProxy();
    const queue = await aws.createQueue('proxy-refuse');
    const port = proxy.port;
    await proxy.setMode('refuse');

    const failure = await sqs
      .send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'refused' }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    assert.equal(errorCode(failure), 'ECONNREFUSED');
    await proxy.setMode('pass');
    assert.equal(proxy.port, port);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'accepted' }));
    assert.equal(aws.server.inspectQueue(queue.name)?.messages.ready.length, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from 'loafer';
import { isPublishError, type PublishError, SnsPublisher } from 'loafer/sns';
import { SqsPublisher } from 'loafer/sqs';
import { ManualClock, MemoryLogger } from 'loafer/testing';
import { until } from '../support/deferred.js';
import { awsError, type Call, FakeClient, type Responder, succeed } from './publish-fakes.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/target';

interface Setup {
  readonly client: FakeClient;
  readonly clock: ManualClock;
  readonly publisher: SqsPublisher;
}

function setup(
  respond: Responder,
  options: { maxAttempts?: number; logger?: MemoryLogger; random?: number; requestTimeoutMs?: number } = {},
): Setup {
  const client = new FakeClient(respond);
  const clock = new ManualClock();
  const publisher = new SqsPublisher({
    queue: QUEUE_URL,
    client: client.asSqs,
    clock,
    random: () => options.random ?? 0,
    logger: options.logger ?? silentLogger,
    retry: { maxAttempts: options.maxAttempts ?? 5, baseDelayMs: 100, maxDelayMs: 1000 },
    requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
  });
  return { client, clock, publisher };
}

/** Answers SendMessageBatch with the given entry failures on the listed attempts, success otherwise. */
function failEntries(
  plan: Record<number, Record<string, { code: string; senderFault: boolean }>>,
): Responder {
  return (call: Call, calls) => {
    if (call.name !== 'SendMessageBatch') return succeed(call, calls);
    const attempt = calls.filter((c) => c.name === 'SendMessageBatch').length;
    const failing = plan[attempt] ?? {};
    const entries: { Id: string }[] = call.input.Entries;
    return {
      Successful: entries
        .filter((e) => failing[e.Id] === undefined)
        .map((e) => ({ Id: e.Id, MessageId: `id-${e.Id}-${attempt}` })),
      Failed: entries
        .filter((e) => failing[e.Id] !== undefined)
        .map((e) => ({
          Id: e.Id,
          Code: failing[e.Id]?.code,
          Message: `${failing[e.Id]?.code} for ${e.Id}`,
          SenderFault: failing[e.Id]?.senderFault,
        })),
    };
  };
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: PublishError }> {
  try {
    return { value: await promise };
  } catch (error) {
    if (isPublishError(error)) return { error };
    throw error;
  }
}

/** Advances the clock until `promise` settles (every retry delay elapses on the manual clock). */
async function driveToEnd<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  let isSettled = false;
  const watched = promise.finally(() => {
    isSettled = true;
  });
  while (!isSettled) await clock.advance(1000);
  return watched;
}

const messages = (count: number) => Array.from({ length: count }, (_, index) => ({ message: { index } }));

describe('publishing retries', () => {
  it('re-sends only the entries that failed with a retryable error', async () => {
    const { client, clock, publisher } = setup(
      failEntries({
        1: {
          'msg-1': { code: 'InternalError', senderFault: false },
          'msg-3': { code: 'ServiceUnavailable', senderFault: false },
        },
      }),
    );

    const pending = publisher.publishBatch(messages(5));
    await until(() => client.of('SendMessageBatch').length === 1, 'the first request');
    await clock.advance(100);
    const results = await pending;

    const [first, second] = client.of('SendMessageBatch');
    assert.equal(first?.input.Entries.length, 5);
    assert.deepEqual(
      second?.input.Entries.map((entry: { Id: string }) => entry.Id),
      ['msg-1', 'msg-3'],
    );
    assert.deepEqual(
      results.map((result) => result.messageId),
      ['id-msg-0-1', 'id-msg-1-2', 'id-msg-2-1', 'id-msg-3-2', 'id-msg-4-1'],
    );
  });

  it('waits the backoff delay before a retry', async () => {
    const { client, clock, publisher } = setup(
      failEntries({ 1: { 'msg-0': { code: 'InternalError', senderFault: false } } }),
    );

    const pending = publisher.publishBatch(messages(1));
    await until(() => client.of('SendMessageBatch').length === 1, 'the first request');
    await clock.advance(49);
    const beforeDelay = client.of('SendMessageBatch').length;
    await clock.advance(1);
    await pending;

    // random() = 0 and equal jitter: the first retry waits half of baseDelayMs.
    assert.equal(beforeDelay, 1);
    assert.equal(client.of('SendMessageBatch').length, 2);
  });

  it('doubles the delay with each retry, up to maxDelayMs', async () => {
    const { client, clock, publisher } = setup(
      () => {
        throw awsError('ThrottlingException', { isThrottling: true });
      },
      { maxAttempts: 6, random: 0.999_999 },
    );
    const sentAt: number[] = [];
    const respond = client.respond;
    client.respond = (call, calls) => {
      sentAt.push(clock.now());
      return respond(call, calls);
    };
    const start = clock.now();

    const { error } = await driveToEnd(clock, settle(publisher.publishBatch(messages(1))));

    // Delays (random ≈ 1): 100, 200, 400, 800, then capped at 1000 ms.
    const gaps = sentAt.map((at, i) => Math.round(at - (i === 0 ? start : (sentAt[i - 1] as number))));
    assert.deepEqual(gaps.slice(1), [100, 200, 400, 800, 1000]);
    assert.equal(error?.failures[0]?.attempts, 6);
  });

  it('does not retry entries AWS blames on the sender', async () => {
    const { client, publisher } = setup(
      failEntries({ 1: { 'msg-2': { code: 'InvalidParameterValue', senderFault: true } } }),
    );

    const { error } = await settle(publisher.publishBatch(messages(4)));

    assert.equal(client.of('SendMessageBatch').length, 1);
    assert.equal(error?.code, 'LOAFER_ERR_PUBLISH_FAILED');
    assert.deepEqual(error?.failures, [
      {
        index: 2,
        id: 'msg-2',
        code: 'InvalidParameterValue',
        message: 'InvalidParameterValue for msg-2',
        isSenderFault: true,
        attempts: 1,
      },
    ]);
    assert.deepEqual(
      error?.successes.map((success) => success.index),
      [0, 1, 3],
    );
  });

  it('retries a throttled entry even when it is marked as the sender’s fault', async () => {
    const { client, clock, publisher } = setup(
      failEntries({ 1: { 'msg-0': { code: 'RequestThrottled', senderFault: true } } }),
    );

    const pending = publisher.publishBatch(messages(2));
    await until(() => client.of('SendMessageBatch').length === 1, 'the first request');
    await clock.advance(100);
    const results = await pending;

    assert.equal(client.of('SendMessageBatch').length, 2);
    assert.equal(results.length, 2);
  });

  it('throws a PublishError listing each entry when retries run out', async () => {
    const always = { code: 'InternalError', senderFault: false };
    const { client, clock, publisher } = setup(
      failEntries({
        1: { 'msg-0': always, 'msg-2': always },
        2: { 'msg-0': always, 'msg-2': always },
        3: { 'msg-0': always, 'msg-2': always },
      }),
      { maxAttempts: 3 },
    );

    const { error } = await driveToEnd(clock, settle(publisher.publishBatch(messages(3))));

    assert.equal(client.of('SendMessageBatch').length, 3);
    assert.equal(error?.code, 'LOAFER_ERR_PUBLISH_FAILED');
    assert.deepEqual(
      error?.failures.map((failure) => [failure.index, failure.id, failure.code, failure.attempts]),
      [
        [0, 'msg-0', 'InternalError', 3],
        [2, 'msg-2', 'InternalError', 3],
      ],
    );
    assert.match(
      error?.message ?? '',
      /2 of 3 message\(s\) not published to queue target \(InternalError × 2\)/,
    );
    assert.deepEqual(
      error?.successes.map((success) => success.index),
      [1],
    );
  });

  it('retries a whole request that was throttled', async () => {
    let requests = 0;
    const { client, clock, publisher } = setup((call, calls) => {
      if (call.name === 'SendMessageBatch' && ++requests === 1) {
        throw awsError('ThrottlingException', { isThrottling: true });
      }
      return succeed(call, calls);
    });

    const pending = publisher.publishBatch(messages(3));
    await until(() => client.of('SendMessageBatch').length === 1, 'the first request');
    await clock.advance(100);
    const results = await pending;

    assert.equal(client.of('SendMessageBatch').length, 2);
    assert.equal(results.length, 3);
  });

  it('retries a single publish whose request failed with a 5xx or a broken connection', async () => {
    let requests = 0;
    const { client, clock, publisher } = setup((call, calls) => {
      requests += 1;
      if (requests === 1) throw awsError('InternalFailure', { status: 500, fault: 'server' });
      if (requests === 2) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return succeed(call, calls);
    });

    const result = await driveToEnd(clock, publisher.publish({ a: 1 }));

    assert.equal(client.of('SendMessage').length, 3);
    assert.equal(result.messageId, 'id-single');
  });

  it('does not retry a request refused for good, and does not send the batches after it', async () => {
    const { client, publisher } = setup(() => {
      throw awsError('AccessDenied', { status: 403 });
    });

    const { error } = await settle(publisher.publishBatch(messages(15)));

    assert.equal(client.of('SendMessageBatch').length, 1);
    assert.equal(error?.failures.length, 15);
    assert.deepEqual(
      [...new Set(error?.failures.map((failure) => failure.code))],
      ['AccessDenied', 'NotSent'],
    );
    assert.equal(error?.failures.filter((failure) => failure.code === 'NotSent').length, 5);
    assert.equal((error?.cause as Error | undefined)?.name, 'AccessDenied');
  });

  it('treats an entry missing from the response as a retryable failure', async () => {
    let requests = 0;
    const { client, clock, publisher } = setup((call, calls) => {
      if (call.name === 'SendMessageBatch' && ++requests === 1) {
        return { Successful: [{ Id: 'msg-0', MessageId: 'a' }] };
      }
      return succeed(call, calls);
    });

    const pending = publisher.publishBatch(messages(2));
    await until(() => client.of('SendMessageBatch').length === 1, 'the first request');
    await clock.advance(100);
    await pending;

    assert.deepEqual(
      client.of('SendMessageBatch')[1]?.input.Entries.map((entry: { Id: string }) => entry.Id),
      ['msg-1'],
    );
  });

  it('stops retrying when the signal aborts, and lists the unsent entries as Aborted', async () => {
    const { client, publisher } = setup(
      failEntries({ 1: { 'msg-0': { code: 'InternalError', senderFault: false } } }),
    );
    const controller = new AbortController();

    const pending = settle(publisher.publishBatch(messages(2), { signal: controller.signal }));
    await until(() => client.of('SendMessageBatch').length === 1, 'the first request');
    controller.abort(new Error('handler timed out'));
    const { error } = await pending;

    assert.equal(client.of('SendMessageBatch').length, 1);
    assert.equal(error?.failures[0]?.code, 'Aborted');
    assert.equal((error?.cause as Error | undefined)?.message, 'handler timed out');
  });

  it('aborts a request that gets no answer within requestTimeoutMs, and retries it', async () => {
    const hangs = (call: Call) =>
      new Promise((_resolve, reject) => {
        call.signal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        );
      });
    const { client, clock, publisher } = setup(
      (call, calls) => (calls.length === 1 ? hangs(call) : succeed(call, calls)),
      { requestTimeoutMs: 2000 },
    );

    const pending = publisher.publish({ a: 1 });
    await until(() => client.calls.length === 1, 'the first request');
    await clock.advance(1999);
    const isAbortedBeforeTimeout = client.calls[0]?.signal?.aborted;
    const result = await driveToEnd(clock, pending);

    assert.equal(isAbortedBeforeTimeout, false);
    assert.equal(client.calls[0]?.signal?.aborted, true);
    assert.equal(client.of('SendMessage').length, 2);
    assert.equal(result.messageId, 'id-single');
  });

  it('reports RequestTimeout when every attempt times out', async () => {
    const { clock, publisher } = setup(
      (call) =>
        new Promise((_resolve, reject) => {
          call.signal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          );
        }),
      { requestTimeoutMs: 500, maxAttempts: 2 },
    );

    const { error } = await driveToEnd(clock, settle(publisher.publish(1)));

    assert.equal(error?.failures[0]?.code, 'RequestTimeout');
    assert.equal(error?.failures[0]?.attempts, 2);
  });

  it('does not retry a request the caller aborted', async () => {
    const controller = new AbortController();
    const { client, publisher } = setup(
      (call) =>
        new Promise((_resolve, reject) => {
          call.signal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          );
        }),
    );

    const pending = settle(publisher.publish(1, { signal: controller.signal }));
    await until(() => client.calls.length === 1, 'the request');
    controller.abort();
    const { error } = await pending;

    assert.equal(client.calls.length, 1);
    assert.equal(error?.failures[0]?.code, 'AbortError');
  });

  it('logs each retry with the target, attempt and codes, never the body', async () => {
    const logger = new MemoryLogger();
    const { client, clock, publisher } = setup(
      failEntries({ 1: { 'msg-0': { code: 'InternalError', senderFault: false } } }),
      { logger },
    );

    const pending = publisher.publishBatch([{ message: { secret: 'body-text-42' } }]);
    await until(() => client.of('SendMessageBatch').length === 1, 'the first request');
    await clock.advance(100);
    await pending;

    const [warning] = logger.at('warn');
    assert.equal(warning?.message, 'publish entries failed, retrying');
    assert.deepEqual(warning?.fields, {
      target: 'queue target',
      attempt: 1,
      count: 1,
      codes: ['InternalError'],
    });
    assert.ok(!logger.toText().includes('body-text-42'));
  });
});

describe('SnsPublisher retries', () => {
  it('re-sends only the PublishBatch entries that failed', async () => {
    let requests = 0;
    const client = new FakeClient((call, calls) => {
      if (call.name === 'PublishBatch' && ++requests === 1) {
        const entries: { Id: string }[] = call.input.PublishBatchRequestEntries;
        return {
          Successful: entries.slice(1).map((e) => ({ Id: e.Id, MessageId: `ok-${e.Id}` })),
          Failed: [{ Id: entries[0]?.Id, Code: 'InternalError', Message: 'try again', SenderFault: false }],
        };
      }
      return succeed(call, calls);
    });
    const clock = new ManualClock();
    const publisher = new SnsPublisher({
      topic: 'arn:aws:sns:us-east-1:123456789012:events',
      client: client.asSns,
      clock,
      random: () => 0,
      logger: silentLogger,
    });

    const pending = publisher.publishBatch(messages(3));
    await until(() => client.of('PublishBatch').length === 1, 'the first request');
    await clock.advance(100);
    const results = await pending;

    assert.deepEqual(
      client.of('PublishBatch')[1]?.input.PublishBatchRequestEntries.map((entry: { Id: string }) => entry.Id),
      ['msg-0'],
    );
    assert.deepEqual(
      results.map((result) => result.messageId),
      ['id-msg-0', 'ok-msg-1', 'ok-msg-2'],
    );
  });
});

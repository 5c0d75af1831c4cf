import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ErrorContext,
  jsonTranslator,
  Manager,
  Route,
  type SnsMetadata,
  silentLogger,
  snsTranslator,
} from 'loafer';
import { isPublishError, SnsPublisher, snsPublishHandler } from 'loafer/sns';
import { SqsPublisher, sqsForwardHandler } from 'loafer/sqs';
import { ManualClock, MemoryProvider } from 'loafer/testing';
import { deferred, until } from '../support/deferred.js';
import { awsError, FakeClient, succeed } from './publish-fakes.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/target';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:events';

// biome-ignore lint/suspicious/noExplicitAny: routes of any handler type run in these tests.
async function runOnce(provider: MemoryProvider, handler: any, errors: unknown[] = []): Promise<void> {
  const route = new Route({
    name: 'forward',
    provider,
    messageTranslator: jsonTranslator(),
    handler,
    errorHandler: (error: unknown, _context: ErrorContext) => {
      errors.push(error);
      return false;
    },
  });
  await new Manager({ routes: [route], logger: silentLogger }).runOnce();
}

describe('sqsForwardHandler()', () => {
  it('publishes the content and deletes the received message only after the publish succeeded', async () => {
    const sent = deferred<void>();
    const client = new FakeClient(async (call, calls) => {
      await sent.promise;
      return succeed(call, calls);
    });
    const provider = new MemoryProvider();
    const id = provider.send({ id: 'test-1', username: 'georgeyk' });
    const handler = sqsForwardHandler({ queue: QUEUE_URL, client: client.asSqs, logger: silentLogger });

    const running = runOnce(provider, handler);
    await until(() => client.of('SendMessage').length === 1, 'the publish');
    const isDeletedWhilePublishing = provider.isDeleted(id);
    sent.resolve();
    await running;

    assert.equal(isDeletedWhilePublishing, false);
    assert.equal(provider.isDeleted(id), true);
    assert.equal(client.of('SendMessage')[0]?.input.MessageBody, '{"id":"test-1","username":"georgeyk"}');
  });

  it('keeps the received message when the publish fails, and the error handler gets the PublishError', async () => {
    const client = new FakeClient(() => {
      throw awsError('AccessDenied', { status: 403 });
    });
    const provider = new MemoryProvider();
    const id = provider.send({ id: 1 });
    const errors: unknown[] = [];

    await runOnce(
      provider,
      sqsForwardHandler({ queue: QUEUE_URL, client: client.asSqs, logger: silentLogger }),
      errors,
    );

    assert.equal(provider.isDeleted(id), false);
    assert.equal(errors.length, 1);
    assert.ok(isPublishError(errors[0]));
    assert.equal(errors[0].failures[0]?.code, 'AccessDenied');
  });

  it('publishes what transform makes of the content, with attributes and a delay from the context', async () => {
    const client = new FakeClient();
    const provider = new MemoryProvider();
    provider.send({ n: 2 }, { attributes: { origin: 'web' } });
    const handler = sqsForwardHandler<{ n: number }>({
      queue: QUEUE_URL,
      client: client.asSqs,
      logger: silentLogger,
      transform: async (content, context) => ({ doubled: content.n * 2, route: context.route }),
      attributes: (_content, context) => context.metadata.attributes,
      delaySeconds: (content) => content.n * 10,
    });

    await runOnce(provider, handler);

    const input = client.of('SendMessage')[0]?.input;
    assert.equal(input.MessageBody, '{"doubled":4,"route":"forward"}');
    assert.deepEqual(input.MessageAttributes, { origin: { DataType: 'String', StringValue: 'web' } });
    assert.equal(input.DelaySeconds, 20);
  });

  it('keeps the FIFO group of the received message and deduplicates by its id on a FIFO target', async () => {
    const client = new FakeClient();
    const provider = new MemoryProvider({ isFifo: true });
    const id = provider.send({ n: 1 }, { groupId: 'customer-7' });

    await runOnce(
      provider,
      sqsForwardHandler({ queue: `${QUEUE_URL}.fifo`, client: client.asSqs, logger: silentLogger }),
    );

    const input = client.of('SendMessage')[0]?.input;
    assert.equal(input.MessageGroupId, 'customer-7');
    assert.equal(input.MessageDeduplicationId, id);
  });

  it('sends no deduplication id to a standard queue', async () => {
    const client = new FakeClient();
    const provider = new MemoryProvider();
    provider.send({ n: 1 });

    await runOnce(
      provider,
      sqsForwardHandler({ queue: QUEUE_URL, client: client.asSqs, logger: silentLogger }),
    );

    assert.equal(client.of('SendMessage')[0]?.input.MessageDeduplicationId, undefined);
  });

  it('takes group and deduplication ids from options', async () => {
    const client = new FakeClient();
    const provider = new MemoryProvider();
    provider.send({ customer: 'c-9', order: 'o-1' });
    const handler = sqsForwardHandler<{ customer: string; order: string }>({
      queue: `${QUEUE_URL}.fifo`,
      client: client.asSqs,
      logger: silentLogger,
      groupId: (content) => content.customer,
      deduplicationId: (content) => content.order,
    });

    await runOnce(provider, handler);

    const input = client.of('SendMessage')[0]?.input;
    assert.equal(input.MessageGroupId, 'c-9');
    assert.equal(input.MessageDeduplicationId, 'o-1');
  });

  it('cancels the publish when the handler’s signal aborts (handler timeout), and keeps the message', async () => {
    const clock = new ManualClock();
    const client = new FakeClient(
      (call) =>
        new Promise((_resolve, reject) => {
          call.signal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          );
        }),
    );
    const provider = new MemoryProvider({ clock });
    const id = provider.send({ n: 1 });
    const route = new Route({
      name: 'forward',
      provider,
      messageTranslator: jsonTranslator(),
      handler: sqsForwardHandler({ queue: QUEUE_URL, client: client.asSqs, logger: silentLogger }),
      handlerTimeoutMs: 1000,
    });

    const running = new Manager({ routes: [route], logger: silentLogger, clock }).runOnce();
    await until(() => client.calls.length === 1, 'the publish');
    await clock.advance(1000);
    await running;

    assert.equal(client.calls[0]?.signal?.aborted, true);
    assert.equal(client.calls.length, 1);
    assert.equal(provider.isDeleted(id), false);
  });

  it('stops the publisher it created, destroying its client', async () => {
    const handler = sqsForwardHandler({
      queue: QUEUE_URL,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      logger: silentLogger,
    });
    let destroyed = 0;
    const client = handler.publisher.client;
    const destroy = client.destroy.bind(client);
    client.destroy = () => {
      destroyed += 1;
      destroy();
    };

    await handler.stop();
    await handler.stop();

    assert.equal(destroyed, 1);
  });

  it('leaves a publisher it was given running', async () => {
    const client = new FakeClient();
    const publisher = new SqsPublisher({ queue: QUEUE_URL, client: client.asSqs, logger: silentLogger });
    const handler = sqsForwardHandler({ publisher });

    await handler.stop();
    await publisher.publish('still works');

    assert.equal(handler.publisher, publisher);
    assert.equal(client.of('SendMessage').length, 1);
  });
});

describe('snsPublishHandler()', () => {
  it('publishes the content with a subject and deletes the received message', async () => {
    const client = new FakeClient();
    const provider = new MemoryProvider();
    const id = provider.send({ id: 'test-1' });
    const handler = snsPublishHandler<{ id: string }>({
      topic: TOPIC_ARN,
      client: client.asSns,
      logger: silentLogger,
      subject: (content) => `friend ${content.id}`,
    });

    await runOnce(provider, handler);

    assert.deepEqual(client.of('Publish')[0]?.input, {
      TopicArn: TOPIC_ARN,
      Message: '{"id":"test-1"}',
      Subject: 'friend test-1',
    });
    assert.equal(provider.isDeleted(id), true);
  });

  it('keeps the received message when the topic does not exist', async () => {
    const client = new FakeClient(() => ({ Topics: [] }));
    const provider = new MemoryProvider();
    const id = provider.send({ id: 1 });
    const errors: unknown[] = [];

    await runOnce(
      provider,
      snsPublishHandler({ topic: 'missing', client: client.asSns, logger: silentLogger }),
      errors,
    );

    assert.equal(provider.isDeleted(id), false);
    assert.ok(isPublishError(errors[0]));
    assert.equal(errors[0].code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
  });

  it('uses a publisher it was given', async () => {
    const client = new FakeClient();
    const publisher = new SnsPublisher({
      topic: TOPIC_ARN,
      client: client.asSns,
      logger: silentLogger,
      encoder: 'none',
    });
    const provider = new MemoryProvider();
    provider.send('"hello"');

    await runOnce(provider, snsPublishHandler({ publisher }));

    assert.equal(client.of('Publish')[0]?.input.Message, 'hello');
  });
});

describe('handler types', () => {
  it('fit routes of typed content and SNS metadata', () => {
    const client = new FakeClient();
    const provider = new MemoryProvider();

    // Compile-time checks: untyped handlers fit any route; typed ones see the route's content and metadata.
    const untyped = new Route({
      name: 'a',
      provider,
      messageTranslator: snsTranslator<{ id: string }>(),
      handler: sqsForwardHandler({ queue: QUEUE_URL, client: client.asSqs, logger: silentLogger }),
    });
    const typed = new Route({
      name: 'b',
      provider,
      messageTranslator: snsTranslator<{ id: string }>(),
      handler: snsPublishHandler<{ id: string }, SnsMetadata>({
        topic: TOPIC_ARN,
        client: client.asSns,
        logger: silentLogger,
        transform: (content, context) => ({
          id: content.id.toUpperCase(),
          from: context.metadata.sns?.topicArn,
        }),
      }),
    });

    assert.deepEqual([untyped.name, typed.name], ['a', 'b']);
  });
});

// sqsRoute() and snsQueueRoute() build routes; nothing here talks to SQS (providers are created,
// never started).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InboundMessage, Route } from 'loafer';
import { ConfigurationError, silentLogger, TranslationError } from 'loafer';
import { SqsProvider, snsQueueRoute, sqsRoute } from 'loafer/sqs';
import { MemoryLogger, MemoryProvider } from 'loafer/testing';
import { z } from 'zod';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/friend-created';

function inbound(body: string): InboundMessage {
  return { id: 'm-1', body, receiveCount: 1, attributes: {}, systemAttributes: {}, raw: {} };
}

async function translate<Content, Metadata>(route: Route<Content, Metadata>, body: string) {
  return route.options.messageTranslator.translate(inbound(body));
}

function envelope(message: string): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: 'sns-1',
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:friend-created',
    Subject: 'hello',
    Message: message,
    Timestamp: '2024-01-01T00:00:00.000Z',
    MessageAttributes: { origin: { Type: 'String', Value: 'test' } },
  });
}

/** Destroys the client of a route's SqsProvider (created, never used). */
function release<Content, Metadata>(route: Route<Content, Metadata>): void {
  if (route.provider instanceof SqsProvider) route.provider.client.destroy();
}

describe('sqsRoute()', () => {
  it('names the route after the queue and creates its SqsProvider from the provider options', () => {
    const route = sqsRoute('friend-created', {
      region: 'eu-west-1',
      waitTimeSeconds: 5,
      logger: silentLogger,
      concurrency: 30,
      handler: () => true,
    });

    assert.equal(route.name, 'friend-created');
    assert.ok(route.provider instanceof SqsProvider);
    assert.equal(route.provider.queue, 'friend-created');
    assert.equal(route.provider.options.waitTimeSeconds, 5);
    assert.equal(route.options.concurrency, 30);
    release(route);
  });

  it('names the route after the queue of a URL, unless given a name', () => {
    const byUrl = sqsRoute(QUEUE_URL, { region: 'eu-west-1', logger: silentLogger, handler: () => true });
    const named = sqsRoute(QUEUE_URL, {
      name: 'friends',
      region: 'eu-west-1',
      logger: silentLogger,
      handler: () => true,
    });

    assert.equal(byUrl.name, 'friend-created');
    assert.equal(named.name, 'friends');
    release(byUrl);
    release(named);
  });

  it('binds the route name to the provider’s logger', () => {
    const logger = new MemoryLogger();
    const route = sqsRoute('friend-created', {
      name: 'friends',
      region: 'eu-west-1',
      logger,
      handler: () => true,
    });
    const provider = route.provider as SqsProvider;

    provider.options.logger?.warn({ messageId: 'm-1' }, 'something');

    assert.deepEqual(logger.records[0]?.fields, { route: 'friends', messageId: 'm-1' });
    release(route);
  });

  it('decodes JSON bodies', async () => {
    const route = sqsRoute('orders', { provider: new MemoryProvider(), handler: () => true });

    const translated = await translate(route, '{"total":3}');
    const failure = await Promise.resolve()
      .then(() => translate(route, 'not json'))
      .catch((error: unknown) => error);

    assert.deepEqual(translated.content, { total: 3 });
    assert.ok(failure instanceof TranslationError);
    assert.equal(failure.code, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
  });

  it('validates content with a schema', async () => {
    const route = sqsRoute('orders', {
      provider: new MemoryProvider(),
      schema: z.object({ total: z.number() }),
      handler: () => true,
    });

    const translated = await translate(route, '{"total":3}');
    const failure = await Promise.resolve()
      .then(() => translate(route, '{"total":"3"}'))
      .catch((error: unknown) => error);

    assert.deepEqual(translated.content, { total: 3 });
    assert.ok(failure instanceof TranslationError);
    assert.equal(failure.code, 'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED');
    assert.deepEqual(failure.issues[0]?.path, ['total']);
  });

  it('uses a ready provider as it is', () => {
    const provider = new MemoryProvider({ name: 'orders' });

    const route = sqsRoute('orders', { provider, handler: () => true });

    assert.equal(route.provider, provider);
  });

  it('rejects provider options given with a ready provider', () => {
    assert.throws(
      () =>
        sqsRoute('orders', {
          provider: new MemoryProvider(),
          waitTimeSeconds: 1,
          handler: () => true,
        } as never),
      (error: unknown) => error instanceof ConfigurationError && error.option === 'waitTimeSeconds',
    );
  });

  it('rejects an SqsProvider of another queue', () => {
    const provider = new SqsProvider({ queue: 'payments', region: 'eu-west-1', logger: silentLogger });

    assert.throws(
      () => sqsRoute('orders', { provider, handler: () => true }),
      (error: unknown) => error instanceof ConfigurationError && error.option === 'provider',
    );
    provider.client.destroy();
  });

  it('rejects invalid route and provider options at construction', () => {
    assert.throws(
      () =>
        sqsRoute('orders', {
          region: 'eu-west-1',
          logger: silentLogger,
          concurrency: 0,
          handler: () => true,
        }),
      (error: unknown) => error instanceof ConfigurationError && error.option === 'concurrency',
    );
    assert.throws(
      () =>
        sqsRoute('orders', {
          region: 'eu-west-1',
          logger: silentLogger,
          maxMessagesPerFetch: 20,
          handler: () => true,
        }),
      (error: unknown) => error instanceof ConfigurationError && error.option === 'maxMessagesPerFetch',
    );
    assert.throws(
      () => sqsRoute('orders', { provider: new MemoryProvider(), schema: {} as never, handler: () => true }),
      (error: unknown) => error instanceof ConfigurationError && error.option === 'schema',
    );
  });
});

describe('snsQueueRoute()', () => {
  it('decodes the SNS envelope and keeps its fields in metadata', async () => {
    const route = snsQueueRoute('friend-created', { provider: new MemoryProvider(), handler: () => true });

    const translated = await translate(route, envelope('{"id":"test-1"}'));

    assert.deepEqual(translated.content, { id: 'test-1' });
    const metadata = translated.metadata as { sns?: { topicArn: string; messageAttributes: object } };
    assert.equal(metadata.sns?.topicArn, 'arn:aws:sns:eu-west-1:123456789012:friend-created');
    assert.deepEqual(metadata.sns?.messageAttributes, { origin: { dataType: 'String', value: 'test' } });
  });

  it('rejects a body without an envelope, unless raw delivery is accepted', async () => {
    const strict = snsQueueRoute('friend-created', { provider: new MemoryProvider(), handler: () => true });
    const lenient = snsQueueRoute('friend-created', {
      provider: new MemoryProvider(),
      rawDelivery: 'accept',
      handler: () => true,
    });

    const failure = await Promise.resolve()
      .then(() => translate(strict, '{"id":"raw"}'))
      .catch((error: unknown) => error);
    const accepted = await translate(lenient, '{"id":"raw"}');

    assert.ok(failure instanceof TranslationError);
    assert.equal(failure.code, 'LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE');
    assert.deepEqual(accepted.content, { id: 'raw' });
  });

  it('validates the decoded message with a schema', async () => {
    const route = snsQueueRoute('friend-created', {
      provider: new MemoryProvider(),
      schema: z.object({ id: z.string() }),
      handler: () => true,
    });

    const failure = await Promise.resolve()
      .then(() => translate(route, envelope('{"id":1}')))
      .catch((error: unknown) => error);

    assert.ok(failure instanceof TranslationError);
    assert.equal(failure.code, 'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED');
  });

  it('rejects an invalid rawDelivery', () => {
    assert.throws(
      () =>
        snsQueueRoute('friend-created', {
          provider: new MemoryProvider(),
          rawDelivery: 'maybe' as never,
          handler: () => true,
        }),
      (error: unknown) => error instanceof ConfigurationError && error.option === 'rawDelivery',
    );
  });
});

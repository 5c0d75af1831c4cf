import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as SentryNode from '@sentry/node';
import {
  ConfigurationError,
  type ErrorContext,
  type InboundMessage,
  jsonTranslator,
  Manager,
  Route,
  silentLogger,
  TranslationError,
} from 'loafer';
import {
  resolveSentryErrorHandlerOptions,
  type SentryLike,
  sentryErrorHandler,
  sentryEventData,
} from 'loafer/sentry';
import { MemoryLogger, MemoryProvider } from 'loafer/testing';
import { loadSentry } from '../../src/integrations/sentry-error-handler.js';

/** A hub-like fake that records what the handler does with its scope. */
class FakeHub implements SentryLike {
  readonly captured: { error: unknown; context: unknown; scope: Record<string, unknown> }[] = [];
  #scope: Record<string, unknown> | undefined;

  captureException(error: unknown, context?: unknown): string {
    this.captured.push({ error, context, scope: { ...this.#scope } });
    return `event-${this.captured.length}`;
  }

  withScope(callback: (scope: SentryScope) => void): void {
    this.#scope = {};
    const scope = this.#scope;
    callback({
      setTag: (key, value) => {
        scope[`tag:${key}`] = value;
      },
      setContext: (name, value) => {
        scope[`context:${name}`] = value;
      },
      setExtra: (key, value) => {
        scope[`extra:${key}`] = value;
      },
    });
    this.#scope = undefined;
  }
}

type SentryScope = Parameters<Parameters<NonNullable<SentryLike['withScope']>>[0]>[0];

function errorContext(message: Partial<InboundMessage> = {}): ErrorContext {
  return {
    route: 'orders',
    message: {
      id: 'm-1',
      body: '{"id":1}',
      receiveCount: 3,
      attributes: {},
      systemAttributes: {},
      raw: undefined,
      ...message,
    },
    receiveCount: 3,
    isLastAttempt: true,
    logger: silentLogger,
  };
}

describe('resolveSentryErrorHandlerOptions()', () => {
  it('applies the defaults', () => {
    assert.deepEqual(resolveSentryErrorHandlerOptions(), {
      sentry: undefined,
      deleteMessage: false,
      includeBody: true,
      maxBodyChars: 16_384,
    });
  });

  it('rejects a sentry without captureException', () => {
    assert.throws(
      () => resolveSentryErrorHandlerOptions({ sentry: {} as never }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        error.option === 'sentry' &&
        /captureException/.test(error.message),
    );
  });

  it('rejects a deleteMessage that is not a boolean', () => {
    assert.throws(
      () => resolveSentryErrorHandlerOptions({ deleteMessage: 'yes' as never }),
      (error: unknown) => error instanceof ConfigurationError && error.option === 'deleteMessage',
    );
  });

  it('accepts the @sentry/node module’s type', () => {
    // A compile-time check: the real module satisfies the structural SentryLike.
    const accept = (sentry: typeof SentryNode): SentryLike => sentry;

    assert.equal(typeof accept, 'function');
  });
});

describe('sentryEventData()', () => {
  it('attaches the route, message id, receive count, attributes and body', () => {
    const context = errorContext({
      groupId: 'g-1',
      attributes: {
        kind: { dataType: 'String', value: 'created' },
        count: { dataType: 'Number', value: 2, text: '2' },
        blob: { dataType: 'Binary', value: new Uint8Array(5) },
      },
    });

    const data = sentryEventData(new Error('x'), context, { includeBody: true, maxBodyChars: 100 });

    assert.deepEqual(data, {
      tags: { 'loafer.route': 'orders' },
      contexts: {
        loafer: { route: 'orders', messageId: 'm-1', receiveCount: 3, isLastAttempt: true, groupId: 'g-1' },
      },
      extra: {
        message: {
          id: 'm-1',
          attributes: { kind: 'created', count: '2', blob: '<5 bytes>' },
          body: '{"id":1}',
        },
      },
    });
  });

  it('tags loafer errors with their code', () => {
    const error = new TranslationError('LOAFER_ERR_TRANSLATION_NOT_JSON', 'not json');

    const data = sentryEventData(error, errorContext(), { includeBody: true, maxBodyChars: 100 });

    assert.equal(data.tags['loafer.error_code'], 'LOAFER_ERR_TRANSLATION_NOT_JSON');
  });

  it('cuts a body longer than maxBodyChars and says so', () => {
    const data = sentryEventData(new Error('x'), errorContext({ body: 'abcdefghij' }), {
      includeBody: true,
      maxBodyChars: 4,
    });

    assert.equal(data.extra.message.body, 'abcd');
    assert.equal(data.extra.message.bodyTruncatedFrom, 10);
  });

  it('leaves the body out when includeBody is false', () => {
    const data = sentryEventData(new Error('x'), errorContext(), { includeBody: false, maxBodyChars: 100 });

    assert.equal('body' in data.extra.message, false);
  });
});

describe('sentryErrorHandler()', () => {
  it('captures the error inside a scope that carries the message, and returns false by default', async () => {
    const hub = new FakeHub();
    const error = new Error('boom');

    const result = await sentryErrorHandler({ sentry: hub })(error, errorContext());

    assert.equal(result, false);
    assert.equal(hub.captured.length, 1);
    assert.equal(hub.captured[0]?.error, error);
    assert.deepEqual(hub.captured[0]?.scope, {
      'tag:loafer.route': 'orders',
      'context:loafer': { route: 'orders', messageId: 'm-1', receiveCount: 3, isLastAttempt: true },
      'extra:message': { id: 'm-1', attributes: {}, body: '{"id":1}' },
    });
  });

  it('returns deleteMessage', async () => {
    const result = await sentryErrorHandler({ sentry: new FakeHub(), deleteMessage: true })(
      new Error('x'),
      errorContext(),
    );

    assert.equal(result, true);
  });

  it('passes the data as capture context to a Sentry without withScope', async () => {
    const captured: unknown[][] = [];
    const sentry: SentryLike = {
      captureException: (...args: unknown[]) => {
        captured.push(args);
        return 'e';
      },
    };

    await sentryErrorHandler({ sentry })(new Error('x'), errorContext());

    const context = captured[0]?.[1] as { tags: unknown; contexts: { loafer: { messageId: string } } };
    assert.deepEqual(context.tags, { 'loafer.route': 'orders' });
    assert.equal(context.contexts.loafer.messageId, 'm-1');
  });

  it('logs the event id at debug level', async () => {
    const logger = new MemoryLogger();

    await sentryErrorHandler({ sentry: new FakeHub() })(new Error('x'), { ...errorContext(), logger });

    assert.deepEqual(logger.at('debug')[0]?.fields, { eventId: 'event-1' });
  });

  for (const deleteMessage of [true, false]) {
    it(`decides the ack in a route: deleteMessage ${deleteMessage} → ${deleteMessage ? 'deleted' : 'kept'}`, async () => {
      const hub = new FakeHub();
      const provider = new MemoryProvider();
      const id = provider.send({ n: 1 });
      const route = new Route({
        name: 'r',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => {
          throw new Error('failed');
        },
        errorHandler: sentryErrorHandler({ sentry: hub, deleteMessage }),
      });

      await new Manager({ routes: [route], logger: silentLogger }).runOnce();

      assert.equal(hub.captured.length, 1);
      assert.equal(provider.isDeleted(id), deleteMessage);
    });
  }
});

describe('loadSentry()', () => {
  it('says how to fix a missing @sentry/node', async () => {
    const missing = () => Promise.reject(new Error("Cannot find package '@sentry/node'"));

    await assert.rejects(loadSentry(missing), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.option, 'sentry');
      assert.match(error.message, /npm install @sentry\/node/);
      assert.match(error.message, /Cannot find package/);
      return true;
    });
  });

  it('rejects a module without captureException', async () => {
    await assert.rejects(
      loadSentry(async () => ({})),
      (error: unknown) => error instanceof ConfigurationError && /captureException/.test(error.message),
    );
  });

  it('loads the installed @sentry/node', async () => {
    const sentry = await loadSentry();

    assert.equal(typeof sentry.captureException, 'function');
    assert.equal(typeof sentry.withScope, 'function');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HandlerContext } from 'loafer';
import { HandlerAbortedError, jsonTranslator, Manager, Route, silentLogger, withSchema } from 'loafer';
import { ManualClock, MemoryLogger, MemoryProvider } from 'loafer/testing';
import { z } from 'zod';
import { deferred, until } from '../support/deferred.js';

describe('visibility heartbeat', () => {
  it('keeps a long handler message hidden past its visibility timeout, then lets it be deleted', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 30 });
    const id = provider.send('{}');
    const gate = deferred<boolean>();
    const started = deferred();
    const route = new Route({
      name: 'long',
      provider,
      messageTranslator: jsonTranslator(),
      handler: () => {
        started.resolve();
        return gate.promise;
      },
    });
    const manager = new Manager({ routes: [route], logger: silentLogger, clock });
    const running = manager.run();
    await started.promise;

    await clock.advance(5 * 60_000);
    const message = provider.peek(id);
    gate.resolve(true);
    await until(() => provider.isDeleted(id), 'deleted');
    await manager.stop();
    await running;

    assert.ok(message?.isInFlight, 'the message was still hidden after 5 minutes');
    assert.ok(
      provider.stats.extensions >= 10,
      `expected repeated extensions, saw ${provider.stats.extensions}`,
    );
    assert.equal(provider.stats.fetches >= 1, true);
  });

  it('extends no message whose handler finishes within the timeout', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 30 });
    provider.send('{}');
    const route = new Route({
      name: 'quick',
      provider,
      messageTranslator: jsonTranslator(),
      handler: () => true,
    });
    const manager = new Manager({ routes: [route], logger: silentLogger, clock });
    const running = manager.run();
    await until(() => provider.size === 0, 'deleted');

    await clock.advance(120_000);
    await manager.stop();
    await running;

    assert.equal(provider.stats.extensions, 0);
  });

  it('aborts the handler and logs when the total visibility cap is reached', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 30 });
    const id = provider.send('{}');
    const started = deferred<AbortSignal>();
    const logger = new MemoryLogger();
    const route = new Route({
      name: 'capped',
      provider,
      messageTranslator: jsonTranslator(),
      maxVisibilitySeconds: 120,
      handler: (_content, context: HandlerContext) => {
        started.resolve(context.signal);
        return new Promise<boolean>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
        });
      },
    });
    const manager = new Manager({ routes: [route], logger, clock });
    const running = manager.run();
    const signal = await started.promise;

    await clock.advance(100_000);
    const wasAbortedBeforeCap = signal.aborted;
    await clock.advance(12_000);
    await manager.stop();
    await running;

    assert.equal(wasAbortedBeforeCap, false);
    assert.ok(signal.reason instanceof HandlerAbortedError);
    assert.equal(provider.isDeleted(id), false);
    const warning = logger.at('warn').find((record) => record.message.startsWith('visibility cap reached'));
    assert.equal(warning?.fields.route, 'capped');
    assert.equal(warning?.fields.messageId, id);
  });

  it('aborts the handler when an extension fails because the receipt is gone', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 30 });
    provider.injectFailure('extend', 1);
    provider.send('{}');
    const started = deferred<AbortSignal>();
    const logger = new MemoryLogger();
    const route = new Route({
      name: 'lost',
      provider,
      messageTranslator: jsonTranslator(),
      handler: (_content, context: HandlerContext) => {
        started.resolve(context.signal);
        return new Promise<boolean>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
        });
      },
    });
    const manager = new Manager({ routes: [route], logger, clock });
    const running = manager.run();
    const signal = await started.promise;

    await clock.advance(15_000);
    await manager.stop();
    await running;

    assert.ok(signal.aborted);
    assert.ok(logger.at('warn').some((record) => record.message.startsWith('visibility extension failed')));
  });

  it('can be turned off', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 30 });
    provider.send('{}');
    const gate = deferred<boolean>();
    const route = new Route({
      name: 'off',
      provider,
      messageTranslator: jsonTranslator(),
      shouldExtendVisibility: false,
      handler: () => gate.promise,
    });
    const manager = new Manager({ routes: [route], logger: silentLogger, clock });
    const running = manager.run();
    await until(() => provider.stats.fetches >= 1, 'fetched');

    await clock.advance(60_000);
    gate.resolve(true);
    await manager.stop();
    await running;

    assert.equal(provider.stats.extensions, 0);
  });
});

describe('onTranslationFailure: dead-letter', () => {
  const Friend = z.object({ id: z.string() });

  it('moves untranslatable messages to the dead-letter queue with the reason, and deletes them', async () => {
    const clock = new ManualClock();
    const dlq = new MemoryProvider({ clock, name: 'dlq' });
    const provider = new MemoryProvider({ clock, maxReceiveCount: 5, deadLetterQueue: dlq });
    const notJson = provider.send('not json', { id: 'not-json' });
    const wrongShape = provider.send({ id: 42 }, { id: 'wrong-shape' });
    const good = provider.send({ id: 'ok' }, { id: 'good' });
    const errorHandlerCalls: unknown[] = [];
    const logger = new MemoryLogger();
    const route = new Route({
      name: 'strict',
      provider,
      messageTranslator: withSchema(jsonTranslator(), Friend),
      onTranslationFailure: 'dead-letter',
      handler: () => true,
      errorHandler: (error) => {
        errorHandlerCalls.push(error);
        return false;
      },
    });

    await new Manager({ routes: [route], logger, clock }).runOnce();

    assert.deepEqual([...provider.deletedIds].sort(), [good, notJson, wrongShape].sort());
    const moved = dlq.messages();
    assert.deepEqual(moved.map((message) => message.id).sort(), [notJson, wrongShape].sort());
    const codes = Object.fromEntries(
      moved.map((message) => [message.id, message.attributes.LoaferErrorCode?.value]),
    );
    assert.deepEqual(codes, {
      [notJson]: 'LOAFER_ERR_TRANSLATION_NOT_JSON',
      [wrongShape]: 'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED',
    });
    assert.match(
      String(moved.find((message) => message.id === wrongShape)?.attributes.LoaferErrorReason?.value),
      /id/,
    );
    assert.equal(errorHandlerCalls.length, 0);
    assert.equal(
      logger.at('warn').filter((record) => record.message === 'message moved to the dead-letter queue')
        .length,
      2,
    );
  });

  it('keeps the message when moving it fails', async () => {
    const clock = new ManualClock();
    const dlq = new MemoryProvider({ clock, name: 'dlq' });
    const provider = new MemoryProvider({ clock, maxReceiveCount: 5, deadLetterQueue: dlq });
    provider.injectFailure('dead-letter', 1);
    const id = provider.send('not json');
    const route = new Route({
      name: 'strict',
      provider,
      messageTranslator: jsonTranslator(),
      onTranslationFailure: 'dead-letter',
      handler: () => true,
    });

    await new Manager({ routes: [route], logger: silentLogger, clock }).runOnce();

    assert.equal(provider.isDeleted(id), false);
    assert.equal(dlq.size, 0);
  });

  it('falls back to the error handler when the source has no dead-letter queue', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock });
    const id = provider.send('not json');
    const errors: unknown[] = [];
    const logger = new MemoryLogger();
    const route = new Route({
      name: 'no-dlq',
      provider,
      messageTranslator: jsonTranslator(),
      onTranslationFailure: 'dead-letter',
      handler: () => true,
      errorHandler: (error) => {
        errors.push(error);
        return false;
      },
    });

    await new Manager({ routes: [route], logger, clock }).runOnce();

    assert.equal(provider.isDeleted(id), false);
    assert.equal(errors.length, 1);
    assert.ok(logger.at('error').some((record) => record.message.includes('has no dead-letter queue')));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HandlerContext } from 'loafer';
import {
  exponentialRetry,
  HandlerTimeoutError,
  jsonTranslator,
  linearRetry,
  Manager,
  Route,
  silentLogger,
} from 'loafer';
import { ManualClock, MemoryLogger, MemoryProvider } from 'loafer/testing';
import { deferred, until } from '../support/deferred.js';

describe('Route', () => {
  describe('handlerTimeoutMs', () => {
    it('aborts the handler signal with a HandlerTimeoutError and keeps the message', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const id = provider.send('{}');
      const started = deferred<AbortSignal>();
      const errors: unknown[] = [];
      const route = new Route({
        name: 'timeout',
        provider,
        messageTranslator: jsonTranslator(),
        handlerTimeoutMs: 2000,
        handler: (_content, context: HandlerContext) => {
          started.resolve(context.signal);
          return new Promise<boolean>((_resolve, reject) => {
            context.signal.addEventListener('abort', () => reject(new Error('aborted by signal')), {
              once: true,
            });
          });
        },
        errorHandler: (error) => {
          errors.push(error);
          return false;
        },
      });
      const manager = new Manager({ routes: [route], logger: silentLogger, clock });
      const running = manager.runOnce();
      const signal = await started.promise;

      await clock.advance(1999);
      const wasAbortedEarly = signal.aborted;
      await clock.advance(1);
      await running;

      assert.equal(wasAbortedEarly, false);
      assert.ok(signal.reason instanceof HandlerTimeoutError);
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof HandlerTimeoutError);
      assert.equal(provider.isDeleted(id), false);
    });

    it('treats a truthy result that arrives after the timeout as a failure', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const id = provider.send('{}');
      const gate = deferred<boolean>();
      const started = deferred();
      const route = new Route({
        name: 'late-true',
        provider,
        messageTranslator: jsonTranslator(),
        handlerTimeoutMs: 100,
        handler: () => {
          started.resolve();
          return gate.promise;
        },
      });
      const manager = new Manager({ routes: [route], logger: silentLogger, clock });
      const running = manager.runOnce();
      await started.promise;

      await clock.advance(100);
      gate.resolve(true);
      await running;

      assert.equal(provider.isDeleted(id), false);
    });

    it('lets the error handler delete a timed-out message', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const id = provider.send('{}');
      const started = deferred();
      const route = new Route({
        name: 'timeout-delete',
        provider,
        messageTranslator: jsonTranslator(),
        handlerTimeoutMs: 100,
        handler: (_content, context: HandlerContext) => {
          started.resolve();
          return new Promise<boolean>((_resolve, reject) => {
            context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
          });
        },
        errorHandler: (error) => error instanceof HandlerTimeoutError,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger, clock });
      const running = manager.runOnce();
      await started.promise;

      await clock.advance(100);
      await running;

      assert.equal(provider.isDeleted(id), true);
    });

    it('frees the slot of a handler that ignores its signal after the grace period, and reports it', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const stuckId = provider.send('{"stuck":true}');
      const logger = new MemoryLogger();
      const stuck = deferred<boolean>();
      const handled: string[] = [];
      const route = new Route({
        name: 'stuck',
        provider,
        messageTranslator: jsonTranslator(),
        concurrency: 1,
        handlerTimeoutMs: 1000,
        handlerTimeoutGraceMs: 500,
        handler: (content: unknown, context: HandlerContext) => {
          handled.push(context.message.id);
          return (content as { stuck?: boolean }).stuck === true ? stuck.promise : true;
        },
      });
      const manager = new Manager({ routes: [route], logger, clock });
      const running = manager.run();
      await until(() => handled.length === 1, 'the stuck handler to start');
      const nextId = provider.send('{}');

      await clock.advance(1000);
      const isSlotHeldDuringGrace = !handled.includes(nextId);
      await clock.advance(500);
      await until(() => provider.isDeleted(nextId), 'the next message handled in the freed slot');
      stuck.resolve(true);
      await manager.stop();
      await running;

      assert.equal(isSlotHeldDuringGrace, true);
      assert.equal(provider.isDeleted(stuckId), false);
      const warning = logger
        .at('warn')
        .find((record) => record.message.includes('ignored its aborted signal'));
      assert.equal(warning?.fields.route, 'stuck');
      assert.equal(warning?.fields.messageId, stuckId);
    });
  });

  describe('retry', () => {
    it('sets the visibility of a failed message from its receive count (exponential)', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 600 });
      const id = provider.send('{}', { receiveCount: 3 });
      const route = new Route({
        name: 'exp',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => false,
        retry: exponentialRetry({ baseSeconds: 2, maxSeconds: 60, isJittered: false }),
      });

      await new Manager({ routes: [route], logger: silentLogger, clock }).runOnce();

      // Fourth delivery: 2 * 2^3 = 16 s.
      assert.equal(provider.peek(id)?.visibleAt, clock.now() + 16_000);
    });

    it('caps the exponential delay', () => {
      const policy = exponentialRetry({ baseSeconds: 2, maxSeconds: 60, isJittered: false });

      assert.equal(typeof policy === 'function' ? 0 : policy.delaySeconds(20), 60);
    });

    it('spreads jittered delays over [delay / 2, delay]', () => {
      const low = exponentialRetry({ baseSeconds: 10, random: () => 0 });
      const high = exponentialRetry({ baseSeconds: 10, random: () => 0.999999 });

      assert.equal(typeof low === 'function' ? 0 : low.delaySeconds(1), 5);
      assert.ok(typeof high !== 'function' && high.delaySeconds(1) > 9.99);
    });

    it('grows linearly with linearRetry', () => {
      const policy = linearRetry({ stepSeconds: 5, maxSeconds: 12 });

      assert.deepEqual(
        [1, 2, 3].map((count) => (typeof policy === 'function' ? 0 : policy.delaySeconds(count))),
        [5, 10, 12],
      );
    });

    it('accepts a function and clamps its result to what SQS accepts', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const id = provider.send('{}');
      const route = new Route({
        name: 'fn',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => {
          throw new Error('fail');
        },
        retry: () => 1e9,
      });

      await new Manager({ routes: [route], logger: silentLogger, clock }).runOnce();

      assert.equal(provider.peek(id)?.visibleAt, clock.now() + 43_200_000);
    });

    it('retries a timed-out message with the policy too', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 600 });
      const id = provider.send('{}');
      const route = new Route({
        name: 'timeout-retry',
        provider,
        messageTranslator: jsonTranslator(),
        handlerTimeoutMs: 10,
        handler: (_content, context: HandlerContext) =>
          new Promise<boolean>((_resolve, reject) => {
            context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
          }),
        retry: () => 3,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger, clock });
      const running = manager.runOnce();
      await until(() => provider.stats.fetches === 1, 'the fetch');

      await clock.advance(10);
      await running;

      assert.equal(provider.peek(id)?.visibleAt, clock.now() + 3000);
    });
  });

  describe('isLastAttempt', () => {
    it('is true on the delivery that reaches maxReceiveCount', async () => {
      const clock = new ManualClock();
      const dlq = new MemoryProvider({ clock, name: 'dlq' });
      const provider = new MemoryProvider({ clock, maxReceiveCount: 3, deadLetterQueue: dlq });
      provider.send('{}', { receiveCount: 1 });
      provider.send('{}', { receiveCount: 2 });
      const seen: Array<[number, boolean]> = [];
      const route = new Route({
        name: 'last',
        provider,
        messageTranslator: jsonTranslator(),
        handler: (_content, context: HandlerContext) => {
          seen.push([context.receiveCount, context.isLastAttempt]);
          return true;
        },
      });

      await new Manager({ routes: [route], logger: silentLogger, clock }).runOnce();

      assert.deepEqual(
        seen.sort((a, b) => a[0] - b[0]),
        [
          [2, false],
          [3, true],
        ],
      );
    });
  });
});

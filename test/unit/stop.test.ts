import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HandlerContext } from 'loafer';
import { HandlerAbortedError, jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { ManualClock, MemoryLogger, MemoryProvider } from 'loafer/testing';
import { deferred, until } from '../support/deferred.js';
import { GatedProvider } from '../support/gated-provider.js';

describe('Manager', () => {
  describe('stop()', () => {
    it('aborts an idle long poll at once', async () => {
      const provider = new GatedProvider();
      const route = new Route({
        name: 'idle',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();
      await until(() => provider.held.length === 1, 'the long poll');
      const poll = provider.held[0];

      await manager.stop();
      await running;

      assert.equal(poll?.signal.aborted, true);
      assert.equal(provider.isStopped, true);
    });

    it('lets in-flight handlers finish and deletes their messages', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const id = provider.send('{}');
      const gate = deferred<boolean>();
      const started = deferred();
      const route = new Route({
        name: 'drain',
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

      const stopping = manager.stop();
      await until(() => provider.stats.fetches >= 1, 'the fetch');
      const wasDeletedBeforeFinish = provider.isDeleted(id);
      gate.resolve(true);
      await stopping;
      await running;

      assert.equal(wasDeletedBeforeFinish, false);
      assert.equal(provider.isDeleted(id), true);
    });

    it('aborts handlers still running at the deadline; their messages are not deleted', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const id = provider.send('{}');
      const started = deferred<AbortSignal>();
      const route = new Route({
        name: 'deadline',
        provider,
        messageTranslator: jsonTranslator(),
        handler: (_content, context: HandlerContext) => {
          started.resolve(context.signal);
          return new Promise<boolean>((_resolve, reject) => {
            context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
          });
        },
      });
      const errors: unknown[] = [];
      const manager = new Manager({
        routes: [route],
        logger: silentLogger,
        clock,
        shutdownTimeoutMs: 10_000,
      });
      manager.on('messageFailed', (event) => errors.push(event.error));
      const running = manager.run();
      const signal = await started.promise;

      const stopping = manager.stop();
      await clock.advance(9_999);
      const wasAbortedEarly = signal.aborted;
      await clock.advance(1);
      await stopping;
      await running;

      assert.equal(wasAbortedEarly, false);
      assert.equal(signal.aborted, true);
      assert.ok(signal.reason instanceof HandlerAbortedError);
      assert.equal(provider.isDeleted(id), false);
      assert.equal(errors.length, 1);
    });

    it('abandons a handler that ignores its aborted signal after the grace period', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const id = provider.send('{}');
      const gate = deferred<boolean>();
      const started = deferred();
      const logger = new MemoryLogger();
      const route = new Route({
        name: 'stubborn',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => {
          started.resolve();
          return gate.promise;
        },
      });
      const manager = new Manager({
        routes: [route],
        logger,
        clock,
        shutdownTimeoutMs: 1000,
        shutdownAbortGraceMs: 500,
      });
      const running = manager.run();
      await started.promise;

      const stopping = manager.stop();
      await clock.advance(1500);
      await stopping;
      await running;
      gate.resolve(true);
      await until(
        () => logger.records.some((record) => record.message.includes('settled late')),
        'late result log',
      );

      assert.equal(provider.isDeleted(id), false);
      assert.equal(provider.stats.confirms, 0);
      assert.ok(logger.at('warn').some((record) => record.message.includes('abandoned')));
    });

    it('is idempotent: every call returns the same promise', async () => {
      const provider = new GatedProvider();
      const route = new Route({
        name: 'idem',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();
      await until(() => provider.held.length === 1, 'the long poll');

      const first = manager.stop();
      const second = manager.stop();
      await Promise.all([first, second, running]);

      assert.equal(first, second);
    });

    it('calls every provider and handler stop() once, even when shared by routes', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock, waitTimeSeconds: 0 });
      let providerStops = 0;
      const originalStop = provider.stop.bind(provider);
      provider.stop = async () => {
        providerStops += 1;
        await originalStop();
      };
      let handlerStops = 0;
      const handler = {
        handle: () => true,
        stop: () => {
          handlerStops += 1;
        },
      };
      const routes = ['a', 'b'].map(
        (name) => new Route({ name, provider, messageTranslator: jsonTranslator(), handler }),
      );
      const manager = new Manager({ routes, logger: silentLogger, clock });

      await manager.runOnce();
      await manager.stop();

      assert.equal(providerStops, 1);
      assert.equal(handlerStops, 1);
    });

    it('hands back messages fetched while stopping instead of starting them', async () => {
      const provider = new GatedProvider();
      let handled = 0;
      const route = new Route({
        name: 'late-fetch',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => {
          handled += 1;
          return true;
        },
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();
      await until(() => provider.held.length === 1, 'the long poll');
      const poll = provider.held[0];

      // The broker answers just as the stop begins: the answer wins the race against the abort.
      poll?.answer(3);
      const stopping = manager.stop();
      await stopping;
      await running;

      assert.equal(handled, 0);
      assert.equal(provider.confirmed.length, 0);
      assert.deepEqual(provider.released, ['m-1', 'm-2', 'm-3']);
    });

    it('lets a fetch the broker is already answering complete, and releases its messages', async () => {
      const provider = new GatedProvider();
      const route = new Route({
        name: 'answering',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();
      await until(() => provider.held.length === 1, 'the long poll');
      const poll = provider.held[0];

      const stopping = manager.stop();
      const wasAbortedAtOnce = poll?.signal.aborted;
      poll?.answer(4);
      await stopping;
      await running;

      assert.equal(wasAbortedAtOnce, false);
      assert.deepEqual(provider.released, ['m-1', 'm-2', 'm-3', 'm-4']);
      assert.equal(provider.confirmed.length, 0);
    });

    it('stops before run() without error, and run() afterwards is refused', async () => {
      const provider = new GatedProvider();
      const route = new Route({
        name: 'never',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });

      await manager.stop();

      await assert.rejects(manager.run(), { code: 'LOAFER_ERR_MANAGER_ALREADY_RUNNING' });
      assert.equal(provider.isStopped, true);
    });

    it('logs that it started, what it consumes, and when it stops', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock, name: 'orders' });
      provider.send('{}');
      const logger = new MemoryLogger();
      const route = new Route({
        name: 'orders',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
      });

      await new Manager({ routes: [route], logger, clock }).runOnce();

      const messages = logger.at('info').map((record) => record.message);
      assert.ok(messages.includes('loafer started'));
      const routeStarted = logger.at('info').find((record) => record.message === 'route started');
      assert.equal(routeStarted?.fields.provider, 'memory queue orders');
      assert.ok(messages.includes('loafer stopped'));
    });
  });
});

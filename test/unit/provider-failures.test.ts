import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FetchOptions, InboundMessage, ProviderInfo } from 'loafer';
import { jsonTranslator, Manager, ProviderError, Route } from 'loafer';
import { ManualClock, MemoryLogger, MemoryProvider } from 'loafer/testing';
import { until } from '../support/deferred.js';

describe('provider failures', () => {
  it('backs off with jitter, logs once per state change, and recovers by itself', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, waitTimeSeconds: 0 });
    provider.injectFailure('fetch', 4);
    const id = provider.send('{}');
    const logger = new MemoryLogger();
    const route = new Route({
      name: 'flaky',
      provider,
      messageTranslator: jsonTranslator(),
      handler: () => true,
    });
    const manager = new Manager({ routes: [route], logger, clock, random: () => 0.5 });
    const failures: string[] = [];
    const recoveries: number[] = [];
    manager.on('providerFailed', (event) => failures.push(event.operation));
    manager.on('providerRecovered', (event) => recoveries.push(event.failures));
    const running = manager.run();

    await until(() => failures.length === 1, 'the first failure');
    const healthWhileFailing = manager.health().routes[0];
    await clock.advance(10_000);
    await until(() => provider.isDeleted(id), 'the message handled after recovery');
    await manager.stop();
    await running;

    assert.deepEqual(failures, ['fetch', 'fetch', 'fetch', 'fetch']);
    assert.deepEqual(recoveries, [4]);
    assert.equal(healthWhileFailing?.consecutiveErrors, 1);
    assert.match(healthWhileFailing?.lastError ?? '', /injected fetch failure/);
    assert.equal(manager.health().routes[0]?.consecutiveErrors, 0);
    assert.equal(logger.at('error').filter((record) => record.message.startsWith('fetch failed')).length, 1);
    assert.equal(logger.at('info').filter((record) => record.message === 'fetch recovered').length, 1);
  });

  it('makes at most about one attempt per second while the provider keeps failing', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    const provider = {
      description: 'always down',
      maxMessagesPerFetch: 10,
      async fetchMessages(_options: FetchOptions): Promise<InboundMessage[]> {
        attempts.push(clock.now());
        throw new ProviderError('LOAFER_ERR_PROVIDER_REQUEST_FAILED', 'connection refused', {
          isRetryable: true,
        });
      },
      async confirmMessage() {},
      async releaseMessage() {},
      async stop() {},
    };
    const route = new Route({
      name: 'down',
      provider,
      messageTranslator: jsonTranslator(),
      handler: () => true,
      concurrency: 100,
    });
    const manager = new Manager({ routes: [route], logger: new MemoryLogger(), clock });
    const running = manager.run();
    await until(() => attempts.length === 1, 'the first attempt');

    await clock.advance(60_000);
    await manager.stop();
    await running;

    const start = attempts[0] as number;
    const lastMinute = attempts.filter((at) => at - start >= 10_000 && at - start < 60_000).length;
    assert.ok(lastMinute <= 50, `expected <= 50 attempts in 50 s of outage, saw ${lastMinute}`);
    assert.ok(
      lastMinute >= 25,
      `expected the route to keep trying (>= 25 attempts in 50 s), saw ${lastMinute}`,
    );
  });

  it('retries a failing start() and polls once it succeeds', async () => {
    const clock = new ManualClock();
    const inner = new MemoryProvider({ clock, waitTimeSeconds: 0 });
    const id = inner.send('{}');
    let starts = 0;
    const provider = {
      description: inner.description,
      maxMessagesPerFetch: inner.maxMessagesPerFetch,
      start: async (): Promise<ProviderInfo> => {
        starts += 1;
        if (starts < 3)
          throw new ProviderError('LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND', 'queue does not exist');
        return {};
      },
      fetchMessages: (options: FetchOptions) => inner.fetchMessages(options),
      confirmMessage: (message: InboundMessage) => inner.confirmMessage(message as never),
      releaseMessage: (message: InboundMessage) => inner.releaseMessage(message as never),
      stop: () => inner.stop(),
    };
    const logger = new MemoryLogger();
    const route = new Route({
      name: 'late-queue',
      provider,
      messageTranslator: jsonTranslator(),
      handler: () => true,
    });
    const manager = new Manager({ routes: [route], logger, clock });
    const running = manager.run();

    await until(() => starts === 1, 'the first start');
    await clock.advance(10_000);
    await until(() => inner.isDeleted(id), 'the message handled');
    await manager.stop();
    await running;

    assert.equal(starts, 3);
    const errors = logger.at('error').filter((record) => record.message.startsWith('start failed'));
    assert.equal(errors.length, 1);
  });

  it('keeps a message whose delete failed, and reports it', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock });
    provider.injectFailure('confirm', 1);
    const id = provider.send('{}');
    const route = new Route({
      name: 'ack-fail',
      provider,
      messageTranslator: jsonTranslator(),
      handler: () => true,
    });
    const manager = new Manager({ routes: [route], logger: new MemoryLogger(), clock });
    const ackFailures: string[] = [];
    manager.on('ackFailed', (event) => ackFailures.push(event.message.id));

    await manager.runOnce();

    assert.deepEqual(ackFailures, [id]);
    assert.equal(provider.isDeleted(id), false);
  });
});

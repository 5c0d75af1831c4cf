import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HandlerContext } from 'loafer';
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { ManualClock, MemoryProvider } from 'loafer/testing';
import type { Deferred } from '../support/deferred.js';
import { deferred, until } from '../support/deferred.js';
import { GatedProvider } from '../support/gated-provider.js';

/** A handler whose calls wait until the test releases them, recording concurrency. */
function gatedHandler() {
  const gates = new Map<string, Deferred<boolean>>();
  const state = { running: 0, maxRunning: 0, started: [] as string[], finished: [] as string[] };
  const handler = async (_content: unknown, context: HandlerContext) => {
    const gate = deferred<boolean>();
    gates.set(context.message.id, gate);
    state.running += 1;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    state.started.push(context.message.id);
    try {
      return await gate.promise;
    } finally {
      state.running -= 1;
      state.finished.push(context.message.id);
    }
  };
  const release = (id: string, result = true): void => {
    const gate = gates.get(id);
    assert.ok(gate, `message ${id} has not started`);
    gate.resolve(result);
  };
  const releaseAll = (result = true): void => {
    for (const gate of gates.values()) gate.resolve(result);
  };
  return { handler, state, release, releaseAll };
}

function sendMany(provider: MemoryProvider, count: number, prefix = 'msg'): string[] {
  return Array.from({ length: count }, (_, i) => provider.send({ n: i }, { id: `${prefix}-${i}` }));
}

describe('the pipeline', () => {
  describe('concurrency limits', () => {
    it('never runs more handlers of a route than its concurrency', async () => {
      const provider = new MemoryProvider();
      sendMany(provider, 20);
      const gated = gatedHandler();
      const route = new Route({
        name: 'r',
        provider,
        messageTranslator: jsonTranslator(),
        handler: gated.handler,
        concurrency: 3,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();

      await until(() => gated.state.started.length === 3, '3 handlers started');
      for (let done = 0; done < 17; done++) {
        const next = gated.state.started.find((id) => !gated.state.finished.includes(id));
        gated.release(next as string);
        await until(() => gated.state.finished.length === done + 1, 'a handler to finish');
        await until(
          () => gated.state.started.length === Math.min(20, done + 4),
          `handler ${Math.min(20, done + 4)} to start`,
        );
      }
      gated.releaseAll();
      await until(() => provider.size === 0, 'every message deleted');
      await manager.stop();
      await running;

      assert.equal(gated.state.maxRunning, 3);
      assert.equal(provider.deletedIds.length, 20);
    });

    it('never exceeds the global concurrency across routes', async () => {
      const providers = [new MemoryProvider({ name: 'a' }), new MemoryProvider({ name: 'b' })];
      for (const [i, provider] of providers.entries()) sendMany(provider, 10, `p${i}`);
      const gated = gatedHandler();
      const routes = providers.map(
        (provider, i) =>
          new Route({
            name: `r${i}`,
            provider,
            messageTranslator: jsonTranslator(),
            handler: gated.handler,
            concurrency: 5,
          }),
      );
      const manager = new Manager({ routes, concurrency: 4, logger: silentLogger });
      const running = manager.run();

      await until(() => gated.state.started.length === 4, '4 handlers started');
      gated.releaseAll();
      await until(() => gated.state.finished.length === 4, 'the first 4 to finish');
      await until(() => gated.state.started.length === 8, '8 handlers started');
      while (gated.state.finished.length < 20) {
        gated.releaseAll();
        await until(
          () => gated.state.running === 0 || gated.state.started.length > gated.state.finished.length,
          'progress',
        );
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await manager.stop();
      await running;

      assert.equal(gated.state.maxRunning, 4);
      assert.equal(providers[0]?.deletedIds.length, 10);
      assert.equal(providers[1]?.deletedIds.length, 10);
    });

    it('runs more than 10 messages at once when the limits allow', async () => {
      const provider = new MemoryProvider();
      sendMany(provider, 40);
      const gated = gatedHandler();
      const route = new Route({
        name: 'wide',
        provider,
        messageTranslator: jsonTranslator(),
        handler: gated.handler,
        concurrency: 35,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();

      await until(() => gated.state.running === 35, '35 handlers running at once');
      gated.releaseAll();
      await until(() => gated.state.started.length === 40, 'the rest to start');
      gated.releaseAll();
      await until(() => provider.size === 0, 'every message deleted');
      await manager.stop();
      await running;

      assert.equal(gated.state.maxRunning, 35);
    });
  });

  describe('fetching', () => {
    it('takes capacity before fetching: a full route does not poll', async () => {
      const provider = new GatedProvider();
      const gated = gatedHandler();
      const route = new Route({
        name: 'full',
        provider,
        messageTranslator: jsonTranslator(),
        handler: gated.handler,
        concurrency: 10,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();

      await until(() => provider.held.length === 1, 'the first fetch');
      assert.equal(provider.held[0]?.maxMessages, 10);
      provider.held[0]?.answer(10);
      await until(() => gated.state.running === 10, '10 handlers running');
      for (let turn = 0; turn < 50; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      const fetchesWhileFull = provider.fetchCount;
      gated.release('m-1');
      await until(() => provider.held.length === 1, 'a fetch once a slot is free');
      const askedForOne = provider.held[0]?.maxMessages;
      gated.releaseAll();
      await manager.stop();
      await running;

      assert.equal(fetchesWhileFull, 1);
      assert.equal(askedForOne, 1);
    });

    it('keeps several fetches in flight when free capacity exceeds one batch', async () => {
      const provider = new GatedProvider();
      const route = new Route({
        name: 'parallel-fetches',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
        concurrency: 50,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();

      await until(() => provider.held.length === 1, 'the first fetch');
      provider.held[0]?.answer(10);
      await until(() => provider.held.length === 2, 'a second fetch after a full batch');
      for (const held of [...provider.held]) held.answer(10);
      await until(() => provider.held.length >= 3, 'a third fetch');
      const inFlight = provider.maxInFlightFetches;
      await manager.stop();
      await running;

      assert.ok(inFlight >= 3, `expected >= 3 fetches in flight, saw ${inFlight}`);
    });

    it('goes back to a single long poll when the queue is empty', async () => {
      const provider = new GatedProvider();
      const route = new Route({
        name: 'idle',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
        concurrency: 50,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();
      await until(() => provider.held.length === 1, 'the first fetch');
      provider.held[0]?.answer(10);
      await until(() => provider.held.length === 2, 'a second fetch');
      provider.held[0]?.answer(10);
      await until(() => provider.held.length === 3, 'a third fetch');

      for (let round = 0; round < 5; round++) {
        for (const held of [...provider.held]) held.answer(0);
        await until(() => provider.held.length >= 1, 'a fetch after empty answers');
        for (let turn = 0; turn < 10; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const idlePolls = provider.held.length;
      await manager.stop();
      await running;

      assert.equal(idlePolls, 1);
    });

    it('dispatches each message at once: one slow message does not delay the others', async () => {
      const provider = new MemoryProvider();
      const [slowId] = sendMany(provider, 5);
      const slowGate = deferred<boolean>();
      const route = new Route({
        name: 'slow',
        provider,
        messageTranslator: jsonTranslator(),
        handler: (_content, context) => (context.message.id === slowId ? slowGate.promise : true),
        concurrency: 10,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger });
      const running = manager.run();

      await until(() => provider.deletedIds.length === 4, 'the four fast messages deleted');
      const lateId = provider.send({ late: true });
      await until(() => provider.isDeleted(lateId), 'a later message deleted while the slow one runs');
      const isSlowStillPending = !provider.isDeleted(slowId as string);
      slowGate.resolve(true);
      await until(() => provider.isDeleted(slowId as string), 'the slow message deleted');
      await manager.stop();
      await running;

      assert.equal(isSlowStillPending, true);
    });
  });

  describe('runOnce()', () => {
    it('handles one batch, then stops the provider', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      sendMany(provider, 15);
      const route = new Route({
        name: 'once',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger, clock });

      await manager.runOnce();

      assert.equal(provider.deletedIds.length, 10);
      assert.equal(provider.size, 5);
      assert.equal(manager.health().state, 'stopped');
    });

    it('refuses to run a manager twice', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      provider.send('{}');
      const route = new Route({
        name: 'twice',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger, clock });
      await manager.runOnce();

      await assert.rejects(manager.runOnce(), { code: 'LOAFER_ERR_MANAGER_ALREADY_RUNNING' });
    });
  });

  describe('events', () => {
    it('logs a throwing listener and keeps going', async () => {
      const clock = new ManualClock();
      const provider = new MemoryProvider({ clock });
      const id = provider.send('{}');
      const route = new Route({
        name: 'ev',
        provider,
        messageTranslator: jsonTranslator(),
        handler: () => true,
      });
      const manager = new Manager({ routes: [route], logger: silentLogger, clock });
      const handled: string[] = [];
      manager.on('messageReceived', () => {
        throw new Error('listener bug');
      });
      manager.on('messageHandled', (event) => handled.push(`${event.message.id}:${event.outcome}`));

      await manager.runOnce();

      assert.deepEqual(handled, [`${id}:deleted`]);
      assert.ok(provider.isDeleted(id));
    });
  });
});

describe('fetch batching', () => {
  it('waits for a full batch of free slots before fetching, but not longer than 20 ms', async () => {
    const clock = new ManualClock();
    const provider = new GatedProvider();
    const gated = gatedHandler();
    const route = new Route({
      name: 'batched',
      provider,
      messageTranslator: jsonTranslator(),
      handler: gated.handler,
      concurrency: 20,
      maxConcurrentFetches: 1,
    });
    const manager = new Manager({ routes: [route], logger: silentLogger, clock });
    const running = manager.run();
    await until(() => provider.held.length === 1, 'the first fetch');
    provider.held[0]?.answer(10);
    await until(() => provider.held.length === 1, 'the second fetch');
    provider.held[0]?.answer(10);
    await until(() => gated.state.running === 20, 'the route full');

    for (const id of ['m-1', 'm-2', 'm-3']) gated.release(id);
    await until(() => gated.state.finished.length === 3, 'three handlers done');
    for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    const fetchesBeforeTimeout = provider.held.length;
    await clock.advance(20);
    await until(() => provider.held.length === 1, 'a fetch after 20 ms');
    const askedAfterTimeout = provider.held[0]?.maxMessages;
    provider.held[0]?.answer(0);
    for (const id of ['m-4', 'm-5', 'm-6', 'm-7', 'm-8', 'm-9', 'm-10', 'm-11', 'm-12', 'm-13'])
      gated.release(id);
    await until(() => provider.held.length === 1, 'a full-batch fetch at once');
    const askedForBatch = provider.held[0]?.maxMessages;
    gated.releaseAll();
    await manager.stop();
    await running;

    assert.equal(fetchesBeforeTimeout, 0);
    assert.equal(askedAfterTimeout, 3);
    assert.equal(askedForBatch, 10);
  });
});

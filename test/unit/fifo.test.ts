import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HandlerContext } from 'loafer';
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { ManualClock, MemoryProvider } from 'loafer/testing';
import type { Deferred } from '../support/deferred.js';
import { deferred, until } from '../support/deferred.js';

function fifoRoute(
  provider: MemoryProvider,
  handler: (content: unknown, context: HandlerContext) => Promise<boolean>,
) {
  return new Route({ name: 'fifo', provider, messageTranslator: jsonTranslator(), handler, concurrency: 10 });
}

describe('FIFO routes', () => {
  it('handles one group in order, one message at a time, and groups in parallel', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, isFifo: true });
    for (const id of ['a1', 'b1', 'a2', 'b2', 'a3']) provider.send({ id }, { id, groupId: id[0] as string });
    const gates = new Map<string, Deferred<boolean>>();
    const started: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const route = fifoRoute(provider, async (_content, context) => {
      const gate = deferred<boolean>();
      gates.set(context.message.id, gate);
      started.push(context.message.id);
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        return await gate.promise;
      } finally {
        running -= 1;
      }
    });
    const manager = new Manager({ routes: [route], logger: silentLogger, clock });
    const run = manager.run();

    await until(() => started.length === 2, 'one message per group started');
    const firstWave = [...started];
    gates.get('a1')?.resolve(true);
    await until(() => started.includes('a2'), 'a2 after a1');
    gates.get('b1')?.resolve(true);
    gates.get('a2')?.resolve(true);
    await until(() => started.length === 5, 'the rest');
    for (const gate of gates.values()) gate.resolve(true);
    await until(() => provider.size === 0, 'all deleted');
    await manager.stop();
    await run;

    assert.deepEqual(firstWave, ['a1', 'b1']);
    assert.deepEqual(
      started.filter((id) => id.startsWith('a')),
      ['a1', 'a2', 'a3'],
    );
    assert.deepEqual(
      started.filter((id) => id.startsWith('b')),
      ['b1', 'b2'],
    );
    assert.equal(maxRunning, 2);
  });

  it('releases the messages of a group fetched behind a failed one, so order holds on redelivery', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, isFifo: true, visibilityTimeoutSeconds: 30 });
    for (const id of ['a1', 'a2', 'a3']) provider.send({ id }, { id, groupId: 'a' });
    const attempts: string[] = [];
    let isFirstAttempt = true;
    const route = fifoRoute(provider, async (_content, context) => {
      attempts.push(context.message.id);
      if (context.message.id === 'a1' && isFirstAttempt) {
        isFirstAttempt = false;
        return false;
      }
      return true;
    });
    const manager = new Manager({ routes: [route], logger: silentLogger, clock });
    const run = manager.run();

    await until(() => provider.stats.releases === 2, 'a2 and a3 released');
    const attemptsBeforeRedelivery = [...attempts];
    await clock.advance(30_000);
    await until(() => provider.size === 0, 'all deleted');
    await manager.stop();
    await run;

    assert.deepEqual(attemptsBeforeRedelivery, ['a1']);
    assert.deepEqual(attempts, ['a1', 'a1', 'a2', 'a3']);
  });

  it('releases group messages waiting behind a running one when the manager stops', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, isFifo: true });
    for (const id of ['a1', 'a2']) provider.send({ id }, { id, groupId: 'a' });
    const gate = deferred<boolean>();
    const route = fifoRoute(provider, () => gate.promise);
    const manager = new Manager({ routes: [route], logger: silentLogger, clock });
    const run = manager.run();
    await until(() => provider.stats.fetches >= 1 && manager.health().routes[0]?.waiting === 1, 'a2 waiting');

    const stopping = manager.stop();
    await until(() => provider.stats.releases === 1, 'a2 released at once');
    const a2 = provider.peek('a2');
    gate.resolve(true);
    await stopping;
    await run;

    assert.equal(a2?.visibleAt, clock.now());
    assert.equal(provider.isDeleted('a1'), true);
    assert.equal(provider.isDeleted('a2'), false);
  });
});

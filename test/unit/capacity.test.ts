import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from 'loafer/testing';
import { Capacity } from '../../src/core/capacity.js';

describe('Capacity', () => {
  it('hands out permits up to its limit', async () => {
    const capacity = new Capacity(3);

    const taken = capacity.tryAcquire(5);

    assert.equal(taken, 3);
    assert.equal(capacity.available, 0);
  });

  it('serves waiters in order as permits come back', async () => {
    const capacity = new Capacity(1);
    const signal = new AbortController().signal;
    await capacity.acquire(signal);
    const order: string[] = [];
    const first = capacity.acquire(signal).then(() => order.push('first'));
    const second = capacity.acquire(signal).then(() => order.push('second'));

    capacity.release(1);
    await first;
    capacity.release(1);
    await second;

    assert.deepEqual(order, ['first', 'second']);
    assert.equal(capacity.available, 0);
  });

  it('lets no one jump ahead of a waiter', async () => {
    const capacity = new Capacity(1);
    const signal = new AbortController().signal;
    await capacity.acquire(signal);
    const waiting = capacity.acquire(signal);

    capacity.release(1);
    const jumped = capacity.tryAcquire(1);
    await waiting;

    assert.equal(jumped, 0);
  });

  it('drops an aborted waiter so that later ones are served', async () => {
    const capacity = new Capacity(1);
    await capacity.acquire(new AbortController().signal);
    const controller = new AbortController();
    const aborted = capacity.acquire(controller.signal);
    const later = capacity.acquire(new AbortController().signal);

    controller.abort();
    const wasTaken = await aborted;
    capacity.release(1);

    assert.equal(wasTaken, false);
    assert.equal(await later, true);
    assert.equal(capacity.available, 0);
  });

  it('grants a multi-permit request all together, in order', async () => {
    const capacity = new Capacity(5);
    const signal = new AbortController().signal;
    await capacity.acquire(signal, 5);
    const granted: string[] = [];
    const batch = capacity.acquire(signal, 3).then(() => granted.push('batch of 3'));
    const single = capacity.acquire(signal, 1).then(() => granted.push('single'));

    capacity.release(2);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const grantedAtTwo = [...granted];
    capacity.release(2);
    await Promise.all([batch, single]);

    assert.deepEqual(grantedAtTwo, []);
    assert.deepEqual(granted, ['batch of 3', 'single']);
    assert.equal(capacity.available, 0);
  });

  it('serves the next waiters when an aborted one was blocking them', async () => {
    const capacity = new Capacity(4);
    const signal = new AbortController().signal;
    await capacity.acquire(signal, 3);
    const controller = new AbortController();
    const big = capacity.acquire(controller.signal, 4);
    const small = capacity.acquire(signal, 1);

    controller.abort();

    assert.equal(await big, false);
    assert.equal(await small, true);
  });

  it('takes all of a request at once, or nothing, with tryAcquireAll', async () => {
    const capacity = new Capacity(5);

    const first = capacity.tryAcquireAll(3);
    const second = capacity.tryAcquireAll(3);

    assert.equal(first, true);
    assert.equal(second, false);
    assert.equal(capacity.available, 2);
  });

  it('gives up a timed request after its time, leaving the queue to the next waiters', async () => {
    const clock = new ManualClock();
    const capacity = new Capacity(4);
    const signal = new AbortController().signal;
    await capacity.acquire(signal, 3);
    const timed = capacity.acquireWithin(signal, 2, clock, 20);
    const single = capacity.acquire(signal, 1);

    await clock.advance(20);

    assert.equal(await timed, false);
    assert.equal(await single, true);
    assert.equal(capacity.available, 0);
  });

  it('grants a timed request that fits before its time', async () => {
    const clock = new ManualClock();
    const capacity = new Capacity(4);
    const signal = new AbortController().signal;
    await capacity.acquire(signal, 3);
    const timed = capacity.acquireWithin(signal, 2, clock, 20);

    capacity.release(1);

    assert.equal(await timed, true);
    assert.equal(clock.pendingTimers, 0);
  });
});

// FIFO groups on a real FIFO queue (fauxqs, real SDK): many groups, random handler durations; each
// group's messages are handled one at a time, in order, and groups run in parallel.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Manager, silentLogger } from 'loafer';
import { sqsRoute } from 'loafer/sqs';
import type { LocalAws } from '../support/fauxqs.js';
import { startLocalAws } from '../support/fauxqs.js';
import { eventually, queueSize } from '../support/waits.js';

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

/** A small deterministic PRNG (mulberry32), so that a failing run can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('FIFO queues (fauxqs)', () => {
  it('handles each group strictly in order, one at a time, and groups in parallel', async () => {
    const queue = await aws.createQueue('orders.fifo', { ContentBasedDeduplication: 'true' });
    const groups = 12;
    const perGroup = 15;
    const entries = [];
    for (let step = 0; step < perGroup; step++) {
      for (let group = 0; group < groups; group++) entries.push({ group: `g${group}`, step });
    }
    for (let i = 0; i < entries.length; i += 10) {
      await aws.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: entries.slice(i, i + 10).map((entry, j) => ({
            Id: `e${i + j}`,
            MessageBody: JSON.stringify(entry),
            MessageGroupId: entry.group,
          })),
        }),
      );
    }
    const random = prng(42);
    const seen = new Map<string, number[]>();
    const runningGroups = new Set<string>();
    let overlapsWithinGroup = 0;
    let maxParallelGroups = 0;
    const route = sqsRoute<{ group: string; step: number }>(queue.url, {
      ...aws.clientOptions,
      waitTimeSeconds: 1,
      concurrency: 8,
      logger: silentLogger,
      handler: async ({ group, step }) => {
        if (runningGroups.has(group)) overlapsWithinGroup += 1;
        runningGroups.add(group);
        maxParallelGroups = Math.max(maxParallelGroups, runningGroups.size);
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 15)));
        seen.set(group, [...(seen.get(group) ?? []), step]);
        runningGroups.delete(group);
        return true;
      },
    });
    const manager = new Manager({ routes: [route], logger: silentLogger });
    const running = manager.run();

    await eventually(() => queueSize(aws, queue) === 0, 'every message deleted');
    await manager.stop();
    await running;

    const expected = Array.from({ length: perGroup }, (_, step) => step);
    for (let group = 0; group < groups; group++) {
      assert.deepEqual(seen.get(`g${group}`), expected, `group g${group} out of order`);
    }
    assert.equal(overlapsWithinGroup, 0);
    assert.ok(maxParallelGroups > 1, `expected groups to run in parallel, saw at most ${maxParallelGroups}`);
  });

  it('redelivers a failed message before the rest of its group', async () => {
    const queue = await aws.createQueue('retry.fifo', {
      ContentBasedDeduplication: 'true',
      VisibilityTimeout: '1',
    });
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [0, 1, 2].map((step) => ({
          Id: `s${step}`,
          MessageBody: JSON.stringify({ step }),
          MessageGroupId: 'g',
        })),
      }),
    );
    const attempts: number[] = [];
    let hasFailed = false;
    const route = sqsRoute<{ step: number }>(queue.url, {
      ...aws.clientOptions,
      waitTimeSeconds: 1,
      concurrency: 4,
      logger: silentLogger,
      handler: ({ step }) => {
        attempts.push(step);
        if (step === 0 && !hasFailed) {
          hasFailed = true;
          return false;
        }
        return true;
      },
    });
    const manager = new Manager({ routes: [route], logger: silentLogger });
    const running = manager.run();

    await eventually(() => queueSize(aws, queue) === 0, 'every message deleted');
    await manager.stop();
    await running;

    assert.deepEqual(attempts, [0, 0, 1, 2]);
  });
});

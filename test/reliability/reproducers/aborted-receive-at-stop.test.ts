// REPRODUCER (open finding, not part of `npm test`; run with
//   node scripts/run-tests.mjs test/reliability/reproducers
// ): a long poll that the server has already answered when SIGTERM arrives is aborted by the stop,
// its response is thrown away, and the messages in it stay hidden until their visibility timeout
// instead of being handed back at once. Nothing is deleted (the ack contract holds); they are only
// late. A fix could let in-flight receives finish for a short grace before aborting them, and
// release what they return (the runner already releases messages fetched while stopping).
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildService } from '../child-service.js';
import { FaultProxy } from '../fault-proxy.js';
import { FauxqsProcess } from '../fauxqs-control.js';
import { seedQueue } from '../queues.js';

describe('REPRODUCER: stop while a long poll is being answered', () => {
  it('hands back the messages of a receive answered while the service stops', async () => {
    const server = await FauxqsProcess.start();
    const proxy = await FaultProxy.start({ targetPort: server.port });
    let service: ChildService | undefined;
    try {
      const queue = await server.createQueue(`aborted-receive-${Date.now()}`, { VisibilityTimeout: '60' });
      let receives = 0;
      proxy.on('request', (request) => {
        if (request.action === 'ReceiveMessage') receives += 1;
      });
      service = ChildService.start({
        queueUrl: queue.url,
        endpoint: proxy.url,
        ledgerPath: join(tmpdir(), `aborted-receive-${Date.now()}.jsonl`),
        concurrency: 10,
        waitTimeSeconds: 20,
        failRate: 0,
        hangRate: 0,
        zombieShare: 0,
        workMs: [0, 0],
        seed: 1,
        report: ['routeStarted'],
      });
      // The service waits in an idle long poll; answers from now on take 2 s to reach it.
      while (receives === 0) await sleep(10);
      await proxy.setMode('delay', { delayMs: 2000 });
      await seedQueue(server.sqs, queue.url, ['{"id":"a"}', '{"id":"b"}', '{"id":"c"}']);
      // The server answered the long poll (the messages are in flight, their answer on its way).
      while ((await server.inspect(queue.name)).inflight.length < 3) await sleep(10);

      service.kill('SIGTERM');
      const exit = await service.exited;
      const contents = await server.inspect(queue.name);

      assert.equal(exit.code, 0);
      assert.equal(contents.inflight.length, 0, `hidden after the exit: ${contents.inflight.join(', ')}`);
      assert.equal(contents.ready.length, 3);
    } finally {
      if (service !== undefined && service.exit === undefined) service.kill('SIGKILL');
      await service?.exited;
      await proxy.close();
      await server.stop();
    }
  });
});

// fauxqs in its own process, for the reliability runs: the fault proxy can then cut a service off
// from it without touching the process that judges the run, and a SIGKILLed service cannot take it
// down. fauxqs's message spy records every enqueue, delete ("consumed") and move to a dead-letter
// queue, which is the server's own account of what happened to each message.
//
// Forked with an IPC channel by fauxqs-control.ts. Standalone it serves and prints its endpoint:
//
//   node --import tsx test/reliability/fauxqs-process.ts [port]
import { startFauxqs } from 'fauxqs';
import type { FauxqsReply, FauxqsRequest, SpyEvent } from './fauxqs-protocol.js';

const port = Number(process.argv[2] ?? 0);
const server = await startFauxqs({ port, logger: false, messageSpies: { bufferSize: 5_000_000 } });

function handle(request: FauxqsRequest): unknown {
  switch (request.type) {
    case 'inspect': {
      const queue = server.inspectQueue(request.queueName);
      if (queue === undefined) throw new Error(`no queue named ${request.queueName}`);
      const bodies = (messages: readonly { body: string }[]) => messages.map((message) => message.body);
      return {
        ready: bodies(queue.messages.ready),
        delayed: bodies(queue.messages.delayed),
        inflight: bodies(queue.messages.inflight.map((entry) => entry.message)),
      };
    }
    case 'spyEvents': {
      const all = server.spy.getAllMessages();
      const events: SpyEvent[] = [];
      for (let index = request.from; index < all.length; index++) {
        const message = all[index];
        if (message === undefined || message.service !== 'sqs') continue;
        events.push({
          queueName: message.queueName,
          messageId: message.messageId,
          body: message.body,
          status: message.status,
          at: message.timestamp,
        });
      }
      return { events, next: all.length };
    }
  }
}

if (process.send === undefined) {
  process.stdout.write(`fauxqs listening on ${server.address}\n`);
} else {
  process.on('message', (request: FauxqsRequest & { readonly id: number }) => {
    let reply: FauxqsReply;
    try {
      reply = { id: request.id, ok: true, value: handle(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: String(error) };
    }
    process.send?.(reply);
  });
  process.on('disconnect', () => {
    void server.stop().finally(() => process.exit(0));
  });
  process.send({ type: 'ready', port: server.port });
}

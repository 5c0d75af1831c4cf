// The benchmark's SQS server: fauxqs in its own process, with every request's SQS action and arrival
// time recorded (through Node's `http.server.request.start` diagnostics channel: no proxy in the path,
// the same cost for every contender). Driven by the orchestrator over IPC; standalone it just serves:
//
//   node --import tsx bench/fauxqs-server.ts [port]
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { startFauxqs } from 'fauxqs';
import type { ServerEnvelope, ServerMessage, ServerRequest, ServerSnapshot } from './lib/ipc.js';

// fauxqs exports no `./package.json`; its manifest sits one folder above its entry point.
const manifestUrl = new URL('../package.json', import.meta.resolve('fauxqs'));
const fauxqsVersion = (JSON.parse(readFileSync(manifestUrl, 'utf8')) as { version: string }).version;

// Arrival time (epoch ms) and action of every request since the last reset.
let arrivals: Array<{ readonly at: number; readonly action: string }> = [];
let cpuAtReset = process.cpuUsage();

subscribe('http.server.request.start', (payload) => {
  const request = (payload as { request: IncomingMessage }).request;
  const target = request.headers['x-amz-target'];
  const action =
    typeof target === 'string'
      ? target.slice(target.indexOf('.') + 1)
      : `${request.method ?? '?'} ${request.url ?? '?'}`;
  arrivals.push({ at: performance.timeOrigin + performance.now(), action });
});

const port = Number(process.argv[2] ?? 0);
const server = await startFauxqs({ port, logger: false });

function handle(request: ServerRequest): unknown {
  switch (request.type) {
    case 'createQueue':
      return server.createQueue(request.name, { attributes: request.attributes }).queueUrl;
    case 'deleteQueue':
      server.deleteQueue(request.name);
      return null;
    case 'resetCounts':
      arrivals = [];
      cpuAtReset = process.cpuUsage();
      return null;
    case 'snapshot': {
      const cpu = process.cpuUsage(cpuAtReset);
      // The clocks of two processes on one machine agree to well under a millisecond; allow one.
      const until = request.untilMs === undefined ? Number.POSITIVE_INFINITY : request.untilMs + 1;
      const requests = new Map<string, number>();
      let requestsAfter = 0;
      for (const arrival of arrivals) {
        if (arrival.at > until) requestsAfter += 1;
        else requests.set(arrival.action, (requests.get(arrival.action) ?? 0) + 1);
      }
      const inspected = server.inspectQueue(request.queueName);
      const snapshot: ServerSnapshot = {
        requests: Object.fromEntries(requests),
        totalRequests: arrivals.length - requestsAfter,
        requestsAfter,
        cpuUserMicros: cpu.user,
        cpuSystemMicros: cpu.system,
        queue:
          inspected === undefined
            ? undefined
            : {
                visible: inspected.messages.ready.length,
                inFlight: inspected.messages.inflight.length,
                delayed: inspected.messages.delayed.length,
              },
      };
      return snapshot;
    }
  }
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

if (process.send === undefined) {
  process.stdout.write(`fauxqs ${fauxqsVersion} listening on ${server.address} (requests are counted)\n`);
} else {
  process.on('message', (envelope: ServerEnvelope) => {
    try {
      send({ type: 'reply', id: envelope.id, ok: true, value: handle(envelope.request) });
    } catch (error) {
      send({ type: 'reply', id: envelope.id, ok: false, error: String(error) });
    }
  });
  process.on('disconnect', () => {
    void server.stop().finally(() => process.exit(0));
  });
  send({ type: 'ready', endpoint: `http://127.0.0.1:${server.port}`, port: server.port, fauxqsVersion });
}

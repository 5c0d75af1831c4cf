// One timed run: a fresh queue, seeded; the server's counters zeroed; one contender in its own process
// until it confirmed the deletion of every message; then the server's counts, the queue's state, and a
// graceful stop.
import { randomUUID } from 'node:crypto';
import type { ContenderId, Scenario } from './config.js';
import { BENCH_REGION, QUEUE_ATTRIBUTES } from './config.js';
import type { ChildConfig, ChildMessage, ChildResult, ParentMessage, ServerSnapshot } from './ipc.js';
import { childEnv, forkBenchChild, waitForExit } from './processes.js';
import { seedQueue, visibleMessages } from './seed.js';
import type { ServerControl } from './server-control.js';
import type { SqsJsonClient } from './sqs-json-client.js';

/** A run fails when no deletion was confirmed for this long. */
const STALL_MS = 30_000;
const PROGRESS_EVERY_MS = 2_000;
const STOP_TIMEOUT_MS = 25_000;

/** What one run of one contender measured. */
export interface RunRecord {
  readonly scenario: string;
  readonly contender: ContenderId;
  readonly repetition: number;
  readonly messages: number;
  /** Every message was deleted, confirmed by the contender and by the server's empty queue. */
  readonly ok: boolean;
  readonly failure: string | undefined;
  readonly seedMs: number;
  readonly durationMs: number | undefined;
  readonly messagesPerSecond: number | undefined;
  readonly cpuMicrosPerMessage: number | undefined;
  readonly peakRssMb: number | undefined;
  readonly startRssMb: number | undefined;
  readonly requestsPerMessage: number | undefined;
  readonly serverCpuMicrosPerMessage: number | undefined;
  readonly stopMs: number | undefined;
  readonly child: ChildResult | undefined;
  readonly server: ServerSnapshot | undefined;
}

type Outcome =
  | { readonly kind: 'done'; readonly result: ChildResult }
  | { readonly kind: 'failed'; readonly reason: string };

/** Runs `contender` once on `scenario` with `messages` messages. */
export async function runConsumer(options: {
  readonly server: ServerControl;
  readonly seeder: SqsJsonClient;
  readonly scenario: Scenario;
  readonly contender: ContenderId;
  readonly messages: number;
  readonly repetition: number;
}): Promise<RunRecord> {
  const { server, seeder, scenario, contender, messages, repetition } = options;
  const queueName = `bench-${scenario.id}-${contender}-${repetition}-${randomUUID().slice(0, 8)}`;
  const queueUrl = await server.createQueue(queueName, { ...QUEUE_ATTRIBUTES });
  const seedStartedAt = performance.now();
  await seedQueue(seeder, queueUrl, messages);
  const seedMs = performance.now() - seedStartedAt;
  const seeded = await visibleMessages(seeder, queueUrl);
  if (seeded !== messages) throw new Error(`seeded ${seeded} messages instead of ${messages}`);

  await server.resetCounts();
  const config: ChildConfig = {
    contender,
    queueUrl,
    endpoint: server.endpoint,
    region: BENCH_REGION,
    profile: scenario.profile,
    concurrency: scenario.concurrency,
    messages,
  };
  const child = forkBenchChild('consumer-child', [JSON.stringify(config)], childEnv(server.endpoint));
  let stopMs: number | undefined;
  const stopped = new Promise<void>((resolve) => {
    child.process.on('message', (message: ChildMessage) => {
      if (message.type === 'stopped') {
        stopMs = message.stopMs;
        resolve();
      }
    });
  });

  const outcome = await new Promise<Outcome>((resolve) => {
    let lastDeleted = -1;
    let lastProgressAt = performance.now();
    const timer = setInterval(() => {
      if (performance.now() - lastProgressAt > STALL_MS) {
        finish({ kind: 'failed', reason: `stalled: no deletion confirmed for ${STALL_MS / 1000} s` });
        return;
      }
      const request: ParentMessage = { type: 'progress' };
      if (child.process.connected) child.process.send(request);
    }, PROGRESS_EVERY_MS);
    const finish = (value: Outcome): void => {
      clearInterval(timer);
      resolve(value);
    };
    child.process.on('message', (message: ChildMessage) => {
      if (message.type === 'done') finish({ kind: 'done', result: message.result });
      else if (message.type === 'failed') finish({ kind: 'failed', reason: message.error });
      else if (message.type === 'progress' && message.deleted !== lastDeleted) {
        lastDeleted = message.deleted;
        lastProgressAt = performance.now();
      }
    });
    child.process.once('exit', (code, signal) =>
      finish({ kind: 'failed', reason: `exited early (${code ?? signal})` }),
    );
  });
  const snapshot = await server.snapshot(
    queueName,
    outcome.kind === 'done' ? outcome.result.lastDeleteAt : undefined,
  );

  if (child.process.connected) {
    const request: ParentMessage = { type: 'stop' };
    child.process.send(request);
    await Promise.race([stopped, waitForExit(child.process, STOP_TIMEOUT_MS)]);
  }
  const stoppedInTime = await waitForExit(child.process, STOP_TIMEOUT_MS);
  await server.deleteQueue(queueName);

  const failures: string[] = [];
  if (outcome.kind === 'failed') failures.push(outcome.reason);
  const queue = snapshot.queue;
  const left = queue === undefined ? Number.NaN : queue.visible + queue.inFlight + queue.delayed;
  if (left !== 0) failures.push(`${left} messages left in the queue (${JSON.stringify(queue)})`);
  if (outcome.kind === 'done' && outcome.result.deleted < messages) {
    failures.push(`${outcome.result.deleted} of ${messages} deletions confirmed`);
  }
  if (!stoppedInTime) failures.push(`did not stop within ${STOP_TIMEOUT_MS / 1000} s (killed)`);
  if (failures.length > 0 && outcome.kind === 'failed') failures.push(`output: ${child.output().trim()}`);

  const result = outcome.kind === 'done' ? outcome.result : undefined;
  const durationMs = result === undefined ? undefined : result.lastDeleteAt - result.firstReceiveAt;
  return {
    scenario: scenario.id,
    contender,
    repetition,
    messages,
    ok: failures.length === 0,
    failure: failures.length === 0 ? undefined : failures.join('; '),
    seedMs,
    durationMs,
    messagesPerSecond: durationMs === undefined ? undefined : messages / (durationMs / 1000),
    cpuMicrosPerMessage:
      result === undefined ? undefined : (result.cpuUserMicros + result.cpuSystemMicros) / messages,
    peakRssMb: result === undefined ? undefined : result.maxRssKb / 1024,
    startRssMb: result === undefined ? undefined : result.startRssKb / 1024,
    requestsPerMessage: snapshot.totalRequests / messages,
    serverCpuMicrosPerMessage: (snapshot.cpuUserMicros + snapshot.cpuSystemMicros) / messages,
    stopMs,
    child: result,
    server: snapshot,
  };
}

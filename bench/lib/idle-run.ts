// The idle measurement: what a consumer costs in SQS requests while its queue stays empty (the issue's
// target: about 3 receives a minute with 20 s long polls).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContenderId } from './config.js';
import { BENCH_REGION, QUEUE_ATTRIBUTES } from './config.js';
import type { ChildConfig, ChildMessage, ParentMessage } from './ipc.js';
import { childEnv, forkBenchChild, waitForExit } from './processes.js';
import type { ServerControl } from './server-control.js';

/** Seconds the consumer runs before counting starts: its start-up calls are not idle cost. */
const WARMUP_SECONDS = 5;

/** What one idle run measured. */
export interface IdleRecord {
  readonly contender: ContenderId;
  readonly concurrency: number;
  readonly seconds: number;
  /** Requests by SQS action that arrived during the counted window. */
  readonly requests: Readonly<Record<string, number>>;
  readonly receivesPerMinute: number;
  readonly requestsPerMinute: number;
  readonly ok: boolean;
  readonly failure: string | undefined;
}

/** Runs `contender` on an empty queue and counts its requests for `seconds` after a warm-up. */
export async function runIdle(options: {
  readonly server: ServerControl;
  readonly contender: ContenderId;
  readonly concurrency: number;
  readonly seconds: number;
}): Promise<IdleRecord> {
  const { server, contender, concurrency, seconds } = options;
  const queueName = `bench-idle-${contender}-${randomUUID().slice(0, 8)}`;
  const queueUrl = await server.createQueue(queueName, { ...QUEUE_ATTRIBUTES });
  const config: ChildConfig = {
    contender,
    queueUrl,
    endpoint: server.endpoint,
    region: BENCH_REGION,
    profile: 'noop',
    concurrency,
    messages: 1,
  };
  const child = forkBenchChild('consumer-child', [JSON.stringify(config)], childEnv(server.endpoint));
  let failure: string | undefined;
  let isStopping = false;
  child.process.on('message', (message: ChildMessage) => {
    if (message.type === 'failed') failure ??= message.error;
  });
  child.process.once('exit', (code, signal) => {
    if (!isStopping) failure ??= `exited early (${code ?? signal}): ${child.output().trim()}`;
  });
  await sleep(WARMUP_SECONDS * 1000);
  await server.resetCounts();
  await sleep(seconds * 1000);
  const snapshot = await server.snapshot(queueName, undefined);
  isStopping = true;
  if (child.process.connected) {
    const request: ParentMessage = { type: 'stop' };
    child.process.send(request);
  }
  if (!(await waitForExit(child.process, 25_000))) failure ??= 'did not stop within 25 s (killed)';
  await server.deleteQueue(queueName);
  const perMinute = 60 / seconds;
  return {
    contender,
    concurrency,
    seconds,
    requests: snapshot.requests,
    receivesPerMinute: (snapshot.requests.ReceiveMessage ?? 0) * perMinute,
    requestsPerMinute: snapshot.totalRequests * perMinute,
    ok: failure === undefined,
    failure,
  };
}

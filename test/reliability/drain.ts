// Graceful-stop scenarios on a real service process (service.ts) against fauxqs in its own process:
//
//   runDrain        SIGTERM while `inFlight` long handlers run and more messages flow: in-flight
//                   handlers finish and are deleted, nothing else is, nothing stays hidden
//   runForcedStop   a second SIGTERM while handlers ignore their signal: the process exits at once
//   runIdleStop     SIGTERM while the only work is an idle long poll: how long until the exit
//
// Queues have a long visibility timeout (60 s), so a message that is visible right after the exit was
// handed back by the service, not by its visibility running out.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceExit } from './child-service.js';
import { ChildService } from './child-service.js';
import { FaultProxy } from './fault-proxy.js';
import { FauxqsProcess } from './fauxqs-control.js';
import { readLedger } from './ledger.js';
import { idOfBody, seedQueue } from './queues.js';
import type { ServiceConfig, ServiceMessage } from './service-config.js';

const VISIBILITY_TIMEOUT_SECONDS = 60;

/** Options shared by the scenarios. */
export interface StopScenarioOptions {
  /** Where ledgers go. */
  readonly workDir: string;
}

/** What {@link runDrain} measured. */
export interface DrainResult {
  /** Long handlers running when SIGTERM was sent. */
  readonly inFlightAtSigterm: number;
  /** Messages seeded (long and short). */
  readonly seeded: number;
  /** Handlers started before the exit. */
  readonly started: number;
  /** Handlers that finished successfully. */
  readonly succeeded: number;
  /** Handlers that started and did not finish successfully (must be 0: every one had time). */
  readonly unfinished: number;
  /** Messages the server deleted. */
  readonly deleted: number;
  /** Messages the server deleted without a successful handling (must be 0). */
  readonly deletedWithoutSuccess: number;
  /** Successful handlings whose message was not deleted (must be 0: acks are flushed before the exit). */
  readonly succeededNotDeleted: number;
  /** Messages visible in the queue right after the exit. */
  readonly visibleAfterExit: number;
  /** Messages still hidden right after the exit (must be 0: fetched messages are handed back). */
  readonly hiddenAfterExit: number;
  /** Messages the service handed back while stopping (its `messageReleased` events). */
  readonly releasedWhileStopping: number;
  readonly exit: ServiceExit;
  readonly sigtermToExitMs: number;
  readonly shutdownTimeoutMs: number;
}

/** What {@link runForcedStop} measured. */
export interface ForcedStopResult {
  readonly inFlight: number;
  readonly exit: ServiceExit;
  /** Second SIGTERM to exit, in ms. */
  readonly secondSignalToExitMs: number;
  readonly shutdownTimeoutMs: number;
  readonly deleted: number;
  readonly succeeded: number;
}

/** What {@link runIdleStop} measured. */
export interface IdleStopResult {
  readonly exit: ServiceExit;
  /** SIGTERM to exit, in ms, with a 20 s long poll in flight. */
  readonly sigtermToExitMs: number;
  readonly waitTimeSeconds: number;
}

function baseConfig(queueUrl: string, endpoint: string, ledgerPath: string): ServiceConfig {
  return {
    queueUrl,
    endpoint,
    ledgerPath,
    concurrency: 10,
    waitTimeSeconds: 20,
    failRate: 0,
    hangRate: 0,
    zombieShare: 0,
    workMs: [0, 0],
    seed: 1,
    report: ['routeStarted', 'attempt', 'messageReleased'],
  };
}

async function withServer<T>(
  options: StopScenarioOptions,
  name: string,
  run: (server: FauxqsProcess, queue: { name: string; url: string }, ledgerPath: string) => Promise<T>,
): Promise<T> {
  mkdirSync(options.workDir, { recursive: true });
  const runId = `${name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
  const server = await FauxqsProcess.start();
  try {
    const queue = await server.createQueue(runId, { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) });
    return await run(server, queue, join(options.workDir, `${runId}.ledger.jsonl`));
  } finally {
    await server.stop();
  }
}

async function deletedIds(server: FauxqsProcess, queueName: string): Promise<string[]> {
  return (await server.newSpyEvents())
    .filter((event) => event.queueName === queueName && event.status === 'consumed')
    .map((event) => idOfBody(event.body));
}

/**
 * SIGTERM while `inFlight` handlers of `holdMs` run and short messages keep flowing through the
 * remaining `extraConcurrency` slots; `shortMessages` more wait in the queue.
 */
export async function runDrain(
  options: StopScenarioOptions & {
    readonly inFlight: number;
    readonly holdMs: number;
    readonly extraConcurrency: number;
    readonly shortMessages: number;
    readonly shutdownTimeoutMs: number;
    /** Network latency added by the fault proxy each way, in ms; no proxy when absent. */
    readonly latencyMs?: number;
  },
): Promise<DrainResult> {
  return withServer(options, 'drain', async (server, queue, ledgerPath) => {
    const latencyMs = options.latencyMs;
    const proxy = latencyMs === undefined ? undefined : await FaultProxy.start({ targetPort: server.port });
    if (proxy !== undefined) await proxy.setMode('delay', { delayMs: latencyMs as number });
    const bodies: string[] = [];
    for (let index = 0; index < options.inFlight; index++) {
      const message: ServiceMessage = { id: `long-${index}`, holdMs: options.holdMs };
      bodies.push(JSON.stringify(message));
    }
    for (let index = 0; index < options.shortMessages; index++) {
      bodies.push(JSON.stringify({ id: `short-${index}` } satisfies ServiceMessage));
    }
    await seedQueue(server.sqs, queue.url, bodies);
    const service = ChildService.start({
      ...baseConfig(queue.url, proxy?.url ?? server.endpoint, ledgerPath),
      concurrency: options.inFlight + options.extraConcurrency,
      workMs: [150, 250],
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    });
    try {
      await service.waitForCount(
        (report) => report.reliability === 'attempt' && report.id?.startsWith('long-') === true,
        options.inFlight,
      );
      const signalAt = performance.now();
      const stoppingAt = Date.now();
      service.kill('SIGTERM');
      const exit = await service.exited;
      const sigtermToExitMs = performance.now() - signalAt;
      // Read at once: nothing has had time to come back by its visibility timeout (60 s).
      const contents = await server.inspect(queue.name);
      const deleted = await deletedIds(server, queue.name);
      const { records } = readLedger(ledgerPath);
      const started = new Set(records.filter((record) => record.t === 'attempt').map((record) => record.id));
      const succeeded = new Set(
        records.filter((record) => record.t === 'success').map((record) => record.id),
      );
      const deletedSet = new Set(deleted);
      return {
        inFlightAtSigterm: options.inFlight,
        seeded: bodies.length,
        started: started.size,
        succeeded: succeeded.size,
        unfinished: [...started].filter((id) => !succeeded.has(id)).length,
        deleted: deletedSet.size,
        deletedWithoutSuccess: [...deletedSet].filter((id) => !succeeded.has(id)).length,
        succeededNotDeleted: [...succeeded].filter((id) => !deletedSet.has(id)).length,
        visibleAfterExit: contents.ready.length + contents.delayed.length,
        hiddenAfterExit: contents.inflight.length,
        releasedWhileStopping: service
          .reportsOf('messageReleased')
          .filter((report) => report.at >= stoppingAt).length,
        exit,
        sigtermToExitMs,
        shutdownTimeoutMs: options.shutdownTimeoutMs,
      };
    } finally {
      if (service.exit === undefined) service.kill('SIGKILL');
      await service.exited;
      await proxy?.close();
    }
  });
}

/** SIGTERM, then a second SIGTERM, while `inFlight` handlers ignore their signal for a minute. */
export async function runForcedStop(
  options: StopScenarioOptions & { readonly inFlight: number; readonly shutdownTimeoutMs: number },
): Promise<ForcedStopResult> {
  return withServer(options, 'forced', async (server, queue, ledgerPath) => {
    const bodies = Array.from({ length: options.inFlight }, (_, index) =>
      JSON.stringify({ id: `stuck-${index}`, holdMs: 60_000, ignoreSignal: true } satisfies ServiceMessage),
    );
    await seedQueue(server.sqs, queue.url, bodies);
    const service = ChildService.start({
      ...baseConfig(queue.url, server.endpoint, ledgerPath),
      concurrency: options.inFlight,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    });
    try {
      await service.waitForCount((report) => report.reliability === 'attempt', options.inFlight);
      service.kill('SIGTERM');
      // The first signal is taken (graceful stop begun) before the second one is sent.
      await service.waitForLog((line) => line.msg === 'loafer stopping');
      const secondAt = performance.now();
      service.kill('SIGTERM');
      const exit = await service.exited;
      const secondSignalToExitMs = performance.now() - secondAt;
      const { records } = readLedger(ledgerPath);
      return {
        inFlight: options.inFlight,
        exit,
        secondSignalToExitMs,
        shutdownTimeoutMs: options.shutdownTimeoutMs,
        deleted: (await deletedIds(server, queue.name)).length,
        succeeded: records.filter((record) => record.t === 'success').length,
      };
    } finally {
      if (service.exit === undefined) service.kill('SIGKILL');
      await service.exited;
    }
  });
}

/** SIGTERM while the service's only work is a long poll (20 s) on an empty queue. */
export async function runIdleStop(options: StopScenarioOptions): Promise<IdleStopResult> {
  return withServer(options, 'idle', async (server, queue, ledgerPath) => {
    const proxy = await FaultProxy.start({ targetPort: server.port });
    const receiveSeen = new Promise<void>((resolve) => {
      proxy.on('request', (request) => {
        if (request.action === 'ReceiveMessage') resolve();
      });
    });
    const service = ChildService.start(baseConfig(queue.url, proxy.url, ledgerPath));
    try {
      // The long poll is on the wire: the service is idle in it.
      await receiveSeen;
      const signalAt = performance.now();
      service.kill('SIGTERM');
      const exit = await service.exited;
      return { exit, sigtermToExitMs: performance.now() - signalAt, waitTimeSeconds: 20 };
    } finally {
      if (service.exit === undefined) service.kill('SIGKILL');
      await service.exited;
      await proxy.close();
    }
  });
}

// The chaos run: a loafer service in a child process consumes a standard queue (short visibility
// timeout, a dead-letter queue after `maxReceiveCount` receives) through the fault proxy, while its
// handlers throw, hang past their timeout and meet poison messages, while it is SIGKILLed and
// restarted, and while the proxy cuts it off from the server. Then the ledger, the server's account
// and the queues are reconciled (reconcile.ts).
//
// Kills and cuts happen at random moments of the consumption: each is due when a random share of the
// messages (by default between 10 % and 90 %) has been resolved (deleted or dead-lettered), plus a
// random delay of up to a second.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceExit } from './child-service.js';
import { ChildService } from './child-service.js';
import type { FaultMode, FaultProxyStats } from './fault-proxy.js';
import { FaultProxy } from './fault-proxy.js';
import { FauxqsProcess } from './fauxqs-control.js';
import { readLedger } from './ledger.js';
import { mulberry32, randomInt } from './prng.js';
import { drainQueue, idOfBody, seedQueue } from './queues.js';
import type { ReliabilityFigures } from './reconcile.js';
import { reconcile } from './reconcile.js';
import type { ServiceConfig, ServiceMessage } from './service-config.js';

/** A cut of the path between the service and the server. */
export interface CutPlan {
  /** How the proxy cuts: `blackhole` (nothing answers), `reset`, or `refuse` (connection refused). */
  readonly mode: Extract<FaultMode, 'blackhole' | 'reset' | 'refuse'>;
  /** How long, in ms: a random duration in [min, max]. */
  readonly durationMs: readonly [number, number];
}

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  readonly messages: number;
  /** Share of the seeded ids that always fail. At least one poison id is seeded. */
  readonly poisonRate: number;
  /** Share of attempts that throw. */
  readonly failRate: number;
  /** Share of attempts that hang past the handler timeout. */
  readonly hangRate: number;
  /** Share of the hangs that ignore their aborted signal (and return true late). */
  readonly zombieShare: number;
  /** SIGKILLs of the service (each followed by a restart). */
  readonly kills: number;
  readonly cuts: readonly CutPlan[];
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly concurrency: number;
  readonly waitTimeSeconds: number;
  readonly requestTimeoutMs?: number;
  readonly handlerTimeoutMs: number;
  readonly handlerTimeoutGraceMs: number;
  /** Failed messages come back after this many seconds (linear retry); the visibility timeout when absent. */
  readonly retryDelaySeconds?: number;
  readonly workMs: readonly [number, number];
  readonly seed: number;
  /**
   * Kills and cuts are due when a random share of the messages in this range has been resolved.
   *
   * Default `[0.1, 0.9]`.
   */
  readonly actionWindow?: readonly [number, number];
  /** The run gives up waiting for the queue to empty after this long (then reports what is left). */
  readonly deadlineMs: number;
  /** A negative control: the service deletes failed messages (see ServiceConfig.isDeletedOnError). */
  readonly isDeletedOnError?: boolean;
  /** Where the ledger goes. */
  readonly workDir: string;
  /** Progress lines. */
  readonly log?: (text: string) => void;
}

/** One thing that happened during the run. */
export interface TimelineEntry {
  /** Ms since the consumption started. */
  readonly atMs: number;
  readonly event: string;
  readonly detail?: string;
}

/** What {@link runChaos} returns. */
export interface ChaosResult {
  readonly figures: ReliabilityFigures;
  readonly timeline: readonly TimelineEntry[];
  readonly kills: number;
  /** Service processes started (the first one and every restart). */
  readonly starts: number;
  /** Service processes that ended without being killed by the run (crashes): must be 0. */
  readonly unexpectedExits: number;
  readonly cuts: readonly { readonly mode: string; readonly durationMs: number }[];
  readonly seedMs: number;
  /** From the first service start until every message was deleted or dead-lettered. */
  readonly consumeMs: number;
  /** How the last service process ended (SIGTERM at the end: code 0 expected). */
  readonly finalExit: ServiceExit;
  /** SIGTERM to exit of the last process, in ms. */
  readonly finalStopMs: number;
  readonly proxy: FaultProxyStats;
  /** Error-level log lines of all service processes. */
  readonly errorLogLines: number;
  readonly ledgerPath: string;
}

type Action = { readonly kind: 'kill' } | { readonly kind: 'cut'; readonly plan: CutPlan };

/** Runs the chaos scenario and reconciles. Starts and stops its own fauxqs process and proxy. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => {});
  const random = mulberry32(options.seed);
  mkdirSync(options.workDir, { recursive: true });
  const runId = `chaos-${options.seed}-${Date.now().toString(36)}`;
  const ledgerPath = join(options.workDir, `${runId}.ledger.jsonl`);

  const server = await FauxqsProcess.start();
  const proxy = await FaultProxy.start({ targetPort: server.port });
  const deleteReceipts: string[] = [];
  proxy.on('request', (request) => {
    if (request.action === 'DeleteMessageBatch' || request.action === 'DeleteMessage') {
      const body = JSON.parse(request.body) as {
        Entries?: { ReceiptHandle?: string }[];
        ReceiptHandle?: string;
      };
      for (const entry of body.Entries ?? [body]) deleteReceipts.push(entry.ReceiptHandle ?? '');
    }
  });
  const services: ChildService[] = [];
  try {
    const { queue, dlq } = await server.createQueueWithDlq(runId, options.maxReceiveCount, {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    });

    // ---- seed ----
    const seeded = new Map<string, { isPoison: boolean }>();
    const poisonCount = Math.max(1, Math.round(options.messages * options.poisonRate));
    const poisonIndexes = new Set<number>();
    while (poisonIndexes.size < Math.min(poisonCount, options.messages)) {
      poisonIndexes.add(randomInt(random, 0, options.messages - 1));
    }
    const bodies: string[] = [];
    for (let index = 0; index < options.messages; index++) {
      const id = `${runId}-${String(index).padStart(5, '0')}`;
      const isPoison = poisonIndexes.has(index);
      seeded.set(id, { isPoison });
      const message: ServiceMessage = isPoison ? { id, poison: true } : { id };
      bodies.push(JSON.stringify(message));
    }
    const seedStartedAt = performance.now();
    await seedQueue(server.sqs, queue.url, bodies);
    const seedMs = performance.now() - seedStartedAt;
    log(`seeded ${options.messages} messages (${poisonCount} poison) in ${seedMs.toFixed(0)} ms`);

    // ---- consume under chaos ----
    const config: ServiceConfig = {
      queueUrl: queue.url,
      endpoint: proxy.url,
      ledgerPath,
      concurrency: options.concurrency,
      waitTimeSeconds: options.waitTimeSeconds,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      handlerTimeoutMs: options.handlerTimeoutMs,
      handlerTimeoutGraceMs: options.handlerTimeoutGraceMs,
      shutdownTimeoutMs: 10_000,
      ...(options.retryDelaySeconds === undefined ? {} : { retryDelaySeconds: options.retryDelaySeconds }),
      failRate: options.failRate,
      hangRate: options.hangRate,
      zombieShare: options.zombieShare,
      workMs: options.workMs,
      seed: options.seed,
      report: ['routeStarted'],
      ...(options.isDeletedOnError === true ? { isDeletedOnError: true } : {}),
    };
    const startedAt = performance.now();
    const timeline: TimelineEntry[] = [];
    const mark = (event: string, detail?: string): void => {
      const entry: TimelineEntry = { atMs: Math.round(performance.now() - startedAt), event };
      timeline.push(detail === undefined ? entry : { ...entry, detail });
      log(`[${(entry.atMs / 1000).toFixed(1)} s] ${event}${detail === undefined ? '' : ` ${detail}`}`);
    };
    let current = ChildService.start(config);
    services.push(current);
    mark('service started', `pid ${current.pid}`);

    const deletedByServer: string[] = [];
    const movedToDlq: string[] = [];
    const resolved = new Set<string>();
    const poll = async (): Promise<void> => {
      for (const event of await server.newSpyEvents()) {
        if (event.queueName !== queue.name) continue;
        const id = idOfBody(event.body);
        if (event.status === 'consumed') {
          deletedByServer.push(id);
          resolved.add(id);
        } else if (event.status === 'dlq') {
          movedToDlq.push(id);
          resolved.add(id);
        }
      }
    };
    const deadlineAt = performance.now() + options.deadlineMs;
    const isPastDeadline = (): boolean => performance.now() > deadlineAt;
    /** Waits until `share` of the messages are resolved; false when the deadline passed. */
    const waitForProgress = async (share: number): Promise<boolean> => {
      while (resolved.size < share * options.messages) {
        if (isPastDeadline()) return false;
        await sleep(100);
        await poll();
      }
      return true;
    };

    const [from, to] = options.actionWindow ?? [0.1, 0.9];
    const dueAt = (): number => from + random() * (to - from);
    const actions: Array<{ at: number; action: Action }> = [];
    for (let kill = 0; kill < options.kills; kill++) actions.push({ at: dueAt(), action: { kind: 'kill' } });
    for (const plan of options.cuts) actions.push({ at: dueAt(), action: { kind: 'cut', plan } });
    actions.sort((a, b) => a.at - b.at);

    let kills = 0;
    let unexpectedExits = 0;
    const cuts: Array<{ mode: string; durationMs: number }> = [];
    const restartIfCrashed = (): void => {
      if (current.exit === undefined) return;
      unexpectedExits += 1;
      mark(
        'service exited unexpectedly',
        `${current.exit.code ?? current.exit.signal}: ${current.stderr.slice(-500)}`,
      );
      current = ChildService.start(config);
      services.push(current);
    };
    for (const { at, action } of actions) {
      if (!(await waitForProgress(at))) break;
      restartIfCrashed();
      await sleep(randomInt(random, 0, 1000));
      if (action.kind === 'kill') {
        current.kill('SIGKILL');
        await current.exited;
        kills += 1;
        mark('SIGKILL', `pid ${current.pid} at ${resolved.size} resolved`);
        await sleep(randomInt(random, 0, 500));
        current = ChildService.start(config);
        services.push(current);
        mark('service restarted', `pid ${current.pid}`);
      } else {
        const durationMs = randomInt(random, action.plan.durationMs[0], action.plan.durationMs[1]);
        await proxy.setMode(action.plan.mode);
        mark(`cut (${action.plan.mode})`, `for ${durationMs} ms at ${resolved.size} resolved`);
        await sleep(durationMs);
        await proxy.setMode('pass');
        cuts.push({ mode: action.plan.mode, durationMs });
        mark('path restored');
      }
    }

    // ---- wait for the end: every message deleted or dead-lettered, nothing left in the queue ----
    for (;;) {
      restartIfCrashed();
      if (!(await waitForProgress(1))) break;
      const contents = await server.inspect(queue.name);
      if (contents.ready.length + contents.inflight.length + contents.delayed.length === 0) break;
      if (isPastDeadline()) break;
      await sleep(200);
    }
    const consumeMs = performance.now() - startedAt;
    mark(
      isPastDeadline() ? 'deadline reached' : 'all messages resolved',
      `${resolved.size}/${options.messages}`,
    );

    const stopAt = performance.now();
    current.kill('SIGTERM');
    const finalExit = await current.exited;
    const finalStopMs = performance.now() - stopAt;
    mark(
      'service stopped',
      `SIGTERM → exit ${finalExit.code ?? finalExit.signal} in ${finalStopMs.toFixed(0)} ms`,
    );

    // ---- reconcile ----
    const leftInQueue = (await drainQueue(server.sqs, queue.url)).map(idOfBody);
    const inDlq = (await drainQueue(server.sqs, dlq.url)).map(idOfBody);
    await poll();
    const { records, torn } = readLedger(ledgerPath);
    const figures = reconcile({
      seeded,
      ledger: records,
      tornLedgerLines: torn,
      deletedByServer,
      movedToDlqByServer: movedToDlq,
      leftInQueue,
      inDlq,
      deleteReceiptsOnWire: deleteReceipts,
    });
    return {
      figures,
      timeline,
      kills,
      starts: services.length,
      unexpectedExits,
      cuts,
      seedMs,
      consumeMs,
      finalExit,
      finalStopMs,
      proxy: proxy.stats(),
      errorLogLines: services.reduce(
        (sum, service) => sum + service.logs.filter((line) => line.level >= 50).length,
        0,
      ),
      ledgerPath,
    };
  } finally {
    for (const service of services) if (service.exit === undefined) service.kill('SIGKILL');
    await Promise.all(services.map((service) => service.exited));
    await proxy.close();
    await server.stop();
  }
}

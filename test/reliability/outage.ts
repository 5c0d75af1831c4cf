// The outage scenario: a service process consumes through the fault proxy; while some of its handlers
// are finishing, the SQS endpoint disappears (blackhole: nothing answers; refuse: connection refused)
// for `outageMs`, during which more messages are sent to the server directly; then it comes back.
//
// Measured: whether the service stayed up, its error log lines, its receive attempts per second during
// the outage (counted on the wire for blackhole; from the route's `providerFailed` events for refuse,
// where nothing reaches the proxy), how long after the return it fetched and handled again, and what
// happened to the acks of the handlers that finished during the outage: each ack the service reports
// as done must have gone over the wire to the server, and every message must end deleted after a
// successful handling.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildService } from './child-service.js';
import { FaultProxy } from './fault-proxy.js';
import { FauxqsProcess } from './fauxqs-control.js';
import { readLedger } from './ledger.js';
import { idOfBody, seedQueue } from './queues.js';
import type { ServiceMessage } from './service-config.js';

/** Options of {@link runOutage}. */
export interface OutageOptions {
  readonly mode: 'blackhole' | 'refuse';
  readonly outageMs: number;
  readonly waitTimeSeconds: number;
  /** The provider's request timeout; its default (`waitTimeSeconds` + 10 s) when absent. */
  readonly requestTimeoutMs?: number;
  /** The queue's visibility timeout: longer than the outage, so that receipts stay valid. */
  readonly visibilityTimeoutSeconds: number;
  /** Messages whose handlers are running when the outage begins (they finish during it). */
  readonly inFlightAtCut: number;
  /** Messages sent during the outage. */
  readonly sentDuringOutage: number;
  /** Gives up waiting for every message to be deleted after this long past the return. */
  readonly settleDeadlineMs: number;
  readonly workDir: string;
}

/** What {@link runOutage} measured. */
export interface OutageResult {
  readonly mode: string;
  readonly outageMs: number;
  /** The service process never exited during the run. */
  readonly stayedUp: boolean;
  /** ReceiveMessage requests that reached the proxy during the outage (blackhole only). */
  readonly receivesOnWire: number;
  /** Failed fetches the route reported during the outage. */
  readonly failedFetches: number;
  /** The larger of the two counts above, per second of outage. */
  readonly receiveAttemptsPerSecond: number;
  /** Error-level log lines from the cut until the service recovered, by message. */
  readonly errorLines: Readonly<Record<string, number>>;
  /** Warn-level log lines in the same window, by message. */
  readonly warnLines: Readonly<Record<string, number>>;
  /** From the endpoint's return until the route reported its fetches recovered, in ms. */
  readonly recoveredAfterMs: number | undefined;
  /** From the endpoint's return until a message sent during the outage was handled, in ms. */
  readonly firstHandledAfterMs: number | undefined;
  /** Acks the service reported done for deliveries handled around the cut. */
  readonly acksReported: number;
  /** Acks the service reported failed (their messages come back after the visibility timeout). */
  readonly acksFailed: number;
  /** Acks reported done whose delete never went over the wire to the server (must be 0). */
  readonly acksReportedNotSent: number;
  readonly seeded: number;
  /** Seeded messages the server deleted. */
  readonly deleted: number;
  /** Delete requests for deliveries without a successful handling (must be 0). */
  readonly deletesWithoutSuccess: number;
  /** Seeded messages neither deleted nor in the queue at the end (must be 0). */
  readonly lost: number;
  /** Messages handled successfully more than once (their ack failed in the outage). */
  readonly duplicates: number;
}

/** Runs one outage and measures it. Starts and stops its own fauxqs process and proxy. */
export async function runOutage(options: OutageOptions): Promise<OutageResult> {
  mkdirSync(options.workDir, { recursive: true });
  const runId = `outage-${options.mode}-${Date.now().toString(36)}`;
  const ledgerPath = join(options.workDir, `${runId}.ledger.jsonl`);
  const server = await FauxqsProcess.start();
  const proxy = await FaultProxy.start({ targetPort: server.port });
  const wireDeletes: Array<{ receipt: string; isSent: boolean }> = [];
  let receivesOnWire = 0;
  let cutAt = Number.POSITIVE_INFINITY;
  let restoredAt = Number.POSITIVE_INFINITY;
  proxy.on('request', (request) => {
    const isSent = request.mode === 'pass' || request.mode === 'delay';
    if (request.action === 'ReceiveMessage' && request.at >= cutAt && request.at < restoredAt) {
      receivesOnWire += 1;
    }
    if (request.action === 'DeleteMessageBatch') {
      const body = JSON.parse(request.body) as { Entries?: { ReceiptHandle?: string }[] };
      for (const entry of body.Entries ?? [])
        wireDeletes.push({ receipt: entry.ReceiptHandle ?? '', isSent });
    }
  });
  let service: ChildService | undefined;
  try {
    const queue = await server.createQueue(runId, {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    });
    service = ChildService.start({
      queueUrl: queue.url,
      endpoint: proxy.url,
      ledgerPath,
      concurrency: Math.max(10, options.inFlightAtCut),
      waitTimeSeconds: options.waitTimeSeconds,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      failRate: 0,
      hangRate: 0,
      zombieShare: 0,
      workMs: [0, 10],
      seed: 3,
      report: ['routeStarted', 'attempt', 'messageAcked', 'ackFailed', 'providerFailed', 'providerRecovered'],
    });
    await service.waitFor((report) => report.reliability === 'routeStarted');

    // Handlers that will finish during the outage: their deletes meet the cut.
    const before = Array.from({ length: options.inFlightAtCut }, (_, index) =>
      JSON.stringify({ id: `before-${index}`, holdMs: 500 } satisfies ServiceMessage),
    );
    await seedQueue(server.sqs, queue.url, before);
    await service.waitForCount((report) => report.reliability === 'attempt', options.inFlightAtCut);
    cutAt = Date.now();
    await proxy.setMode(options.mode);
    const during = Array.from({ length: options.sentDuringOutage }, (_, index) =>
      JSON.stringify({ id: `during-${index}` } satisfies ServiceMessage),
    );
    await seedQueue(server.sqs, queue.url, during);
    await sleep(options.outageMs);
    restoredAt = Date.now();
    await proxy.setMode('pass');

    // Settle: every message deleted by the server (failed acks come back after the visibility timeout).
    const seededIds = new Set([...before, ...during].map(idOfBody));
    const deleted = new Set<string>();
    const settleUntil = Date.now() + options.settleDeadlineMs;
    while (deleted.size < seededIds.size && Date.now() < settleUntil && service.exit === undefined) {
      for (const event of await server.newSpyEvents()) {
        if (event.queueName === queue.name && event.status === 'consumed') deleted.add(idOfBody(event.body));
      }
      await sleep(100);
    }
    const stayedUp = service.exit === undefined;
    service.kill('SIGTERM');
    await service.exited;
    for (const event of await server.newSpyEvents()) {
      if (event.queueName === queue.name && event.status === 'consumed') deleted.add(idOfBody(event.body));
    }
    const contents = await server.inspect(queue.name);
    const left = new Set([...contents.ready, ...contents.inflight, ...contents.delayed].map(idOfBody));

    const reports = service.reports;
    const recovered = reports.find(
      (report) =>
        report.reliability === 'providerRecovered' && report.operation === 'fetch' && report.at >= restoredAt,
    );
    const { records } = readLedger(ledgerPath);
    const successReceipts = new Set(
      records.filter((record) => record.t === 'success').map((record) => record.r),
    );
    const successes = new Map<string, number>();
    for (const record of records) {
      if (record.t === 'success') successes.set(record.id, (successes.get(record.id) ?? 0) + 1);
    }
    const firstHandled = records.find((record) => record.t === 'success' && record.id.startsWith('during-'));
    const windowEnd = recovered?.at ?? Date.now();
    const countLines = (level: number): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const line of service?.logs ?? []) {
        if (line.level !== level || line.time < cutAt || line.time > windowEnd) continue;
        counts[line.msg] = (counts[line.msg] ?? 0) + 1;
      }
      return counts;
    };
    const sentReceipts = new Set(wireDeletes.filter((entry) => entry.isSent).map((entry) => entry.receipt));
    const acked = reports.filter((report) => report.reliability === 'messageAcked');
    const failedFetches = reports.filter(
      (report) =>
        report.reliability === 'providerFailed' &&
        report.operation === 'fetch' &&
        report.at >= cutAt &&
        report.at < restoredAt,
    ).length;
    const outageSeconds = (restoredAt - cutAt) / 1000;
    return {
      mode: options.mode,
      outageMs: restoredAt - cutAt,
      stayedUp,
      receivesOnWire,
      failedFetches,
      receiveAttemptsPerSecond: Math.max(receivesOnWire, failedFetches) / outageSeconds,
      errorLines: countLines(50),
      warnLines: countLines(40),
      recoveredAfterMs: recovered === undefined ? undefined : recovered.at - restoredAt,
      firstHandledAfterMs: firstHandled === undefined ? undefined : Math.max(0, firstHandled.at - restoredAt),
      acksReported: acked.length,
      acksFailed: reports.filter((report) => report.reliability === 'ackFailed').length,
      acksReportedNotSent: acked.filter((report) => !sentReceipts.has(report.r ?? '')).length,
      seeded: seededIds.size,
      deleted: [...deleted].filter((id) => seededIds.has(id)).length,
      deletesWithoutSuccess: wireDeletes.filter((entry) => !successReceipts.has(entry.receipt)).length,
      lost: [...seededIds].filter((id) => !deleted.has(id) && !left.has(id)).length,
      duplicates: [...successes.values()].filter((count) => count > 1).length,
    };
  } finally {
    if (service !== undefined && service.exit === undefined) service.kill('SIGKILL');
    await service?.exited;
    await proxy.close();
    await server.stop();
  }
}

// The reliability suite's service: a real loafer service (sqsRoute on the SQS provider, a Manager,
// runService() for signals and exit codes) whose handler injects failures and keeps a ledger. The
// runs start it as a child process, SIGKILL it, SIGTERM it, and cut it off from SQS.
//
// Its configuration is JSON in LOAFER_RELIABILITY_SERVICE (see service-config.ts). It logs with
// loafer's default logger (pino JSON lines on stdout) and reports the events the configuration asks
// for as JSON lines tagged `reliability` on the same stdout.
import { writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@aws-sdk/client-sqs';
import type { HandlerContext, LoaferEventMap, LoaferEventName, MessageMetadata } from 'loafer';
import { linearRetry, Manager } from 'loafer';
import { runService } from 'loafer/cli';
import { sqsRoute } from 'loafer/sqs';
import type { AttemptFate } from './ledger.js';
import { LedgerWriter } from './ledger.js';
import { mulberry32 } from './prng.js';
import type { ReportedEvent, ServiceConfig, ServiceMessage, ServiceReport } from './service-config.js';
import { SERVICE_CONFIG_VARIABLE } from './service-config.js';

const config = JSON.parse(process.env[SERVICE_CONFIG_VARIABLE] ?? 'null') as ServiceConfig | null;
if (config === null) throw new Error(`${SERVICE_CONFIG_VARIABLE} is not set`);

const reported = new Set<ReportedEvent>(config.report);
const random = mulberry32(config.seed ^ process.pid);
const ledger = new LedgerWriter(config.ledgerPath);

function report(event: ServiceReport['reliability'], fields: Partial<ServiceReport> = {}): void {
  // Synchronous, so that nothing reported is lost when the process is killed right after.
  writeSync(1, `${JSON.stringify({ reliability: event, at: Date.now(), pid: process.pid, ...fields })}\n`);
}

function idOf(body: string | undefined): string {
  try {
    return String((JSON.parse(body ?? '') as Partial<ServiceMessage>).id);
  } catch {
    return '?';
  }
}

function receiptOf(raw: unknown): string {
  return (raw as Message | undefined)?.ReceiptHandle ?? '';
}

function chooseFate(message: ServiceMessage): AttemptFate {
  if (message.poison === true) return 'poison';
  const draw = random();
  if (draw < config!.failRate) return 'throw';
  if (draw < config!.failRate + config!.hangRate) {
    return random() < config!.zombieShare ? 'zombie' : 'hang';
  }
  return 'ok';
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function handle(message: ServiceMessage, context: HandlerContext<MessageMetadata>): Promise<boolean> {
  const line = {
    id: message.id,
    rc: context.receiveCount,
    r: (context.message.raw as Message).ReceiptHandle ?? '',
    pid: process.pid,
  };
  const fate = chooseFate(message);
  ledger.append({ t: 'attempt', fate, ...line, at: Date.now() });
  if (reported.has('attempt')) report('attempt', { id: message.id, rc: context.receiveCount });
  switch (fate) {
    case 'poison':
    case 'throw':
      throw new Error(`injected failure (${fate})`);
    case 'hang':
      return untilAborted(context.signal);
    case 'zombie': {
      const pastMs = (config!.handlerTimeoutMs ?? 0) + (config!.handlerTimeoutGraceMs ?? 5000) + 300;
      await sleep(pastMs);
      ledger.append({ t: 'late', ...line, at: Date.now() });
      return true;
    }
    case 'ok':
      break;
  }
  const [min, max] = config!.workMs;
  await sleep(min + Math.floor(random() * (max - min + 1)));
  if (message.holdMs !== undefined) {
    await sleep(message.holdMs, undefined, message.ignoreSignal === true ? {} : { signal: context.signal });
  }
  // Written before returning true: a delete can only follow a line that is already in the file.
  ledger.append({ t: 'success', ...line, at: Date.now() });
  return true;
}

const route = sqsRoute<ServiceMessage>(config.queueUrl, {
  name: 'reliability',
  endpoint: config.endpoint,
  region: 'us-east-1',
  ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
  waitTimeSeconds: config.waitTimeSeconds,
  ...(config.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: config.requestTimeoutMs }),
  concurrency: config.concurrency,
  ...(config.handlerTimeoutMs === undefined ? {} : { handlerTimeoutMs: config.handlerTimeoutMs }),
  ...(config.handlerTimeoutGraceMs === undefined
    ? {}
    : { handlerTimeoutGraceMs: config.handlerTimeoutGraceMs }),
  ...(config.retryDelaySeconds === undefined
    ? {}
    : {
        retry: linearRetry({ stepSeconds: config.retryDelaySeconds, maxSeconds: config.retryDelaySeconds }),
      }),
  handler: handle,
  ...(config.isDeletedOnError === true ? { errorHandler: () => true } : {}),
});

const manager = new Manager({
  routes: [route],
  ...(config.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: config.shutdownTimeoutMs }),
  ...(config.shutdownAbortGraceMs === undefined ? {} : { shutdownAbortGraceMs: config.shutdownAbortGraceMs }),
});

function forward<E extends LoaferEventName & ReportedEvent>(
  event: E,
  fields: (payload: LoaferEventMap[E]) => Partial<ServiceReport>,
): void {
  if (reported.has(event)) manager.on(event, (payload) => report(event, fields(payload)));
}

forward('routeStarted', () => ({}));
forward('messageAcked', (payload) => ({ id: idOf(payload.message.body), r: receiptOf(payload.message.raw) }));
forward('ackFailed', (payload) => ({ id: idOf(payload.message.body), r: receiptOf(payload.message.raw) }));
forward('messageReleased', (payload) => ({ id: idOf(payload.message.body) }));
forward('messageHandled', (payload) => ({ id: idOf(payload.message.body), outcome: payload.outcome }));
forward('providerFailed', (payload) => ({ operation: payload.operation }));
forward('providerRecovered', (payload) => ({ operation: payload.operation }));
process.on('exit', (code) => report('exit', { code }));

await runService(manager);

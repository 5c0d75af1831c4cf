// Message bodies never appear in logs above debug during a failing run: translation errors (JSON,
// schema, SNS envelope), handler errors, timeouts, error handlers that throw, provider failures
// (fetch, delete). Logs are captured twice: with MemoryLogger (searched deeply, error causes and own
// properties included) and with pino, loafer's default logger, as JSON lines. Credentials, and the
// same for child processes, are in test/integration/reliability-security-logs.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'loafer';
import { jsonTranslator, Manager, ProviderError, Route, snsTranslator, withSchema } from 'loafer';
import { MemoryLogger, MemoryProvider } from 'loafer/testing';
import { z } from 'zod';
import { capturingPino, leaksInLines, leaksInRecords } from '../reliability/log-search.js';

const BODY_MARKER = 'BODY-MARKER-c41f7e';

const Friend = z.object({ id: z.string(), username: z.string().min(1), email: z.email().optional() });

const TRANSLATION_BODIES = [
  `not json ${BODY_MARKER}`,
  `{"id":"${BODY_MARKER}`,
  `{"id":5,"username":"${BODY_MARKER}"}`,
  `{"id":"${BODY_MARKER}","username":"","email":"${BODY_MARKER}"}`,
  `[${JSON.stringify(BODY_MARKER)}]`,
];

const SNS_BODIES = [
  JSON.stringify({ Type: 'Notification', Message: `${BODY_MARKER} not json`, TopicArn: 't', MessageId: 'm' }),
  JSON.stringify({ Type: `Subscription${BODY_MARKER}`, Message: '{}', TopicArn: 't', MessageId: 'm' }),
  JSON.stringify({ Type: 'Notification', Message: 42, TopicArn: BODY_MARKER, MessageId: 'm' }),
  JSON.stringify({ Message: BODY_MARKER }),
];

/** Handler behaviours, chosen by the body's `do` field. */
const HANDLER_BODIES = ['throw', 'false', 'hang', 'error-handler-throws', 'ok'].map((action) =>
  JSON.stringify({ do: action, secret: BODY_MARKER }),
);

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
}

/** Runs the failing routes with `logger` until every message was handled once. */
async function failingRun(logger: Logger): Promise<void> {
  const translation = new MemoryProvider({ name: 'translation' });
  for (const body of TRANSLATION_BODIES) translation.send(body);
  const sns = new MemoryProvider({ name: 'sns' });
  for (const body of SNS_BODIES) sns.send(body);
  const handling = new MemoryProvider({ name: 'handling' });
  for (const body of HANDLER_BODIES) handling.send(body);
  // The provider fails to fetch twice, then fails the first delete.
  handling.injectFailure(
    'fetch',
    2,
    new ProviderError('LOAFER_ERR_PROVIDER_REQUEST_FAILED', 'connection reset'),
  );
  handling.injectFailure('confirm', 1, new ProviderError('LOAFER_ERR_PROVIDER_ACK_FAILED', 'delete refused'));

  const routes = [
    new Route({
      name: 'translation',
      provider: translation,
      messageTranslator: withSchema(jsonTranslator(), Friend),
      handler: () => true,
    }),
    new Route({ name: 'sns', provider: sns, messageTranslator: snsTranslator(), handler: () => true }),
    new Route({
      name: 'handling',
      provider: handling,
      messageTranslator: jsonTranslator<{ do: string }>(),
      handlerTimeoutMs: 50,
      handler: async (content, context) => {
        if (content.do === 'throw' || content.do === 'error-handler-throws')
          throw new Error('processing failed');
        if (content.do === 'hang') return untilAborted(context.signal);
        return content.do === 'ok';
      },
      errorHandler: (_error, context) => {
        if (context.message.body.includes('error-handler-throws')) throw new Error('error handler failed');
        return false;
      },
    }),
  ];
  const manager = new Manager({ routes, logger });
  const total = TRANSLATION_BODIES.length + SNS_BODIES.length + HANDLER_BODIES.length;
  let handled = 0;
  const done = new Promise<void>((resolve) => {
    manager.on('messageHandled', () => {
      handled += 1;
      if (handled === total) resolve();
    });
  });
  // loafer's timers (backoff, timeouts) do not keep a process alive, and memory queues hold no socket.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const running = manager.run();
    await done;
    await manager.stop();
    await running;
  } finally {
    clearInterval(keepAlive);
  }
}

/** The log messages a failing run must produce (so that the search is not vacuous). */
const EXPECTED_MESSAGES = [
  'message could not be translated',
  'handler failed',
  'handler timed out: signal aborted',
  'error handler threw: message kept',
  'fetch failed: retrying with backoff',
  'delete failed: the message will be delivered again',
];

describe('logs of a failing run', () => {
  it('never carry message bodies above debug (MemoryLogger, searched deeply)', async () => {
    const logger = new MemoryLogger();

    await failingRun(logger);

    const messages = new Set(logger.records.map((record) => record.message));
    for (const expected of EXPECTED_MESSAGES) assert.ok(messages.has(expected), `no "${expected}" line`);
    assert.deepEqual(leaksInRecords(logger.records, [BODY_MARKER]), []);
  });

  it('never carry message bodies above debug (pino JSON lines, as loafer logs by default)', async () => {
    const capture = capturingPino();

    await failingRun(capture.logger);

    for (const expected of EXPECTED_MESSAGES)
      assert.ok(capture.text().includes(`"msg":"${expected}"`), expected);
    assert.deepEqual(leaksInLines(capture.text(), [BODY_MARKER]), []);
  });

  it('the searches find a body logged above debug, and let debug lines carry one (control)', () => {
    const logger = new MemoryLogger();
    const capture = capturingPino();

    for (const target of [logger, capture.logger]) {
      target.debug({ body: BODY_MARKER }, 'message received');
      target.warn({ err: new Error('failed', { cause: new Error(BODY_MARKER) }) }, 'handler failed');
    }

    assert.deepEqual(
      leaksInRecords(logger.records, [BODY_MARKER]).map((leak) => leak.level),
      ['warn'],
    );
    assert.deepEqual(
      leaksInLines(capture.text(), [BODY_MARKER]).map((leak) => leak.level),
      ['warn'],
    );
  });
});

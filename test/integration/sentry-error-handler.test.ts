// The Sentry error handler with the REAL @sentry/node SDK: a local HTTP server acts as the DSN
// (http://key@127.0.0.1:PORT/1); the test parses the envelopes the SDK posts to /api/1/envelope/ and
// checks that each event arrives with the failed message attached.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import * as Sentry from '@sentry/node';
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { sentryErrorHandler } from 'loafer/sentry';
import { MemoryProvider } from 'loafer/testing';

// biome-ignore lint/suspicious/noExplicitAny: Sentry events are inspected as parsed JSON.
type SentryEvent = any;

let server: Server;
const events: SentryEvent[] = [];
const envelopePaths: string[] = [];

/** Parses a Sentry envelope: a header line, then (item header, payload) line pairs. */
function parseEnvelope(text: string): SentryEvent[] {
  const lines = text.split('\n');
  const found: SentryEvent[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    const header = JSON.parse(lines[i] as string);
    if (header.type === 'event') found.push(JSON.parse(lines[i + 1] as string));
  }
  return found;
}

before(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      envelopePaths.push(request.url ?? '');
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      events.push(...parseEnvelope(body.toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Sentry.init({
    dsn: `http://public@127.0.0.1:${port}/1`,
    defaultIntegrations: false,
    integrations: [],
    skipOpenTelemetrySetup: true,
  });
});

after(async () => {
  await Sentry.close(2000);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Runs one route over `provider` once; its handler throws `new Error(reason)`. */
async function runFailing(
  provider: MemoryProvider,
  errorHandler: ReturnType<typeof sentryErrorHandler>,
  reason: string,
): Promise<void> {
  const route = new Route({
    name: 'friend-created',
    provider,
    messageTranslator: jsonTranslator(),
    handler: () => {
      throw new Error(reason);
    },
    errorHandler,
  });
  await new Manager({ routes: [route], logger: silentLogger }).runOnce();
  assert.equal(await Sentry.flush(5000), true, 'Sentry could not deliver its events');
}

function eventFor(messageId: string): SentryEvent {
  const event = events.find((candidate) => candidate.contexts?.loafer?.messageId === messageId);
  assert.ok(event, `no Sentry event for message ${messageId}; got ${events.length} event(s)`);
  return event;
}

describe('sentryErrorHandler() with the real @sentry/node', () => {
  it('sends the event to the DSN with the message attached, and keeps the message', async () => {
    const provider = new MemoryProvider();
    const body = { id: 'test-1', username: 'georgeyk', github_url: '' };
    const id = provider.send(body, { id: 'sentry-1', attributes: { origin: 'web', attempt: 1 } });

    await runFailing(provider, sentryErrorHandler({ sentry: Sentry }), 'github is down');

    const event = eventFor(id);
    assert.ok(envelopePaths.every((path) => path.startsWith('/api/1/envelope/')));
    assert.equal(event.exception.values[0].type, 'Error');
    assert.equal(event.exception.values[0].value, 'github is down');
    assert.equal(event.tags['loafer.route'], 'friend-created');
    assert.deepEqual(event.contexts.loafer, {
      route: 'friend-created',
      messageId: id,
      receiveCount: 1,
      isLastAttempt: false,
    });
    assert.deepEqual(event.extra.message, {
      id,
      attributes: { origin: 'web', attempt: '1' },
      body: JSON.stringify(body),
    });
    assert.equal(provider.isDeleted(id), false);
  });

  it('deletes the message after reporting when deleteMessage is true', async () => {
    const provider = new MemoryProvider();
    const id = provider.send({ id: 'test-2' }, { id: 'sentry-2' });

    await runFailing(
      provider,
      sentryErrorHandler({ sentry: Sentry, deleteMessage: true }),
      'cannot ever work',
    );

    assert.equal(eventFor(id).exception.values[0].value, 'cannot ever work');
    assert.equal(provider.isDeleted(id), true);
  });

  it('loads @sentry/node itself when no sentry is given', async () => {
    const provider = new MemoryProvider();
    const id = provider.send({ id: 'test-3' }, { id: 'sentry-3' });

    await runFailing(provider, sentryErrorHandler(), 'loaded on demand');

    assert.equal(eventFor(id).exception.values[0].value, 'loaded on demand');
  });

  it('leaves the body out when includeBody is false', async () => {
    const provider = new MemoryProvider();
    const id = provider.send({ secret: 'do-not-send' }, { id: 'sentry-4' });

    await runFailing(provider, sentryErrorHandler({ sentry: Sentry, includeBody: false }), 'private');

    const event = eventFor(id);
    assert.deepEqual(event.extra.message, { id, attributes: {} });
    assert.ok(!JSON.stringify(event).includes('do-not-send'));
  });

  it('reports a translation failure with its loafer error code', async () => {
    const provider = new MemoryProvider();
    const id = provider.send('this is not JSON', { id: 'sentry-5' });

    await runFailing(provider, sentryErrorHandler({ sentry: Sentry }), 'never reached');

    const event = eventFor(id);
    assert.equal(event.exception.values[0].type, 'TranslationError');
    assert.equal(event.tags['loafer.error_code'], 'LOAFER_ERR_TRANSLATION_NOT_JSON');
    assert.equal(event.extra.message.body, 'this is not JSON');
  });
});

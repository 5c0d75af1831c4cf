// Runs the snippet that docs/sentry.md embeds (examples/snippets/sentry.ts) with the real
// @sentry/node against a local HTTP server acting as the DSN.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import * as Sentry from '@sentry/node';
import { main } from '../../examples/snippets/sentry.js';

// biome-ignore lint/suspicious/noExplicitAny: Sentry events are inspected as parsed JSON.
const events: any[] = [];
let server: Server;
let dsn: string;

before(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const lines = body.toString('utf8').split('\n');
      for (let i = 1; i + 1 < lines.length; i += 2) {
        if (JSON.parse(lines[i] as string).type === 'event') events.push(JSON.parse(lines[i + 1] as string));
      }
      response.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dsn = `http://public@127.0.0.1:${(server.address() as AddressInfo).port}/1`;
});

after(async () => {
  await Sentry.close(2000);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('docs/sentry.md snippet', () => {
  it('reports the failure with the message attached and keeps the message', async () => {
    const lines = await main(dsn);

    assert.deepEqual(lines, ['friend-created-1: kept after reporting to Sentry']);
    const event = events.find((candidate) => candidate.contexts?.loafer?.messageId === 'friend-created-1');
    assert.ok(event, `no event for the message among ${events.length}`);
    assert.equal(event.exception.values[0].value, 'github is down');
    assert.deepEqual(JSON.parse(event.extra.message.body), {
      id: 'test-1',
      username: 'georgeyk',
      github_url: '',
    });
  });
});

// What fauxqs cannot check, on each transport, against a scripted HTTP server: signatures that verify,
// SDK-style retries (`maxAttempts`), error responses as SQS sends them, clock-skew correction, and
// long polls that never starve deletes of connections.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { Message } from '@aws-sdk/client-sqs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { InboundMessage } from 'loafer';
import { ProviderError, systemClock } from 'loafer';
import type { SqsProviderOptions } from 'loafer/sqs';
import { SqsProvider } from 'loafer/sqs';
import { MemoryLogger } from 'loafer/testing';
import { LeanTransport } from '../../src/providers/sqs/lean-transport.js';
import { TRANSPORTS } from './sqs-fixtures.js';

/** One request the server received. */
interface Exchange {
  readonly action: string;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The server's answer: a response, or `hold` to keep the request open until the client gives up. */
type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body: string }
  | 'hold';

interface ScriptedServer {
  readonly endpoint: string;
  readonly exchanges: Exchange[];
  count(action: string): number;
  close(): Promise<void>;
}

async function scriptedServer(answer: (exchange: Exchange) => Reply): Promise<ScriptedServer> {
  const exchanges: Exchange[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const exchange: Exchange = {
        action: target.slice(target.indexOf('.') + 1),
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      exchanges.push(exchange);
      const reply = answer(exchange);
      if (reply === 'hold') return;
      response.writeHead(reply.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `req-${exchanges.length}`,
        ...reply.headers,
      });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    exchanges,
    count: (action) => exchanges.filter((exchange) => exchange.action === action).length,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const QUEUE_URL_PATH = '/123456789012/orders';
const OK: Record<string, Reply> = {
  GetQueueUrl: { status: 200, body: '{"QueueUrl":"http://127.0.0.1:1/123456789012/orders"}' },
  GetQueueAttributes: { status: 200, body: '{"Attributes":{"VisibilityTimeout":"30"}}' },
  ReceiveMessage: { status: 200, body: '{}' },
  DeleteMessageBatch: { status: 200, body: '{"Successful":[{"Id":"0"}]}' },
};

function ok(exchange: Exchange): Reply {
  return OK[exchange.action] ?? { status: 400, body: '{"__type":"com.amazonaws.sqs#InvalidAction"}' };
}

/** SHA-256 and HMAC-SHA-256 on node:crypto, in the shape SignatureV4 expects. */
class Sha256 {
  readonly #hash;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {}
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * Whether a received request carries a valid SigV4 signature for `credentials`: the signature is
 * computed again from what arrived (method, path, the signed headers, the body) and compared.
 */
async function verifiesAsSigV4(
  exchange: Exchange,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<boolean> {
  const authorization = String(exchange.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (match === null) return false;
  const [, accessKeyId, , region, service, signedHeaders] = match as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId) return false;
  const headers: Record<string, string> = {};
  for (const name of (signedHeaders as string).split(';'))
    headers[name] = String(exchange.headers[name] ?? '');
  const amzDate = headers['x-amz-date'] ?? '';
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [host, port] = (headers.host ?? '').split(':');
  const signer = new SignatureV4({
    credentials,
    region: region as string,
    service: service as string,
    sha256: Sha256,
    uriEscapePath: true,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: exchange.method,
      protocol: 'http:',
      hostname: host as string,
      ...(port === undefined ? {} : { port: Number(port) }),
      path: exchange.path,
      headers,
      body: exchange.body,
    }),
    { signingDate },
  );
  return signed.headers.authorization === authorization;
}

/** A received message as the provider would hand it out (only its receipt matters to an ack). */
function receivedMessage(receipt: string): InboundMessage<Message> {
  return {
    id: receipt,
    body: '',
    receiveCount: 1,
    attributes: {},
    systemAttributes: {},
    raw: { MessageId: receipt, ReceiptHandle: receipt },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

for (const transport of TRANSPORTS) {
  describe(`SqsProvider on the ${transport} transport (scripted server)`, () => {
    function provider(server: ScriptedServer, options: Partial<SqsProviderOptions> = {}): SqsProvider {
      return new SqsProvider({
        queue: `${server.endpoint}${QUEUE_URL_PATH}`,
        endpoint: server.endpoint,
        region: 'eu-west-1',
        credentials: {
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        },
        transport,
        waitTimeSeconds: 0,
        logger: new MemoryLogger(),
        ...options,
      } as SqsProviderOptions);
    }

    it('signs every request with SigV4, session token included, as the server can verify', async () => {
      const server = await scriptedServer(ok);
      const credentials = {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        sessionToken: 'session-token',
      };
      const source = provider(server, { queue: 'orders', credentials });

      await source.start({ signal: new AbortController().signal });
      await source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal });
      await source.confirmMessage(receivedMessage('r-1'));
      await source.stop();
      await server.close();

      assert.deepEqual(
        server.exchanges.map((exchange) => exchange.action),
        ['GetQueueUrl', 'GetQueueAttributes', 'ReceiveMessage', 'DeleteMessageBatch'],
      );
      for (const exchange of server.exchanges) {
        assert.equal(exchange.headers['x-amz-security-token'], 'session-token');
        assert.equal(exchange.headers['content-type'], 'application/x-amz-json-1.0');
        assert.match(String(exchange.headers.authorization), /\/eu-west-1\/sqs\/aws4_request/);
        assert.ok(await verifiesAsSigV4(exchange, credentials), `${exchange.action} verifies`);
      }
    });

    it('makes one attempt per request by default: a 500 fails at once, retryable', async () => {
      const server = await scriptedServer(() => ({
        status: 500,
        headers: { 'x-amzn-query-error': 'InternalError;Receiver' },
        body: '{"__type":"com.amazonaws.sqs#InternalError","message":"We encountered an internal error."}',
      }));
      const source = provider(server);

      const failure = await failureOf(
        source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal }),
      );
      await source.stop();
      await server.close();

      assert.ok(failure instanceof ProviderError);
      assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED');
      assert.equal(failure.isRetryable, true);
      assert.equal(server.count('ReceiveMessage'), 1);
    });

    it('tries again up to maxAttempts on 5xx and throttling, as the SDK does', async () => {
      let receives = 0;
      const server = await scriptedServer((exchange) => {
        if (exchange.action !== 'ReceiveMessage') return ok(exchange);
        receives += 1;
        if (receives === 1) return { status: 503, body: '<html>Service Unavailable</html>' };
        if (receives === 2) {
          return {
            status: 400,
            headers: { 'x-amzn-query-error': 'ThrottlingException;Sender' },
            body: '{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}',
          };
        }
        return {
          status: 200,
          body: '{"Messages":[{"MessageId":"m-1","ReceiptHandle":"r-1","MD5OfBody":"d41d8cd98f00b204e9800998ecf8427e","Body":""}]}',
        };
      });
      const source = provider(server, { maxAttempts: 3 });

      const messages = await source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal });
      await source.stop();
      await server.close();

      assert.deepEqual(
        messages.map((message) => message.id),
        ['m-1'],
      );
      assert.equal(server.count('ReceiveMessage'), 3);
    });

    it('does not try again on an error the caller caused', async () => {
      const server = await scriptedServer(() => ({
        status: 400,
        headers: { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' },
        body: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
      }));
      const source = provider(server, { maxAttempts: 3 });

      const failure = await failureOf(
        source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal }),
      );
      await source.stop();
      await server.close();

      assert.ok(failure instanceof ProviderError);
      assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND');
      assert.equal(server.count('ReceiveMessage'), 1);
    });

    it('reports throttling as LOAFER_ERR_PROVIDER_THROTTLED, retryable', async () => {
      const server = await scriptedServer(() => ({
        status: 403,
        headers: { 'x-amzn-query-error': 'RequestThrottled;Sender' },
        body: '{"__type":"com.amazonaws.sqs#RequestThrottled","message":"Rate exceeded"}',
      }));
      const source = provider(server);

      const failure = await failureOf(
        source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal }),
      );
      await source.stop();
      await server.close();

      assert.ok(failure instanceof ProviderError);
      assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_THROTTLED');
      assert.equal(failure.isRetryable, true);
      assert.equal((failure.cause as Error).name, 'RequestThrottled');
    });

    it('takes the server’s clock after a signature refused for a skewed clock', async () => {
      const aheadMs = 60 * 60 * 1000;
      const server = await scriptedServer((exchange) => {
        const amzDate = String(exchange.headers['x-amz-date']);
        const signedAt = Date.parse(
          `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
        );
        const serverNow = Date.now() + aheadMs;
        if (Math.abs(serverNow - signedAt) > 5 * 60 * 1000) {
          return {
            status: 400,
            headers: {
              date: new Date(serverNow).toUTCString(),
              'x-amzn-query-error': 'SignatureDoesNotMatch;Sender',
            },
            body: '{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Signature expired"}',
          };
        }
        return ok(exchange);
      });
      const source = provider(server);

      const failure = await failureOf(
        source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal }),
      );
      const messages = await source.fetchMessages({ maxMessages: 10, signal: new AbortController().signal });
      await source.stop();
      await server.close();

      assert.ok(failure instanceof ProviderError);
      assert.equal(failure.code, 'LOAFER_ERR_PROVIDER_CREDENTIALS');
      assert.deepEqual(messages, []);
      assert.equal(server.count('ReceiveMessage'), 2);
    });

    it('keeps deleting while 60 long polls hold their connections', async () => {
      const server = await scriptedServer((exchange) =>
        exchange.action === 'ReceiveMessage' ? 'hold' : ok(exchange),
      );
      const source = provider(server, { waitTimeSeconds: 20 });
      const stop = new AbortController();
      const polls = Array.from({ length: 60 }, () =>
        source.fetchMessages({ maxMessages: 10, signal: stop.signal }),
      );
      while (server.count('ReceiveMessage') < 60) await new Promise((resolve) => setTimeout(resolve, 10));

      const startedAt = Date.now();
      await source.confirmMessage(receivedMessage('r-1'));
      const deleteMs = Date.now() - startedAt;
      stop.abort();
      const results = await Promise.all(polls);
      await source.stop();
      await server.close();

      assert.ok(deleteMs < 2000, `the delete took ${deleteMs} ms behind 60 long polls`);
      assert.equal(server.count('DeleteMessageBatch'), 1);
      assert.ok(results.every((messages) => messages.length === 0));
    });
  });
}

describe('LeanTransport (scripted server)', () => {
  it('lets a client’s signer that is not the SDK’s SigV4 signer sign each request itself', async () => {
    const server = await scriptedServer(ok);
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'session-token',
    };
    const inner = new SignatureV4({ credentials, region: 'eu-west-1', service: 'sqs', sha256: Sha256 });
    let signed = 0;
    const client = new SQSClient({
      region: 'eu-west-1',
      endpoint: server.endpoint,
      credentials,
      signer: {
        sign: (request, options) => {
          signed += 1;
          return inner.sign(request, options);
        },
      },
    });
    const transport = new LeanTransport({ client, maxAttempts: 1, clock: systemClock, random: Math.random });

    const output = await transport.receiveMessage(
      { QueueUrl: `${server.endpoint}${QUEUE_URL_PATH}`, MaxNumberOfMessages: 10 },
      { signal: new AbortController().signal, timeoutMs: 10_000 },
    );
    await transport.destroy();
    client.destroy();
    await server.close();

    assert.deepEqual(output, {});
    assert.equal(signed, 1);
    const [exchange] = server.exchanges as [Exchange];
    assert.equal(exchange.headers['x-amz-security-token'], 'session-token');
    assert.ok(await verifiesAsSigV4(exchange, credentials));
  });
});

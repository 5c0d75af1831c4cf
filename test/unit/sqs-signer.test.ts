// The lean transport's SigV4 signer, checked against the AWS SDK's own signer (`@smithy/signature-v4`,
// as an SQSClient's configuration makes it): the same requests, at the same times, with the same
// credentials, must get the same headers, byte for byte. It is internal to loafer/sqs, so it is
// imported from its module.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { canonicalPath, JsonRequestSigner, sdkSignerSettings } from '../../src/providers/sqs/signer.js';

/** Credentials as an SQSClient takes them. */
interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const TARGETS = [
  'AmazonSQS.ReceiveMessage',
  'AmazonSQS.DeleteMessageBatch',
  'AmazonSQS.ChangeMessageVisibilityBatch',
  'AmazonSQS.SendMessage',
  'AmazonSQS.GetQueueUrl',
  'AmazonSQS.GetQueueAttributes',
];

/** A JSON body with ASCII, escapes and multi-byte text, of 0 to a few thousand bytes. */
function randomBody(random: () => number): string {
  if (random() < 0.05) return '';
  const entries = Array.from({ length: Math.floor(random() * 10) }, (_, index) => ({
    Id: String(index),
    ReceiptHandle: Array.from({ length: Math.floor(random() * 400) }, () =>
      pick(random, ['a', 'Z', '9', '+', '/', '=', ' ', '"', '\n', 'é', '日', '🍞']),
    ).join(''),
  }));
  return JSON.stringify({
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
    Entries: entries,
  });
}

function randomCredentials(random: () => number, withToken: boolean): Credentials {
  const accessKeyId = pick(random, ['AKIDEXAMPLE', 'ASIAXAMPLE123', 'AKIA0000']);
  const secretAccessKey = pick(random, [
    'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    'secret',
    'another/Secret+Key==',
  ]);
  if (!withToken) return { accessKeyId, secretAccessKey };
  // Tokens are sent as they are and signed canonicalized (blanks collapsed, one edge blank trimmed).
  const sessionToken = pick(random, [
    'session-token',
    'FwoGZXIvYXdzEJr//////////wEaDH+tok==',
    ' two  blanks ',
  ]);
  return { accessKeyId, secretAccessKey, sessionToken };
}

/** Around 2026-11-28, with times that cross midnight UTC (a new signing key) and land on .999 ms. */
function randomTimeMs(random: () => number): number {
  const midnight = Date.UTC(2026, 10, 28);
  return midnight + Math.floor((random() - 0.5) * 3 * 60_000) + (random() < 0.2 ? 999 : 0);
}

/** The flat `[name, value, ...]` list as an object. */
function headerObject(flat: readonly string[]): Record<string, string> {
  assert.equal(flat.length % 2, 0);
  const headers: Record<string, string> = {};
  for (let index = 0; index < flat.length; index += 2) {
    const name = flat[index] as string;
    assert.equal(headers[name], undefined, `header ${name} sent once`);
    headers[name] = flat[index + 1] as string;
  }
  return headers;
}

interface Shape {
  readonly region: string;
  readonly service: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly headers: Record<string, string>;
}

async function sdkHeaders(
  sdk: SignatureV4,
  shape: Shape,
  target: string,
  body: string,
  timeMs: number,
): Promise<Record<string, string>> {
  const signed = await sdk.sign(
    new HttpRequest({
      protocol: 'https:',
      hostname: shape.hostname,
      ...(shape.port === undefined ? {} : { port: shape.port }),
      method: 'POST',
      path: shape.path,
      headers: { ...shape.headers, 'x-amz-target': target },
      body,
    }),
    { signingDate: new Date(timeMs) },
  );
  return signed.headers;
}

const SQS_SHAPE: Shape = {
  region: 'eu-west-1',
  service: 'sqs',
  hostname: 'sqs.eu-west-1.amazonaws.com',
  path: '/',
  headers: {
    host: 'sqs.eu-west-1.amazonaws.com',
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-query-mode': 'true',
  },
};

describe('JsonRequestSigner', () => {
  for (const withToken of [false, true]) {
    it(`signs as an SQSClient's own signer does, ${withToken ? 'with' : 'without'} a session token`, async () => {
      const random = seeded(withToken ? 2 : 1);
      const ours = new JsonRequestSigner({
        region: SQS_SHAPE.region,
        service: SQS_SHAPE.service,
        path: SQS_SHAPE.path,
        headers: SQS_SHAPE.headers,
        applyChecksum: true,
      });

      for (let round = 0; round < 300; round++) {
        const credentials = randomCredentials(random, withToken);
        const client = new SQSClient({ region: SQS_SHAPE.region, credentials });
        const sdk = (await client.config.signer()) as SignatureV4;
        const target = pick(random, TARGETS);
        const body = randomBody(random);
        const timeMs = randomTimeMs(random);

        const expected = await sdkHeaders(sdk, SQS_SHAPE, target, body, timeMs);
        const actual = headerObject(ours.sign(credentials, target, Buffer.from(body, 'utf8'), timeMs));
        client.destroy();

        assert.deepEqual(actual, expected, `round ${round}`);
      }
    });
  }

  it('signs a string body as its UTF-8 bytes', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
    const ours = new JsonRequestSigner({ ...SQS_SHAPE, applyChecksum: true });
    const sdk = new SignatureV4({ ...SQS_SHAPE, credentials, sha256: (await sqsSha256()) as never });
    const body = '{"MessageBody":"pain au chocolat 🥐"}';
    const timeMs = Date.UTC(2026, 10, 28, 12);

    const actual = headerObject(ours.sign(credentials, 'AmazonSQS.SendMessage', body, timeMs));

    assert.deepEqual(actual, await sdkHeaders(sdk, SQS_SHAPE, 'AmazonSQS.SendMessage', body, timeMs));
  });

  it('signs any endpoint path, extra endpoint headers and applyChecksum as the SDK does', async () => {
    const random = seeded(3);
    const sha256 = await sqsSha256();
    const paths = ['/', '/sqs/', '/a b/', '/x/../y/', '/./q/', "/it's(*)!/", '/%41/', '/日本/'];
    const extras: Record<string, string>[] = [
      {},
      { 'x-custom': '  spaced\tout  value ' },
      { 'user-agent': 'not signed', 'proxy-authorization': 'not signed either' },
      { 'sec-fetch': 'no', 'x-amz-meta': 'a\r\nb', date: 'dropped as the SDK drops it' },
    ];

    for (let round = 0; round < 200; round++) {
      const port = random() < 0.5 ? undefined : 4566;
      const hostname = pick(random, ['sqs.eu-west-1.amazonaws.com', '127.0.0.1', 'localhost']);
      const host = port === undefined ? hostname : `${hostname}:${port}`;
      const shape: Shape = {
        region: pick(random, ['eu-west-1', 'us-east-1', 'cn-north-1', 'région-1']),
        service: pick(random, ['sqs', 'sqs-fips']),
        hostname,
        ...(port === undefined ? {} : { port }),
        path: pick(random, paths),
        headers: {
          ...pick(random, extras),
          host,
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-query-mode': 'true',
        },
      };
      const applyChecksum = random() < 0.5;
      const credentials = randomCredentials(random, random() < 0.5);
      const sdk = new SignatureV4({ ...shape, credentials, sha256: sha256 as never, applyChecksum });
      const ours = new JsonRequestSigner({ ...shape, applyChecksum });
      const target = pick(random, TARGETS);
      const body = randomBody(random);
      const timeMs = randomTimeMs(random);
      const { date: _dropped, ...sent } = shape.headers;

      const expected = await sdkHeaders(sdk, shape, target, body, timeMs);
      const actual = headerObject(ours.sign(credentials, target, Buffer.from(body, 'utf8'), timeMs));

      assert.deepEqual(actual, expected, `round ${round}: ${JSON.stringify(shape)} ${applyChecksum}`);
      assert.equal(actual.date, undefined);
      assert.ok(Object.keys(sent).every((name) => actual[name] === sent[name]));
    }
  });
});

describe('canonicalPath()', () => {
  it('normalizes and escapes as the SDK signer does', () => {
    const sdk = new SignatureV4({
      region: 'r',
      service: 's',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      sha256: class {} as never,
    });

    for (const path of ['/', '', '/a/b/', '/a//b', '/a/./b/../c/', "/!'()*/", '/a b/%2F/', '/..', '/é/']) {
      assert.equal(
        canonicalPath(path),
        (sdk as unknown as { getCanonicalPath(r: { path: string }): string }).getCanonicalPath({ path }),
        path,
      );
    }
  });
});

describe('sdkSignerSettings()', () => {
  it('reads the service, checksum setting, region and credentials of an SQSClient’s signer', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    const client = new SQSClient({ region: 'eu-west-1', credentials });

    const settings = sdkSignerSettings(await client.config.signer());
    client.destroy();

    assert.ok(settings !== undefined);
    assert.equal(settings.service, 'sqs');
    assert.equal(settings.applyChecksum, true);
    assert.equal(await settings.region(), 'eu-west-1');
    const resolved = await settings.credentials();
    assert.equal(resolved.accessKeyId, 'AKIDEXAMPLE');
    assert.equal(resolved.secretAccessKey, 'secret');
  });

  it('leaves any other signer alone', () => {
    assert.equal(sdkSignerSettings({ sign: async (request: unknown) => request }), undefined);
    assert.equal(sdkSignerSettings(undefined), undefined);
  });
});

/** The SHA-256 implementation an SQSClient's configuration uses. */
async function sqsSha256(): Promise<unknown> {
  const client = new SQSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const sha256 = client.config.sha256;
  client.destroy();
  return sha256;
}

// The lean transport's AWS JSON 1.0 codec, checked against the AWS SDK v3 itself: the SDK's own client
// with its network layer swapped for one canned HTTP response (no network, no mocked SDK code), so
// that each test compares what the SDK makes of the same bytes with what the codec makes of them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import {
  GetQueueUrlCommand,
  KmsAccessDenied,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  RequestThrottled,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { HttpResponse } from '@smithy/protocol-http';
import { ProviderError } from 'loafer';
import { toProviderError } from 'loafer/sqs';
import { decodeResponse, encodeRequest, toServiceError } from '../../src/providers/sqs/json-protocol.js';
import { resolveSqsEndpoint } from '../../src/providers/sqs/lean-transport.js';

interface Canned {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

interface SentRequest {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number | undefined;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const LOCAL = { endpoint: 'http://127.0.0.1:4566' };

/** The SDK's own client whose every request is answered with `canned`; `sent` holds what it sent. */
function sdkAnswering(
  canned: Canned,
  config: SQSClientConfig = LOCAL,
): { client: SQSClient; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const requestHandler = {
    handle: async (request: SentRequest) => {
      const body = request.body as unknown;
      const bytes = body as Uint8Array;
      sent.push({
        ...request,
        // The SDK's JSON body is a Uint8Array that warns when used as a string: read its bytes.
        body:
          typeof body === 'string'
            ? body
            : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
      });
      return {
        response: new HttpResponse({
          statusCode: canned.status,
          headers: { 'content-type': 'application/x-amz-json-1.0', ...canned.headers },
          body: Readable.from([Buffer.from(canned.body)]),
        }),
      };
    },
  } as unknown as NonNullable<SQSClientConfig['requestHandler']>;
  const client = new SQSClient({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
    ...config,
    requestHandler,
  });
  return { client, sent };
}

/** What the SDK throws for `canned` on a GetQueueUrl call. */
async function sdkErrorFor(canned: Canned): Promise<unknown> {
  const { client } = sdkAnswering(canned);
  try {
    await client.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
  assert.fail('the SDK did not throw');
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** The fields of an SDK error that loafer and its users read. */
function shapeOf(error: unknown) {
  const fields = error as SQSServiceException & { Code?: string; Type?: string };
  return {
    class: (error as object).constructor,
    name: fields.name,
    message: fields.message,
    Code: fields.Code,
    Type: fields.Type,
    $fault: fields.$fault,
    httpStatusCode: fields.$metadata?.httpStatusCode,
    requestId: fields.$metadata?.requestId,
  };
}

const ERROR_RESPONSES: ReadonlyArray<{
  readonly what: string;
  readonly response: Canned;
  /** The SDK throws a deserialization `SyntaxError` here: only the classification is compared. */
  readonly isNotJson?: boolean;
}> = [
  {
    what: 'a missing queue, with the query-compatible code',
    response: {
      status: 400,
      headers: {
        'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
        'x-amzn-requestid': 'req-1',
      },
      body: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
    },
  },
  {
    what: 'a missing queue, without the query-compatible code',
    response: {
      status: 400,
      body: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
    },
  },
  {
    what: 'throttling (modeled)',
    response: {
      status: 403,
      headers: { 'x-amzn-query-error': 'RequestThrottled;Sender' },
      body: '{"__type":"com.amazonaws.sqs#RequestThrottled","message":"Rate exceeded"}',
    },
  },
  {
    what: 'throttling (unmodeled ThrottlingException)',
    response: {
      status: 400,
      body: '{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}',
    },
  },
  {
    what: 'an unknown access key',
    response: {
      status: 400,
      headers: { 'x-amzn-query-error': 'InvalidClientTokenId;Sender' },
      body: '{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."}',
    },
  },
  {
    what: 'access denied',
    response: {
      status: 400,
      headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
      body: '{"__type":"com.amazon.coral.service#AccessDeniedException","message":"not authorized to perform: sqs:GetQueueUrl"}',
    },
  },
  {
    what: 'a KMS key the caller may not use (modeled, query code differs)',
    response: {
      status: 400,
      headers: { 'x-amzn-query-error': 'KMS.AccessDeniedException;Sender' },
      body: '{"__type":"com.amazonaws.sqs#KmsAccessDenied","message":"denied"}',
    },
  },
  {
    what: 'an internal error',
    response: {
      status: 500,
      headers: { 'x-amzn-query-error': 'InternalError;Receiver' },
      body: '{"__type":"com.amazonaws.sqs#InternalError","message":"We encountered an internal error."}',
    },
  },
  {
    what: 'an invalid parameter',
    response: {
      status: 400,
      headers: { 'x-amzn-query-error': 'InvalidParameterValue;Sender' },
      body: '{"__type":"com.amazonaws.sqs#InvalidParameterValue","message":"Value x for parameter QueueName is invalid."}',
    },
  },
  {
    what: 'a proxy’s HTML page (503)',
    response: {
      status: 503,
      headers: { 'content-type': 'text/html' },
      body: '<html>Service Unavailable</html>',
    },
    isNotJson: true,
  },
  {
    what: 'an empty 429',
    response: { status: 429, body: '' },
  },
];

describe('toServiceError()', () => {
  for (const { what, response, isNotJson } of ERROR_RESPONSES) {
    if (isNotJson !== true) {
      it(`throws what the SDK throws for ${what}`, async () => {
        const expected = await sdkErrorFor(response);
        const headers = response.headers ?? {};

        const actual = toServiceError(
          {
            status: response.status,
            queryError: headers['x-amzn-query-error'],
            errorType: headers['x-amzn-errortype'],
            requestId: headers['x-amzn-requestid'],
          },
          response.body,
        );

        assert.ok(actual instanceof SQSServiceException);
        assert.deepEqual(shapeOf(actual), shapeOf(expected));
      });
    }

    it(`classifies ${what} as the SDK’s own error is classified`, async () => {
      const expected = toProviderError(await sdkErrorFor(response), 'x');
      const headers = response.headers ?? {};

      const actual = toProviderError(
        toServiceError({ status: response.status, queryError: headers['x-amzn-query-error'] }, response.body),
        'x',
      );

      assert.equal(actual.code, expected.code);
      assert.equal(actual.isRetryable, expected.isRetryable);
    });
  }

  it('tells the status and the start of a body that is not JSON', () => {
    const error = toServiceError({ status: 502 }, '<html>\n  <body>Bad Gateway</body>\n</html>');

    assert.ok(error instanceof SQSServiceException);
    assert.equal(error.name, 'Unknown');
    assert.equal(error.$fault, 'server');
    assert.equal(error.$metadata.httpStatusCode, 502);
    assert.equal(error.message, 'HTTP 502: <html> <body>Bad Gateway</body> </html>');
  });

  it('uses the SDK’s exception classes for modeled errors', () => {
    const missing = toServiceError(
      { status: 400, queryError: 'AWS.SimpleQueueService.NonExistentQueue;Sender' },
      '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}',
    );
    const throttled = toServiceError({ status: 403 }, '{"__type":"com.amazonaws.sqs#RequestThrottled"}');
    const kms = toServiceError({ status: 400 }, '{"__type":"com.amazonaws.sqs#KmsAccessDenied"}');

    assert.ok(missing instanceof QueueDoesNotExist);
    assert.equal(
      (missing as QueueDoesNotExist & { Code?: string }).Code,
      'AWS.SimpleQueueService.NonExistentQueue',
    );
    assert.ok(throttled instanceof RequestThrottled);
    assert.ok(kms instanceof KmsAccessDenied);
  });

  it('maps the usual failures to loafer’s codes', () => {
    const cases: ReadonlyArray<[Canned, string, boolean]> = [
      [ERROR_RESPONSES[0]!.response, 'LOAFER_ERR_PROVIDER_QUEUE_NOT_FOUND', false],
      [ERROR_RESPONSES[2]!.response, 'LOAFER_ERR_PROVIDER_THROTTLED', true],
      [ERROR_RESPONSES[4]!.response, 'LOAFER_ERR_PROVIDER_CREDENTIALS', false],
      [ERROR_RESPONSES[7]!.response, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED', true],
      [ERROR_RESPONSES[8]!.response, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED', false],
      [ERROR_RESPONSES[9]!.response, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED', true],
      [ERROR_RESPONSES[10]!.response, 'LOAFER_ERR_PROVIDER_THROTTLED', true],
    ];

    for (const [response, code, isRetryable] of cases) {
      const error = toProviderError(
        toServiceError(
          { status: response.status, queryError: response.headers?.['x-amzn-query-error'] },
          response.body,
        ),
        'receive from queue orders',
      );

      assert.ok(error instanceof ProviderError);
      assert.equal(error.code, code, response.body);
      assert.equal(error.isRetryable, isRetryable, response.body);
    }
  });
});

describe('decodeResponse()', () => {
  it('gives what the SDK gives for a ReceiveMessage response, binary attributes as Uint8Array', async () => {
    const body = '{"id":1}';
    const text = JSON.stringify({
      Messages: [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'r-1',
          MD5OfBody: md5(body),
          Body: body,
          Attributes: { ApproximateReceiveCount: '2', SentTimestamp: '1700000000000', MessageGroupId: 'g' },
          MD5OfMessageAttributes: '00000000000000000000000000000000',
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'friend' },
            score: { DataType: 'Number.float', StringValue: '1.5' },
            blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi').toString('base64') },
            list: {
              DataType: 'Binary',
              BinaryListValues: [Buffer.from([1, 2]).toString('base64')],
              StringListValues: [],
            },
          },
        },
        { MessageId: 'm-2', ReceiptHandle: 'r-2', MD5OfBody: md5(''), Body: '' },
      ],
    });
    const { client } = sdkAnswering({ status: 200, body: text });
    const { $metadata: _metadata, ...expected } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: 'http://127.0.0.1:4566/000000000000/orders' }),
    );
    client.destroy();

    const actual = decodeResponse('ReceiveMessage', 200, text);

    assert.deepEqual(actual, expected);
    const blob = (actual as typeof expected).Messages?.[0]?.MessageAttributes?.blob?.BinaryValue;
    assert.ok(blob instanceof Uint8Array);
    assert.equal(Buffer.isBuffer(blob), false);
    assert.equal(Buffer.from(blob).toString(), 'hi');
  });

  it('gives an empty output for an empty body', () => {
    assert.deepEqual(decodeResponse('DeleteMessageBatch', 200, ''), {});
  });

  it('fails with a retryable server-fault error on a body that is not a JSON object', () => {
    for (const text of ['<html>oops</html>', '[1,2]', 'null']) {
      assert.throws(
        () => decodeResponse('ReceiveMessage', 200, text),
        (error: unknown) => {
          assert.ok(error instanceof SQSServiceException);
          assert.equal(error.name, 'InvalidResponse');
          assert.equal(error.$fault, 'server');
          const wrapped = toProviderError(error, 'receive');
          assert.equal(wrapped.code, 'LOAFER_ERR_PROVIDER_REQUEST_FAILED');
          assert.equal(wrapped.isRetryable, true);
          return true;
        },
        text,
      );
    }
  });
});

describe('encodeRequest()', () => {
  it('sends what the SDK sends for a SendMessage with binary attributes', async () => {
    const input = {
      QueueUrl: 'http://127.0.0.1:4566/000000000000/orders-dlq',
      MessageBody: 'not json',
      MessageGroupId: undefined,
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'friend' },
        blob: { DataType: 'Binary', BinaryValue: Uint8Array.of(0, 1, 255) },
        list: { DataType: 'Binary', BinaryListValues: [Uint8Array.of(7)] },
      },
    };
    const { client, sent } = sdkAnswering({
      status: 200,
      body: JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5('not json') }),
    });
    await client.send(new SendMessageCommand(input)).catch(() => undefined);
    client.destroy();

    const body = encodeRequest('SendMessage', input);

    assert.deepEqual(JSON.parse(body), JSON.parse(sent[0]?.body ?? ''));
    assert.equal(JSON.parse(body).MessageAttributes.blob.BinaryValue, 'AAH/');
  });

  it('sends what the SDK sends for a ReceiveMessage', async () => {
    const input = {
      QueueUrl: 'http://127.0.0.1:4566/000000000000/orders',
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
      VisibilityTimeout: 30,
      MessageSystemAttributeNames: ['All' as const],
      MessageAttributeNames: ['All'],
    };
    const { client, sent } = sdkAnswering({ status: 200, body: '{}' });
    await client.send(new ReceiveMessageCommand(input));
    client.destroy();

    assert.deepEqual(JSON.parse(encodeRequest('ReceiveMessage', input)), JSON.parse(sent[0]?.body ?? ''));
  });
});

describe('resolveSqsEndpoint()', () => {
  const configs: ReadonlyArray<[string, SQSClientConfig, string]> = [
    ['a region', { region: 'eu-west-1' }, 'https://sqs.eu-west-1.amazonaws.com/'],
    [
      'a FIPS region',
      { region: 'us-east-1', useFipsEndpoint: true },
      'https://sqs-fips.us-east-1.amazonaws.com/',
    ],
    [
      'a dual-stack region',
      { region: 'eu-central-1', useDualstackEndpoint: true },
      'https://sqs.eu-central-1.api.aws/',
    ],
    ['an endpoint', { endpoint: 'http://localhost:4566' }, 'http://localhost:4566/'],
    [
      'an endpoint with a path',
      { endpoint: 'https://proxy.example.com:8443/sqs' },
      'https://proxy.example.com:8443/sqs',
    ],
  ];

  for (const [what, config, url] of configs) {
    it(`resolves the endpoint of ${what} as the SDK does`, async () => {
      const settings = { region: 'us-east-1', ...config, ignoreConfiguredEndpointUrls: true };
      const { client, sent } = sdkAnswering({ status: 200, body: '{"QueueUrl":"x"}' }, settings);
      await client.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
      client.destroy();
      const request = sent[0] as SentRequest;

      const resolved = await resolveSqsEndpoint(
        new SQSClient({ credentials: CREDENTIALS, ...settings }).config,
      );

      assert.equal(resolved.url.href, url);
      assert.equal(resolved.url.protocol, request.protocol);
      assert.equal(resolved.url.hostname, request.hostname);
      assert.equal(resolved.url.port === '' ? undefined : Number(resolved.url.port), request.port);
      assert.equal(resolved.url.pathname.replace(/\/?$/, '/'), request.path);
    });
  }
});

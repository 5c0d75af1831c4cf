// A minimal SQS client for the benchmark: the AWS JSON 1.0 protocol (POST / with
// `X-Amz-Target: AmazonSQS.<Action>` and a JSON body) over an undici keep-alive pool, unsigned (the
// server's ceiling, and the seeder) or signed with the SDK's own SigV4 signer (the lean-transport
// prototype). Bench-only: the framework's transport belongs to src/providers/sqs.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Pool } from 'undici';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (or HMAC-SHA-256 with a secret) on node:crypto, in the shape the SigV4 signer expects. */
class NodeSha256 {
  readonly #secret: SourceData | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = NodeSha256.#create(secret);
  }

  static #create(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }

  update(data: SourceData): void {
    this.#hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = NodeSha256.#create(this.#secret);
  }
}

/** An SQS message as ReceiveMessage returns it (the fields the benchmark reads). */
export interface SqsJsonMessage {
  readonly MessageId: string;
  readonly ReceiptHandle: string;
  readonly Body: string;
}

/** An error response of the SQS JSON protocol. */
export class SqsJsonError extends Error {
  readonly status: number;
  readonly type: string;

  constructor(status: number, type: string, message: string) {
    super(`${type} (HTTP ${status}): ${message}`);
    this.name = 'SqsJsonError';
    this.status = status;
    this.type = type;
  }
}

/** Options of {@link SqsJsonClient}. */
export interface SqsJsonClientOptions {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Keep-alive connections in the pool. */
  readonly connections: number;
  /** Sign every request with SigV4 (credentials from the SDK's Node provider chain). */
  readonly isSigned: boolean;
  readonly region: string;
}

/** Calls SQS actions over one undici pool. */
export class SqsJsonClient {
  readonly #pool: Pool;
  readonly #url: URL;
  readonly #signer: SignatureV4 | undefined;

  constructor(options: SqsJsonClientOptions) {
    this.#url = new URL(options.endpoint);
    this.#pool = new Pool(this.#url.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
    });
    this.#signer = options.isSigned
      ? new SignatureV4({
          service: 'sqs',
          region: options.region,
          credentials: fromNodeProviderChain(),
          sha256: NodeSha256,
          uriEscapePath: true,
        })
      : undefined;
  }

  /** Calls `AmazonSQS.<action>` with `input`; resolves with the parsed response. */
  async call<T>(action: string, input: object, signal?: AbortSignal): Promise<T> {
    const body = JSON.stringify(input);
    let headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
    };
    if (this.#signer !== undefined) {
      const signed = await this.#signer.sign(
        new HttpRequest({
          protocol: this.#url.protocol,
          hostname: this.#url.hostname,
          port: Number(this.#url.port),
          method: 'POST',
          path: '/',
          headers: { ...headers, host: this.#url.host },
          body,
        }),
      );
      headers = signed.headers;
    }
    const response = await this.#pool.request({
      path: '/',
      method: 'POST',
      headers,
      body,
      signal: signal ?? null,
    });
    const text = await response.body.text();
    if (response.statusCode >= 400) {
      let type = 'UnknownError';
      let message = text.slice(0, 200);
      try {
        const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
        type = parsed.__type ?? type;
        message = parsed.message ?? parsed.Message ?? message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new SqsJsonError(response.statusCode, type, message);
    }
    return (text.length === 0 ? {} : JSON.parse(text)) as T;
  }

  /** ReceiveMessage: up to `maxMessages`, long polling `waitTimeSeconds`. */
  async receive(
    queueUrl: string,
    maxMessages: number,
    waitTimeSeconds: number,
    signal?: AbortSignal,
  ): Promise<readonly SqsJsonMessage[]> {
    const output = await this.call<{ Messages?: SqsJsonMessage[] }>(
      'ReceiveMessage',
      {
        QueueUrl: queueUrl,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        MessageAttributeNames: ['All'],
      },
      signal,
    );
    return output.Messages ?? [];
  }

  /** DeleteMessageBatch; resolves with the entries that failed. */
  async deleteBatch(
    queueUrl: string,
    entries: readonly { readonly Id: string; readonly ReceiptHandle: string }[],
  ): Promise<readonly { readonly Id: string; readonly Code?: string }[]> {
    const output = await this.call<{ Failed?: { Id: string; Code?: string }[] }>('DeleteMessageBatch', {
      QueueUrl: queueUrl,
      Entries: entries,
    });
    return output.Failed ?? [];
  }

  /** SendMessageBatch of bodies (at most 10); resolves with the entries that failed. */
  async sendBatch(
    queueUrl: string,
    bodies: readonly string[],
  ): Promise<readonly { readonly Id: string; readonly Code?: string }[]> {
    const output = await this.call<{ Failed?: { Id: string; Code?: string }[] }>('SendMessageBatch', {
      QueueUrl: queueUrl,
      Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
    });
    return output.Failed ?? [];
  }

  /** Closes the pool's connections. */
  async close(): Promise<void> {
    await this.#pool.close();
  }

  /** Closes at once, failing requests in flight (idle long polls). */
  async destroy(): Promise<void> {
    await this.#pool.destroy();
  }
}

// The lean SQS transport: AWS JSON 1.0 requests (POST /, `X-Amz-Target: AmazonSQS.<Action>`), signed
// with SigV4 as the AWS SDK's own signer signs them (by signer.ts, specialised for this one request
// shape; by the SDK's signer itself when the client has another kind), over an undici keep-alive pool.
// It costs a fraction of the SDK's CPU per call (no middleware stack, no schema-driven serde), and
// resolves everything the SDK resolves — region, endpoint, credentials, the signer's settings — from
// an `SQSClient`'s configuration, so that it behaves as that client would: AWS_REGION,
// AWS_ENDPOINT_URL(_SQS), the default credential chain, FIPS and dual-stack endpoints, refreshed
// credentials, clock-skew correction.

import { createRequire } from 'node:module';
import type {
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  GetQueueAttributesRequest,
  GetQueueAttributesResult,
  GetQueueUrlRequest,
  GetQueueUrlResult,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  SendMessageRequest,
  SendMessageResult,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { HttpRequest } from '@smithy/protocol-http';
import type { Dispatcher, Pool } from 'undici';
import type { Clock } from '../../core/clock.js';
import { backoffDelayMs } from '../../core/clock.js';
import { isThrottlingError, isTransientError } from './errors.js';
import type { SqsAction } from './json-protocol.js';
import {
  decodeResponse,
  encodeRequest,
  JSON_CONTENT_TYPE,
  TARGETS,
  toServiceError,
} from './json-protocol.js';
import type { SigningCredentials } from './signer.js';
import { JsonRequestSigner, sdkSignerSettings } from './signer.js';
import type { SqsTransport, TransportCallOptions } from './transport.js';
import { TransportTimeoutError } from './transport.js';

// Only undici's connection pool, not its index: the index loads fetch, WebSocket, caches and more,
// about 9 MB of resident memory that a consumer never uses (measured with the benchmark's 100k
// backlog). undici has no exports map, and a test loads this path, so a layout change fails loudly.
const requireFromHere = createRequire(import.meta.url);
const UndiciPool = requireFromHere('undici/lib/dispatcher/pool.js') as typeof Pool;

/** The resolved configuration of an `SQSClient`: where its region, endpoint and signer come from. */
type SqsClientConfig = SQSClient['config'];
/** A SigV4 signer, as the SDK's configuration makes it. */
type RequestSigner = Awaited<ReturnType<SqsClientConfig['signer']>>;

/** Options of a {@link LeanTransport}. */
export interface LeanTransportOptions {
  /**
   * The client whose resolved configuration the transport uses (region, endpoint, credentials,
   * signer). The transport never sends with it.
   */
  readonly client: SQSClient;
  /** Attempts per request: retryable failures (network, throttling, 5xx) are tried again up to this. */
  readonly maxAttempts: number;
  /** Sleeps between attempts. */
  readonly clock: Clock;
  /** Jitter of the delay between attempts. */
  readonly random: () => number;
}

/** Response headers, as undici gives them. */
type IncomingHttpHeaders = Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2];

/** A response, read whole. */
interface Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** Where requests go, as the SDK's endpoint rules resolve it. */
export interface ResolvedSqsEndpoint {
  /** The endpoint's URL (`https://sqs.eu-west-1.amazonaws.com/`). */
  readonly url: URL;
  /** Headers the endpoint rules ask for (none for SQS today). */
  readonly headers: Readonly<Record<string, string>>;
  /** The endpoint's first auth scheme, which may name another signing region. */
  readonly authScheme: Parameters<SqsClientConfig['signer']>[0];
}

/**
 * Resolves the endpoint of an SQS client as the SDK's endpoint middleware does: the client's
 * `endpoint`, else the configured endpoint (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL`, `endpoint_url`
 * in the shared config file) unless `ignoreConfiguredEndpointUrls`, then the service's endpoint rules
 * with the region, FIPS and dual-stack settings.
 *
 * @throws what the SDK throws: `Region is missing`, an invalid-configuration `EndpointError`, ...
 */
export async function resolveSqsEndpoint(config: SqsClientConfig): Promise<ResolvedSqsEndpoint> {
  let endpoint: string | undefined;
  if (config.isCustomEndpoint === true && config.endpoint !== undefined) {
    const custom = await config.endpoint();
    endpoint = `${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ''}${custom.path}`;
  } else if (config.ignoreConfiguredEndpointUrls !== true) {
    endpoint = await config.serviceConfiguredEndpoint?.();
  }
  const resolved = config.endpointProvider(
    {
      Region: await config.region(),
      UseFIPS: await config.useFipsEndpoint(),
      UseDualStack: await config.useDualstackEndpoint(),
      ...(endpoint === undefined ? {} : { Endpoint: endpoint }),
    },
    { logger: config.logger },
  );
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(resolved.headers ?? {})) {
    headers[name.toLowerCase()] = values.join(',');
  }
  const authSchemes = resolved.properties?.authSchemes as ResolvedSqsEndpoint['authScheme'][] | undefined;
  return { url: new URL(resolved.url.href), headers, authScheme: authSchemes?.[0] };
}

/** Everything a request needs, resolved once. */
interface Connection {
  readonly pool: Pool;
  /**
   * Signs requests as the SDK's signer would, and the credentials' provider (the SDK's, memoized and
   * refreshed before expiry) it signs with; undefined when the client's signer is not the SDK's own
   * SigV4 signer, which then signs each request itself.
   */
  readonly fastSigner:
    | { readonly signer: JsonRequestSigner; readonly credentials: () => Promise<SigningCredentials> }
    | undefined;
  readonly signer: RequestSigner;
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number | undefined;
  /** The endpoint's path, ending in `/`. */
  readonly path: string;
  /** The headers every request carries (host, content type, endpoint headers), without the target. */
  readonly headers: Readonly<Record<string, string>>;
  readonly isSkewCorrected: boolean;
}

/** Clock skew beyond which a server's `Date` corrects our signing time (the SDK's threshold). */
const CLOCK_SKEW_MS = 240_000;
const BACKOFF_BASE_MS = 100;
const THROTTLED_BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 20_000;

/** Whether `signal` has aborted (a function, so that it is read afresh after an await). */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Whether undici gave up waiting for the response's headers or body (its request timeouts). */
function isUndiciTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads one response whole, for undici's `dispatch()`: the status, the headers and the body as text.
 * Cheaper than `request()`, which wraps every response body in a stream; SQS's responses are small
 * JSON documents, read at once. Aborts the request when `signal` aborts, and then rejects with the
 * signal's reason, at once even when the request still waits for a connection.
 */
class ResponseReader implements Dispatcher.DispatchHandler {
  readonly #signal: AbortSignal | undefined;
  readonly #resolve: (response: Response) => void;
  readonly #reject: (error: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  #isSettled = false;
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];

  constructor(
    signal: AbortSignal | undefined,
    resolve: (response: Response) => void,
    reject: (error: unknown) => void,
  ) {
    this.#signal = signal;
    this.#resolve = resolve;
    this.#reject = reject;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#abortReason !== undefined) {
      controller.abort(this.#abortReason);
      return;
    }
    // Called again when undici retries the request on a fresh connection: start over.
    this.#controller = controller;
    this.#chunks = [];
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.#status = status;
    this.#headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#isSettled) return;
    const chunks = this.#chunks;
    const text =
      chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.#settle();
    this.#resolve({ status: this.#status, headers: this.#headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#isSettled) return;
    this.#settle();
    this.#reject(error);
  }

  readonly #onAbort = (): void => {
    const reason =
      this.#signal?.reason instanceof Error ? this.#signal.reason : new Error('the request was aborted');
    this.#abortReason = reason;
    if (this.#controller !== undefined) {
      this.#controller.abort(reason);
      return;
    }
    // Still waiting for a connection: undici calls onRequestStart later, which aborts it then.
    this.#settle();
    this.#reject(reason);
  };

  #settle(): void {
    this.#isSettled = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}

/**
 * The lean transport. Connections: an undici pool to the endpoint, keep-alive, without a connection
 * limit — each request in flight gets a connection, so long polls never starve deletes; the route
 * bounds how many requests are in flight (its concurrent long polls plus its batched acks).
 */
export class LeanTransport implements SqsTransport {
  readonly name = 'lean';
  readonly #config: SqsClientConfig;
  readonly #maxAttempts: number;
  readonly #clock: Clock;
  readonly #random: () => number;
  #connection: Promise<Connection> | undefined;
  /** The connection once resolved: requests then skip awaiting it. */
  #ready: Connection | undefined;
  #pool: Pool | undefined;
  #clockOffsetMs: number;
  #isDestroyed = false;

  /** @param options - see {@link LeanTransportOptions}. */
  constructor(options: LeanTransportOptions) {
    this.#config = options.client.config;
    this.#maxAttempts = options.maxAttempts;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#clockOffsetMs = this.#config.systemClockOffset ?? 0;
  }

  receiveMessage(input: ReceiveMessageRequest, options: TransportCallOptions): Promise<ReceiveMessageResult> {
    return this.#call('ReceiveMessage', input, options);
  }

  deleteMessageBatch(
    input: DeleteMessageBatchRequest,
    options: TransportCallOptions,
  ): Promise<DeleteMessageBatchResult> {
    return this.#call('DeleteMessageBatch', input, options);
  }

  changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchRequest,
    options: TransportCallOptions,
  ): Promise<ChangeMessageVisibilityBatchResult> {
    return this.#call('ChangeMessageVisibilityBatch', input, options);
  }

  sendMessage(input: SendMessageRequest, options: TransportCallOptions): Promise<SendMessageResult> {
    return this.#call('SendMessage', input, options);
  }

  getQueueUrl(input: GetQueueUrlRequest, options: TransportCallOptions): Promise<GetQueueUrlResult> {
    return this.#call('GetQueueUrl', input, options);
  }

  getQueueAttributes(
    input: GetQueueAttributesRequest,
    options: TransportCallOptions,
  ): Promise<GetQueueAttributesResult> {
    return this.#call('GetQueueAttributes', input, options);
  }

  destroy(): Promise<void> {
    this.#isDestroyed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    return pool === undefined ? Promise.resolve() : pool.destroy().then(undefined, () => {});
  }

  /** One action, tried up to `maxAttempts` times while it fails with a retryable error. */
  async #call<Output>(action: SqsAction, input: object, options: TransportCallOptions): Promise<Output> {
    const body = encodeRequest(action, input);
    const signal = options.signal;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#send<Output>(action, body, options);
      } catch (thrown) {
        const error = isUndiciTimeout(thrown)
          ? new TransportTimeoutError(options.timeoutMs, { cause: thrown })
          : thrown;
        const isThrottled = isThrottlingError(error);
        if (
          attempt >= this.#maxAttempts ||
          signal?.aborted === true ||
          !(isThrottled || isTransientError(error))
        ) {
          throw error;
        }
        const baseMs = isThrottled ? THROTTLED_BACKOFF_BASE_MS : BACKOFF_BASE_MS;
        await this.#clock.sleep(
          backoffDelayMs(attempt, { baseMs, maxMs: BACKOFF_MAX_MS, random: this.#random }),
          signal,
        );
        if (isAborted(signal)) throw error;
      }
    }
  }

  async #send<Output>(
    action: SqsAction,
    body: string,
    { signal, timeoutMs }: TransportCallOptions,
  ): Promise<Output> {
    const connection = this.#ready ?? (await this.#connect());
    const signingTimeMs = Date.now() + (connection.isSkewCorrected ? this.#clockOffsetMs : 0);
    let headers: string[] | Record<string, string>;
    let payload: Buffer | string;
    const fast = connection.fastSigner;
    if (fast !== undefined) {
      const credentials = await fast.credentials();
      if (
        typeof credentials !== 'object' ||
        typeof credentials.accessKeyId !== 'string' ||
        typeof credentials.secretAccessKey !== 'string'
      ) {
        // What the SDK's signer throws.
        throw new Error('Resolved credential object is not valid');
      }
      // Encoded once: hashed for the signature and sent as it is.
      payload = Buffer.from(body, 'utf8');
      headers = fast.signer.sign(credentials, TARGETS[action], payload, signingTimeMs);
    } else {
      const request = new HttpRequest({
        protocol: connection.protocol,
        hostname: connection.hostname,
        ...(connection.port === undefined ? {} : { port: connection.port }),
        method: 'POST',
        path: connection.path,
        headers: { ...connection.headers, 'x-amz-target': TARGETS[action] },
        body,
      });
      const signed = await connection.signer.sign(request, { signingDate: new Date(signingTimeMs) });
      headers = signed.headers;
      payload = body;
    }
    const {
      status,
      headers: responseHeaders,
      text,
    } = await new Promise<Response>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      // The request timeout is undici's own (no timer or controller of ours per request).
      connection.pool.dispatch(
        {
          path: connection.path,
          method: 'POST',
          headers,
          body: payload,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        new ResponseReader(signal, resolve, reject),
      );
    });
    if (status >= 200 && status < 300) return decodeResponse<Output>(action, status, text);
    if (connection.isSkewCorrected) this.#correctClockSkew(responseHeaders);
    throw toServiceError(
      {
        status,
        queryError: headerText(responseHeaders, 'x-amzn-query-error'),
        errorType: headerText(responseHeaders, 'x-amzn-errortype'),
        requestId: headerText(responseHeaders, 'x-amzn-requestid'),
      },
      text,
    );
  }

  /**
   * Takes the server's clock when ours is more than 4 minutes off, as the SDK does, so that the next
   * attempt's signature is accepted (SigV4 allows 5 minutes of skew).
   */
  #correctClockSkew(headers: IncomingHttpHeaders): void {
    const date = headerText(headers, 'date');
    if (date === undefined || headerText(headers, 'age') !== undefined) return;
    const serverTime = Date.parse(date);
    if (Number.isNaN(serverTime)) return;
    const now = Date.now();
    if (Math.abs(now + this.#clockOffsetMs - serverTime) >= CLOCK_SKEW_MS) {
      this.#clockOffsetMs = serverTime - now;
    }
  }

  /** The connection, resolved on first use; a failed resolution is tried again on the next call. */
  #connect(): Promise<Connection> {
    if (this.#connection === undefined) {
      const connecting = this.#open();
      this.#connection = connecting;
      connecting.then(
        (connection) => {
          if (this.#connection === connecting) this.#ready = connection;
        },
        () => {
          if (this.#connection === connecting) this.#connection = undefined;
        },
      );
    }
    return this.#connection;
  }

  async #open(): Promise<Connection> {
    const config = this.#config;
    const endpoint = await resolveSqsEndpoint(config);
    const signer = await config.signer(endpoint.authScheme);
    const isSkewCorrected = (await config.disableClockSkewCorrection?.()) !== true;
    const { url } = endpoint;
    const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    const headers = {
      ...endpoint.headers,
      host: url.host,
      'content-type': JSON_CONTENT_TYPE,
      // Ask for the query protocol's error codes in `x-amzn-query-error`, as the SDK does.
      'x-amzn-query-mode': 'true',
    };
    let fastSigner: Connection['fastSigner'];
    const settings = sdkSignerSettings(signer);
    if (settings !== undefined) {
      fastSigner = {
        signer: new JsonRequestSigner({
          region: await settings.region(),
          service: settings.service,
          path,
          headers,
          applyChecksum: settings.applyChecksum,
        }),
        credentials: settings.credentials,
      };
    }
    if (this.#isDestroyed) throw new Error('the SQS transport is destroyed');
    this.#pool = new UndiciPool(url.origin, { connections: null });
    return {
      pool: this.#pool,
      fastSigner,
      signer,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path,
      headers,
      isSkewCorrected,
    };
  }
}
